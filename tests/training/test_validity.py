"""A pass is valid 12 months (per module), expires, and a major revision requires retraining."""

from datetime import datetime
from zoneinfo import ZoneInfo

import time_machine

from practices.models import Membership
from tests.training.conftest import take, url
from tests.training.test_content import copy_of_modules, edit
from training import content, services, validity
from training.models import Certificate, Module

PARIS = ZoneInfo("Europe/Paris")
PASSED = datetime(2026, 1, 15, 10, 0, tzinfo=PARIS)


def state(cast, module, now):
    membership = Membership.objects.get(practice=cast.practice, user=cast.staff)
    row = validity.person(cast.practice, membership, now)
    return next(c.standing for c in row.cells if c.module.pk == module.pk)


def test_valid_for_12_months_then_expiring_then_expired(cast, modules):
    attempt = take(cast.practice, cast.staff, modules[1], at=PASSED)
    assert attempt.expires_at == datetime(2027, 1, 15, 10, 0, tzinfo=PARIS)
    assert state(cast, modules[1], datetime(2026, 12, 15, 10, 0, tzinfo=PARIS)).state == "valid"
    expiring = state(cast, modules[1], datetime(2026, 12, 16, 10, 1, tzinfo=PARIS))
    assert (expiring.state, expiring.last_day.isoformat()) == ("expiring", "2027-01-15")
    assert state(cast, modules[1], datetime(2027, 1, 15, 9, 59, tzinfo=PARIS)).good
    expired = state(cast, modules[1], datetime(2027, 1, 15, 10, 0, tzinfo=PARIS))
    assert (expired.state, expired.good) == ("expired", False)
    assert state(cast, modules[2], PASSED).state == "todo"


def test_my_training_page_shows_each_state_with_its_date(cast, modules):
    take(cast.practice, cast.staff, modules[1], at=datetime(2025, 12, 20, 9, 0, tzinfo=PARIS))
    take(cast.practice, cast.staff, modules[2], at=datetime(2025, 1, 10, 9, 0, tzinfo=PARIS))
    take(cast.practice, cast.staff, modules[3], at=datetime(2026, 6, 1, 9, 0, tzinfo=PARIS))
    with time_machine.travel(datetime(2026, 12, 1, 12, 0, tzinfo=PARIS), tick=False):
        html = cast.client("staff").get(url(cast, "index")).content.decode()
    assert 'value="2" max="8"' in html  # modules 1 and 3 still count
    assert "Expire bientôt" in html and "valable jusqu'au 20/12/2026" in html
    assert "validité terminée le 10/01/2026" in html
    assert "À renouveler dans les 30 jours" in html


def test_validity_is_configurable_per_module(cast, modules):
    Module.objects.filter(pk=modules[5].pk).update(validity_months=6)
    attempt = take(cast.practice, cast.staff, Module.objects.get(pk=modules[5].pk), at=PASSED)
    assert attempt.expires_at == datetime(2026, 7, 15, 10, 0, tzinfo=PARIS)


def revise(tmp_path, key, version):
    directory = copy_of_modules(tmp_path)
    edit(directory, key, lambda data: data.update(version=version))
    content.load(directory)


def test_a_major_revision_requires_retraining(cast, modules, tmp_path):
    attempt = take(cast.practice, cast.staff, modules[6], at=PASSED)
    now = datetime(2026, 3, 1, tzinfo=PARIS)
    revise(tmp_path, "ingenierie-sociale", "2.0")
    standing = state(cast, modules[6], now)
    assert (standing.state, standing.until) == ("expired", None)
    certificate = Certificate.objects.select_related("attempt__module").get(attempt=attempt)
    assert not services.certificate_valid(certificate, now)
    fresh = take(cast.practice, cast.staff, Module.objects.get(pk=modules[6].pk), at=now)
    assert (fresh.module_version, fresh.major_version) == ("2.0", 2)
    assert state(cast, modules[6], now).state == "valid"


def test_a_minor_revision_keeps_earlier_passes(cast, modules, tmp_path):
    take(cast.practice, cast.staff, modules[6], at=PASSED)
    revise(tmp_path, "ingenierie-sociale", "1.9")
    assert state(cast, modules[6], datetime(2026, 3, 1, tzinfo=PARIS)).state == "valid"


def test_an_attempt_begun_before_a_revision_starts_over(cast, modules, tmp_path):
    client = cast.client("staff")
    client.post(url(cast, "start"), {"module": modules[6].key})
    stale = modules[6].attempts.get()
    revise(tmp_path, "ingenierie-sociale", "1.9")
    response = client.get(url(cast, "quiz", attempt_id=stale.public_id))
    fresh = modules[6].attempts.exclude(pk=stale.pk).get()
    assert response["Location"] == url(cast, "lesson", attempt_id=fresh.public_id, position=1)
    assert fresh.module_version == "1.9"
