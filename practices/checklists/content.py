"""Load the shipped checklist library (content/templates.yaml), idempotently."""

from pathlib import Path

import yaml
from django.db import transaction

from practices.checklists.models import Template

CONTENT = Path(__file__).resolve().parent / "content" / "templates.yaml"


def _data(path: Path = CONTENT) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


@transaction.atomic
def load() -> str:
    created = updated = 0
    for entry in _data()["templates"]:
        fields = {k: entry[k] for k in ("version", "title", "section", "cadence", "items")}
        template, was_created = Template.objects.get_or_create(code=entry["code"], defaults=fields)
        if was_created:
            created += 1
        elif any(getattr(template, k) != v for k, v in fields.items()):
            Template.objects.filter(pk=template.pk).update(**fields)
            updated += 1
    return f"{created} created, {updated} updated"


def seed_coverage(path: Path = CONTENT) -> dict[str, list[str]]:
    """Seed bullet id → French texts of the checklist items that cover it."""
    coverage: dict[str, list[str]] = {}
    for template in _data(path)["templates"]:
        for item in template["items"]:
            for bullet in item["seed"]:
                coverage.setdefault(bullet, []).append(item["text"]["fr"])
    return coverage


def statements(path: Path = CONTENT) -> list:
    """Each checklist item that states a rule, with its sources, for
    ``manage.py content_sources``."""
    from portal.sources import LEGAL, Statement, parse

    found = []
    data = _data(path)
    for template in data["templates"]:
        for item in template["items"]:
            text = f"{item['text']['fr']} {item['why']['fr']} {item['evidence']['fr']}"
            if item.get("source") or LEGAL.search(text):
                found.append(
                    Statement(
                        where=f"{path.name} {template['code']}.{item['key']}",
                        text=item["text"]["fr"],
                        sources=parse(item),
                    )
                )
    for item in data.get("attestations", {}).get("items", []):
        if item.get("source") or LEGAL.search(item["text"]["fr"]):
            found.append(
                Statement(
                    where=f"{path.name} attestations.{item['key']}",
                    text=item["text"]["fr"],
                    sources=parse(item),
                )
            )
    return found
