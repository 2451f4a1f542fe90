"""Each console figure on the known fixture (tests/console/conftest.py), checked by hand,
through the spaces' real contracts."""

import re
from datetime import timedelta

import pytest

from portal import console
from practices.models import Practice
from registry import services as registry_services
from tests.console.conftest import (
    NOW,
    audit_at,
    build_known,
    checklist_for,
    in_good_order,
    print_documents,
    run,
    training_with,
)
from tests.factories import OversightFactory, PracticeFactory


@pytest.fixture
def known(cast, frozen):
    build_known(cast.practice, cast.admin)
    return cast


def row_of(delegate, practice):
    (row,) = [r for r in console.rows(delegate) if r.practice.pk == practice.pk]
    return row


def test_checklist_rate_counts_the_runs_due_in_the_last_90_days(known):
    row = row_of(known.delegate, known.practice)
    assert (row.runs_on_time, row.runs_closed) == (1, 3)
    assert row.on_time == pytest.approx(1 / 3)


def test_open_actions_are_the_unfixed_not_done_answers(known):
    assert row_of(known.delegate, known.practice).open_actions == 2


def test_open_and_late_incidents(known):
    row = row_of(known.delegate, known.practice)
    assert row.open_incidents == 3  # I1, I2, I4
    assert row.late_incidents == 2  # I1 (undecided), I5 (complementary filing only)


def test_late_incidents_agree_with_the_72_hour_clock(known):
    """The console's grouped count and the incident page's clock say the same."""
    from django.urls import reverse

    url = reverse("incidents:index", kwargs={"practice_slug": known.practice.slug})
    incidents = known.client("admin").get(url).context["incidents"]
    late_by_clock = sum(incident.clock == "late" for incident in incidents)
    assert late_by_clock == row_of(known.delegate, known.practice).late_incidents == 2


def test_last_activity_and_weekly_activity(known):
    row = row_of(known.delegate, known.practice)
    assert row.last_activity == NOW - timedelta(hours=1)
    assert len(row.activity) == console.ACTIVITY_WEEKS
    # this week: NOW - 1 h, NOW - 2 h, Monday; yesterday's 2 reviews and 3 passes
    assert row.activity[-1] == 8
    assert row.activity[-6] == 1  # five weeks ago
    assert sum(row.activity) == 9


def test_registry_and_training_figures_come_from_their_spaces(known):
    row = row_of(known.delegate, known.practice)
    value = row.registry["completeness"]
    # The registry page's figure for the same record (rounded there).
    assert round(100 * value) == registry_services.record_completeness(known.practice) == 81
    assert row.registry == {"completeness": value, "entries": 4, "review_overdue": 1}
    assert row.training == {"coverage": 0.8, "staff": 5, "valid_staff": 4}
    assert row.rates == {
        "registry_completeness": value,
        "registry_freshness": 0.75,  # 1 - 1 overdue / 4 entries
        "training_coverage": 0.8,
        "checklists_on_time": pytest.approx(1 / 3),
    }
    assert row.documents == {"card": "current", "notice": "current"}


def test_score_by_hand(known):
    # mean(0.814, 0.75, 0.8, 1/3) = 0.6743 → 67.43; − 2 late × 25 → 17.43;
    # − 2 open actions × 2 → 13.43 → 13.
    assert row_of(known.delegate, known.practice).rates["registry_completeness"] == (
        pytest.approx(0.814)
    )
    assert row_of(known.delegate, known.practice).score == 13


def test_needs_attention_reasons(known):
    row = row_of(known.delegate, known.practice)
    assert row.reasons == ["late_incident", "low_score", "review_overdue"]
    assert row.needs_attention


def test_a_practice_that_started_nothing_scores_0_and_needs_attention(cast, frozen):
    """With the real spaces every practice has a registry figure: an empty record counts
    as 0 %, the only rate, so the score is 0, not « no figure »."""
    row = row_of(cast.delegate, cast.practice)
    assert row.registry == {"completeness": None, "entries": 0, "review_overdue": 0}
    assert row.training["coverage"] is None  # no module loaded: nothing to be trained on
    assert row.documents == {"card": "never", "notice": "never"}
    assert row.score == 0
    assert row.reasons == [
        "low_score",
        "empty_registry",
        "quiet",
        "crisis_card",
        "patient_notice",
    ]


def test_a_row_without_any_figure_has_no_score_and_needs_attention():
    """The rules over a row that no space answered for (plain functions, no space)."""
    row = console.Row(practice=Practice(name="Cabinet", slug="cabinet"), since=NOW)
    row.rates = console.rates(row)
    row.score = console.score(row)
    assert row.score is None
    assert console.reasons(row, NOW) == ["no_data", "quiet"]


def test_spaces_that_answer_nothing_show_nothing_and_do_not_count():
    """A space that answers nothing for a practice: its figures are left out of the
    score and of the rules (plain functions over the known fixture's other figures)."""
    row = console.Row(
        practice=Practice(name="Cabinet", slug="cabinet"),
        since=NOW,
        runs_closed=3,
        runs_on_time=1,
        open_actions=2,
        late_incidents=2,
        last_activity=NOW,
    )
    row.rates = console.rates(row)
    row.score = console.score(row)
    assert row.registry is None and row.training is None and row.documents is None
    assert row.rates["registry_completeness"] is None
    # Only the checklist rate is left: 33.3 − 50 − 4 → 0.
    assert row.score == 0
    assert console.reasons(row, NOW) == ["late_incident", "low_score"]


def test_score_rules():
    practice = Practice(name="Cabinet", slug="cabinet")
    row = console.Row(practice=practice, since=NOW, runs_closed=4, runs_on_time=4)
    row.rates = console.rates(row)
    assert console.score(row) == 100
    row.open_actions = 9  # − 18, capped at 10
    assert console.score(row) == 90
    row.late_incidents = 5  # − 125: never below 0
    assert console.score(row) == 0


def test_quiet_practices_need_attention(cast, frozen):
    in_good_order(cast.practice, cast.admin)
    audit_at(cast.practice, NOW - timedelta(days=console.QUIET_DAYS + 1))
    assert row_of(cast.delegate, cast.practice).reasons == ["quiet"]
    audit_at(cast.practice, NOW - timedelta(days=console.QUIET_DAYS - 1))
    assert row_of(cast.delegate, cast.practice).reasons == []


def test_rows_follow_the_grant_since_date(cast, frozen):
    other = PracticeFactory(name="Cabinet Zéphyr")
    grant = OversightFactory(practice=other, delegate=cast.delegate, since=NOW - timedelta(days=3))
    row = row_of(cast.delegate, other)
    assert row.since == grant.since


def test_an_empty_registry_counts_as_zero_and_needs_attention(cast, frozen):
    """A practice that never started its record must not score better than one half-way
    through it: the empty record used to be "not available", left out of the mean, so
    full training and checklists gave 100 and "nothing to watch"."""
    training_with(cast.practice, staff=2, valid=2)
    print_documents(cast.practice, cast.admin)
    # as registry.figures says for a record without fiche
    assert row_of(cast.delegate, cast.practice).registry == {
        "completeness": None,
        "entries": 0,
        "review_overdue": 0,
    }
    run(checklist_for(cast.practice), 10, completed_days_ago=11)
    audit_at(cast.practice, NOW - timedelta(days=1))
    row = row_of(cast.delegate, cast.practice)
    assert row.rates["registry_completeness"] == 0.0
    assert row.training == {"coverage": 1.0, "staff": 2, "valid_staff": 2}
    assert row.rates["registry_freshness"] is None  # nothing to review
    assert row.score == 67  # mean(0, 1, 1)
    assert row.reasons == ["empty_registry"]
    assert str(console.REASON_LABELS["empty_registry"]) == "registre des traitements vide"
    # The page and the export say the same as the score.
    client = cast.client("delegate")
    html = client.get("/delegue/").content.decode()
    assert "registre des traitements vide" in html
    # Shown « — » like the practice's dashboard, not « 0 % » (the score counts it as 0).
    cell = re.search(r"<td[^>]*>(?:(?!</td>).)*0 fiche(?:(?!</td>).)*</td>", html, re.S).group(0)
    assert "—" in cell and "%" not in cell
    csv = client.get("/delegue/export.csv").content.decode("utf-8-sig").splitlines()
    header, line = csv[0].split(";"), csv[1].split(";")
    assert line[header.index("Complétude du registre (%)")] == ""
    assert line[header.index("Score")] == "67"
