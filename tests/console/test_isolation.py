"""No figure includes a practice that did not grant access (the leaky-aggregate trap), and
the console costs the same number of queries for 5 and for 500 granted practices."""

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from portal import console
from practices.models import Oversight, Practice
from tests.console.conftest import (
    NOW,
    YESTERDAY,
    audit_at,
    build_known,
    checklist_for,
    incident,
    print_documents,
    registry_with,
    run,
    training_with,
)
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


def flood(practice):
    """Big numbers in a practice, in every space: any figure that leaks it moves."""
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
    registry_with(practice, entries=5, overdue=2, reviewed_this_week=3)
    training_with(practice, staff=4, valid=4, passed_this_week=4)
    print_documents(practice, moment=YESTERDAY)


@pytest.fixture
def traps(cast, frozen):
    """Lilas (granted, known fixture) and a second granted practice with nothing; then the
    traps: the other practice (granted to another delegate), a practice whose grant to
    this delegate was revoked, and one the delegate is a plain member of."""
    build_known(cast.practice, cast.admin)
    quiet = PracticeFactory(name="Cabinet Calme")
    OversightFactory(practice=quiet, delegate=cast.delegate)
    revoked = PracticeFactory(name="Cabinet Révoqué")
    OversightFactory(practice=revoked, delegate=cast.delegate, revoked_at=timezone.now())
    member_of = PracticeFactory(name="Cabinet Membre")
    member_of.memberships.create(user=cast.delegate, role="admin")
    return cast, [cast.other_practice, revoked, member_of]


def test_no_figure_moves_when_other_practices_boom(traps):
    cast, trapped = traps
    before = snapshot(cast.delegate)
    for practice in trapped:
        flood(practice)
    assert snapshot(cast.delegate) == before
    calm = Practice.objects.get(name="Cabinet Calme")
    assert [slug for slug, *_ in before] == [calm.slug, "cabinet-des-lilas"]


# The practice ids a query reads rows of: ``practice_id IN (…)`` or ``= …``, and the
# practices table's own ids.
PRACTICE_IDS = re.compile(
    r'(?:"practice_id"|"practices_practice"\."id") (?:IN \(([\d, ]+)\)|= (\d+))'
)


def test_spaces_are_only_asked_about_granted_practices(traps):
    """Every query of the console (the spaces' figures included) that names practices
    names granted ones only."""
    cast, trapped = traps
    for practice in trapped:
        flood(practice)
    granted = set(
        Oversight.objects.filter(delegate=cast.delegate, revoked_at=None).values_list(
            "practice_id", flat=True
        )
    )
    with CaptureQueriesContext(connection) as queries:
        console.rows(cast.delegate)
    asked = []
    for query in queries.captured_queries:
        for listed, single in PRACTICE_IDS.findall(query["sql"]):
            asked.append({int(n) for n in (listed or single).split(",")})
    # checklists 2, incidents 1, registry 2, training 4, documents 12, activity 2
    assert len(asked) >= 20, queries.captured_queries
    assert all(ids <= granted for ids in asked), asked
    assert granted in asked


def test_the_page_and_the_csv_never_name_a_trapped_practice(traps):
    cast, trapped = traps
    for practice in trapped:
        flood(practice)
    client = cast.client("delegate")
    for url in ("/delegue/", reverse("delegate_console_csv"), reverse("delegate_suggest")):
        text = client.get(url).content.decode("utf-8-sig")
        for practice in trapped:
            assert practice.name not in text, (url, practice.name)
            assert practice.slug not in text, (url, practice.slug)


def test_the_digest_ignores_trapped_practices(traps):
    cast, trapped = traps
    since = NOW - timedelta(days=7)
    before = console.weekly_digest(cast.delegate, since)
    for practice in trapped:
        flood(practice)
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
# form; grants with practice and region; runs; answers; incidents; rights requests; last
# activity; weekly activity (8); the page only: pending suggestions count, the menu's own
# practices (2); the session saved (1).
MINE = {"/delegue/": 14, "/delegue/export.csv": 12}


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


# The registry's, processors', training's and documents' figures, each measured on its own
# below (documents: 10 here, without fiches in force whose data and recipients to read; 12
# with, tests/console/test_documents_column.py).
SPACES = {"registry": 2, "processors": 1, "training": 5, "documents": 10}


@pytest.mark.parametrize("url", ["/delegue/", "/delegue/export.csv"])
def test_query_budget_of_the_console_itself(db, frozen, url):
    """The page's queries are exactly the console's own (MINE) plus the four spaces'
    figures, each of which keeps its own budget."""
    from portal import spaces
    from tests.conftest import verified_client

    user = UserFactory()
    grant_many(user, 20, prefix="lot")
    ids = list(Oversight.objects.filter(delegate=user).values_list("practice_id", flat=True))
    for label, budget in SPACES.items():
        with CaptureQueriesContext(connection) as queries:
            getattr(spaces, label).console_figures(ids, NOW)
        assert len(_real(queries)) == budget, (label, _real(queries))
    client = verified_client(user)
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    expected = MINE[url] + sum(SPACES.values())
    assert len(_real(queries)) == expected, "\n".join(q[:100] for q in _real(queries))
