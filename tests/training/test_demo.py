"""The demo seed: passes across the team, one expiring, one newcomer who never started."""

from django.utils import timezone

from portal import demo
from training import reminders, validity
from training.models import Attempt, ExternalAttestation


def test_demo_training_is_lived_in_and_idempotent(db):
    cast = demo.seed()
    counts = (Attempt.objects.count(), ExternalAttestation.objects.count())
    demo.seed()
    assert (Attempt.objects.count(), ExternalAttestation.objects.count()) == counts
    lilas = cast.practices["cabinet-des-lilas"]
    matrix = validity.matrix(lilas, timezone.now())
    rows = {row.membership.user.email: row for row in matrix.rows}
    assert rows["claire.martin@demo.vigie.fr"].complete
    states = [c.standing.state for c in rows["sophie.bernard@demo.vigie.fr"].cells]
    assert states.count("valid") == 2 and states.count("expiring") == 1
    due = list(reminders.due(timezone.now()))
    locum = cast.users["lucas.petit@demo.vigie.fr"]
    assert any(d.kind == "training.never_started" and d.user_ids == (locum.pk,) for d in due)
    msp = cast.practices["msp-des-calanques"]
    nurse = next(
        r for r in validity.matrix(msp, timezone.now()).rows if r.membership.job == "infirmier"
    )
    assert [c.standing.source for c in nurse.cells].count("external") == 3
