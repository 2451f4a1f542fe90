"""Create a Processor per practice for each named processor of the fiches' recipients.

The fiches' recipients of type « Sous-traitants » carry a free text (``details``) and two
ticks (HDS certified, art. 28 contract signed), no dates nor scope. Each distinct name of a
practice becomes one Processor linked to its fiches; the ticks are kept as a note, since
they prove no certificate or clause: a tick « HDS » makes it a health-data host whose
certificate is still to be entered (flagged until it is). The recipients stay as they are.
"""

import uuid

from django.db import migrations
from django.utils import timezone

NOTE_HDS = "Repris de la fiche : indiqué certifié HDS ; renseignez le certificat (périmètre, organisme, échéance)."
NOTE_DPA = "Repris de la fiche : contrat art. 28 indiqué signé ; cochez les clauses qu'il prévoit."
NOTE = "Repris des destinataires de la fiche ; complétez le service, le contrat et le pays."


def forwards(apps, schema_editor):
    Recipient = apps.get_model("registry", "Recipient")
    Processor = apps.get_model("processors", "Processor")
    found: dict[tuple[int, str], object] = {}
    rows = Recipient.objects.filter(kind="processor").exclude(details="").order_by("pk")
    for recipient in rows.iterator():
        name = " ".join(recipient.details.split())[:200]
        if not name:
            continue
        key = (recipient.practice_id, name.casefold())
        processor = found.get(key)
        if processor is None:
            processor = Processor.objects.create(
                practice_id=recipient.practice_id,
                public_id=uuid.uuid4(),
                name=name,
                service=name[:255],
                notes=NOTE,
                created_at=timezone.now(),
            )
            found[key] = processor
        notes = processor.notes.split("\n")
        if recipient.hds_certified and NOTE_HDS not in notes:
            processor.hosts_health_data = True
            notes.append(NOTE_HDS)
        if recipient.dpa_signed and NOTE_DPA not in notes:
            notes.append(NOTE_DPA)
        processor.notes = "\n".join(notes)
        processor.save(update_fields=["hosts_health_data", "notes"])
        processor.activities.add(recipient.activity_id)


class Migration(migrations.Migration):
    dependencies = [
        ("processors", "0001_initial"),
        ("registry", "0002_help_texts_name_their_sources"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
