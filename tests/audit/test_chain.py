"""The audit trail's hash chains: any change made in the database behind Vigie is seen."""

from __future__ import annotations

import importlib
import json
from datetime import UTC, datetime

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.utils import timezone

from portal import audit, audit_chain
from portal.models import AuditChainHead, AuditEvent
from portal.tasks import verify_audit_chains
from tests.practices.helpers import url

TABLE = AuditEvent._meta.db_table


def sql(statement: str, params=()) -> None:
    """A change made directly in the database, as an intruder or a careless script would."""
    with connection.cursor() as cursor:
        cursor.execute(statement, params)


def events(practice, count, action="practice.update"):
    return [
        audit.record(action=action, practice=practice, changes={"n": [i, i + 1]})
        for i in range(count)
    ]


def verify_command(*args) -> str:
    """Runs ``verify_audit``; returns its output or raises CommandError (exit status 1)."""
    from io import StringIO

    out = StringIO()
    call_command("verify_audit", *args, stdout=out)
    return out.getvalue()


@pytest.fixture(autouse=True)
def anchor_log(tmp_path, settings):
    settings.VIGIE_AUDIT_ANCHOR_LOG = tmp_path / "anchors.log"
    return settings.VIGIE_AUDIT_ANCHOR_LOG


def test_each_practice_and_the_platform_have_their_own_chain(cast):
    first = events(cast.practice, 3)
    other = events(cast.other_practice, 2)
    platform = audit.record(action="account.signup")
    assert [e.seq for e in first] == [1, 2, 3] and [e.seq for e in other] == [1, 2]
    assert first[0].prev_hash == "" and first[1].prev_hash == first[0].hash
    assert platform.seq == 1 and platform.practice_id is None
    head = AuditChainHead.objects.get(practice=cast.practice)
    assert (head.seq, head.hash) == (3, first[2].hash)
    # The stored row gives the same hash back (what the check recomputes).
    for event in AuditEvent.objects.all():
        assert audit_chain.event_hash(event) == event.hash
    assert all(r.ok for r in audit_chain.verify())
    assert "intègre" in verify_command()


def test_appending_costs_the_same_queries_however_long_the_chain(cast, django_assert_num_queries):
    audit.record(action="practice.update", practice=cast.practice)
    # Inside the request's transaction: SAVEPOINT, head FOR UPDATE, INSERT, UPDATE, RELEASE.
    with django_assert_num_queries(5):
        audit.record(action="practice.update", practice=cast.practice)
    events(cast.practice, 60)
    with django_assert_num_queries(5):
        audit.record(action="practice.update", practice=cast.practice)
    assert AuditChainHead.objects.get(practice=cast.practice).seq == 63


def test_an_edited_event_is_named_and_the_command_exits_non_zero(cast):
    chain = events(cast.practice, 5)
    sql(f"UPDATE {TABLE} SET target_label = %s WHERE id = %s", ["autre", chain[2].pk])
    with pytest.raises(CommandError) as error:
        verify_command("--practice", cast.practice.slug)
    assert error.value.returncode == 1
    assert "n° 3" in str(error.value) and "contenu modifié" in str(error.value)
    assert f"id {chain[2].pk}" in str(error.value)
    # The other practice's chain is intact, and checked on its own.
    events(cast.other_practice, 2)
    assert "intègre" in verify_command("--practice", cast.other_practice.slug)


def test_changed_values_of_the_changes_are_seen(cast):
    chain = events(cast.practice, 3)
    sql(f"UPDATE {TABLE} SET changes = %s WHERE id = %s", [json.dumps({"n": [0, 9]}), chain[0].pk])
    (result,) = audit_chain.verify(cast.practice.pk, only=True)
    assert result.broken_seq == 1


def test_a_deleted_event_in_the_middle_is_seen(cast):
    chain = events(cast.practice, 5)
    sql(f"DELETE FROM {TABLE} WHERE id = %s", [chain[1].pk])
    (result,) = audit_chain.verify(cast.practice.pk, only=True)
    assert not result.ok and result.broken_seq == 2 and "manquant" in result.problem


def test_deleting_the_newest_events_is_seen_against_the_head(cast):
    chain = events(cast.practice, 5)
    sql(f"DELETE FROM {TABLE} WHERE id IN (%s, %s)", [chain[3].pk, chain[4].pk])
    (result,) = audit_chain.verify(cast.practice.pk, only=True)
    assert not result.ok and result.broken_seq == 4 and "tête" in result.problem


def test_deleting_the_tail_and_rewriting_the_head_is_seen_against_the_anchor_log(cast, anchor_log):
    chain = events(cast.practice, 5)
    verify_audit_chains()  # the nightly run: writes the heads to the anchor log
    assert f"p{cast.practice.pk} 5 {chain[4].hash}" in anchor_log.read_text()
    sql(f"DELETE FROM {TABLE} WHERE id = %s", [chain[4].pk])
    head_table = AuditChainHead._meta.db_table
    sql(
        f"UPDATE {head_table} SET seq = 4, hash = %s WHERE practice_id = %s",
        [chain[3].hash, cast.practice.pk],
    )
    with pytest.raises(CommandError) as error:
        verify_command()
    assert "ancre" in str(error.value) and "n° 5" in str(error.value)
    # A head noted elsewhere (an admin's copy) is checked the same way.
    with pytest.raises(CommandError):
        verify_command("--practice", cast.practice.slug, "--anchor", f"5:{chain[4].hash}")


def test_an_inserted_event_is_seen(cast):
    chain = events(cast.practice, 3)
    forged = {
        "practice_id": cast.practice.pk,
        "at": timezone.now(),
        "actor_id": None,
        "actor_label": "",
        "ip_address": None,
        "action": "practice.update",
        "target_type": "",
        "target_id": "",
        "target_label": "ajouté",
        "changes": {},
        "seq": 2,
        "prev_hash": chain[0].hash,
    }
    forged["hash"] = audit_chain.event_hash(forged)
    AuditEvent.objects.bulk_create([AuditEvent(**forged)])  # valid link, duplicate number
    (result,) = audit_chain.verify(cast.practice.pk, only=True)
    assert not result.ok and result.broken_seq == 2


def test_two_swapped_events_are_seen(cast):
    chain = events(cast.practice, 4)
    sql(f"UPDATE {TABLE} SET seq = 0 WHERE id = %s", [chain[1].pk])
    sql(f"UPDATE {TABLE} SET seq = 2 WHERE id = %s", [chain[2].pk])
    sql(f"UPDATE {TABLE} SET seq = 3 WHERE id = %s", [chain[1].pk])
    (result,) = audit_chain.verify(cast.practice.pk, only=True)
    assert not result.ok and result.broken_seq == 2


def test_the_nightly_check_mails_the_operator_on_a_break_only(cast, settings):
    settings.ADMINS = ["exploitation@vigie.test"]
    chain = events(cast.practice, 3)
    assert verify_audit_chains() == {"chains": 1, "broken": []}
    assert mail.outbox == []
    sql(f"UPDATE {TABLE} SET action = 'x' WHERE id = %s", [chain[0].pk])
    assert verify_audit_chains()["broken"] == [f"p{cast.practice.pk}"]
    (message,) = mail.outbox
    assert message.to == ["exploitation@vigie.test"]
    assert "rompue" in message.body and "n° 1" in message.body


def test_the_nightly_check_is_scheduled():
    from django.conf import settings

    entry = settings.CELERY_BEAT_SCHEDULE["audit-verify"]
    assert entry["task"] == "portal.tasks.verify_audit_chains"
    from celery import current_app

    assert "portal.tasks.verify_audit_chains" in current_app.tasks


def test_audit_page_shows_the_last_check_and_re_checks_on_demand(cast):
    chain = events(cast.practice, 3)
    client = cast.client("admin")
    assert "pas encore vérifiée" in client.get(url("audit", cast)).content.decode()
    with time_machine.travel(datetime(2026, 12, 4, 2, 10, tzinfo=UTC), tick=False):
        verify_audit_chains()
    html = client.get(url("audit", cast)).content.decode()
    assert "Chaîne intègre" in html and "vérifiée le 04/12/2026 03:10" in html
    sql(f"UPDATE {TABLE} SET target_label = 'x' WHERE id = %s", [chain[1].pk])
    assert "Chaîne intègre" in client.get(url("audit", cast)).content.decode()  # not yet seen
    response = client.post(url("audit_verify", cast), follow=True)
    html = response.content.decode()
    assert "Chaîne rompue à l'événement n° 2" in html
    assert "la chaîne est rompue" in html
    assert cast.client("staff").post(url("audit_verify", cast)).status_code == 403
    assert client.get(url("audit_verify", cast)).status_code == 405


def test_the_migration_chains_events_written_before_chains_existed(cast):
    events(cast.practice, 4)
    events(cast.other_practice, 2)
    audit.record(action="account.signup")
    # As before the migration: no chain fields, no heads.
    sql(f"UPDATE {TABLE} SET seq = NULL, prev_hash = '', hash = ''")
    sql(f"DELETE FROM {AuditChainHead._meta.db_table}")
    assert not all(r.ok for r in audit_chain.verify())
    migration = importlib.import_module("portal.migrations.0006_chain_existing_audit_events")
    from django.db.migrations.loader import MigrationLoader

    name = ("portal", "0006_chain_existing_audit_events")
    state = MigrationLoader(connection).project_state(name)
    migration.chain(state.apps, None)
    results = audit_chain.verify()
    assert [(r.key, r.count) for r in results] == sorted(
        [(f"p{cast.practice.pk}", 4), (f"p{cast.other_practice.pk}", 2), ("platform", 1)]
    )
    assert all(r.ok for r in results)
    # Appending continues the migrated chain.
    assert audit.record(action="practice.update", practice=cast.practice).seq == 5
    assert all(r.ok for r in audit_chain.verify())
