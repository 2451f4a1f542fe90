"""The team matrix, the coverage figure, required modules per job, the delegate's summary."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from portal.models import AuditEvent
from tests.factories import MembershipFactory, PracticeFactory
from tests.training.conftest import take, url
from training import figures, validity
from training.models import ModuleExemption

PARIS = ZoneInfo("Europe/Paris")
NOW = datetime(2026, 6, 1, 9, 0, tzinfo=PARIS)


@pytest.fixture
def team(cast, modules):
    """Four people, computed by hand:

    * admin (médecin): all 8 modules passed a month ago → complete;
    * staff (secrétaire): modules 1-7 a month ago, 8 passed 11 months and a half ago
      (expiring, still valid) → complete;
    * assistant: only module 6 required (the job is exempted from the 7 others), passed
      → complete;
    * locum (remplaçant): module 1 passed, module 2 passed 13 months ago (expired) → not.

    Coverage 3/4. Per module (required / valid / expiring / expired / to do):
    1: 3/3/0/0/0 · 2: 3/2/0/1/0 · 6: 4/3/0/0/1 · 8: 3/1/1/0/1.
    """
    practice = cast.practice
    assistant = MembershipFactory(practice=practice, job="assistant").user
    locum = MembershipFactory(practice=practice, job="remplacant").user
    month_ago = NOW - timedelta(days=30)
    for module in modules.values():
        take(practice, cast.admin, module, at=month_ago)
        if module.theme != 8:
            take(practice, cast.staff, module, at=month_ago)
    take(practice, cast.staff, modules[8], at=NOW - timedelta(days=350))
    ModuleExemption.objects.bulk_create(
        ModuleExemption(practice=practice, job="assistant", module=m)
        for m in modules.values()
        if m.theme != 6
    )
    take(practice, assistant, modules[6], at=month_ago)
    take(practice, locum, modules[1], at=month_ago)
    take(practice, locum, modules[2], at=NOW - timedelta(days=400))
    return {"assistant": assistant, "locum": locum}


def counts(matrix, theme):
    entry = next(e for e in matrix.per_module if e["module"].theme == theme)
    return [entry[k] for k in ("required", "valid", "expiring", "expired", "todo")]


def test_matrix_figures_match_the_hand_count(cast, team):
    matrix = validity.matrix(cast.practice, NOW)
    assert (matrix.staff, matrix.valid_staff, matrix.coverage) == (4, 3, 0.75)
    assert counts(matrix, 1) == [3, 3, 0, 0, 0]
    assert counts(matrix, 2) == [3, 2, 0, 1, 0]
    assert counts(matrix, 6) == [4, 3, 0, 0, 1]
    assert counts(matrix, 8) == [3, 1, 1, 0, 1]
    complete = {row.membership.user: row.complete for row in matrix.rows}
    assert complete == {
        cast.admin: True,
        cast.staff: True,
        team["assistant"]: True,
        team["locum"]: False,
    }


def test_console_figures_per_practice_in_constant_queries(cast, team, modules):
    empty = PracticeFactory()
    ids = [cast.practice.pk, cast.other_practice.pk, empty.pk]
    with CaptureQueriesContext(connection) as few:
        result = validity.console_figures(ids, NOW)
    assert result[cast.practice.pk] == {"coverage": 0.75, "staff": 4, "valid_staff": 3}
    assert result[cast.other_practice.pk] == {"coverage": 0.0, "staff": 1, "valid_staff": 0}
    assert result[empty.pk] == {"coverage": None, "staff": 0, "valid_staff": 0}
    for _ in range(4):
        practice = PracticeFactory()
        take(practice, MembershipFactory(practice=practice).user, modules[1])
        ids.append(practice.pk)
    with CaptureQueriesContext(connection) as many:
        figures.console_figures(ids)
    # modules, passes, attestation links, exemptions, members
    assert len(few.captured_queries) == len(many.captured_queries) == 5


def test_the_admin_sees_everyone_with_colour_and_dates(cast, team):
    with time_machine.travel(NOW, tick=False):
        html = cast.client("admin").get(url(cast, "team")).content.decode()
    assert "75\u00a0%" in html and "3 personnes sur 4" in html
    assert team["locum"].last_name in html and cast.staff.last_name in html
    assert 'class="cell-expiring"' in html and 'class="cell-expired"' in html
    assert "non requis" in html
    # The secretary's module 8, passed on 16/06/2025, is valid through 16/06/2026.
    assert "16/06/2026" in html


@pytest.mark.parametrize("who", ["staff", "delegate"])
def test_only_the_admin_opens_the_matrix(cast, modules, who):
    assert cast.client(who).get(url(cast, "team")).status_code == 403


def test_the_delegate_reads_counts_never_a_person(cast, team):
    with time_machine.travel(NOW, tick=False):
        html = cast.client("delegate").get(url(cast, "index")).content.decode()
    assert "75\u00a0%" in html and "3 personnes sur 4" in html
    for person in (cast.admin, cast.staff, team["assistant"], team["locum"]):
        assert person.last_name not in html and person.email not in html
    assert "Valable" not in html and "score" not in html.lower()


def test_matrix_queries_do_not_grow_with_the_team(cast, modules):
    client = cast.client("admin")
    client.get(url(cast, "team"))
    with CaptureQueriesContext(connection) as small:
        assert client.get(url(cast, "team")).status_code == 200
    for n in range(12):
        user = MembershipFactory(
            practice=cast.practice, job="assistant" if n % 2 else "secretaire"
        ).user
        take(cast.practice, user, modules[1 + n % 8])
    ModuleExemption.objects.create(practice=cast.practice, job="assistant", module=modules[7])
    with CaptureQueriesContext(connection) as large:
        client.get(url(cast, "team"))
    assert len(large.captured_queries) == len(small.captured_queries)


def test_the_admin_sets_required_modules_per_job(cast, modules):
    client = cast.client("admin")
    page = client.get(url(cast, "requirements")).content.decode()
    assert page.count('type="checkbox"') == 9 * 8 and page.count("checked") == 9 * 8
    data = {f"{job}__{m.pk}": "on" for job in ("medecin", "secretaire") for m in modules.values()}
    data.pop(f"secretaire__{modules[7].pk}")
    response = client.post(url(cast, "requirements"), data)
    assert response.status_code == 302
    exempt = set(ModuleExemption.objects.values_list("job", "module__theme"))
    # every other job had every box unticked in this post
    assert ("secretaire", 7) in exempt and ("medecin", 7) not in exempt
    assert ("assistant", 1) in exempt
    event = AuditEvent.objects.get(action="training.requirements")
    assert "secretaire:ia-generative" in event.changes["not_required"][1]
    html = cast.client("staff").get(url(cast, "index")).content.decode()
    optional = html.split("Modules facultatifs pour votre fonction")[1]
    assert modules[7].title["fr"] in optional
    # Ticking the box again makes it required again.
    data[f"secretaire__{modules[7].pk}"] = "on"
    client.post(url(cast, "requirements"), data)
    assert not ModuleExemption.objects.filter(job="secretaire").exists()


def test_the_dashboard_card(cast, team):
    with time_machine.travel(NOW, tick=False):
        card = figures.card(cast.practice, "admin")
    values = {str(f.label): f.value for f in card.figures}
    assert values == {
        "Équipe à jour": "75\u00a0%",
        "Personnes à jour": "3 / 4",
        "Expirent sous 30 jours": 1,
    }
    assert card.url == url(cast, "index")
    assert card.actions and figures.card(cast.practice, "delegate").actions == []


def test_the_dashboard_shows_the_training_card(cast, modules):
    html = cast.client("staff").get(f"/p/{cast.practice.slug}/").content.decode()
    assert "Équipe à jour" in html and "0 / 2" in html


def test_console_changes_count_the_passes_since_a_date(cast, modules):
    take(cast.practice, cast.staff, modules[1], at=NOW - timedelta(days=10))
    take(cast.practice, cast.staff, modules[2], at=NOW - timedelta(days=3))
    take(cast.practice, cast.admin, modules[2], at=NOW - timedelta(days=2), wrong=5)  # failed
    take(cast.other_practice, cast.other_admin, modules[3], at=NOW - timedelta(days=1))
    with CaptureQueriesContext(connection) as queries:
        changes = figures.console_changes([cast.practice.pk], NOW - timedelta(days=7))
    assert changes == {cast.practice.pk: {"passed": 1}}
    assert len(queries.captured_queries) == 1


def test_no_module_loaded_gives_no_coverage_figure_rather_than_100_percent(db):
    from tests.factories import MembershipFactory, PracticeFactory
    from training.figures import card, console_figures

    practice = PracticeFactory()
    MembershipFactory(practice=practice, role="admin")
    assert console_figures([practice.pk])[practice.pk]["coverage"] is None
    assert card(practice, "admin").figures[0].value == "—"


@pytest.mark.parametrize(
    "valid, text",
    [
        (1, "1 personne sur 3 est à jour de tous ses modules"),
        (2, "2 personnes sur 3 sont à jour de tous leurs modules"),
    ],
)
def test_the_coverage_sentence_agrees_with_its_number(valid, text):
    from django.template.loader import render_to_string

    matrix = {"coverage": valid / 3, "valid_staff": valid, "staff": 3}
    assert text in render_to_string("training/_counts.html", {"matrix": matrix})
