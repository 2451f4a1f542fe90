"""The main page of every role takes as many queries with a lot of data as with a little.

Each page is opened once (a warm-up: caches, the session; pages never write),
counted, then the practice grows (members, incidents, checklists and their answers,
registry entries, overseen practices) and the page is counted again: the same number.
The benchmark (``make bench``) reports the same counts at scale.
"""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.factories import MembershipFactory, OversightFactory, PracticeFactory

# Pages whose queries are known to grow, with why; the test fails when one stops growing
# (remove it here then) as well as when another starts.
KNOWN_GROWTH: dict[str, str] = {}


def _pages(cast):
    from practices.checklists.models import Run
    from registry.incidents.models import Incident

    p = f"/p/{cast.practice.slug}"
    run = Run.objects.filter(practice=cast.practice).order_by("period_start").first()
    incident = Incident.objects.filter(practice=cast.practice).order_by("noticed_at").first()
    return {
        "admin": [
            f"{p}/",
            f"{p}/controles/",
            f"{p}/controles/periodes/{run.public_id}/",
            f"{p}/incidents/",
            f"{p}/incidents/{incident.public_id}/",
            f"{p}/incidents/registre/",
            f"{p}/registre/",
            f"{p}/formation/",
            f"{p}/equipe/",
            f"{p}/journal/",
        ],
        "staff": [f"{p}/", f"{p}/controles/", f"{p}/formation/"],
        "delegate": ["/delegue/", f"{p}/", f"{p}/incidents/"],
    }


def _grow(practice, admin, templates, n: int):
    """``n`` more of everything a practice accumulates."""
    from practices.checklists.models import Run
    from practices.checklists.schedule import generate_runs
    from practices.checklists.services import checklist_activate, run_answer
    from registry import services as registry
    from registry.incidents.services import incident_report, reflex_tick
    from registry.models import Preset

    now = timezone.now()
    for _ in range(n):
        MembershipFactory(practice=practice, role="staff")
        incident = incident_report(
            practice=practice,
            reporter=admin,
            kind="ransomware",
            description="Écran bloqué",
            noticed_at=now - timedelta(days=1),
        )
        reflex_tick(incident=incident, key="unplug", user=admin)
    for template in templates:
        checklist = checklist_activate(practice=practice, template=template)
        checklist.starts_on = (now - timedelta(days=31 * n)).date()
        checklist.save()
        generate_runs(checklist, now)
    for run in Run.objects.filter(practice=practice).select_related("checklist__template"):
        for item in run.checklist.items():
            run_answer(run=run, item_key=item["key"], status="done", comment="", user=admin)
    for preset in Preset.objects.all()[:n]:
        registry.adopt_preset(practice=practice, preset_key=preset.key)


def _counts(cast, pages) -> dict[str, int]:
    counts = {}
    for role, paths in pages.items():
        client = cast.client(role)
        for path in paths:
            assert client.get(path).status_code == 200, path  # once: what is due is created
            with CaptureQueriesContext(connection) as queries:
                assert client.get(path).status_code == 200, path
            counts[f"{role} {path}"] = len(queries)
    return counts


@pytest.mark.django_db
def test_main_pages_take_the_same_queries_whatever_the_amount_of_data(cast):
    from portal.content import load_all
    from practices.checklists.models import Template

    load_all()
    templates = list(Template.objects.order_by("code"))
    _grow(cast.practice, cast.admin, templates[:1], n=1)
    pages = _pages(cast)
    before = _counts(cast, pages)

    _grow(cast.practice, cast.admin, templates, n=3)
    for _ in range(3):  # the delegate oversees more practices, each with its own data
        other = PracticeFactory()
        admin = MembershipFactory(practice=other, role="admin").user
        OversightFactory(practice=other, delegate=cast.delegate)
        _grow(other, admin, templates[:2], n=2)
    after = _counts(cast, pages)

    grew = {page: (before[page], after[page]) for page in before if after[page] != before[page]}
    unexpected = {page: n for page, n in grew.items() if not page.endswith(tuple(KNOWN_GROWTH))}
    assert unexpected == {}, "queries grew with the data (before, after): " + repr(unexpected)
    known = {suffix for suffix in KNOWN_GROWTH for page in grew if page.endswith(suffix)}
    assert known == set(KNOWN_GROWTH), "fixed? remove from KNOWN_GROWTH: " + repr(grew)
