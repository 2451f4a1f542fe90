"""A known fixture for the console, built with the spaces' own services and read through
their real contracts (portal/spaces.py): every figure computable by hand.

NOW is frozen. The overseen practice "Cabinet des Lilas" (cast.practice) gets:

* runs due in the last 90 days: one on time, one late, one never completed (and one due
  100 days ago on time, one not due yet: both outside the rate) → 1 on time out of 3;
* answers "not done": two open, one fixed (and one "done") → 2 open actions;
* incidents: I1 open, 100 h, nothing decided → late; I2 contained, 80 h, required and
  filed → not late; I3 closed, no personal data → neither; I4 open, 10 h → running;
  I5 closed, 100 h, required, only a complementary filing → late
  → 3 open, 2 late;
* registry: 4 fiches adopted from presets and put in force 400 days ago (their yearly
  review is overdue); one reviewed 200 days ago, two yesterday → 4 entries, 1 review
  overdue, 2 reviews this week; completeness as the registry page says it;
* training: one module required (the others exempted for every job), 5 members, 4 passed
  it (one 200 days ago, three yesterday) → coverage 0.8, 3 passes this week;
* documents: the crisis card and the patient notice printed from the current data;
* audit events: 3 of the test in NOW's week, 1 five weeks earlier, the latest at NOW - 1 h,
  plus the services' own: 2 reviews and 3 passes yesterday (the rest is older than the
  console's 12 weeks) → 8 this week, 9 in all.
"""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine

from documents import crisis, notice
from documents import services as documents_services
from documents.models import Printing
from portal.audit import record
from practices.checklists import content
from practices.checklists.models import Answer, PracticeChecklist, Run, Template
from practices.models import Job
from registry import cnil
from registry import content as registry_content
from registry import services as registry_services
from registry.incidents.models import CnilFiling, Incident
from registry.models import Preset
from tests.factories import MembershipFactory
from training import content as training_content
from training import services as training_services
from training.models import Module

PARIS = ZoneInfo("Europe/Paris")
NOW = datetime(2026, 3, 18, 10, 0, tzinfo=PARIS)  # a Wednesday
YESTERDAY = NOW - timedelta(days=1)  # in NOW's week (Monday 16 March)
LONG_AGO = NOW - timedelta(days=200)  # before the console's 12 weeks of activity
IN_FORCE_AT = NOW - timedelta(days=400)  # a yearly review put then is overdue at NOW


@pytest.fixture
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield NOW


def at(moment):
    return time_machine.travel(moment, tick=False)


def registry_with(practice, *, entries, overdue=0, reviewed_this_week=0):
    """``entries`` fiches adopted from presets and put in force at IN_FORCE_AT; all but
    ``overdue`` reviewed since (``reviewed_this_week`` of them yesterday, the others
    LONG_AGO). Returns the fiches."""
    if not Preset.objects.exists():
        registry_content.load()
    keys = list(Preset.objects.order_by("key").values_list("key", flat=True)[:entries])
    assert len(keys) == entries, "not enough presets"
    with at(IN_FORCE_AT):
        activities = registry_services.adopt_presets(practice=practice, preset_keys=keys)
        for activity in activities:
            registry_services.set_status(activity=activity, status=cnil.Status.ACTIVE)
    reviewed = activities[overdue:]
    for n, activity in enumerate(reviewed):
        with at(YESTERDAY if n < reviewed_this_week else LONG_AGO):
            registry_services.mark_reviewed(activity=activity)
    return activities


def one_required_module(practice):
    """The first module required from everyone, the others exempted for every job."""
    if not Module.objects.exists():
        training_content.load()
    modules = list(Module.objects.order_by("theme"))
    with at(LONG_AGO):
        training_services.requirements_set(
            practice=practice, exempt={(job, m.pk) for job in Job.values for m in modules[1:]}
        )
    return modules[0]


def pass_module(practice, user, module, moment):
    with at(moment):
        attempt = training_services.attempt_start(practice=practice, user=user, module=module)
        right = {q.key: q.choices.get(correct=True).key for q in module.questions.all()}
        attempt = training_services.attempt_submit(attempt=attempt, answers=right)
    assert attempt.passed
    return attempt


def training_with(practice, *, staff, valid, passed_this_week=0):
    """``staff`` members, ``valid`` of whom passed the one required module
    (``passed_this_week`` of them yesterday, the others LONG_AGO)."""
    module = one_required_module(practice)
    members = list(practice.memberships.order_by("pk"))
    members += [MembershipFactory(practice=practice) for _ in range(staff - len(members))]
    for n, membership in enumerate(members[:valid]):
        moment = YESTERDAY if n < passed_this_week else LONG_AGO
        pass_module(practice, membership.user, module, moment)
    return module


def print_documents(practice, user=None, moment=LONG_AGO, which=("card", "notice")):
    """Print the crisis card and generate the patient notice from the current data."""
    documents = {"card": Printing.Document.CRISIS_CARD, "notice": Printing.Document.NOTICE}
    for name in which:
        source = crisis.card_data if name == "card" else notice.notice_data
        data = source([practice.pk])[practice.pk]
        with at(moment):
            documents_services.document_print(
                practice=practice,
                user=user,
                document=documents[name],
                language="fr",
                fingerprint=crisis.fingerprint(data),
                data=data,
            )


def in_good_order(practice, user=None):
    """A practice with nothing to watch but its activity: one fiche reviewed, everyone
    trained, its documents printed."""
    registry_with(practice, entries=1)
    training_with(practice, staff=max(1, practice.memberships.count()), valid=10**6)
    print_documents(practice, user)


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


def build_known(practice, admin=None):
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
    registry_with(practice, entries=4, overdue=1, reviewed_this_week=2)
    training_with(practice, staff=5, valid=4, passed_this_week=3)
    print_documents(practice, admin)
