"""The patient information notice's data: the practice's record header and its fiches in
force that concern patients, gathered for any number of practices in a constant number of
queries, with what changed since the last generation."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml
from django.utils.translation import gettext_lazy as _

from documents.crisis import fingerprint, last_prints
from documents.models import NoticeSettings, Printing
from registry import cnil
from registry.models import ActivityData, ProcessingActivity, Recipient, RecordHeader

CONTENT = Path(__file__).resolve().parent / "content" / "notice.yaml"
PATIENTS = (cnil.SubjectCategory.PATIENTS, cnil.SubjectCategory.REPRESENTATIVES)
HEADER_FIELDS = [
    "controller_last_name",
    "controller_first_name",
    "controller_address",
    "controller_postcode",
    "controller_city",
    "controller_phone",
    "controller_email",
    "dpo_designated",
    "dpo_last_name",
    "dpo_first_name",
    "dpo_phone",
    "dpo_email",
    "dpo_company",
]


@cache
def content() -> dict:
    return yaml.safe_load(CONTENT.read_text(encoding="utf-8"))


def notice_data(practice_ids) -> dict[int, dict]:
    """``{practice_id: data}`` in 6 queries whatever the number of practices: headers,
    paragraphs, fiches in force for patients, and their data, subjects and recipients."""
    ids = list(practice_ids)
    data = {pid: {"header": None, "own": "", "activities": {}} for pid in ids}
    for row in RecordHeader.objects.filter(practice_id__in=ids).values(
        "practice_id", *HEADER_FIELDS
    ):
        data[row.pop("practice_id")]["header"] = row
    for row in NoticeSettings.objects.filter(practice_id__in=ids).values(
        "practice_id", "own_paragraph"
    ):
        data[row["practice_id"]]["own"] = row["own_paragraph"]
    in_force = ProcessingActivity.objects.filter(
        practice_id__in=ids,
        status=cnil.Status.ACTIVE,
        subjects__category__in=PATIENTS,
    ).distinct()
    activities = {}
    for row in in_force.order_by("practice_id", "reference", "pk").values(
        "pk",
        "practice_id",
        "public_id",
        "reference",
        "name",
        "main_purpose",
        *[f"sub_purpose_{i}" for i in range(1, 6)],
        "legal_basis",
        "health_exception",
    ):
        purposes = [row["main_purpose"], *[row[f"sub_purpose_{i}"] for i in range(1, 6)]]
        activity = {
            "name": row["name"],
            "reference": row["reference"],
            "purposes": [p for p in purposes if p],
            "legal_basis": row["legal_basis"],
            "health_exception": row["health_exception"],
            "retention": [],
            "recipients": [],
        }
        activities[row["pk"]] = activity
        data[row["practice_id"]]["activities"][str(row["public_id"])] = activity
    for row in ActivityData.objects.filter(activity_id__in=activities).values(
        "activity_id", "category", "label", "retention"
    ):
        title = row["label"] if row["category"] == cnil.DataCategory.CUSTOM else ""
        activities[row["activity_id"]]["retention"].append(
            {"category": row["category"], "label": title or "", "retention": row["retention"]}
        )
    for row in Recipient.objects.filter(activity_id__in=activities).values(
        "activity_id", "kind", "details", "hds_certified"
    ):
        activities[row.pop("activity_id")]["recipients"].append(row)
    return data


PART_LABELS = {
    "purposes": _("finalités"),
    "legal_basis": _("base légale"),
    "health_exception": _("données de santé"),
    "recipients": _("destinataires"),
    "retention": _("durées de conservation"),
    "name": _("nom"),
}


def changes(printed: dict, current: dict) -> list[str]:
    """What changed between two notices' data, in words (empty: nothing)."""
    found = []
    if printed.get("header") != current.get("header"):
        found.append(str(_("le responsable ou le contact (en-tête du registre)")))
    before, after = printed.get("activities") or {}, current.get("activities") or {}
    for key, activity in after.items():
        old = before.get(key)
        if old is None:
            found.append(str(_("fiche « %(name)s » mise en vigueur") % {"name": activity["name"]}))
        elif old != activity:
            parts = [
                str(label)
                for part, label in PART_LABELS.items()
                if old.get(part) != activity.get(part)
            ]
            found.append(
                str(_("fiche « %(name)s » modifiée : %(parts)s"))
                % {"name": activity["name"], "parts": ", ".join(parts)}
            )
    for key, activity in before.items():
        if key not in after:
            found.append(str(_("fiche « %(name)s » retirée") % {"name": activity["name"]}))
    if printed.get("own", "") != current.get("own", ""):
        found.append(str(_("votre paragraphe")))
    return found


@dataclass
class Status:
    data: dict
    last: dict | None

    @property
    def fingerprint(self) -> str:
        return fingerprint(self.data)

    @property
    def state(self) -> str:
        from documents.crisis import State

        if self.last is None:
            return State.NEVER
        return State.CURRENT if self.last["fingerprint"] == self.fingerprint else State.OUTDATED

    @property
    def changes(self) -> list[str]:
        if self.last is None or self.last["fingerprint"] == self.fingerprint:
            return []
        return changes(self.last["data"] or {}, self.data)


def statuses(practice_ids) -> dict[int, Status]:
    """The notice's status for each practice (6 queries whatever their number)."""
    ids = list(practice_ids)
    data, prints = notice_data(ids), last_prints(ids, [Printing.Document.NOTICE])
    return {
        pid: Status(data=values, last=prints.get((pid, Printing.Document.NOTICE)))
        for pid, values in data.items()
    }


def statements() -> list:
    """The notice's legal statements (its footnotes, and any fixed text naming a rule or an
    authority), for ``manage.py content_sources``."""
    from portal.sources import LEGAL, Statement, parse

    found = [
        Statement(
            where=f"documents/content/notice.yaml sources.{entry['key']}",
            text=entry["text"]["fr"],
            sources=parse(entry),
        )
        for entry in content()["sources"]
    ]
    for group in ("texts", "legal_basis", "health_exception", "recipients"):
        for key, text in content()[group].items():
            if text.get("source") or LEGAL.search(text["fr"]):
                found.append(
                    Statement(
                        where=f"documents/content/notice.yaml {group}.{key}",
                        text=text["fr"],
                        sources=parse(text),
                    )
                )
    return found
