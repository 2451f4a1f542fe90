"""The delegate console: one row of figures per practice that granted the delegate access.

Every figure is computed over the granted practices only, in a constant number of queries
whatever their number: one query for the grants, then one grouped query per figure
restricted to the granted practice ids (never a query per practice). The checklists',
incidents', registry's and training's figures come from their spaces' contracts
(``console_figures(practice_ids, now)``, ``console_changes(practice_ids, since, now)``, see
portal/spaces.py); a space that answers nothing for a practice shows "—" there and does not
count in its score.

The score and the "needs attention" rules are plain functions over a row, so the page can
state them and the tests can check them by hand.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db.models import Count, Max
from django.db.models.functions import TruncWeek
from django.utils import timezone
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _

from portal import spaces
from portal.models import AuditEvent
from practices.models import Oversight, Practice

ACTIVITY_WEEKS = 12
# Score: the mean of the available rates, minus penalties (see ``score``).
LATE_INCIDENT_PENALTY = 25
OPEN_ACTION_PENALTY = 2
OPEN_ACTION_PENALTY_MAX = 10
# "Needs attention" thresholds.
ATTENTION_SCORE = 60
ATTENTION_OPEN_ACTIONS = 3
QUIET_DAYS = 60

# Interpolated when shown, so the label follows the reader's language.
_interpolate = lazy(lambda text, params: str(text) % params, str)

RATE_LABELS = {
    "registry_completeness": _("Complétude du registre"),
    "registry_freshness": _("Fiches du registre revues à temps"),
    "training_coverage": _("Couverture de la formation"),
    "checklists_on_time": _("Contrôles à l'heure (90 jours)"),
}

REASON_LABELS = {
    "late_incident": _("délai de 72 h dépassé sans décision CNIL enregistrée"),
    "late_rights": _("demande d'exercice des droits sans réponse après l'échéance"),
    "low_score": _interpolate(_("score inférieur à %(n)s"), {"n": ATTENTION_SCORE}),
    "empty_registry": _("registre des traitements vide"),
    "review_overdue": _("revue du registre en retard"),
    "open_actions": _interpolate(
        _("au moins %(n)s actions ouvertes"), {"n": ATTENTION_OPEN_ACTIONS}
    ),
    "quiet": _interpolate(_("aucune activité depuis %(n)s jours"), {"n": QUIET_DAYS}),
    "no_data": _("aucun indicateur disponible"),
    "crisis_card": _("fiche réflexe jamais imprimée ou à réimprimer"),
    "patient_notice": _("information des patients jamais générée ou à mettre à jour"),
    "hds_missing": _("hébergeur de données de santé sans certificat HDS valable"),
}

# The printed documents' states (documents.crisis.State), as the console says them.
CARD_LABELS = {
    "current": _("à jour"),
    "outdated": _("à réimprimer"),
    "never": _("jamais imprimée"),
}
NOTICE_LABELS = {
    "current": _("à jour"),
    "outdated": _("à mettre à jour"),
    "never": _("jamais générée"),
}


@dataclass
class Row:
    practice: Practice
    since: datetime
    registry: dict | None = None
    training: dict | None = None
    # {"card": state, "notice": state} from the documents space, None without it.
    documents: dict | None = None
    # {"hds_missing": n, "expiring": n} from the processors space.
    processors: dict | None = None
    runs_closed: int = 0
    runs_on_time: int = 0
    open_actions: int = 0
    open_incidents: int = 0
    late_incidents: int = 0
    # Rights requests past their deadline without an answer (RightsRequest.objects.late).
    late_rights: int = 0
    last_activity: datetime | None = None
    # Audit events per week, oldest first (ACTIVITY_WEEKS values).
    activity: list[int] = field(default_factory=list)
    rates: dict = field(default_factory=dict)
    score: int | None = None
    reasons: list[str] = field(default_factory=list)

    @property
    def on_time(self) -> float | None:
        return self.runs_on_time / self.runs_closed if self.runs_closed else None

    @property
    def needs_attention(self) -> bool:
        return bool(self.reasons)

    @property
    def documents_current(self) -> int | None:
        """How many of the two printed documents are current (None: no figure)."""
        if self.documents is None:
            return None
        return sum(state == "current" for state in self.documents.values())

    @property
    def card_label(self):
        return CARD_LABELS.get((self.documents or {}).get("card"), "")

    @property
    def notice_label(self):
        return NOTICE_LABELS.get((self.documents or {}).get("notice"), "")

    @property
    def registry_completeness_shown(self) -> float | None:
        """The completeness as the page and the export show it: « — » for a record
        without fiche, as on the practice's dashboard (the score still counts it as 0 %)."""
        return None if empty_registry(self) else self.rates.get("registry_completeness")

    @property
    def reason_labels(self) -> list:
        return [REASON_LABELS[code] for code in self.reasons]


def _grants(delegate):
    """Live grants of the delegate, with their practice and region (1 query)."""
    return list(
        Oversight.objects.filter(delegate=delegate, revoked_at=None)
        .select_related("practice__region")
        .order_by("practice__name")
    )


def _last_activity(ids) -> dict:
    """The latest audit event of each practice (1 query)."""
    rows = (
        AuditEvent.objects.filter(practice_id__in=ids)
        .values("practice_id")
        .annotate(last=Max("at"))
        .order_by()
    )
    return {r["practice_id"]: r["last"] for r in rows}


def _week_start(now) -> datetime:
    local = timezone.localtime(now)
    monday = local - timedelta(days=local.weekday())
    return monday.replace(hour=0, minute=0, second=0, microsecond=0)


def _activity(ids, now) -> dict:
    """Audit events per practice and week over the last weeks (1 query)."""
    first = _week_start(now) - timedelta(weeks=ACTIVITY_WEEKS - 1)
    rows = (
        AuditEvent.objects.filter(practice_id__in=ids, at__gte=first)
        .annotate(week=TruncWeek("at", tzinfo=timezone.get_current_timezone()))
        .values("practice_id", "week")
        .annotate(n=Count("pk"))
        .order_by()
    )
    series: dict[int, list[int]] = {}
    for r in rows:
        index = round((timezone.localtime(r["week"]) - first).days / 7)
        if 0 <= index < ACTIVITY_WEEKS:
            series.setdefault(r["practice_id"], [0] * ACTIVITY_WEEKS)[index] += r["n"]
    return series


def empty_registry(row: Row) -> bool:
    """The registry space answered for the practice, and its record has no fiche."""
    return row.registry is not None and not row.registry.get("entries")


def rates(row: Row) -> dict:
    """The rates (0..1) the score averages; None where the figure is missing.

    An empty record counts as 0 % complete: the record is compulsory, and a practice
    that has not started it must not score better than one half-way through.
    """
    registry, training = row.registry or {}, row.training or {}
    entries = registry.get("entries") or 0
    freshness = None
    if row.registry is not None and entries:
        freshness = max(0.0, 1 - (registry.get("review_overdue") or 0) / entries)
    completeness = 0.0 if empty_registry(row) else registry.get("completeness")
    return {
        "registry_completeness": completeness,
        "registry_freshness": freshness,
        "training_coverage": training.get("coverage"),
        "checklists_on_time": row.on_time,
    }


def score(row: Row) -> int | None:
    """100 × the mean of the available rates, minus 25 points per late incident and
    2 points per open action (10 at most), between 0 and 100; None without any rate."""
    available = [value for value in row.rates.values() if value is not None]
    if not available:
        return None
    value = 100 * sum(available) / len(available)
    value -= LATE_INCIDENT_PENALTY * row.late_incidents
    value -= min(OPEN_ACTION_PENALTY * row.open_actions, OPEN_ACTION_PENALTY_MAX)
    return max(0, min(100, round(value)))


def reasons(row: Row, now) -> list[str]:
    """Why the practice needs attention (empty: it does not)."""
    found = []
    if row.late_incidents:
        found.append("late_incident")
    if row.late_rights:
        found.append("late_rights")
    if row.score is None:
        found.append("no_data")
    elif row.score < ATTENTION_SCORE:
        found.append("low_score")
    if empty_registry(row):
        found.append("empty_registry")
    if row.registry and row.registry.get("review_overdue"):
        found.append("review_overdue")
    if row.open_actions >= ATTENTION_OPEN_ACTIONS:
        found.append("open_actions")
    if row.last_activity is None or row.last_activity < now - timedelta(days=QUIET_DAYS):
        found.append("quiet")
    documents = row.documents or {}
    if documents.get("card") not in (None, "current"):
        found.append("crisis_card")
    if documents.get("notice") not in (None, "current"):
        found.append("patient_notice")
    if (row.processors or {}).get("hds_missing"):
        found.append("hds_missing")
    return found


def compute(delegate, now=None) -> list[Row]:
    """Every granted practice with its figures, sorted by name (constant query count)."""
    now = now or timezone.now()
    grants = _grants(delegate)
    ids = [grant.practice_id for grant in grants]
    if not ids:
        return []
    checklists = spaces.checklists.console_figures(ids, now)
    incidents = spaces.incidents.console_figures(ids, now)
    rights = spaces.rights.console_figures(ids, now)
    registry = spaces.registry.console_figures(ids, now)
    training = spaces.training.console_figures(ids, now)
    documents = spaces.documents.console_figures(ids, now)
    processors = spaces.processors.console_figures(ids, now)
    last, activity = _last_activity(ids), _activity(ids, now)
    table = []
    for grant in grants:
        pid = grant.practice_id
        runs = checklists.get(pid, {})
        row = Row(
            practice=grant.practice,
            since=grant.since,
            registry=registry.get(pid),
            training=training.get(pid),
            documents=documents.get(pid),
            processors=processors.get(pid),
            runs_closed=runs.get("closed", 0),
            runs_on_time=runs.get("on_time", 0),
            open_actions=runs.get("open_actions", 0),
            open_incidents=incidents.get(pid, {}).get("open", 0),
            late_incidents=incidents.get(pid, {}).get("late", 0),
            late_rights=rights.get(pid, {}).get("late", 0),
            last_activity=last.get(pid),
            activity=activity.get(pid, [0] * ACTIVITY_WEEKS),
        )
        row.rates = rates(row)
        row.score = score(row)
        row.reasons = reasons(row, now)
        table.append(row)
    return table


# --- filters and sort -------------------------------------------------------------------

GOOD_SCORE = 80
# band: (label, lowest score, first score above the band); (None, None): no score.
SCORE_BANDS = {
    "low": (_interpolate(_("Moins de %(n)s"), {"n": ATTENTION_SCORE}), 0, ATTENTION_SCORE),
    "mid": (
        _interpolate(_("De %(low)s à %(high)s"), {"low": ATTENTION_SCORE, "high": GOOD_SCORE - 1}),
        ATTENTION_SCORE,
        GOOD_SCORE,
    ),
    "high": (_interpolate(_("%(n)s et plus"), {"n": GOOD_SCORE}), GOOD_SCORE, 101),
    "none": (_("Non calculable"), None, None),
}


def in_band(value: int | None, band: str) -> bool:
    _label, low, above = SCORE_BANDS[band]
    if low is None:
        return value is None
    return value is not None and low <= value < above


SORT_KEYS = {
    "name": lambda r: r.practice.name.casefold(),
    "region": lambda r: r.practice.region.name.casefold(),
    "registry": lambda r: r.rates.get("registry_completeness"),
    "training": lambda r: (r.training or {}).get("coverage"),
    "on_time": lambda r: r.on_time,
    "actions": lambda r: r.open_actions,
    "incidents": lambda r: r.open_incidents,
    "late": lambda r: r.late_incidents,
    "activity": lambda r: r.last_activity,
    "documents": lambda r: r.documents_current,
    "score": lambda r: r.score,
}
DEFAULT_SORT = "score"


def apply_filters(rows: list[Row], filters: dict) -> list[Row]:
    """Keep the rows matching every given filter (profession, region, score, attention)."""
    profession, region = filters.get("profession"), filters.get("region")
    band, attention = filters.get("score"), filters.get("attention")
    kept = []
    for row in rows:
        if profession and profession not in row.practice.professions:
            continue
        if region and row.practice.region.code != region:
            continue
        if band and not in_band(row.score, band):
            continue
        if attention and not row.needs_attention:
            continue
        kept.append(row)
    return kept


def sort_rows(rows: list[Row], sort: str | None) -> list[Row]:
    """Sort by a column ("-" first: descending); missing values always last, then by name."""
    sort = sort if sort and sort.lstrip("-") in SORT_KEYS else DEFAULT_SORT
    key, descending = SORT_KEYS[sort.lstrip("-")], sort.startswith("-")
    by_name = sorted(rows, key=SORT_KEYS["name"])
    present = [r for r in by_name if key(r) is not None]
    missing = [r for r in by_name if key(r) is None]
    return sorted(present, key=key, reverse=descending) + missing


def rows(delegate, filters: dict | None = None, now=None) -> list[Row]:
    """The console table: granted practices only, filtered and sorted."""
    filters = filters or {}
    found = apply_filters(compute(delegate, now), filters)
    return sort_rows(found, filters.get("sort"))


# --- weekly digest ----------------------------------------------------------------------

CHANGE_LABELS = {
    "incidents_new": _("nouveaux incidents"),
    "runs_completed": _("périodes de contrôle terminées"),
    "actions_fixed": _("actions corrigées"),
    "trainings_passed": _("formations validées"),
    "registry_reviews": _("fiches du registre revues"),
}


# Each change of the digest: the label of the console space that counts it, and its key.
CHANGE_SOURCES = {
    "incidents_new": ("incidents", "new"),
    "runs_completed": ("checklists", "completed"),
    "actions_fixed": ("checklists", "fixed"),
    "trainings_passed": ("training", "passed"),
    "registry_reviews": ("registry", "reviews"),
}


def _changes(ids, since, now) -> dict[int, dict[str, int]]:
    """What changed per practice since ``since`` (constant number of queries)."""
    changes: dict[int, dict[str, int]] = {pid: dict.fromkeys(CHANGE_LABELS, 0) for pid in ids}
    answers = {
        space.label: space.console_changes(ids, since, now)
        for space in spaces.CONSOLE
        if space.console_changes is not None
    }
    for code, (label, key) in CHANGE_SOURCES.items():
        for pid, values in answers[label].items():
            if pid in changes:
                changes[pid][code] = int(values.get(key) or 0)
    return changes


def weekly_digest(delegate, since, now=None) -> dict | None:
    """The weekly digest of a delegate: what changed since ``since`` in each granted
    practice and which practices need attention. JSON-safe (reason and change codes,
    labels in ``REASON_LABELS`` / ``CHANGE_LABELS``); None when there is nothing to say.
    """
    now = now or timezone.now()
    table = sort_rows(compute(delegate, now), "name")
    if not table:
        return None
    changes = _changes([row.practice.pk for row in table], since, now)
    practices = [
        {
            "practice_id": row.practice.pk,
            "slug": row.practice.slug,
            "name": row.practice.name,
            "url": row.practice.get_absolute_url(),
            "score": row.score,
            "reasons": row.reasons,
            "changes": {k: v for k, v in changes[row.practice.pk].items() if v},
        }
        for row in table
    ]
    changed = [p for p in practices if p["changes"]]
    attention = [p for p in practices if p["reasons"]]
    if not changed and not attention:
        return None
    totals = {key: sum(p["changes"].get(key, 0) for p in practices) for key in CHANGE_LABELS}
    return {
        "since": since.isoformat(),
        "until": now.isoformat(),
        "practice_count": len(practices),
        "totals": {k: v for k, v in totals.items() if v},
        "changed": changed,
        "needs_attention": attention,
    }
