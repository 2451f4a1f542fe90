"""invitation.expiring: pending invitations expiring within 48 hours, for the admins."""

from datetime import timedelta

import time_machine
from django.utils import timezone

from practices import reminders
from practices.invitations import invitation_create, invitation_resend
from practices.models import Invitation
from tests.factories import MembershipFactory, PracticeFactory


def invitation(practice, admin, email="a@cabinet.fr"):
    return invitation_create(practice=practice, email=email, role="staff", invited_by=admin)


def test_kind_follows_the_contract():
    assert set(reminders.KINDS) == {"invitation.expiring"}
    assert reminders.KINDS["invitation.expiring"].urgent is False


def test_due_only_within_the_last_48_hours(cast):
    sent = invitation(cast.practice, cast.admin)
    start = timezone.now()
    assert list(reminders.due(start + timedelta(days=4))) == []
    [due] = reminders.due(start + timedelta(days=5, hours=1))
    assert (due.kind, due.step, due.practice_id) == ("invitation.expiring", "48h", cast.practice.pk)
    assert due.roles == ("admin",) and due.user_ids == ()
    assert due.url == "/p/cabinet-des-lilas/equipe/"
    assert due.object_key.startswith(f"practices.invitation:{sent.public_id}:")
    assert due.context["email"] == "a@cabinet.fr"
    assert list(reminders.due(start + timedelta(days=7, minutes=1))) == []  # expired: too late


def test_accepted_or_revoked_invitations_are_not_reminded(cast):
    accepted = invitation(cast.practice, cast.admin, "b@cabinet.fr")
    revoked = invitation(cast.practice, cast.admin, "c@cabinet.fr")
    Invitation.objects.filter(pk=accepted.pk).update(status="accepted")
    Invitation.objects.filter(pk=revoked.pk).update(status="revoked")
    assert list(reminders.due(timezone.now() + timedelta(days=6))) == []


def test_a_resent_invitation_is_a_new_reminder_key(cast):
    sent = invitation(cast.practice, cast.admin)
    [first] = reminders.due(timezone.now() + timedelta(days=6))
    with time_machine.travel(timezone.now() + timedelta(days=6)):
        invitation_resend(invitation=sent)
    [second] = reminders.due(timezone.now() + timedelta(days=12))
    assert first.object_key != second.object_key and second.step == "48h"


def test_constant_queries_whatever_the_number_of_practices(cast, django_assert_num_queries):
    for n in range(6):
        practice = PracticeFactory()
        admin = MembershipFactory(practice=practice, role="admin").user
        invitation(practice, admin, f"p{n}@cabinet.fr")
    # invitations joined to their practice
    with django_assert_num_queries(1):
        found = list(reminders.due(timezone.now() + timedelta(days=6)))
    assert len(found) == 6
