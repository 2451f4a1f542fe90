"""Who is valid on what: the one place that turns passes and attestations into a standing.

A person is valid on a module of a practice while, in that practice, they hold either
* a passed attempt of the module's current major version that has not expired, or
* an external attestation mapped to the module whose ``valid_until`` day has not ended.

A module is required from everyone unless the practice exempted their job from it.
``Facts`` reads everything for a set of practices in a fixed number of queries, so the
matrix, the dashboards, the delegate console and the reminders cost the same whatever the
number of people or practices.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.db.models import Max, TextChoices
from django.utils.translation import gettext_lazy as _

from practices.models import Membership
from training.models import Attempt, ExternalAttestation, Module, ModuleExemption

PARIS = ZoneInfo("Europe/Paris")
EXPIRING_WITHIN = timedelta(days=30)


class State(TextChoices):
    VALID = "valid", _("À jour")
    EXPIRING = "expiring", _("Expire bientôt")
    EXPIRED = "expired", _("Expiré")
    TODO = "todo", _("À faire")


GOOD_STATES = frozenset({State.VALID, State.EXPIRING})


def day_end(day: date) -> datetime:
    """An attestation valid "until 31/12" counts until midnight at the end of that day."""
    return datetime.combine(day + timedelta(days=1), time(0), tzinfo=PARIS)


@dataclass(frozen=True)
class Standing:
    state: str
    # Valid strictly before this instant (None: nothing ever passed).
    until: datetime | None = None
    # When the last pass (or outside course) that counts happened.
    since: datetime | None = None
    source: str = ""  # "quiz" or "external"

    @property
    def last_day(self) -> date | None:
        """The last day (Paris) on which it is still valid, for display."""
        if self.until is None:
            return None
        return (self.until - timedelta(microseconds=1)).astimezone(PARIS).date()

    @property
    def good(self) -> bool:
        return self.state in GOOD_STATES

    @property
    def label(self) -> str:
        return State(self.state).label


def standing(now, current: tuple | None, older: bool, external: tuple | None) -> Standing:
    """The standing from the best current-version pass, any older pass, the best attestation.

    ``current`` and ``external`` are ``(until, since)`` or None.
    """
    candidates = [
        (pair[0], pair[1], source)
        for pair, source in ((current, "quiz"), (external, "external"))
        if pair is not None
    ]
    best = max(candidates, key=lambda candidate: candidate[0], default=None)
    if best is None:
        return Standing(State.EXPIRED if older else State.TODO)
    until, since, source = best
    if until <= now:
        state = State.EXPIRED
    elif until <= now + EXPIRING_WITHIN:
        state = State.EXPIRING
    else:
        state = State.VALID
    return Standing(state, until, since, source)


@dataclass
class Facts:
    """Passes, attestations and exemptions of some practices (4 queries, plus members)."""

    modules: list[Module]
    passes: dict = field(default_factory=dict)  # (practice, user, module) → {major: (until, since)}
    externals: dict = field(default_factory=dict)  # (practice, user, module) → (until, since)
    exempt: set = field(default_factory=set)  # (practice, job, module)

    @classmethod
    def read(cls, practice_ids=None, user_id=None) -> Facts:
        """For the given practices (None: every practice), or one user in them."""
        facts = cls(modules=list(Module.objects.order_by("theme")))
        attempts = Attempt.objects.filter(passed=True, expires_at__isnull=False)
        links = ExternalAttestation.modules.through.objects.all()
        exemptions = ModuleExemption.objects.all()
        if practice_ids is not None:
            attempts = attempts.filter(practice_id__in=practice_ids)
            links = links.filter(externalattestation__practice_id__in=practice_ids)
            exemptions = exemptions.filter(practice_id__in=practice_ids)
        if user_id is not None:
            attempts = attempts.filter(user_id=user_id)
            links = links.filter(externalattestation__user_id=user_id)
        for row in attempts.values("practice_id", "user_id", "module_id", "major_version").annotate(
            until=Max("expires_at"), since=Max("finished_at")
        ):
            key = (row["practice_id"], row["user_id"], row["module_id"])
            facts.passes.setdefault(key, {})[row["major_version"]] = (row["until"], row["since"])
        for row in links.values(
            "externalattestation__practice_id", "externalattestation__user_id", "module_id"
        ).annotate(
            until=Max("externalattestation__valid_until"),
            since=Max("externalattestation__completed_on"),
        ):
            key = (
                row["externalattestation__practice_id"],
                row["externalattestation__user_id"],
                row["module_id"],
            )
            since = datetime.combine(row["since"], time(0), tzinfo=PARIS)
            facts.externals[key] = (day_end(row["until"]), since)
        facts.exempt = set(exemptions.values_list("practice_id", "job", "module_id"))
        return facts

    def required(self, practice_id: int, job: str) -> list[Module]:
        return [m for m in self.modules if (practice_id, job, m.pk) not in self.exempt]

    def standing(self, practice_id: int, user_id: int, module: Module, now) -> Standing:
        key = (practice_id, user_id, module.pk)
        by_major = self.passes.get(key, {})
        current = by_major.get(module.major_version)
        older = any(major != module.major_version for major in by_major)
        return standing(now, current, older, self.externals.get(key))

    def complete(self, membership, now) -> bool:
        """Valid (or about to expire, still valid) on every module required from them."""
        return all(
            self.standing(membership.practice_id, membership.user_id, module, now).good
            for module in self.required(membership.practice_id, membership.job)
        )


@dataclass
class Cell:
    module: Module
    required: bool
    standing: Standing


@dataclass
class Row:
    membership: Membership
    cells: list[Cell]
    complete: bool


@dataclass
class Matrix:
    modules: list[Module]
    rows: list[Row]
    per_module: list[dict]
    staff: int
    valid_staff: int

    @property
    def coverage(self) -> float | None:
        # No module loaded: nothing to be up to date with, so no figure (not a vacuous 100 %).
        return self.valid_staff / self.staff if self.staff and self.modules else None


def _rows(facts: Facts, memberships, now) -> list[Row]:
    rows = []
    for membership in memberships:
        required = {m.pk for m in facts.required(membership.practice_id, membership.job)}
        cells = [
            Cell(
                m,
                m.pk in required,
                facts.standing(membership.practice_id, membership.user_id, m, now),
            )
            for m in facts.modules
        ]
        complete = all(c.standing.good for c in cells if c.required)
        rows.append(Row(membership, cells, complete))
    return rows


def _per_module(modules, rows) -> list[dict]:
    counts = []
    for index, module in enumerate(modules):
        cells = [row.cells[index] for row in rows if row.cells[index].required]
        tally = dict.fromkeys(State.values, 0)
        for cell in cells:
            tally[cell.standing.state] += 1
        counts.append({"module": module, "required": len(cells), **tally})
    return counts


def matrix(practice, now) -> Matrix:
    """Every member × every module, per-module counts and the coverage: 5 queries."""
    facts = Facts.read([practice.pk])
    memberships = Membership.objects.filter(practice=practice).select_related("user")
    rows = _rows(facts, memberships.order_by("user__last_name", "user__first_name", "pk"), now)
    return Matrix(
        modules=facts.modules,
        rows=rows,
        per_module=_per_module(facts.modules, rows),
        staff=len(rows),
        valid_staff=sum(row.complete for row in rows),
    )


def person(practice, membership, now) -> Row:
    """One member's row (4 queries): what is required from them and where they stand."""
    facts = Facts.read([practice.pk], user_id=membership.user_id)
    return _rows(facts, [membership], now)[0]


def console_figures(practice_ids, now) -> dict[int, dict]:
    """Per practice: coverage (0..1, None without staff), staff and valid staff (5 queries)."""
    ids = list(practice_ids)
    facts = Facts.read(ids)
    figures = {pk: {"coverage": None, "staff": 0, "valid_staff": 0} for pk in ids}
    for membership in Membership.objects.filter(practice_id__in=ids).only(
        "practice_id", "user_id", "job"
    ):
        entry = figures[membership.practice_id]
        entry["staff"] += 1
        entry["valid_staff"] += facts.complete(membership, now)
    for entry in figures.values():
        if entry["staff"] and facts.modules:
            entry["coverage"] = entry["valid_staff"] / entry["staff"]
    return figures
