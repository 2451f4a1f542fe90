"""Issue 19, item 5: the CNIL filing's reference is free text, shown to a delegate only on
an incident the practice shared (as the description, the reasons and the notes)."""

from datetime import UTC, datetime

from registry.incidents.models import CnilFiling
from tests.incidents.test_incidents import make, url

REFERENCE = "Dossier CNIL 2026-77 — Mme Durand"


def filed(cast, **fields):
    incident = make(cast, personal_data=True, risk="high", cnil_required=True, **fields)
    CnilFiling.objects.create(
        practice=cast.practice,
        incident=incident,
        filed_at=datetime(2026, 11, 29, 7, 0, tzinfo=UTC),
        reference=REFERENCE,
    )
    return incident


def test_a_delegate_does_not_see_the_reference_of_an_unshared_incident(cast):
    incident = filed(cast)
    page = cast.client("delegate").get(url(cast, "detail", incident)).content.decode()
    assert "29/11/2026" in page  # the filing itself (its date) is shown
    assert "Dossier CNIL 2026-77" not in page
    assert (
        "Dossier CNIL 2026-77"
        in cast.client("admin").get(url(cast, "detail", incident)).content.decode()
    )


def test_a_delegate_sees_it_once_the_incident_is_shared(cast):
    incident = filed(cast, shared_with_delegate=True)
    page = cast.client("delegate").get(url(cast, "detail", incident)).content.decode()
    assert "Dossier CNIL 2026-77" in page
