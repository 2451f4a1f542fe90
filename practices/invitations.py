"""Invitations: single-use signed links that expire after VIGIE_INVITATION_DAYS days.

The token signs the invitation's public id and the time it was (re)sent: resending gives
a new token and kills the old one; accepting or revoking ends it for good.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from portal import audit
from practices.models import Invitation, Membership, Oversight
from practices.roles import Role

SALT = "vigie.invitation"


class InvitationError(Exception):
    """Why an invitation link cannot be used (a French sentence)."""


def make_token(invitation: Invitation) -> str:
    return signing.dumps(
        {"id": str(invitation.public_id), "sent": invitation.sent_at.isoformat()}, salt=SALT
    )


def invitation_url(invitation: Invitation) -> str:
    return settings.SITE_URL + reverse(
        "invitation_accept", kwargs={"token": make_token(invitation)}
    )


def invitation_from_token(token: str) -> Invitation:
    max_age = timedelta(days=settings.VIGIE_INVITATION_DAYS)
    try:
        data = signing.loads(token, salt=SALT, max_age=max_age)
    except signing.SignatureExpired as error:
        raise InvitationError(_("Cette invitation a expiré. Demandez-en une nouvelle.")) from error
    except signing.BadSignature as error:
        raise InvitationError(_("Ce lien d'invitation n'est pas valable.")) from error
    invitation = Invitation.objects.select_related("practice").filter(public_id=data["id"]).first()
    if invitation is None or invitation.sent_at.isoformat() != data["sent"]:
        raise InvitationError(
            _("Ce lien a été remplacé par une invitation plus récente : utilisez le dernier reçu.")
        )
    if invitation.status == Invitation.Status.ACCEPTED:
        raise InvitationError(_("Cette invitation a déjà été utilisée."))
    if invitation.status == Invitation.Status.REVOKED:
        raise InvitationError(_("Cette invitation a été annulée par le cabinet."))
    if invitation.expires_at <= timezone.now():
        raise InvitationError(_("Cette invitation a expiré. Demandez-en une nouvelle."))
    return invitation


def _send(invitation: Invitation) -> None:
    context = {"invitation": invitation, "url": invitation_url(invitation)}
    subject = _("[Vigie] Invitation à rejoindre %(practice)s") % {
        "practice": invitation.practice.name
    }
    message = EmailMultiAlternatives(
        subject,
        render_to_string("practices/email/invitation.txt", context),
        to=[invitation.email],
    )
    message.send()


@transaction.atomic
def invitation_create(*, practice, email, role, job="", invited_by, request=None) -> Invitation:
    now = timezone.now()
    invitation = Invitation.objects.create(
        practice=practice,
        email=email.lower(),
        role=role,
        job=job if role != Role.DELEGATE else "",
        invited_by=invited_by,
        sent_at=now,
        expires_at=now + timedelta(days=settings.VIGIE_INVITATION_DAYS),
    )
    audit.record(
        request=request,
        practice=practice,
        action="invitation.create",
        target=invitation,
        changes={"email": [None, invitation.email], "role": [None, role]},
    )
    transaction.on_commit(lambda: _send(invitation))
    return invitation


@transaction.atomic
def invitation_resend(*, invitation: Invitation, request=None) -> None:
    now = timezone.now()
    invitation.sent_at = now
    invitation.expires_at = now + timedelta(days=settings.VIGIE_INVITATION_DAYS)
    invitation.save(update_fields=["sent_at", "expires_at"])
    audit.record(
        request=request,
        practice=invitation.practice,
        action="invitation.resend",
        target=invitation,
    )
    transaction.on_commit(lambda: _send(invitation))


@transaction.atomic
def invitation_revoke(*, invitation: Invitation, request=None) -> None:
    invitation.status = Invitation.Status.REVOKED
    invitation.save(update_fields=["status"])
    audit.record(
        request=request,
        practice=invitation.practice,
        action="invitation.revoke",
        target=invitation,
        changes={"status": ["pending", "revoked"]},
    )


@transaction.atomic
def invitation_accept(*, invitation: Invitation, user, request=None) -> None:
    """Join the practice (or get the delegate grant) as the invited, logged-in person."""
    if user.email.lower() != invitation.email.lower():
        raise InvitationError(
            _("Cette invitation est destinée à %(email)s : connectez-vous avec ce compte.")
            % {"email": invitation.email}
        )
    practice = invitation.practice
    if invitation.role == Role.DELEGATE:
        Oversight.objects.get_or_create(
            practice=practice,
            delegate=user,
            revoked_at=None,
            defaults={"granted_by": invitation.invited_by},
        )
        action = "oversight.grant"
    else:
        Membership.objects.get_or_create(
            practice=practice,
            user=user,
            defaults={"role": invitation.role, "job": invitation.job or "autre"},
        )
        action = "membership.create"
    invitation.status = Invitation.Status.ACCEPTED
    invitation.accepted_by = user
    invitation.accepted_at = timezone.now()
    invitation.save(update_fields=["status", "accepted_by", "accepted_at"])
    audit.record(
        request=request,
        actor=user,
        practice=practice,
        action=action,
        target=invitation,
        changes={"role": [None, invitation.role]},
    )
