"""Things that fall due, built directly (no mail of their own), and small probes."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from practices.models import Invitation
from registry.incidents.models import Incident


def expiring_invitation(practice, email="nouvelle@exemple.fr", hours=24):
    """A pending invitation that expires in ``hours`` (inside the 48-hour reminder)."""
    now = timezone.now()
    return Invitation.objects.create(
        practice=practice,
        email=email,
        sent_at=now - timedelta(days=6),
        expires_at=now + timedelta(hours=hours),
    )


def late_incident(practice, hours=30):
    """An incident known for ``hours`` with no CNIL decision: its 72-hour alert is due."""
    aware = timezone.now() - timedelta(hours=hours)
    return Incident.objects.create(
        practice=practice,
        kind="phishing",
        description="Courriel piégé",
        noticed_at=aware,
        aware_at=aware,
    )
