"""What changes the record: each function does one change, keeps the stored figures
(completeness, sensitive flag) right, and writes the history."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal import audit
from portal.texts import local
from registry import cnil
from registry.models import (
    ActivityData,
    Preset,
    ProcessingActivity,
    Recipient,
    RecordHeader,
    SecurityMeasure,
    Subject,
)

# The fields an entry must fill to be complete, in the order of the CNIL sheet.
REQUIRED = {
    "name": _("nom du traitement"),
    "reference": _("référence"),
    "main_purpose": _("finalité principale"),
    "legal_basis": _("base légale"),
    "data": _("au moins une catégorie de données, avec sa durée de conservation"),
    "subjects": _("au moins une catégorie de personnes concernées"),
    "recipients": _("au moins un destinataire"),
    "measures": _("au moins une mesure de sécurité"),
    "health_exception": _("l'exception de l'article 9 pour les données sensibles"),
    "dpia": _("la décision sur l'analyse d'impact (AIPD)"),
    "review": _("une première relecture"),
}
HEADER_REQUIRED = {
    "controller_last_name": _("nom du responsable"),
    "controller_email": _("adresse mél du responsable"),
    "controller_phone": _("téléphone du responsable"),
    "dpo": _("DPO désigné, ou la raison de son absence"),
}


def header_for(practice) -> RecordHeader:
    """The record's header (one query). Until it is first saved (``header_save``), an
    unsaved one filled from what the practice already says: reading a page writes nothing."""
    header = getattr(practice, "_record_header", None)
    if header is None:
        header = RecordHeader.objects.filter(practice=practice).first() or RecordHeader(
            practice=practice,
            controller_address=practice.address,
            controller_postcode=practice.postcode,
            controller_city=practice.city,
            controller_country="France",
        )
        practice._record_header = header
    return header


@transaction.atomic
def header_save(*, form, before: dict, request=None) -> RecordHeader:
    """Save the header form (the header is created on its first save), audited."""
    header = form.save()
    audit.record(
        request=request,
        practice=header.practice,
        action="registry.header.update",
        target=header,
        changes=audit.diff(before, audit.snapshot(header, form.Meta.fields)),
    )
    return header


# The parts of a fiche edited as formsets, in page order.
ACTIVITY_FORMSETS = ("custom", "subjects", "recipients", "measures", "transfers")


@transaction.atomic
def activity_save(
    *, practice, activity_form, data_form, formsets, created, before, request=None
) -> ProcessingActivity:
    """Save a fiche and every part of it (data categories, custom categories, subjects,
    recipients, measures, transfers) whole or not at all, refresh its completeness and
    trace what changed. ``before`` is ``history_snapshot`` taken before validation."""
    activity = activity_form.save(commit=False)
    activity.practice = practice
    if activity.status == cnil.Status.ACTIVE and activity.next_review_at is None:
        # Put in force from the form: first review now, as the "Valider" button does.
        activity.mark_reviewed(header_for(practice).review_interval_months)
    activity.save()
    ActivityData.objects.filter(activity=activity).exclude(
        category=cnil.DataCategory.CUSTOM
    ).delete()
    ActivityData.objects.bulk_create(
        ActivityData(
            practice=practice,
            activity=activity,
            category=category,
            description=description,
            retention=retention,
        )
        for category, description, retention in data_form.chosen()
    )
    for key in ACTIVITY_FORMSETS:
        formset = formsets[key]
        formset.instance = activity
        for row in formset.save(commit=False):
            row.practice = practice
            if key == "custom":
                row.category = cnil.DataCategory.CUSTOM
            row.save()
        for row in formset.deleted_objects:
            row.delete()
    refresh(activity)
    activity = ProcessingActivity.objects.get(practice=activity.practice_id, pk=activity.pk)
    changes = audit.diff(before, history_snapshot(activity))
    if created or changes:  # saved as it was: nothing for the history
        audit.record(
            request=request,
            practice=practice,
            action="registry.activity.create" if created else "registry.activity.update",
            target=activity,
            changes=changes,
        )
    return activity


def header_missing(header: RecordHeader) -> list[str]:
    keys = ("controller_last_name", "controller_email", "controller_phone")
    missing = [key for key in keys if not getattr(header, key)]
    if not (header.dpo_designated and header.dpo_last_name) and not (
        not header.dpo_designated and header.no_dpo_note.strip()
    ):
        missing.append("dpo")
    return missing


def missing_fields(activity: ProcessingActivity, data=None, counts=None) -> list[str]:
    """Keys of REQUIRED that the entry does not fill (reads the children once)."""
    if data is None:
        data = list(activity.data.all())
    if counts is None:
        counts = {
            "subjects": activity.subjects.count(),
            "recipients": activity.recipients.count(),
            "measures": activity.measures.count(),
        }
    sensitive = any(row.sensitive for row in data)
    filled = {
        "name": bool(activity.name.strip()),
        "reference": bool(activity.reference.strip()),
        "main_purpose": bool(activity.main_purpose.strip()),
        "legal_basis": bool(activity.legal_basis),
        "data": bool(data) and all(row.retention.strip() for row in data),
        "subjects": counts["subjects"] > 0,
        "recipients": counts["recipients"] > 0,
        "measures": counts["measures"] > 0,
        "health_exception": bool(activity.health_exception) or not sensitive,
        "dpia": activity.dpia != cnil.Dpia.TO_ASSESS
        and (activity.dpia != cnil.Dpia.DONE or activity.dpia_done_on is not None),
        "review": activity.last_reviewed_at is not None,
    }
    return [key for key, ok in filled.items() if not ok]


def refresh(activity: ProcessingActivity) -> None:
    """Recompute the stored completeness and sensitive flag from the children."""
    data = list(activity.data.all())
    missing = missing_fields(activity, data=data)
    activity.completeness = round(100 * (len(REQUIRED) - len(missing)) / len(REQUIRED))
    activity.has_sensitive = any(row.sensitive for row in data)
    ProcessingActivity.objects.filter(pk=activity.pk).update(
        completeness=activity.completeness, has_sensitive=activity.has_sensitive
    )


def header_completeness(header: RecordHeader) -> float:
    total = len(HEADER_REQUIRED)
    return 100 * (total - len(header_missing(header))) / total


def record_completeness(practice, activities=None) -> int | None:
    """Whole record: the mean of the entries not archived and of the header, in %."""
    if activities is None:
        activities = ProcessingActivity.objects.filter(practice=practice)
    activities = [a for a in activities if a.status != cnil.Status.ARCHIVED]
    if not activities:
        return None
    header = header_completeness(header_for(practice))
    return round((sum(a.completeness for a in activities) + header) / (len(activities) + 1))


def history_snapshot(activity: ProcessingActivity) -> dict:
    """Every field of the fiche, children flattened to readable lines, for the audit diff."""
    fields = [
        "name",
        "reference",
        "created_on",
        "status",
        "joint_controllers",
        "main_purpose",
        *[f"sub_purpose_{i}" for i in range(1, 6)],
        "legal_basis",
        "health_exception",
        "dpia",
        "dpia_done_on",
        "last_reviewed_at",
        "next_review_at",
    ]
    snap = audit.snapshot(activity, fields)
    # In the CNIL sheet's order: a save re-creates the ticked lines (new ids), and the
    # history must not see a change where only the storage order moved.
    order = {c.value: i for i, c in enumerate(cnil.DataCategory)}
    rows = sorted(activity.data.all(), key=lambda row: (order.get(row.category, 99), row.pk))
    snap["data"] = [f"{row.title} : {row.description} ({row.retention})" for row in rows]
    snap["subjects"] = [
        f"{row.get_category_display()} : {row.details}" for row in activity.subjects.all()
    ]
    snap["recipients"] = [
        f"{row.get_kind_display()} : {row.details}"
        + (" [HDS]" if row.hds_certified else "")
        + (" [art. 28]" if row.dpa_signed else "")
        for row in activity.recipients.all()
    ]
    snap["measures"] = [
        f"{row.get_kind_display()} : {row.details}" for row in activity.measures.all()
    ]
    snap["transfers"] = [
        f"{row.recipient} ({row.country_label}) : {row.get_guarantee_display()} {row.documentation}"
        for row in activity.transfers.all()
    ]
    return {
        key: [str(v) for v in value] if isinstance(value, list) else value
        for key, value in snap.items()
    }


def next_reference(practice) -> str:
    existing = set(
        ProcessingActivity.objects.filter(practice=practice).values_list("reference", flat=True)
    )
    number = len(existing) + 1
    while f"ref-{number:03d}" in existing:
        number += 1
    return f"ref-{number:03d}"


def _lang(value) -> str:
    """A preset's text as the draft fiche keeps it: French, the registry's language."""
    return local(value, "fr")


@transaction.atomic
def adopt_preset(
    *, practice, preset_key: str, user=None, request=None
) -> ProcessingActivity | None:
    """Create a draft entry from a preset; None if the practice already adopted it."""
    preset = Preset.objects.get(key=preset_key)
    if ProcessingActivity.objects.filter(practice=practice, preset_key=preset.key).exists():
        return None
    data = preset.data
    subs = [_lang(s) for s in data.get("sub_purposes", [])][:5]
    activity = ProcessingActivity.objects.create(
        practice=practice,
        name=_lang(data["name"]),
        reference=next_reference(practice),
        main_purpose=_lang(data.get("main_purpose")),
        **{f"sub_purpose_{i + 1}": text for i, text in enumerate(subs)},
        legal_basis=data.get("legal_basis", ""),
        health_exception=data.get("health_exception", ""),
        dpia=data.get("dpia", cnil.Dpia.TO_ASSESS),
        preset_key=preset.key,
        preset_version=preset.version,
    )
    ActivityData.objects.bulk_create(
        ActivityData(
            practice=practice,
            activity=activity,
            category=row["category"],
            label=_lang(row.get("label")),
            description=_lang(row.get("description")),
            retention=_lang(row.get("retention")),
        )
        for row in data.get("data", [])
    )
    Subject.objects.bulk_create(
        Subject(
            practice=practice,
            activity=activity,
            category=row["category"],
            details=_lang(row.get("details")),
        )
        for row in data.get("subjects", [])
    )
    Recipient.objects.bulk_create(
        Recipient(
            practice=practice,
            activity=activity,
            kind=row["kind"],
            details=_lang(row.get("details")),
            hds_certified=row.get("hds_certified", False),
            dpa_signed=row.get("dpa_signed", False),
        )
        for row in data.get("recipients", [])
    )
    SecurityMeasure.objects.bulk_create(
        SecurityMeasure(
            practice=practice,
            activity=activity,
            kind=row["kind"],
            details=_lang(row.get("details")),
        )
        for row in data.get("measures", [])
    )
    refresh(activity)
    audit.record(
        request=request,
        actor=user,
        practice=practice,
        action="registry.activity.create",
        target=activity,
        changes={"preset": [None, f"{preset.key} v{preset.version}"]},
    )
    return activity


@transaction.atomic
def adopt_presets(*, practice, preset_keys, user=None, request=None) -> list[ProcessingActivity]:
    """Adopt several presets as drafts, all or none; the ones already adopted are skipped."""
    created = [
        adopt_preset(practice=practice, preset_key=key, user=user, request=request)
        for key in preset_keys
    ]
    return [activity for activity in created if activity is not None]


def mark_reviewed(*, activity: ProcessingActivity, request=None, user=None, now=None):
    now = now or timezone.now()
    header = header_for(activity.practice)
    before = audit.snapshot(activity, ["last_reviewed_at", "next_review_at"])
    activity.mark_reviewed(header.review_interval_months, now=now)
    activity.save(update_fields=["last_reviewed_at", "next_review_at", "updated_at"])
    refresh(activity)
    audit.record(
        request=request,
        actor=user,
        practice=activity.practice,
        action="registry.activity.review",
        target=activity,
        changes=audit.diff(
            before, audit.snapshot(activity, ["last_reviewed_at", "next_review_at"])
        ),
    )


def set_status(*, activity: ProcessingActivity, status: str, request=None):
    fields = ["status", "last_reviewed_at", "next_review_at"]
    before = audit.snapshot(activity, fields)
    activity.status = status
    if status == cnil.Status.ACTIVE and activity.next_review_at is None:
        activity.mark_reviewed(header_for(activity.practice).review_interval_months)
    activity.save()
    refresh(activity)
    audit.record(
        request=request,
        practice=activity.practice,
        action="registry.activity.status",
        target=activity,
        # Putting an entry in force is its first review: the history shows the dates too.
        changes=audit.diff(before, audit.snapshot(activity, fields)),
    )


LIST_PARTS = ("data", "subjects", "recipients", "measures", "transfers")


def readable_parts(changes: dict) -> dict:
    """The history of a fiche's parts (lists of lines) shows only the lines that changed:
    the removed ones before the arrow, the added ones after, one per line."""
    out = dict(changes or {})
    for key in LIST_PARTS:
        values = out.get(key)
        if not (isinstance(values, list) and len(values) == 2):
            continue
        old, new = (v if isinstance(v, list) else [] for v in values)
        removed = [line for line in old if line not in new]
        added = [line for line in new if line not in old]
        if removed or added:
            out[key] = ["\n".join(removed), "\n".join(added)]
        else:  # same lines in another order (entries saved before the order was fixed)
            del out[key]
    return out


def drop(*, activity: ProcessingActivity, request=None):
    """A draft is dropped (deleted); anything else is archived, never deleted."""
    if activity.status != cnil.Status.DRAFT:
        return set_status(activity=activity, status=cnil.Status.ARCHIVED, request=request)
    audit.record(
        request=request,
        practice=activity.practice,
        action="registry.activity.drop",
        target=activity,
        changes={"status": [activity.status, None]},
    )
    activity.delete()
