"""training.expiring / training.expired / training.never_started, per portal/reminders.py."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.db import connection
from django.test.utils import CaptureQueriesContext

from practices.models import Membership
from tests.factories import MembershipFactory, PracticeFactory
from tests.training.conftest import take
from tests.training.test_validity import revise
from training import reminders
from training.models import ModuleExemption

PARIS = ZoneInfo("Europe/Paris")
PASSED = datetime(2026, 1, 15, 10, 0, tzinfo=PARIS)


def mine(found, user, kind=None):
    return [d for d in found if d.user_ids == (user.pk,) and (kind is None or d.kind == kind)]


def settle(cast):
    """Everyone joined long ago and has started something, except where a test says."""
    Membership.objects.update(joined_at=PASSED - timedelta(days=400))


def test_kinds_follow_the_contract():
    assert set(reminders.KINDS) == {
        "training.expiring",
        "training.expired",
        "training.never_started",
    }
    assert not any(kind.urgent for kind in reminders.KINDS.values())


def test_expiring_30_days_before_then_expired(cast, modules):
    settle(cast)
    take(cast.practice, cast.staff, modules[1], at=PASSED)
    early = mine(
        reminders.due(datetime(2026, 12, 15, 9, 0, tzinfo=PARIS)), cast.staff, "training.expiring"
    )
    assert early == []
    [soon] = mine(
        reminders.due(datetime(2026, 12, 20, tzinfo=PARIS)), cast.staff, "training.expiring"
    )
    membership = Membership.objects.get(practice=cast.practice, user=cast.staff)
    assert soon.object_key == f"training.module:{membership.public_id}:poste-de-travail"
    assert (soon.step, soon.practice_id) == ("d-30:2027-01-15", cast.practice.pk)
    assert soon.url == "/p/cabinet-des-lilas/formation/"
    assert soon.context["title"] == "Poste de travail, USB et attaques locales"
    assert soon.context["title_en"] == "Workstations, USB and local attacks"
    [over] = mine(
        reminders.due(datetime(2027, 1, 16, tzinfo=PARIS)), cast.staff, "training.expired"
    )
    assert (over.object_key, over.step) == (soon.object_key, "expired:2027-01-15")
    assert (
        mine(reminders.due(datetime(2027, 1, 16, tzinfo=PARIS)), cast.staff, "training.expiring")
        == []
    )


def test_a_renewal_stops_the_reminder_and_later_gets_its_own_step(cast, modules):
    settle(cast)
    take(cast.practice, cast.staff, modules[1], at=PASSED)
    take(cast.practice, cast.staff, modules[1], at=datetime(2026, 12, 20, 10, tzinfo=PARIS))
    assert (
        mine(reminders.due(datetime(2027, 1, 16, tzinfo=PARIS)), cast.staff, "training.expired")
        == []
    )
    [later] = mine(
        reminders.due(datetime(2027, 12, 1, tzinfo=PARIS)), cast.staff, "training.expiring"
    )
    assert later.step == "d-30:2027-12-20"


def test_a_major_revision_is_reminded_as_expired(cast, modules, tmp_path):
    settle(cast)
    take(cast.practice, cast.staff, modules[6], at=PASSED)
    revise(tmp_path, "ingenierie-sociale", "2.0")
    [due] = mine(reminders.due(datetime(2026, 3, 1, tzinfo=PARIS)), cast.staff, "training.expired")
    assert due.step == "revision:v2"


def test_exempted_modules_are_not_reminded(cast, modules):
    settle(cast)
    take(cast.practice, cast.staff, modules[1], at=PASSED)
    ModuleExemption.objects.create(practice=cast.practice, job="secretaire", module=modules[1])
    assert mine(reminders.due(datetime(2026, 12, 20, tzinfo=PARIS)), cast.staff) == []


def test_never_started_14_days_after_joining(cast, modules):
    now = datetime(2026, 5, 1, tzinfo=PARIS)
    Membership.objects.filter(user=cast.staff).update(joined_at=now - timedelta(days=13))
    Membership.objects.filter(user=cast.admin).update(joined_at=now - timedelta(days=15))
    due = list(reminders.due(now))
    assert mine(due, cast.staff, "training.never_started") == []
    [admin] = mine(due, cast.admin, "training.never_started")
    membership = Membership.objects.get(practice=cast.practice, user=cast.admin)
    assert (admin.object_key, admin.step) == (f"training.membership:{membership.public_id}", "d+14")
    from training import services

    services.attempt_start(practice=cast.practice, user=cast.admin, module=modules[3])
    assert mine(list(reminders.due(now)), cast.admin, "training.never_started") == []


def test_constant_queries_whatever_the_number_of_practices(cast, modules):
    settle(cast)
    take(cast.practice, cast.staff, modules[1], at=PASSED)
    with CaptureQueriesContext(connection) as few:
        list(reminders.due(datetime(2026, 12, 20, tzinfo=PARIS)))
    for n in range(5):
        practice = PracticeFactory()
        user = MembershipFactory(practice=practice, job="secretaire").user
        take(practice, user, modules[1 + n], at=PASSED)
        ModuleExemption.objects.create(practice=practice, job="secretaire", module=modules[8])
    with CaptureQueriesContext(connection) as many:
        found = list(reminders.due(datetime(2026, 12, 20, tzinfo=PARIS)))
    # members without a reminder row, their rows created, the rows due with their members
    # and practices, modules, passes, attestation links, exemptions, who started
    # (attempts), who started (attestations)
    assert len(few.captured_queries) == len(many.captured_queries) == 9
    assert len([d for d in found if d.kind == "training.expiring"]) == 6
