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
    "health_exception",
    "dpia",
    "data",
    "subjects",
    "recipients",
    "measures",
    "transfers",
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
