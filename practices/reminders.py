"""Reminder kinds of the practice space (see portal/reminders.py for the contract)."""

from datetime import timedelta

from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from portal.reminders import DATETIME, Due, Kind, when
from practices.models import Invitation


def _expiring(context: dict, step: str) -> str:
    return gettext("L'invitation envoyée à %(email)s expire le %(date)s.") % {
        "email": context.get("email", ""),
        "date": when(context.get("expires_at"), DATETIME),
    }


KINDS = {
    "invitation.expiring": Kind(
        "invitation.expiring",
        _("Invitation bientôt expirée"),
        headline=_expiring,
        audience=frozenset({"admin"}),
    ),
}
LEAD = timedelta(hours=48)


def due(now):
    """Pending invitations that expire within 48 hours, for the practice's admins.

    One query (invitations joined to their practice). The object key carries the time the
    invitation was (re)sent: a resent invitation is a new link, worth its own reminder,
    while the same link is reminded once ("48h" step, at most once per sent-log key).
    """
    invitations = Invitation.objects.filter(
        status=Invitation.Status.PENDING, expires_at__gt=now, expires_at__lte=now + LEAD
    ).select_related("practice")
    for invitation in invitations:
        sent = int(invitation.sent_at.timestamp())
        yield Due(
            kind="invitation.expiring",
            practice_id=invitation.practice_id,
            object_key=f"practices.invitation:{invitation.public_id}:{sent}",
            step="48h",
            url=reverse("practices:members", kwargs={"practice_slug": invitation.practice.slug}),
            context={
                "email": invitation.email,
                "role": str(invitation.get_role_display()),
                "expires_at": invitation.expires_at.isoformat(),
            },
            roles=("admin",),
        )
