"""The crisis card's data: what the practice keeps in Vigie, gathered for any number of
practices in a constant number of queries (the dashboard asks for one, the delegate console
for all of a delegate's), and its fingerprint.

The data is JSON-safe and holds everything the card prints except the print date, so two
prints from the same data have the same fingerprint, and a change to a contact, to the
backup log, to the team's admins or delegates, or to the shipped content gives another one.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml
from django.conf import settings
from django.db.models import OuterRef, Subquery
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from documents.models import CrisisContacts, Printing
from practices.checklists.models import BackupCopy, RestoreTest
from practices.models import Membership, Oversight, Practice
from practices.roles import Role
from registry.incidents import breach

CONTENT = Path(__file__).resolve().parent / "content" / "crisis_card.yaml"
CONTACT_FIELDS = [
    "manager_name",
    "manager_phone",
    "it_name",
    "it_phone",
    "it_email",
    "dpo_name",
    "dpo_phone",
    "dpo_email",
    "insurer_name",
    "insurer_phone",
    "insurer_policy",
    "restorer_name",
    "restorer_phone",
]
# The card has room for this many backup copies; more are counted, not listed.
COPIES_SHOWN = 4


@cache
def content() -> dict:
    return yaml.safe_load(CONTENT.read_text(encoding="utf-8"))


@cache
def content_digest() -> str:
    """The shipped texts the card prints (national contacts, the seed's reflexes)."""
    digest = hashlib.sha256(CONTENT.read_bytes())
    digest.update(breach.CONTENT.read_bytes())
    return digest.hexdigest()[:16]


def report_url(slug: str) -> str:
    """The absolute address of the practice's « Signaler un incident » page."""
    return settings.SITE_URL + reverse("incidents:report", kwargs={"practice_slug": slug})


def fingerprint(data: dict) -> str:
    text = json.dumps(data, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _name(row: dict, prefix: str) -> str:
    full = f"{row[prefix + 'first_name']} {row[prefix + 'last_name']}".strip()
    return full or row[prefix + "email"]


def card_data(practice_ids) -> dict[int, dict]:
    """``{practice_id: data}`` for the given practices, in 6 queries whatever their number:
    practices, contacts, admins, delegates, backup copies, last successful restore test."""
    ids = list(practice_ids)
    data = {
        p["pk"]: {
            "practice": {k: p[k] for k in ("name", "address", "postcode", "city")},
            "report_url": report_url(p["slug"]),
            "content": content_digest(),
            "contacts": dict.fromkeys(CONTACT_FIELDS, ""),
            "admins": [],
            "delegates": [],
            "copies": [],
            "restore": None,
        }
        for p in Practice.objects.filter(pk__in=ids).values(
            "pk", "slug", "name", "address", "postcode", "city"
        )
    }
    for row in CrisisContacts.objects.filter(practice_id__in=ids).values(
        "practice_id", *CONTACT_FIELDS
    ):
        data[row["practice_id"]]["contacts"] = {k: row[k] for k in CONTACT_FIELDS}
    people = "user__first_name", "user__last_name", "user__email"
    for row in (
        Membership.objects.filter(practice_id__in=ids, role=Role.ADMIN)
        .order_by("practice_id", "joined_at", "pk")
        .values("practice_id", *people)
    ):
        data[row["practice_id"]]["admins"].append(
            {"name": _name(row, "user__"), "email": row["user__email"]}
        )
    people = "delegate__first_name", "delegate__last_name", "delegate__email"
    for row in (
        Oversight.objects.filter(practice_id__in=ids, revoked_at=None)
        .order_by("practice_id", "since", "pk")
        .values("practice_id", *people)
    ):
        data[row["practice_id"]]["delegates"].append(
            {"name": _name(row, "delegate__"), "email": row["delegate__email"]}
        )
    for row in (
        BackupCopy.objects.filter(practice_id__in=ids)
        .order_by("practice_id", "name", "pk")
        .values("practice_id", "name", "medium", "off_site", "frequency")
    ):
        data[row.pop("practice_id")]["copies"].append(row)
    latest = (
        RestoreTest.objects.filter(practice=OuterRef("practice"), success=True)
        .order_by("-tested_on", "-pk")
        .values("pk")[:1]
    )
    for row in RestoreTest.objects.filter(practice_id__in=ids, pk=Subquery(latest)).values(
        "practice_id",
        "tested_on",
        "copy__name",
        "tested_by__first_name",
        "tested_by__last_name",
        "tested_by__email",
    ):
        # Who restored last (not when: a restore test each quarter must not outdate the card).
        tester = _name(row, "tested_by__") if row["tested_by__email"] else ""
        data[row["practice_id"]]["restore"] = {"by": tester, "copy": row["copy__name"]}
    return data


def last_prints(practice_ids, documents=None) -> dict[tuple[int, str], dict]:
    """``{(practice_id, document): last print}`` in 1 query, for every document by default."""
    documents = documents or Printing.Document.values
    latest = (
        Printing.objects.filter(practice=OuterRef("practice"), document=OuterRef("document"))
        .order_by("-printed_at", "-pk")
        .values("pk")[:1]
    )
    rows = Printing.objects.filter(
        practice_id__in=list(practice_ids), document__in=documents, pk=Subquery(latest)
    ).values(
        "practice_id",
        "document",
        "printed_at",
        "fingerprint",
        "data",
        "language",
        "printed_by__first_name",
        "printed_by__last_name",
        "printed_by__email",
    )
    return {(r["practice_id"], r["document"]): r for r in rows}


SECTION_LABELS = {
    "practice": _("coordonnées du cabinet"),
    "contacts": _("contacts du cabinet"),
    "admins": _("administrateurs du cabinet"),
    "delegates": _("délégué numérique en santé"),
    "copies": _("sauvegardes"),
    "restore": _("restauration des sauvegardes"),
    "content": _("contacts nationaux et réflexes (mise à jour de Vigie)"),
    "report_url": _("adresse de la page « Signaler un incident »"),
}


class State:
    NEVER = "never"
    CURRENT = "current"
    OUTDATED = "outdated"


@dataclass
class Status:
    """A document of one practice against its last print."""

    data: dict
    last: dict | None

    @property
    def fingerprint(self) -> str:
        return fingerprint(self.data)

    @property
    def state(self) -> str:
        if self.last is None:
            return State.NEVER
        if self.last["fingerprint"] == self.fingerprint:
            return State.CURRENT
        return State.OUTDATED

    @property
    def changes(self) -> list:
        """What changed since the last print, as labels (empty when current or never)."""
        if self.state != State.OUTDATED:
            return []
        printed = self.last["data"] or {}
        keys = [k for k in SECTION_LABELS if printed.get(k) != self.data.get(k)]
        return [SECTION_LABELS[k] for k in keys]

    @property
    def printed_by(self) -> str:
        if self.last is None or not self.last["printed_by__email"]:
            return ""
        return _name(self.last, "printed_by__")


def statuses(practice_ids) -> dict[int, Status]:
    """The crisis card's status for each practice (7 queries whatever their number)."""
    ids = list(practice_ids)
    data, prints = card_data(ids), last_prints(ids, [Printing.Document.CRISIS_CARD])
    return {
        pid: Status(data=values, last=prints.get((pid, Printing.Document.CRISIS_CARD)))
        for pid, values in data.items()
    }


_PARENTHESIS = re.compile(r"\s*\([^)]*\)")
_SENTENCE_END = re.compile(r"(?<=\.)\s+(?=[A-ZÀ-Ý])")


def short(text: str) -> str:
    """The seed's words, short: a reflex's first sentence, without its explanations in
    brackets (« Porter plainte (police ou gendarmerie). Le CERT Santé… » → « Porter
    plainte. »)."""
    first = _SENTENCE_END.split(_PARENTHESIS.sub("", text).strip(), maxsplit=1)[0]
    return first.strip()


def statements() -> list:
    """The card's national contacts, for ``manage.py content_sources``: each states a rule
    or an authority's service and carries its sources."""
    from portal.sources import Statement, parse

    return [
        Statement(
            where=f"documents/content/crisis_card.yaml national.{entry['key']}",
            text=entry["how"]["fr"],
            sources=parse(entry),
        )
        for entry in content()["national"]
    ]
