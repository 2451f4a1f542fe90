"""Chain the audit events written before the hash chains existed: per practice (and the
platform's), in the order they were written (time, then id), with the same canonical form
as every later append (portal/audit_chain.py, version 1)."""

from django.db import migrations

BATCH = 2000


def chain(apps, schema_editor):
    from portal.audit_chain import Chainer, chain_key, event_hash

    AuditEvent = apps.get_model("portal", "AuditEvent")
    Head = apps.get_model("portal", "AuditChainHead")
    chainer = Chainer()
    batch = []
    events = AuditEvent.objects.order_by("practice_id", "at", "id")
    for event in events.iterator(chunk_size=BATCH):
        key = chain_key(event.practice_id)
        seq, prev = chainer.heads.get(key, (0, ""))
        event.seq, event.prev_hash = seq + 1, prev
        event.hash = event_hash(event)
        chainer.heads[key] = (event.seq, event.hash)
        batch.append(event)
        if len(batch) >= BATCH:
            AuditEvent.objects.bulk_update(batch, ["seq", "prev_hash", "hash"])
            batch = []
    if batch:
        AuditEvent.objects.bulk_update(batch, ["seq", "prev_hash", "hash"])
    Head.objects.bulk_create(
        Head(
            key=key,
            practice_id=None if key == "platform" else int(key[1:]),
            seq=seq,
            hash=digest,
        )
        for key, (seq, digest) in chainer.heads.items()
    )


def unchain(apps, schema_editor):
    apps.get_model("portal", "AuditChainHead").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("portal", "0005_audit_hash_chain")]

    operations = [migrations.RunPython(chain, unchain)]
