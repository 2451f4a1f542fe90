"""The weekly digest of a delegate (sent by the reminders' ``delegate.weekly`` kind)."""

import json
from datetime import timedelta

import pytest

from portal import console
from practices.checklists.models import Run
from tests.console.conftest import NOW, audit_at, build_known, in_good_order
from tests.factories import OversightFactory, PracticeFactory

SINCE = NOW - timedelta(days=7)


@pytest.fixture
def known(cast, frozen):
    build_known(cast.practice, cast.admin)
    return cast


def test_what_changed_this_week(known):
    digest = console.weekly_digest(known.delegate, SINCE)
    (lilas,) = digest["changed"]
    assert lilas["slug"] == "cabinet-des-lilas"
    assert lilas["url"] == "/p/cabinet-des-lilas/"
    # Created in the week: I1 (100 h ago), I2 (80 h), I4 (10 h), I5 (100 h); I3 (200 h) not.
    # Runs completed in the week: none (12 and 15 days ago). Fixed: one answer, yesterday.
    # The registry's and training's own: 2 fiches reviewed, 3 passes, yesterday.
    assert lilas["changes"] == {
        "incidents_new": 4,
        "actions_fixed": 1,
        "trainings_passed": 3,
        "registry_reviews": 2,
    }
    assert digest["totals"] == lilas["changes"]
    assert digest["since"] == SINCE.isoformat() and digest["practice_count"] == 1


def test_which_practices_need_attention(known):
    digest = console.weekly_digest(known.delegate, SINCE)
    (lilas,) = digest["needs_attention"]
    assert lilas["reasons"] == ["late_incident", "low_score", "review_overdue"]
    assert lilas["score"] == 13
    labels = [str(console.REASON_LABELS[code]) for code in lilas["reasons"]]
    assert labels[0] == "délai de 72 h dépassé sans décision CNIL enregistrée"


def test_the_digest_is_json_safe(known):
    digest = console.weekly_digest(known.delegate, SINCE)
    assert json.loads(json.dumps(digest)) == digest


def test_a_completed_run_counts_in_the_week_it_was_completed(known):
    Run.objects.filter(practice=known.practice, completed_at=None, due_at__lt=NOW).update(
        completed_at=NOW - timedelta(days=1)
    )
    (lilas,) = console.weekly_digest(known.delegate, SINCE)["changed"]
    assert lilas["changes"]["runs_completed"] == 1


def test_nothing_to_say_means_no_digest(cast, frozen):
    in_good_order(cast.practice, cast.admin)
    audit_at(cast.practice, NOW - timedelta(days=1))
    assert console.compute(cast.delegate)[0].reasons == []
    assert console.weekly_digest(cast.delegate, SINCE) is None


def test_no_grant_means_no_digest(cast, frozen):
    assert console.weekly_digest(cast.outsider, SINCE) is None


def test_quiet_practices_are_listed_but_not_as_changed(cast, frozen):
    calm = PracticeFactory(name="Cabinet Calme")
    OversightFactory(practice=calm, delegate=cast.delegate)
    digest = console.weekly_digest(cast.delegate, SINCE)
    assert digest["changed"] == []
    assert [p["name"] for p in digest["needs_attention"]] == ["Cabinet Calme", "Cabinet des Lilas"]
