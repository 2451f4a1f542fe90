"""A synthetic Vigie at a chosen scale, loaded with COPY into an empty, migrated database.

Every practice looks alike (on purpose: the measured practice is a typical one): members
(one admin, the rest staff), every checklist of the library activated years ago with its
past periods answered (a few late, a few actions left open), some incidents, the registry
started from the presets of its professions, training attempts when the training space is
there, and one audit event per answered period. Delegates oversee twenty practices each;
the measured delegate oversees a whole territory (the scale's ``delegate_span`` practices).
"""

from __future__ import annotations

import math
import random
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.contrib.auth.hashers import make_password
from django.utils import timezone

from portal.bench.copy import copy_rows, ids

PASSWORD = "Bench-Vigie-2026!"
ANSWERS_PER_MONTH = 14.25  # the library's items per month (monthly, quarterly, yearly lists)
JOBS = ["secretaire", "assistant", "medecin", "infirmier", "remplacant"]
PROFESSIONS = [["medecine_generale"], ["infirmier"], ["kinesitherapeute"], ["msp"]]


@dataclass(frozen=True)
class Scale:
    practices: int
    staff: int  # people with a membership, admins included
    answers: int  # checklist answers, in total
    delegate_span: int = 100  # practices overseen by the measured delegate

    @property
    def members_per_practice(self) -> int:
        return max(2, self.staff // self.practices)


SCALES = {
    "tiny": Scale(practices=3, staff=12, answers=300),
    "small": Scale(practices=50, staff=500, answers=50_000),
    "default": Scale(practices=1_000, staff=10_000, answers=1_000_000),
    # A regional operator (a GRADeS, a URPS): every practice of a region, same proportions.
    "region": Scale(practices=10_000, staff=100_000, answers=10_000_000, delegate_span=500),
}


@dataclass
class Seeded:
    """What was loaded (row counts, seconds per part) and who the benchmark logs in as."""

    counts: dict = field(default_factory=dict)
    seconds: dict = field(default_factory=dict)
    notes: list = field(default_factory=list)
    practice_slug: str = ""
    admin: str = ""
    staff: str = ""
    delegate: str = ""


class _Timer:
    def __init__(self, seeded: Seeded, name: str):
        self.seeded, self.name = seeded, name

    def __enter__(self):
        self.started = time.monotonic()

    def __exit__(self, *exc):
        self.seeded.seconds[self.name] = round(time.monotonic() - self.started, 2)


def seed(scale: Scale, *, now: datetime | None = None, rng: random.Random | None = None) -> Seeded:
    now = now or timezone.now()
    rng = rng or random.Random(2026)
    seeded = Seeded()
    with _Timer(seeded, "practices and people"):
        practices, members, delegate = _people(scale, now, rng, seeded)
    with _Timer(seeded, "checklists and answers"):
        _checklists(scale, practices, members, now, rng, seeded)
    with _Timer(seeded, "incidents"):
        _incidents(practices, members, now, rng, seeded)
    with _Timer(seeded, "registry"):
        _registry(practices, seeded)
    with _Timer(seeded, "training"):
        _training(practices, members, now, rng, seeded)
    first = practices[0]
    seeded.practice_slug = first["slug"]
    seeded.admin, seeded.staff = members[first["id"]][0]["email"], members[first["id"]][1]["email"]
    seeded.delegate = delegate
    return seeded


def _people(scale, now, rng, seeded):
    from allauth.account.models import EmailAddress

    from portal.models import User
    from practices.models import Membership, Oversight, Practice, Region

    regions = list(Region.objects.values_list("id", flat=True))
    created = now - timedelta(days=3 * 365)
    slugs = [f"cabinet-{n:05d}" for n in range(1, scale.practices + 1)]
    seeded.counts["practices"] = copy_rows(
        Practice,
        (
            {
                "slug": slug,
                "name": f"Cabinet {n:05d}",
                "professions": PROFESSIONS[n % len(PROFESSIONS)],
                "region_id": regions[n % len(regions)],
                "city": "Paris",
                "postcode": "75011",
                "created_at": created,
            }
            for n, slug in enumerate(slugs, start=1)
        ),
    )
    practice_ids = ids(Practice, "slug")
    practices = [{"slug": s, "id": practice_ids[s]} for s in slugs]

    per = scale.members_per_practice
    n_delegates = max(1, math.ceil(scale.practices / 20))
    emails = []
    for p, practice in enumerate(practices, start=1):
        for m in range(per):
            emails.append((practice["id"], m, _member_email(p, m)))
    delegate_emails = [
        "delegue@bench.vigie.test" if d == 0 else f"delegue{d}@bench.vigie.test"
        for d in range(n_delegates)
    ]
    password = make_password(PASSWORD)  # one hash for everyone: hashing is slow on purpose
    seeded.counts["users"] = copy_rows(
        User,
        (
            {
                "email": email,
                "password": password,
                "first_name": "Prénom",
                "last_name": f"Nom {n}",
                "is_active": True,
                "date_joined": created,
                "language": "fr",
            }
            for n, email in enumerate([e for _p, _m, e in emails] + delegate_emails)
        ),
    )
    user_ids = ids(User, "email")
    copy_rows(
        EmailAddress,
        (
            {"user_id": uid, "email": email, "verified": True, "primary": True}
            for email, uid in user_ids.items()
        ),
    )
    seeded.counts["memberships"] = copy_rows(
        Membership,
        (
            {
                "practice_id": practice_id,
                "user_id": user_ids[email],
                "role": "admin" if m == 0 else "staff",
                "job": "medecin" if m == 0 else JOBS[(m - 1) % len(JOBS)],
                "joined_at": created,
            }
            for practice_id, m, email in emails
        ),
    )
    members = {p["id"]: [] for p in practices}
    for practice_id, m, email in emails:
        members[practice_id].append({"email": email, "id": user_ids[email], "admin": m == 0})

    grants = [(0, p["id"]) for p in practices[: scale.delegate_span]]
    grants += [(1 + i // 20, p["id"]) for i, p in enumerate(practices)]
    grants = [(d, practice_id) for d, practice_id in grants if d < n_delegates]
    seeded.counts["delegate grants"] = copy_rows(
        Oversight,
        (
            {
                "practice_id": practice_id,
                "delegate_id": user_ids[delegate_emails[d]],
                "granted_by_id": members[practice_id][0]["id"],
                "since": created,
            }
            for d, practice_id in dict.fromkeys(grants)
        ),
    )
    return practices, members, delegate_emails[0]


def _member_email(practice_number: int, member: int) -> str:
    if practice_number == 1:
        return (
            "admin@bench.vigie.test"
            if member == 0
            else (
                "secretaire@bench.vigie.test" if member == 1 else f"equipe{member}@bench.vigie.test"
            )
        )
    return f"p{practice_number}-m{member}@bench.vigie.test"


def _checklists(scale, practices, members, now, rng, seeded):
    from portal.models import AuditEvent
    from practices.checklists.models import Answer, PracticeChecklist, Run, Template
    from practices.checklists.schedule import PARIS, period_starts

    templates = list(Template.objects.all())
    # A few periods stay unfinished (and so unanswered): a margin, the budget stops the rest.
    months = math.ceil(scale.answers / scale.practices / ANSWERS_PER_MONTH / 0.9) + 2
    starts_on = (now - timedelta(days=months * 30.44)).date().replace(day=1)
    seeded.counts["checklists"] = copy_rows(
        PracticeChecklist,
        (
            {
                "practice_id": p["id"],
                "template_id": t.id,
                "cadence": t.cadence,
                "starts_on": starts_on,
            }
            for p in practices
            for t in templates
        ),
    )
    checklist_ids = {
        (practice_id, template_id): pk
        for practice_id, template_id, pk in PracticeChecklist.objects.values_list(
            "practice_id", "template_id", "id"
        )
    }
    periods = {}
    for t in templates:
        starts = period_starts(PracticeChecklist(cadence=t.cadence, starts_on=starts_on), now)
        periods[t.id] = [
            (a.replace(tzinfo=PARIS), b.replace(tzinfo=PARIS))
            for a, b in zip(starts, starts[1:], strict=False)
            if a.replace(tzinfo=PARIS) <= now
        ]

    def completed(due):
        if due > now:
            return None  # the current period: still to do
        roll = rng.random()
        if roll < 0.05:
            return None  # never finished
        return due - timedelta(days=rng.randint(1, 20)) if roll < 0.9 else due + timedelta(days=3)

    seeded.counts["runs"] = copy_rows(
        Run,
        (
            {
                "practice_id": p["id"],
                "checklist_id": checklist_ids[(p["id"], t.id)],
                "period_start": begin,
                "due_at": due,
                "completed_at": completed(due),
            }
            for p in practices
            for t in templates
            for begin, due in periods[t.id]
        ),
    )
    items = {t.id: [i["key"] for i in t.items] for t in templates}
    template_of = {pk: template_id for (_p, template_id), pk in checklist_ids.items()}
    runs = Run.objects.exclude(completed_at=None).order_by("-period_start")
    # Read before COPY starts: the connection cannot read while it copies.
    rows = list(runs.values_list("id", "practice_id", "checklist_id", "completed_at"))
    budget = scale.answers

    def answers():
        nonlocal budget
        for run_id, practice_id, checklist_id, done_at in rows:
            people = members[practice_id]
            for key in items[template_of[checklist_id]]:
                if budget <= 0:
                    return
                budget -= 1
                roll = rng.random()
                status = "done" if roll < 0.93 else ("not_done" if roll < 0.97 else "na")
                yield {
                    "practice_id": practice_id,
                    "run_id": run_id,
                    "item_key": key,
                    "status": status,
                    "comment": "Action à prévoir" if status == "not_done" else "",
                    "answered_by_id": people[1 + (run_id % (len(people) - 1))]["id"],
                    "answered_at": done_at,
                    "fixed_at": done_at + timedelta(days=7)
                    if status == "not_done" and done_at < now - timedelta(days=60)
                    else None,
                }

    seeded.counts["answers"] = copy_rows(Answer, answers())
    # Chained as portal.audit.record would have (portal/audit_chain.py), in time order.
    from portal.audit_chain import Chainer
    from portal.models import AuditChainHead

    chainer = Chainer({h.key: (h.seq, h.hash) for h in AuditChainHead.objects.all()})
    events = sorted(rows, key=lambda row: (row[1], row[3], row[0]))
    seeded.counts["audit events"] = copy_rows(
        AuditEvent,
        (
            chainer.link(
                {
                    "practice_id": practice_id,
                    "at": done_at,
                    "actor_id": members[practice_id][1]["id"],
                    "actor_label": "",
                    "ip_address": None,
                    "action": "checklist.run.complete",
                    "target_type": "checklists.run",
                    "target_id": str(run_id),
                    "target_label": "Période",
                    "changes": {},
                }
            )
            for run_id, practice_id, _checklist_id, done_at in events
        ),
    )
    for key, (seq, digest) in chainer.heads.items():
        AuditChainHead.objects.update_or_create(
            key=key,
            defaults={
                "practice_id": None if key == "platform" else int(key[1:]),
                "seq": seq,
                "hash": digest,
            },
        )


def _incidents(practices, members, now, rng, seeded):
    from registry.incidents.models import Incident

    kinds = ["phishing", "ransomware", "device_loss", "misdirected", "outage"]

    def incident(p, n):
        at = now - timedelta(days=2 + 97 * n, hours=rng.randint(0, 20))
        return {
            "practice_id": p["id"],
            "reported_by_id": members[p["id"]][1]["id"],
            "kind": kinds[(p["id"] + n) % len(kinds)],
            "description": "Incident synthétique du banc d'essai (Patient X).",
            "noticed_at": at,
            "aware_at": at,
            "created_at": at,
            "status": "open" if n == 0 else "closed",
            "personal_data": n % 2 == 1,
            "risk": "risk" if n % 2 == 1 else "",
        }

    seeded.counts["incidents"] = copy_rows(
        Incident, (incident(p, n) for p in practices for n in range(4))
    )


def _registry(practices, seeded):
    """The presets adopted (by the service) in one practice per profession, then copied."""
    try:
        from registry import services
        from registry.models import (
            ActivityData,
            Preset,
            ProcessingActivity,
            Recipient,
            SecurityMeasure,
            Subject,
            Transfer,
        )
    except ImportError as error:
        seeded.notes.append(f"registry not seeded: {error}")
        return
    from practices.models import Practice

    by_profile: dict[int, list[int]] = {}
    for n, practice in enumerate(practices, start=1):
        by_profile.setdefault(n % len(PROFESSIONS), []).append(practice["id"])
    sources = {ids_[0]: ids_[1:] for ids_ in by_profile.values()}
    for practice in Practice.objects.filter(id__in=list(sources)):
        for preset in Preset.objects.all():
            if preset.applies_to(practice.professions):
                services.adopt_preset(practice=practice, preset_key=preset.key)
    skip = {"id", "public_id"}
    activities = list(ProcessingActivity.objects.filter(practice_id__in=list(sources)).values())
    seeded.counts["registry entries"] = len(activities) + copy_rows(
        ProcessingActivity,
        (
            {**{k: v for k, v in a.items() if k not in skip}, "practice_id": target}
            for a in activities
            for target in sources[a["practice_id"]]
        ),
    )
    new_ids = {
        (practice_id, reference): pk
        for practice_id, reference, pk in ProcessingActivity.objects.values_list(
            "practice_id", "reference", "id"
        )
    }
    reference_of = {a["id"]: a["reference"] for a in activities}
    for model in (ActivityData, Subject, Recipient, SecurityMeasure, Transfer):
        parts = list(model.objects.filter(practice_id__in=list(sources)).values())
        copy_rows(
            model,
            (
                {
                    **{k: v for k, v in part.items() if k not in skip},
                    "practice_id": target,
                    "activity_id": new_ids[(target, reference_of[part["activity_id"]])],
                }
                for part in parts
                for target in sources[part["practice_id"]]
            ),
        )


def _training(practices, members, now, rng, seeded):
    try:
        from training.models import Attempt, Module
    except ImportError as error:
        seeded.notes.append(f"training not seeded: {error}")
        return
    modules = list(Module.objects.all())
    if not modules:
        seeded.notes.append("training not seeded: no module loaded")
        return

    def attempts():
        for p in practices:
            for person in members[p["id"]]:
                for module in modules:
                    if rng.random() < 0.2:
                        continue  # not taken yet
                    done = now - timedelta(days=rng.randint(1, 500))
                    yield {
                        "practice_id": p["id"],
                        "user_id": person["id"],
                        "module_id": module.id,
                        "module_version": module.version,
                        "major_version": module.major_version,
                        "started_at": done - timedelta(minutes=12),
                        "finished_at": done,
                        "correct": 8,
                        "total": 10,
                        "score": 80,
                        "passed": True,
                        "expires_at": done + timedelta(days=30 * module.validity_months),
                    }

    try:
        seeded.counts["training attempts"] = copy_rows(Attempt, attempts())
    except Exception as error:  # the training space is still moving: say so, go on
        seeded.notes.append(f"training not seeded: {error}")


# What a seed loaded, kept in the benchmark database itself so that ``--reuse`` can measure
# again without seeding (a table of the benchmark only, outside Django's migrations).


def store(scale: Scale, seeded: Seeded) -> None:
    import json

    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE IF NOT EXISTS bench_seeded (scale text, seeded jsonb)")
        cursor.execute("DELETE FROM bench_seeded")
        cursor.execute(
            "INSERT INTO bench_seeded VALUES (%s, %s)",
            [json.dumps(scale.__dict__, sort_keys=True), json.dumps(seeded.__dict__)],
        )


def stored(scale: Scale) -> Seeded | None:
    """The seed already in this database at ``scale``, or None (then seed it)."""
    import json

    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass(%s)", ["bench_seeded"])
        if cursor.fetchone()[0] is None:
            return None
        cursor.execute(
            "SELECT seeded FROM bench_seeded WHERE scale = %s",
            [json.dumps(scale.__dict__, sort_keys=True)],
        )
        row = cursor.fetchone()
    if row is None:
        return None
    value = row[0] if isinstance(row[0], dict) else json.loads(row[0])
    return Seeded(**value)


def reset_reminders() -> None:
    """Before a first sweep: no reminder sent yet, and every row that stores when it is
    next due set to its first step (COPY bypasses the models' ``schedule_reminder``), as
    the migrations that added those columns set them."""
    from django.db.models import F, OuterRef, Subquery

    from portal.notifications.models import SentReminder
    from practices.checklists.models import (
        REMINDER_LEAD,
        AttestationReminder,
        PracticeChecklist,
        Run,
    )
    from registry.incidents.models import FIRST_REMINDER, Incident
    from training.models import TrainingReminder

    SentReminder.objects.all().delete()
    latest = Run.objects.filter(checklist=OuterRef("pk")).order_by("-due_at")
    PracticeChecklist.objects.update(periods_until=Subquery(latest.values("due_at")[:1]))
    Run.objects.exclude(remind_at=None).update(remind_at=None)
    Run.objects.filter(completed_at=None).update(remind_at=F("due_at") - REMINDER_LEAD)
    Incident.objects.update(remind_at=F("aware_at") + FIRST_REMINDER)
    AttestationReminder.objects.all().delete()  # the first sweep creates them, due at once
    TrainingReminder.objects.all().delete()
