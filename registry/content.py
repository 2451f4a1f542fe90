"""Load the shipped presets (content/presets.yaml), idempotently."""

from pathlib import Path

import yaml
from django.db import transaction

from registry.models import Preset

CONTENT = Path(__file__).resolve().parent / "content" / "presets.yaml"
DATA_KEYS = (
    "name",
    "main_purpose",
    "sub_purposes",
    "legal_basis",
    "legal_basis_source",
    "health_exception",
    "health_exception_source",
    "dpia",
    "data",
    "subjects",
    "recipients",
    "measures",
    "transfers",
    # Equipment or a service a practice may not have (CCTV, a website…): the preset starts
    # unticked in « Démarrer mon registre », with this question as its hint.
    "only_if",
)


@transaction.atomic
def load(path: Path = CONTENT) -> str:
    created = updated = 0
    entries = yaml.safe_load(path.read_text(encoding="utf-8"))["presets"]
    for position, entry in enumerate(entries):
        fields = {
            "version": entry["version"],
            "professions": entry.get("professions", []),
            "position": position,
            "data": {key: entry[key] for key in DATA_KEYS if key in entry},
        }
        preset, was_created = Preset.objects.get_or_create(key=entry["key"], defaults=fields)
        if was_created:
            created += 1
        elif any(getattr(preset, k) != v for k, v in fields.items()):
            Preset.objects.filter(pk=preset.pk).update(**fields)
            updated += 1
    return f"{created} created, {updated} updated"


def statements(path: Path = CONTENT) -> list:
    """Each preset's legal statements (legal basis, article 9 exception, every retention
    period) with their sources, for ``manage.py content_sources``."""
    from portal.sources import Statement, parse

    found = []
    for entry in yaml.safe_load(path.read_text(encoding="utf-8"))["presets"]:
        where = f"registry/content/presets.yaml {entry['key']} v{entry['version']}"
        found.append(
            Statement(
                where=f"{where} base légale",
                text=f"Base légale {entry['legal_basis']} (proposition, à valider par le cabinet)",
                sources=parse(entry.get("legal_basis_source")),
            )
        )
        if entry.get("health_exception"):
            found.append(
                Statement(
                    where=f"{where} exception art. 9",
                    text=f"Exception {entry['health_exception']}",
                    sources=parse(entry.get("health_exception_source")),
                )
            )
        for row in entry.get("data", []):
            required = bool(row.get("retention_required"))
            text = row.get("retention") or ""
            if required:
                text = f"À remplir par le cabinet : {row.get('retention_hint', '')}"
            found.append(
                Statement(
                    where=f"{where} conservation {row['category']}",
                    text=text,
                    sources=parse(row),
                    retention=True,
                    required=required and not row.get("retention"),
                )
            )
    return found
