"""Writes on incidents: report, reflexes, assessment, filings, status. Audited, timelined."""

from __future__ import annotations

import json
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import override

from portal import audit
from portal.mail import send_after_commit
from portal.reminders import DATETIME
from practices.access import same_practice
from practices.models import Membership
from registry.incidents.breach import ASSESSMENT_FIELDS, deadline
from registry.incidents.models import CnilFiling, Event, Incident, Reflex, Status

# Timeline details are capped (Event.detail): long texts are cut there, never in the audit
# event, which keeps the whole before → after.
_SHOWN = 240


def _event(incident, actor, action, detail=""):
    Event.objects.create(
        practice=incident.practice,
        incident=incident,
        actor=actor,
        action=action,
        detail=detail[:1000],
    )


# The deadline in the admin's mail is told in Paris time, whoever reads it.
PARIS = ZoneInfo("Europe/Paris")


def incident_url(incident) -> str:
    return reverse(
        "incidents:detail",
        kwargs={"practice_slug": incident.practice.slug, "incident_id": incident.public_id},
    )


def _alert_admins(incident) -> None:
    admins = Membership.objects.filter(practice=incident.practice, role="admin").select_related(
        "user"
    )
    for membership in admins:
        with override(membership.user.language):
            subject = _("[Vigie] Incident signalé : %(kind)s — %(practice)s") % {
                "kind": incident.get_kind_display(),
                "practice": incident.practice.name,
            }
            # The practice's name stands alone: "au cabinet Cabinet médical…" or "au cabinet
            # Maison de santé…" read wrong.
            body = _(
                "%(practice)s : un incident vient d'être signalé (%(kind)s).\n\n"
                "Suivez les réflexes et évaluez s'il s'agit d'une violation de données : la "
                "CNIL doit être notifiée sous 72 heures quand il y a un risque, "
                "soit avant le %(deadline)s (heure de Paris).\n\n%(url)s\n"
            ) % {
                "practice": incident.practice.name,
                "kind": incident.get_kind_display(),
                "deadline": date_format(timezone.localtime(deadline(incident), PARIS), DATETIME),
                "url": settings.SITE_URL + incident_url(incident),
            }
        send_mail(subject, body, None, [membership.user.email])


@transaction.atomic
def incident_report(*, practice, reporter, kind, description, noticed_at, request=None):
    incident = Incident.objects.create(
        practice=practice,
        reported_by=reporter,
        kind=kind,
        description=description,
        noticed_at=noticed_at,
        aware_at=noticed_at,
    )
    # Codes, not labels: the timeline names them in the reader's language.
    _event(incident, reporter, "reported", kind)
    audit.record(
        request=request,
        actor=reporter,
        practice=practice,
        action="incident.report",
        target=incident,
        changes={"kind": [None, kind]},
    )
    send_after_commit(lambda: _alert_admins(incident), "incident alert")
    return incident


@transaction.atomic
def reflex_tick(*, incident, key, user, note="", request=None) -> None:
    _reflex, created = Reflex.objects.get_or_create(
        practice=incident.practice,
        incident=incident,
        key=key,
        defaults={"done_at": timezone.now(), "done_by": user, "note": note[:500]},
    )
    if created:
        _event(incident, user, "reflex", key + (f" — {note}" if note else ""))
        audit.record(
            request=request,
            actor=user,
            practice=incident.practice,
            action="incident.reflex",
            target=incident,
            changes={key: [None, True]},
        )


@transaction.atomic
def reflex_untick(*, incident, key, user, request=None) -> None:
    """A reflex ticked by mistake is unticked; who ticked it and when stay in the trail."""
    reflex = Reflex.objects.filter(incident=incident, key=key).select_related("done_by").first()
    if reflex is None:
        return
    was = f"{timezone.localtime(reflex.done_at):%d/%m/%Y %H:%M} {reflex.done_by or ''}".strip()
    reflex.delete()
    _event(incident, user, "reflex_undone", key)
    audit.record(
        request=request,
        actor=user,
        practice=incident.practice,
        action="incident.reflex_undo",
        target=incident,
        changes={key: [was, None]},
    )


def _shown(value):
    return value[:_SHOWN] + "…" if isinstance(value, str) and len(value) > _SHOWN else value


def _trace(incident, user, request, *, event, action, changes, reason, target=None) -> None:
    """A traced correction: before → after with the reason, on the timeline (who and when
    are the event's) and in the audit trail."""
    detail = {
        "changes": {k: [_shown(v[0]), _shown(v[1])] for k, v in changes.items()},
        "reason": _shown(reason),
    }
    _event(incident, user, event, json.dumps(detail, ensure_ascii=False))
    audit.record(
        request=request,
        actor=user,
        practice=incident.practice,
        action=action,
        target=target or incident,
        changes={**changes, "reason": [None, reason]},
    )


def _start_changed(incident, user, reason) -> None:
    incident.start_changed_at = timezone.now()
    incident.start_changed_by = user
    incident.start_change_reason = reason


def _minute(value):
    return value.replace(second=0, microsecond=0) if value else value


def time_changed(old, new) -> bool:
    """Typed to the minute: a stored time's seconds are not a change."""
    return _minute(old) != _minute(new)


@transaction.atomic
def incident_correct(*, incident, user, reason, request=None, **fields) -> None:
    """The admin corrects the incident's facts (noticed date, kind, description). An
    awareness never assessed was the noticed date: it follows it (the 72 hours' start)."""
    names = ["noticed_at", "aware_at", "kind", "description"]
    before = audit.snapshot(incident, names)
    if "noticed_at" in fields and not time_changed(incident.noticed_at, fields["noticed_at"]):
        fields.pop("noticed_at")
    if "noticed_at" in fields and incident.assessed_at is None:
        fields["aware_at"] = fields["noticed_at"]
    for name, value in fields.items():
        setattr(incident, name, value)
    changes = audit.diff(before, audit.snapshot(incident, names))
    if not changes:
        return
    if "aware_at" in changes:
        _start_changed(incident, user, reason)
    incident.save()
    _trace(
        incident,
        user,
        request,
        event="corrected",
        action="incident.correct",
        changes=changes,
        reason=reason,
    )


@transaction.atomic
def incident_withdraw(*, incident, user, reason, request=None) -> None:
    """Withdrawn (an error or a duplicate): out of every count (``Incident.objects.counted``),
    kept and marked in the list, the timeline and the exports."""
    before = incident.status
    incident.status = Status.WITHDRAWN
    incident.withdrawn_reason = reason
    incident.save(update_fields=["status", "withdrawn_reason"])
    _trace(
        incident,
        user,
        request,
        event="withdrawn",
        action="incident.withdraw",
        changes={"status": [before, Status.WITHDRAWN]},
        reason=reason,
    )


@transaction.atomic
def incident_reinstate(*, incident, user, reason, request=None) -> None:
    """Back in the counts, open again (the admin closes it again if it was closed)."""
    incident.status = Status.OPEN
    incident.save(update_fields=["status"])
    _trace(
        incident,
        user,
        request,
        event="reinstated",
        action="incident.reinstate",
        changes={"status": [Status.WITHDRAWN, Status.OPEN]},
        reason=reason,
    )


def _activities_snapshot(incident) -> dict:
    return {"activities": sorted(str(a) for a in incident.activities.all())}


@transaction.atomic
def incident_assess(*, incident, user, request=None, activities=None, reason="", **fields) -> None:
    """Records the assessment. Once assessed, a new awareness time (the 72 hours' start)
    needs ``reason``: it is traced before → after on the timeline and in the trail."""
    before = audit.snapshot(incident, ASSESSMENT_FIELDS) | _activities_snapshot(incident)
    old_aware = incident.aware_at
    if "aware_at" in fields and not time_changed(old_aware, fields["aware_at"]):
        fields["aware_at"] = old_aware
    start_moved = incident.assessed_at is not None and fields.get("aware_at", old_aware) != (
        old_aware
    )
    if start_moved:
        if not reason.strip():
            raise ValueError("A reason is required to move the 72 hours' start.")
        _start_changed(incident, user, reason)
    for name, value in fields.items():
        setattr(incident, name, value)
    incident.assessed_at = timezone.now()
    incident.save()
    if activities is not None:
        same_practice(incident.practice, *activities)
        incident.activities.set(activities)
    after = audit.snapshot(incident, ASSESSMENT_FIELDS) | _activities_snapshot(incident)
    changes = audit.diff(before, after)
    _event(incident, user, "assessed", incident.risk)
    audit.record(
        request=request,
        actor=user,
        practice=incident.practice,
        action="incident.assess",
        target=incident,
        changes=changes,
    )
    if start_moved:
        _trace(
            incident,
            user,
            request,
            event="corrected",
            action="incident.correct",
            changes={"aware_at": [audit._plain(old_aware), audit._plain(incident.aware_at)]},
            reason=reason,
        )


@transaction.atomic
def filing_record(
    *, incident, user, type, filed_at, reference, delay_reason="", request=None
) -> CnilFiling:
    filing = CnilFiling.objects.create(
        practice=incident.practice,
        incident=incident,
        type=type,
        filed_at=filed_at,
        reference=reference,
        delay_reason=delay_reason,
    )
    _event(incident, user, "filing", f"{type} {reference}")
    audit.record(
        request=request,
        actor=user,
        practice=incident.practice,
        action="incident.filing",
        target=incident,
        changes={"cnil_filing": [None, reference]},
    )
    return filing


@transaction.atomic
def filing_correct(*, filing, user, reason, request=None, **fields) -> None:
    names = ["filed_at", "reference", "delay_reason"]
    before = audit.snapshot(filing, names)
    if "filed_at" in fields and not time_changed(filing.filed_at, fields["filed_at"]):
        fields.pop("filed_at")
    for name, value in fields.items():
        setattr(filing, name, value)
    changes = audit.diff(before, audit.snapshot(filing, names))
    if not changes:
        return
    filing.save()
    _trace(
        filing.incident,
        user,
        request,
        event="filing_corrected",
        action="incident.filing_correct",
        changes=changes,
        reason=reason,
    )


@transaction.atomic
def incident_update(*, incident, user, action, request=None, **fields) -> None:
    names = list(fields)
    before = audit.snapshot(incident, names)
    for name, value in fields.items():
        setattr(incident, name, value)
    incident.save(update_fields=names)
    changes = audit.diff(before, audit.snapshot(incident, names))
    if changes:
        # The new values by field name (JSON): the timeline labels them when shown.
        if "status" in changes:
            kind = "status"
        elif "shared_with_delegate" in changes:
            kind = "shared"
        else:
            kind = "tracks"
        detail = json.dumps({k: v[1] for k, v in changes.items()}, ensure_ascii=False)
        _event(incident, user, kind, detail)
        audit.record(
            request=request,
            actor=user,
            practice=incident.practice,
            action=f"incident.{action}",
            target=incident,
            changes=changes,
        )


@transaction.atomic
def notification_save(*, incident, details, user, request=None, **fields) -> None:
    """Save what the CNIL notification asks beyond the assessment (audited, timelined)."""
    from registry.incidents.notification import FIELDS

    before = audit.snapshot(details, FIELDS) if details.pk else dict.fromkeys(FIELDS)
    for name, value in fields.items():
        setattr(details, name, value)
    details.practice = incident.practice
    details.incident = incident
    details.save()
    details.refresh_from_db()  # dates as stored (UTC), like ``before``
    changes = audit.diff(before, audit.snapshot(details, FIELDS))
    if changes:
        _event(incident, user, "notification")
        audit.record(
            request=request,
            actor=user,
            practice=incident.practice,
            action="incident.notification",
            target=incident,
            changes=changes,
        )
