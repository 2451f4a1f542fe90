from datetime import date

from registry.rights.models import RightsRequest


def make(practice, **fields) -> RightsRequest:
    values = {
        "received_on": date(2026, 11, 2),
        "channel": "post",
        "kind": "access",
        "requester": "patient",
        "person_ref": "P. X.",
        "identity": "done",
        **fields,
    }
    return RightsRequest.objects.create(practice=practice, **values)
