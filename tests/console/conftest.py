"""A known fixture for the console, every figure computable by hand.

NOW is frozen. The overseen practice "Cabinet des Lilas" (cast.practice) gets:

* runs due in the last 90 days: one on time, one late, one never completed (and one due
  100 days ago on time, one not due yet: both outside the rate) → 1 on time out of 3;
* answers "not done": two open, one fixed (and one "done") → 2 open actions;
* incidents: I1 open, 100 h, nothing decided → late; I2 contained, 80 h, required and
  filed → not late; I3 closed, no personal data → neither; I4 open, 10 h → running;
  I5 closed, 100 h, required, only a complementary filing → late
  → 3 open, 2 late;
* audit events: 3 in NOW's week, 1 five weeks earlier; the latest at NOW - 1 h;
* registry (stand-in): completeness 0.5, 4 entries, 1 review overdue;
* training (stand-in): coverage 0.8, 4 valid of 5;
* this week (stand-ins): 2 registry reviews, 3 trainings passed.
"""

from dataclasses import replace
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine

from portal import spaces as portal_spaces
from portal.audit import record
from practices.checklists import content
from practices.checklists.models import Answer, PracticeChecklist, Run, Template
from registry.incidents.models import CnilFiling, Incident
from tests.console import spaces

PARIS = ZoneInfo("Europe/Paris")
NOW = datetime(2026, 3, 18, 10, 0, tzinfo=PARIS)  # a Wednesday


@pytest.fixture
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield NOW


@pytest.fixture
def stand_in_spaces(monkeypatch):
    """Registry, training and documents figures from tests/console/spaces.py (cleared each
    test), in contracts that are the real ones but for their console functions."""
    for store in (spaces.REGISTRY, spaces.TRAINING, spaces.DOCUMENTS, spaces.CHANGES):
        store.clear()
    spaces.CALLS.clear()
    registry = replace(
        portal_spaces.registry,
        console_figures=lambda ids, now: spaces.registry_figures(ids),
        console_changes=lambda ids, since, now: spaces.registry_changes(ids, since),
    )
    training = replace(
        portal_spaces.training,
        console_figures=lambda ids, now: spaces.training_figures(ids),
        console_changes=lambda ids, since, now: spaces.training_changes(ids, since),
    )
    documents = replace(
        portal_spaces.documents,
        console_figures=lambda ids, now: spaces.documents_figures(ids),
    )
    monkeypatch.setattr(portal_spaces, "registry", registry)
    monkeypatch.setattr(portal_spaces, "training", training)
    monkeypatch.setattr(portal_spaces, "documents", documents)
    monkeypatch.setattr(
        portal_spaces,
        "CONSOLE",
        (portal_spaces.checklists, registry, portal_spaces.incidents, training, documents),
    )
    return spaces


def checklist_for(practice, code="workstations"):
    if not Template.objects.exists():
        content.load()
    return PracticeChecklist.objects.create(
        practice=practice,
        template=Template.objects.get(code=code),
        cadence="FREQ=MONTHLY",
        starts_on=NOW.date() - timedelta(days=400),
    )


def run(checklist, due_days_ago, completed_days_ago=None):
    due = NOW - timedelta(days=due_days_ago)
    return Run.objects.create(
        practice=checklist.practice,
        checklist=checklist,
        period_start=due - timedelta(days=30),
        due_at=due,
        completed_at=None
        if completed_days_ago is None
        else NOW - timedelta(days=completed_days_ago),
    )


def incident(practice, hours_ago, status="open", **fields):
    aware = NOW - timedelta(hours=hours_ago)
    return Incident.objects.create(
        practice=practice,
        kind="phishing",
        description="Courriel suspect (Patient X)",
        noticed_at=aware,
        aware_at=aware,
        created_at=aware,
        status=status,
        **fields,
    )


def audit_at(practice, at, action="test.event"):
    with time_machine.travel(at, tick=False):
        record(practice=practice, action=action, target_label="x")


def build_known(practice, stand_in=None):
    checklist = checklist_for(practice)
    on_time = run(checklist, 10, completed_days_ago=12)
    late = run(checklist, 20, completed_days_ago=15)
    run(checklist, 40)
    run(checklist, 100, completed_days_ago=101)
    run(checklist, -5)
    for key, status, fixed in (
        ("a", "not_done", False),
        ("b", "not_done", False),
        ("c", "not_done", True),
        ("d", "done", False),
    ):
        Answer.objects.create(
            practice=practice,
            run=late if key != "a" else on_time,
            item_key=key,
            status=status,
            comment="Filtre manquant",
            fixed_at=NOW - timedelta(days=1) if fixed else None,
        )
    incident(practice, 100)
    i2 = incident(practice, 80, status="contained", cnil_required=True, personal_data=True)
    CnilFiling.objects.create(
        practice=practice, incident=i2, filed_at=NOW - timedelta(hours=20), reference="CNIL-1"
    )
    incident(practice, 200, status="closed", personal_data=False)
    incident(practice, 10, cnil_required=True)
    i5 = incident(practice, 100, status="closed", cnil_required=True, personal_data=True)
    CnilFiling.objects.create(
        practice=practice,
        incident=i5,
        type="complementary",
        filed_at=NOW - timedelta(hours=1),
        reference="CNIL-2",
    )
    for at in (
        NOW - timedelta(hours=1),
        NOW - timedelta(hours=2),
        NOW - timedelta(days=2),  # Monday of NOW's week
        NOW - timedelta(weeks=5),
    ):
        audit_at(practice, at)
    if stand_in is not None:
        stand_in.REGISTRY[practice.pk] = {"completeness": 0.5, "entries": 4, "review_overdue": 1}
        stand_in.TRAINING[practice.pk] = {"coverage": 0.8, "staff": 5, "valid_staff": 4}
        stand_in.CHANGES[practice.pk] = {"reviews": 2, "passed": 3}
