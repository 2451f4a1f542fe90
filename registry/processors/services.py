"""Writes of the processors space, each in one transaction and audited."""

from django.db import transaction

from portal import audit
from registry.processors.models import Processor

FIELDS = [
    "name",
    "service",
    "data_categories",
    "hosts_health_data",
    "contract_signed_on",
    "contract_ends_on",
    "clauses",
    "hds_scope",
    "hds_certifier",
    "hds_expires_on",
    "location",
    "guarantee",
    "sub_processors",
    "notes",
]


def snapshot(processor: Processor) -> dict:
    """What the audit trail compares: the fields, the file's name, the linked fiches."""
    if processor.pk is None:
        return {}
    values = audit.snapshot(processor, FIELDS)
    values["contract_file"] = processor.contract_file.name or ""
    values["activities"] = sorted(a.reference for a in processor.activities.all())
    return values


@transaction.atomic
def save(*, form, practice, before: dict, request=None) -> Processor:
    created = form.instance.pk is None
    processor = form.save(commit=False)
    processor.practice = practice
    old_file = before.get("contract_file", "")
    processor.save()
    form.save_m2m()
    after = snapshot(processor)
    audit.record(
        request=request,
        practice=practice,
        action="processors.create" if created else "processors.update",
        target=processor,
        changes=audit.diff(before, after),
    )
    if old_file and old_file != after["contract_file"]:
        storage = processor.contract_file.storage
        transaction.on_commit(lambda: storage.delete(old_file))
    return processor


@transaction.atomic
def delete(*, processor: Processor, request=None) -> None:
    before = snapshot(processor)
    audit.record(
        request=request,
        practice=processor.practice,
        action="processors.delete",
        target=processor,
        changes={k: [v, None] for k, v in before.items()},
    )
    name = processor.contract_file.name
    storage = processor.contract_file.storage
    processor.delete()
    if name:
        transaction.on_commit(lambda: storage.delete(name))
