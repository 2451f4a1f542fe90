"""Writes of the documents space: the crisis contacts and each print. Audited."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from documents.crisis import CONTACT_FIELDS
from documents.models import CrisisContacts, Printing
from portal import audit


@transaction.atomic
def crisis_contacts_save(*, practice, request=None, actor=None, **values) -> CrisisContacts:
    contacts, _created = CrisisContacts.objects.select_for_update().get_or_create(practice=practice)
    before = audit.snapshot(contacts, CONTACT_FIELDS)
    for name in CONTACT_FIELDS:
        if name in values:
            setattr(contacts, name, values[name])
    after = audit.snapshot(contacts, CONTACT_FIELDS)
    changes = audit.diff(before, after)
    if changes:
        contacts.updated_at = timezone.now()
        contacts.save()
        audit.record(
            request=request,
            actor=actor,
            practice=practice,
            action="crisis_contacts.update",
            target=contacts,
            changes=changes,
        )
    return contacts


@transaction.atomic
def document_print(
    *, practice, user, document, language, fingerprint, data, variant="", request=None
) -> Printing:
    printing = Printing.objects.create(
        practice=practice,
        document=document,
        variant=variant,
        language=language,
        printed_by=user,
        printed_at=timezone.now(),
        fingerprint=fingerprint,
        data=data,
    )
    audit.record(
        request=request,
        actor=user,
        practice=practice,
        action=f"{document}.print",
        target=printing,
        changes={"language": language, "variant": variant, "fingerprint": fingerprint[:16]},
    )
    return printing


@transaction.atomic
def notice_paragraph_save(*, practice, own_paragraph, request=None, actor=None):
    from documents.models import NoticeSettings

    settings_row, _created = NoticeSettings.objects.select_for_update().get_or_create(
        practice=practice
    )
    if settings_row.own_paragraph == own_paragraph:
        return settings_row
    changes = {"own_paragraph": [settings_row.own_paragraph, own_paragraph]}
    settings_row.own_paragraph = own_paragraph
    settings_row.updated_at = timezone.now()
    settings_row.save()
    audit.record(
        request=request,
        actor=actor,
        practice=practice,
        action="notice.paragraph",
        target=settings_row,
        changes=changes,
    )
    return settings_row
