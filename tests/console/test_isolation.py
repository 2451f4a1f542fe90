"""No figure includes a practice that did not grant access (the leaky-aggregate trap), and
the console costs the same number of queries for 5 and for 500 granted practices."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from portal import console
from practices.models import Oversight, Practice
from tests.console.conftest import NOW, audit_at, build_known, checklist_for, incident, run
from tests.factories import OversightFactory, PracticeFactory, UserFactory


def snapshot(delegate):
    """Every figure of every row, as plain values."""
    return [
        (
            r.practice.slug,
            r.registry,
            r.training,
            r.runs_closed,
            r.runs_on_time,
            r.open_actions,
            r.open_incidents,
            r.late_incidents,
            r.last_activity,
            r.activity,
            r.score,
            r.reasons,
        )
        for r in console.rows(delegate, {"sort": "name"})
    ]


def flood(practice, stand_in=None):
    """Huge numbers in a practice: any figure that leaks it moves."""
    checklist = checklist_for(practice, "backups")
    for days in range(1, 80, 2):
        on_time = run(checklist, days, completed_days_ago=days + 1)
        for n in range(3):
            on_time.answers.create(
                practice=practice, item_key=f"k{n}", status="not_done", comment="x"
            )
    for _ in range(30):
        incident(practice, 500)
    for hours in range(1, 40):
        audit_at(practice, NOW - timedelta(hours=hours))
    if stand_in is not None:
        stand_in.REGISTRY[practice.pk] = {"completeness": 1.0, "entries": 90, "review_overdue": 0}
        stand_in.TRAINING[practice.pk] = {"coverage": 1.0, "staff": 90, "valid_staff": 90}


@pytest.fixture
def traps(cast, frozen, stand_in_spaces):
    """Lilas (granted, known fixture) and a second granted practice with nothing; then the
    traps: the other practice (granted to another delegate), a practice whose grant to
    this delegate was revoked, and one the delegate is a plain member of."""
    build_known(cast.practice, stand_in_spaces)
    quiet = PracticeFactory(name="Cabinet Calme")
    OversightFactory(practice=quiet, delegate=cast.delegate)
    revoked = PracticeFactory(name="Cabinet Révoqué")
    OversightFactory(practice=revoked, delegate=cast.delegate, revoked_at=timezone.now())
    member_of = PracticeFactory(name="Cabinet Membre")
    member_of.memberships.create(user=cast.delegate, role="admin")
    return cast, [cast.other_practice, revoked, member_of]


def test_no_figure_moves_when_other_practices_boom(traps, stand_in_spaces):
    cast, trapped = traps
    before = snapshot(cast.delegate)
    for practice in trapped:
        flood(practice, stand_in_spaces)
    assert snapshot(cast.delegate) == before
    calm = Practice.objects.get(name="Cabinet Calme")
    assert [slug for slug, *_ in before] == [calm.slug, "cabinet-des-lilas"]


def test_spaces_are_only_asked_about_granted_practices(traps, stand_in_spaces):
    cast, trapped = traps
    for practice in trapped:
        flood(practice, stand_in_spaces)
    stand_in_spaces.CALLS.clear()
    console.rows(cast.delegate)
    granted = sorted(
        Oversight.objects.filter(delegate=cast.delegate, revoked_at=None).values_list(
            "practice_id", flat=True
        )
    )
    asked = list(stand_in_spaces.CALLS)
    assert asked == [("registry", granted), ("training", granted), ("documents", granted)]


def test_the_page_and_the_csv_never_name_a_trapped_practice(traps, stand_in_spaces):
    cast, trapped = traps
    for practice in trapped:
        flood(practice, stand_in_spaces)
    client = cast.client("delegate")
    for url in ("/delegue/", reverse("delegate_console_csv"), reverse("delegate_suggest")):
        text = client.get(url).content.decode("utf-8-sig")
        for practice in trapped:
            assert practice.name not in text, (url, practice.name)
            assert practice.slug not in text, (url, practice.slug)


def test_the_digest_ignores_trapped_practices(traps, stand_in_spaces):
    cast, trapped = traps
    since = NOW - timedelta(days=7)
    before = console.weekly_digest(cast.delegate, since)
    for practice in trapped:
        flood(practice, stand_in_spaces)
    assert console.weekly_digest(cast.delegate, since) == before


def grant_many(delegate, n, prefix):
    """n granted practices, each with a checklist, a run, an open action, an incident and
    an audit event (bulk inserts: a few queries whatever n)."""
    from portal.models import AuditEvent
    from practices.checklists import content
    from practices.checklists.models import Answer, PracticeChecklist, Run, Template
    from registry.incidents.models import Incident

    content.load()
    template = Template.objects.get(code="workstations")
    region = PracticeFactory().region
    practices = Practice.objects.bulk_create(
        Practice(
            name=f"{prefix} {i:03}", slug=f"{prefix}-{i:03}", region=region, professions=["msp"]
        )
        for i in range(n)
    )
    Oversight.objects.bulk_create(Oversight(practice=p, delegate=delegate) for p in practices)
    checklists = PracticeChecklist.objects.bulk_create(
        PracticeChecklist(
            practice=p, template=template, cadence="FREQ=MONTHLY", starts_on=NOW.date()
        )
        for p in practices
    )
    runs = Run.objects.bulk_create(
        Run(
            practice=c.practice,
            checklist=c,
            period_start=NOW - timedelta(days=40),
            due_at=NOW - timedelta(days=10),
            completed_at=NOW - timedelta(days=11),
        )
        for c in checklists
    )
    Answer.objects.bulk_create(
        Answer(practice=r.practice, run=r, item_key="a", status="not_done") for r in runs
    )
    Incident.objects.bulk_create(
        Incident(
            practice=p,
            kind="other",
            description="x",
            noticed_at=NOW - timedelta(days=5),
            aware_at=NOW - timedelta(days=5),
        )
        for p in practices
    )
    AuditEvent.objects.bulk_create(AuditEvent(practice=p, action="x") for p in practices)


# Named, in order (savepoints aside): session, user, OTP device (3); regions of the filter
# form; grants with practice and region; runs; answers; incidents; last activity; weekly
# activity (7); the page only: pending suggestions count, the menu's own practices (2);
# the session saved (1).
MINE = {"/delegue/": 13, "/delegue/export.csv": 11}


def _real(queries) -> list[str]:
    return [q["sql"] for q in queries.captured_queries if "SAVEPOINT" not in q["sql"]]


@pytest.mark.parametrize("url", ["/delegue/", "/delegue/export.csv"])
def test_query_count_is_the_same_for_5_and_500_practices(db, frozen, url):
    from tests.conftest import verified_client

    counts = {}
    for n in (5, 500):
        user = UserFactory()
        grant_many(user, n, prefix=f"lot{n}")
        client = verified_client(user)
        client.get(url)  # warm-up (content types, session)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        counts[n] = len(queries)
        assert response.status_code == 200
        assert len(console.rows(user)) == n
    assert counts[5] == counts[500], counts


@pytest.mark.parametrize("url", ["/delegue/", "/delegue/export.csv"])
def test_query_budget_of_the_console_itself(db, frozen, stand_in_spaces, url):
    """With the spaces' figures out of the way (stand-ins run no query), the console's
    own budget is exact."""
    from tests.conftest import verified_client

    user = UserFactory()
    grant_many(user, 20, prefix="lot")
    client = verified_client(user)
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    assert len(_real(queries)) == MINE[url], "\n".join(q[:100] for q in _real(queries))
