"""Invitations: single-use signed links that expire after VIGIE_INVITATION_DAYS days.

The token signs the invitation's public id and the time it was (re)sent: resending gives
a new token and kills the old one; accepting or revoking ends it for good.
"""

from __future__ import annotations

from datetime import timedelta

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import signing
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from portal import audit
from portal.mail import send_after_commit
from portal.psc import services as psc_services
from practices.models import Invitation, Job, Membership, Oversight
from practices.roles import Role

SALT = "vigie.invitation"
# The link an anonymous invitee arrived with, kept across sign-up, login and the forced
# second-factor enrolment (which ends on the home page): home sends them back to it.
SESSION_KEY = "vigie_invitation_token"
# Set when the invitee creates their account from the link: the login that follows (with its
# forced second-factor enrolment) joins the practice as it completes, no separate « Accepter ».
ACCEPT_ON_LOGIN_KEY = "vigie_invitation_accept_on_login"


class InvitationError(Exception):
    """Why an invitation link cannot be used (a French sentence), and the invitation when the
    link still names one (its practice and who sent it: the error page's way forward)."""

    def __init__(self, message, invitation: Invitation | None = None):
        super().__init__(message)
        self.invitation = invitation


class AlreadyAccepted(InvitationError):
    """The invitation was used; its link leads its acceptor to the practice."""


class WrongAccount(InvitationError):
    """The signed-in person is not the one the invitation was sent to."""


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
    expired = _("Cette invitation a expiré. Demandez-en une nouvelle.")
    try:
        data = signing.loads(token, salt=SALT, max_age=max_age)
    except signing.SignatureExpired as error:
        # The signature is genuine, only old: its practice and sender can still be named.
        raise InvitationError(expired, _signed_invitation(token)) from error
    except signing.BadSignature as error:
        raise InvitationError(_("Ce lien d'invitation n'est pas valable.")) from error
    invitation = (
        Invitation.objects.select_related("practice", "invited_by")
        .filter(public_id=data["id"])
        .first()
    )
    if invitation is None or invitation.sent_at.isoformat() != data["sent"]:
        raise InvitationError(
            _("Ce lien a été remplacé par une invitation plus récente : utilisez le dernier reçu."),
            invitation,
        )
    if invitation.status == Invitation.Status.ACCEPTED:
        raise AlreadyAccepted(_("Cette invitation a déjà été utilisée."), invitation)
    if invitation.status == Invitation.Status.REVOKED:
        raise InvitationError(_("Cette invitation a été annulée par le cabinet."), invitation)
    if invitation.expires_at <= timezone.now():
        raise InvitationError(expired, invitation)
    return invitation


def _signed_invitation(token: str) -> Invitation | None:
    """The invitation an expired but genuine link names (None if it is gone)."""
    data = signing.loads(token, salt=SALT)
    return (
        Invitation.objects.select_related("practice", "invited_by")
        .filter(public_id=data["id"])
        .first()
    )


def remember(session, token: str) -> None:
    session[SESSION_KEY] = token


def accept_on_login(sender, request, user, **kwargs) -> None:
    """allauth's ``user_logged_in``: the login that ends an invitee's sign-up (after the
    second-factor enrolment) joins the practice. Only a sign-up from the link sets the key;
    an invitation no longer usable is left to its link, which says why."""
    token = request.session.pop(ACCEPT_ON_LOGIN_KEY, None)
    if not token:
        return
    try:
        invitation = invitation_from_token(token)
        invitation_accept(invitation=invitation, user=user, request=request)
    except InvitationError:
        return


def pop_remembered_url(session) -> str | None:
    """The invitation page to come back to after login, once (None if there is none)."""
    token = session.pop(SESSION_KEY, None)
    return reverse("invitation_accept", kwargs={"token": token}) if token else None


def check_recipient(invitation: Invitation, user) -> None:
    if user.email.lower() != invitation.email.lower():
        raise WrongAccount(
            _(
                "Cette invitation a été envoyée à %(email)s, mais vous êtes connecté(e) avec "
                "%(current)s. Déconnectez-vous, puis ouvrez à nouveau le lien reçu."
            )
            % {"email": invitation.email, "current": user.email}
        )


@transaction.atomic
def invitee_sign_up(*, invitation: Invitation, first_name, last_name, password1, **_confirmation):
    """The invitee's account, with the invited e-mail counted as verified (the link reached it).

    No session is opened here: the view then logs the person in through allauth, which forces the
    second-factor enrolment before the login ends.
    """
    user = get_user_model().objects.create_user(
        email=invitation.email, password=password1, first_name=first_name, last_name=last_name
    )
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    return user


def _send(invitation: Invitation) -> None:
    context = {
        "invitation": invitation,
        "url": invitation_url(invitation),
        "days": settings.VIGIE_INVITATION_DAYS,
    }
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
        changes={
            "email": [None, invitation.email],
            "role": [None, role],
            "job": [None, invitation.job or None],
        },
    )
    # Sent once committed; ``delivery.sent`` tells the view whether the mail left.
    invitation.delivery = send_after_commit(lambda: _send(invitation), "invitation")
    return invitation


@transaction.atomic
def invitation_resend(*, invitation: Invitation, request=None) -> None:
    now = timezone.now()
    before = invitation.expires_at
    invitation.sent_at = now
    invitation.expires_at = now + timedelta(days=settings.VIGIE_INVITATION_DAYS)
    invitation.save(update_fields=["sent_at", "expires_at"])
    audit.record(
        request=request,
        practice=invitation.practice,
        action="invitation.resend",
        target=invitation,
        changes={"expires_at": [before, invitation.expires_at]},
    )
    invitation.delivery = send_after_commit(lambda: _send(invitation), "invitation")


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


def _grant_or_join(invitation: Invitation, user):
    """The Oversight (delegate) or Membership the invitation gives; an existing one is kept."""
    if invitation.role == Role.DELEGATE:
        grant, _created = Oversight.objects.get_or_create(
            practice=invitation.practice,
            delegate=user,
            revoked_at=None,
            defaults={"granted_by": invitation.invited_by},
        )
        return grant
    job = invitation.job or Job.OTHER
    if job == Job.OTHER:
        # The profession Pro Santé Connect vouches for, when the admin did not set one.
        job = psc_services.profession_job(psc_services.linked_account(user)) or job
    membership, _created = Membership.objects.get_or_create(
        practice=invitation.practice, user=user, defaults={"role": invitation.role, "job": job}
    )
    return membership


@transaction.atomic
def invitation_accept(*, invitation: Invitation, user, request=None):
    """Join the practice (or get the delegate grant) as the invited, signed-in person.

    The invitation row is locked and its state read again, so two clicks (or two tabs)
    use it once. Returns the Membership or Oversight.
    """
    check_recipient(invitation, user)
    locked = (
        Invitation.objects.select_for_update()
        .filter(public_id=invitation.public_id, status=Invitation.Status.PENDING)
        .first()
    )
    if locked is None:
        raise InvitationError(_("Cette invitation a déjà été utilisée ou annulée."))
    granted = _grant_or_join(invitation, user)
    locked.status = Invitation.Status.ACCEPTED
    locked.accepted_by = user
    locked.accepted_at = timezone.now()
    locked.save(update_fields=["status", "accepted_by", "accepted_at"])
    is_grant = isinstance(granted, Oversight)
    audit.record(
        request=request,
        actor=user,
        practice=invitation.practice,
        action="oversight.grant" if is_grant else "membership.create",
        target=granted,
        target_label=user.email,
        changes={"role": [None, invitation.role], "job": [None, invitation.job or None]},
    )
    return granted
