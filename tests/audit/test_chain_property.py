"""Property: whatever single edit, deletion, insertion or swap is made to a chain's rows in the
database, ``verify_audit`` finds the chain broken (and leaves an untouched chain intact)."""

from __future__ import annotations

import json
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from portal import audit, audit_chain
from portal.models import AuditEvent

TABLE = AuditEvent._meta.db_table
TEXT = st.text(st.characters(exclude_categories=("Cs",), exclude_characters="\x00"), max_size=20)
FIELDS = ["action", "target_label", "actor_label", "target_id", "changes", "at", "ip", "prev"]


def sql(statement, params=()):
    with connection.cursor() as cursor:
        cursor.execute(statement, params)


mutations = st.one_of(
    st.tuples(st.just("edit"), st.integers(0, 99), st.sampled_from(FIELDS), TEXT, st.booleans()),
    st.tuples(st.just("delete"), st.integers(0, 99)),
    st.tuples(st.just("insert"), st.integers(0, 99), TEXT, st.booleans()),
    st.tuples(st.just("swap"), st.integers(0, 99), st.integers(1, 99)),
)


def build(practice, labels):
    return [
        audit.record(
            action="practice.update",
            practice=practice,
            target_label=label,
            changes={"name": [label, label + "!"]},
        )
        for label in labels
    ]


def rehash(event_id):
    """A careful intruder recomputes the changed event's own hash (not the next links)."""
    event = AuditEvent.objects.get(pk=event_id)
    sql(f"UPDATE {TABLE} SET hash = %s WHERE id = %s", [audit_chain.event_hash(event), event_id])


def mutate(chain, mutation):
    kind, index = mutation[0], mutation[1] % len(chain)
    event = chain[index]
    if kind == "edit":
        _, _, field, text, recompute = mutation
        if field == "changes":
            sql(
                f"UPDATE {TABLE} SET changes = %s WHERE id = %s",
                [json.dumps({"name": [text, "x" + text]}), event.pk],
            )
        elif field == "at":
            later = event.at + timedelta(microseconds=1)
            sql(f"UPDATE {TABLE} SET at = %s WHERE id = %s", [later, event.pk])
        elif field == "ip":
            sql(f"UPDATE {TABLE} SET ip_address = %s WHERE id = %s", ["10.0.0.9", event.pk])
        elif field == "prev":
            sql(f"UPDATE {TABLE} SET prev_hash = %s WHERE id = %s", ["0" * 64, event.pk])
        else:
            current = getattr(event, field)
            new = text if text != current else text + "·"
            sql(f"UPDATE {TABLE} SET {field} = %s WHERE id = %s", [new, event.pk])
        if recompute:
            rehash(event.pk)
    elif kind == "delete":
        sql(f"DELETE FROM {TABLE} WHERE id = %s", [event.pk])
    elif kind == "insert":
        _, _, label, at_end = mutation
        seq = len(chain) + 1 if at_end else index + 1
        forged = {
            "practice_id": event.practice_id,
            "at": event.at,
            "actor_id": None,
            "actor_label": "",
            "ip_address": None,
            "action": "practice.update",
            "target_type": "",
            "target_id": "",
            "target_label": label,
            "changes": {},
            "seq": seq,
            "prev_hash": chain[seq - 2].hash if seq > 1 else "",
        }
        forged["hash"] = audit_chain.event_hash(forged)  # a well-formed link
        AuditEvent.objects.bulk_create([AuditEvent(**forged)])
    else:
        other = chain[(index + mutation[2]) % len(chain)]
        if other.pk == event.pk:
            other = chain[(index + 1) % len(chain)]
        sql(f"UPDATE {TABLE} SET seq = 0 WHERE id = %s", [event.pk])
        sql(f"UPDATE {TABLE} SET seq = %s WHERE id = %s", [event.seq, other.pk])
        sql(f"UPDATE {TABLE} SET seq = %s WHERE id = %s", [other.seq, event.pk])


def command_fails(practice) -> bool:
    try:
        call_command("verify_audit", "--practice", practice.slug, stdout=StringIO())
    except CommandError as error:
        return error.returncode == 1
    return False


@pytest.fixture(autouse=True)
def anchor_log(tmp_path, settings):
    settings.VIGIE_AUDIT_ANCHOR_LOG = tmp_path / "anchors.log"


@settings(
    max_examples=80,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(labels=st.lists(TEXT, min_size=2, max_size=7), mutation=mutations)
def test_any_single_tampering_is_detected(cast, labels, mutation):
    from django.conf import settings as django_settings

    # Each example's chain is rolled back; the anchors of the previous one must go too.
    django_settings.VIGIE_AUDIT_ANCHOR_LOG.unlink(missing_ok=True)
    with transaction.atomic():
        chain = build(cast.practice, labels)
        assert not command_fails(cast.practice)
        mutate(chain, mutation)
        assert command_fails(cast.practice), mutation
        transaction.set_rollback(True)
