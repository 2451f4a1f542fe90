"""Concurrent writers of one practice still form one chain (PostgreSQL, real connections)."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, transaction

from portal import audit, audit_chain
from portal.models import AuditChainHead, AuditEvent
from tests.conftest import need_service
from tests.factories import PracticeFactory

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]

WRITERS = 8
EACH = 15


@pytest.fixture
def postgres():
    if connection.vendor != "postgresql":
        need_service(
            "PostgreSQL",
            "row locks need PostgreSQL (run with DATABASE_URL=postgres://…)",
        )


def run_at_once(function, count):
    barrier = threading.Barrier(count)
    errors = []

    def run(n):
        try:
            barrier.wait(timeout=10)
            function(n)
        except Exception as error:  # reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(n,)) for n in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == []


def test_parallel_writers_form_one_unbroken_chain(postgres, tmp_path, settings):
    settings.VIGIE_AUDIT_ANCHOR_LOG = tmp_path / "anchors.log"
    practice = PracticeFactory()  # no event yet: the writers also race to create the head

    def write(n):
        for i in range(EACH):
            # Some inside a longer transaction, as a view's writes are.
            with transaction.atomic():
                audit.record(action="practice.update", practice=practice, changes={"w": [n, i]})

    run_at_once(write, WRITERS)
    seqs = sorted(AuditEvent.objects.filter(practice=practice).values_list("seq", flat=True))
    assert seqs == list(range(1, WRITERS * EACH + 1))
    assert AuditChainHead.objects.get(practice=practice).seq == WRITERS * EACH
    (result,) = audit_chain.verify(practice.pk, only=True)
    assert result.ok, result.describe()


def test_a_check_while_writers_append_finds_the_chain_intact(postgres, tmp_path, settings):
    settings.VIGIE_AUDIT_ANCHOR_LOG = tmp_path / "anchors.log"
    practice = PracticeFactory()
    audit.record(action="practice.update", practice=practice)
    outcomes = []

    def work(n):
        if n == 0:
            for _ in range(10):
                outcomes.extend(audit_chain.verify(practice.pk, only=True))
        else:
            for _ in range(EACH):
                audit.record(action="practice.update", practice=practice)

    run_at_once(work, 4)
    assert outcomes and all(r.ok for r in outcomes), [r.describe() for r in outcomes]
