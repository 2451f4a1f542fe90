"""Demo rights requests at the Lilas practice: one answered, one waiting for an identity
proof, one access to a medical record running its 8 days."""

from datetime import timedelta

from django.utils import timezone

from registry.rights.models import RightsRequest


def seed(cast) -> None:
    lilas = cast.practices["cabinet-des-lilas"]
    secretary = cast.users["sophie.bernard@demo.vigie.fr"]
    today = timezone.localdate()
    requests = [
        {
            "person_ref": "M. D. — dossier 2291",
            "received_on": today - timedelta(days=40),
            "channel": "post",
            "kind": "medical_record",
            "requester": "patient",
            "identity": "done",
            "answered_on": today - timedelta(days=35),
            "answer_means": "post",
            "outcome": "granted",
        },
        {
            "person_ref": "A. L.",
            "received_on": today - timedelta(days=10),
            "channel": "email",
            "kind": "rectification",
            "requester": "patient",
            "identity": "asked",
        },
        {
            "person_ref": "Dossier 3104",
            "received_on": today - timedelta(days=3),
            "channel": "desk",
            "kind": "medical_record",
            "requester": "heir",
            "identity": "done",
            "notes": "Ayant droit : qualité et motif indiqués par écrit.",
        },
    ]
    for values in requests:
        RightsRequest.objects.get_or_create(
            practice=lilas,
            person_ref=values.pop("person_ref"),
            defaults={**values, "created_by": secretary},
        )
