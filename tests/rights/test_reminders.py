"""Deadline reminders through the real sweep and the real delivery (mail outbox), under a
frozen clock: three days before, on the day, once late; once each; to the admins only."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import time_machine
from django.core import mail
from django.utils import timezone

from portal.notifications import delivery, sweep
from portal.notifications.models import SentReminder
from tests.rights.helpers import make

PARIS = ZoneInfo("Europe/Paris")


def swept(moment):
    with time_machine.travel(moment, tick=False):
        sweep.run_sweep(timezone.now(), enqueue=lambda ids: 0)


def steps():
    return sorted(
        SentReminder.objects.filter(kind="rights.deadline").values_list("recipient_id", "step")
    )


def test_three_days_before_on_the_day_and_once_late(cast):
    item = make(cast.practice, received_on=date(2028, 1, 31))  # deadline 29 February
    answered = make(cast.practice, received_on=date(2028, 1, 31), person_ref="Q. Y.")
    answered.answered_on = date(2028, 2, 10)
    answered.answer_means, answered.outcome = "post", "granted"
    answered.save()
    swept(datetime(2028, 2, 25, 9, 0, tzinfo=PARIS))  # four days ahead: nothing yet
    assert steps() == []
    swept(datetime(2028, 2, 26, 9, 0, tzinfo=PARIS))
    swept(datetime(2028, 2, 27, 9, 0, tzinfo=PARIS))  # the same step: not again
    assert steps() == [(cast.admin.pk, "d-3")]
    swept(datetime(2028, 2, 29, 23, 0, tzinfo=PARIS))
    swept(datetime(2028, 3, 1, 0, 30, tzinfo=PARIS))
    swept(datetime(2028, 3, 5, 0, 30, tzinfo=PARIS))
    assert steps() == [(cast.admin.pk, "d-3"), (cast.admin.pk, "d0"), (cast.admin.pk, "late")]
    keys = SentReminder.objects.filter(kind="rights.deadline").values_list("object_key")
    assert set(keys) == {(f"rights.rightsrequest:{item.public_id}",)}


def test_the_mail_states_the_deadline_in_each_language(cast):
    item = make(cast.practice, received_on=date(2028, 1, 31), kind="erasure")
    swept(datetime(2028, 3, 1, 8, 0, tzinfo=PARIS))
    row = SentReminder.objects.get(kind="rights.deadline")
    assert row.step == "late" and row.url == f"/p/{cast.practice.slug}/droits/{item.public_id}/"
    assert delivery.deliver(row.pk) == "sent"
    (message,) = mail.outbox
    assert message.to == [cast.admin.email]
    assert "Échéance d'une demande d'exercice des droits" in message.subject
    assert (
        "Demande d'exercice des droits (Effacement) : l'échéance du 29/02/2028 est passée "
        "sans réponse enregistrée." in message.body
    )
    assert "droit de saisir la CNIL" in message.body
    assert "toujours envoyée" in message.body  # urgent: no unsubscribe link
    cast.admin.language = "en"
    cast.admin.save()
    row.status, row.claimed_at = "pending", None
    row.save()
    assert delivery.deliver(row.pk) == "sent"
    english = mail.outbox[1]
    assert "Rights request (Erasure): the deadline of 29/02/2028 has passed" in english.body
