"""The sources of what a fiche took from its preset (portal/sources.py).

A fiche started from a preset keeps the preset's key and version. Its legal basis, its
article 9 exception and each data line's retention show the preset's source while they
still read as the preset says (a line the practice rewrote is its own statement, and a line
left for the practice to fill in shows why no figure was given). A fiche adopted from an
older version of its preset says so: the preset was corrected since.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from portal import sources
from registry.models import Preset


@dataclass
class FicheSources:
    legal_basis: list = field(default_factory=list)
    health_exception: list = field(default_factory=list)
    data: dict = field(default_factory=dict)  # category -> sources
    outdated: bool = False  # adopted from an older version of the preset
    preset_version: int | None = None


def for_activity(activity, preset: Preset | None, rows=None) -> FicheSources:
    found = FicheSources()
    if preset is None:
        return found
    data = preset.data
    found.preset_version = preset.version
    found.outdated = (activity.preset_version or 0) < preset.version
    if activity.legal_basis and activity.legal_basis == data.get("legal_basis"):
        found.legal_basis = sources.parse(data.get("legal_basis_source"))
    if activity.health_exception and activity.health_exception == data.get("health_exception"):
        found.health_exception = sources.parse(data.get("health_exception_source"))
    by_category = {row["category"]: row for row in data.get("data", [])}
    for row in activity.data.all() if rows is None else rows:
        preset_row = by_category.get(row.category)
        if preset_row is None:
            continue
        if preset_row.get("retention_required") or row.retention == preset_row.get("retention"):
            found.data[row.category] = sources.parse(preset_row)
    return found


def annotate(activities) -> None:
    """Set ``activity.content_sources`` on each activity, in one query for all of them."""
    keys = {a.preset_key for a in activities if a.preset_key}
    presets = {p.key: p for p in Preset.objects.filter(key__in=keys)} if keys else {}
    for activity in activities:
        activity.content_sources = for_activity(activity, presets.get(activity.preset_key))


def retention_with_source(activity, row) -> str:
    """The retention as the exports write it: the text, then its source when it has one."""
    found = getattr(activity, "content_sources", None)
    line = sources.line(found.data.get(row.category, [])) if found else ""
    return f"{row.retention}\n{line}" if line else row.retention


def basis_source(activity, name: str) -> str:
    found = getattr(activity, "content_sources", None)
    if not found:
        return ""
    return sources.line(getattr(found, name))
