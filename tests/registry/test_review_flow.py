"""« Valider et suivant » through the preset drafts; equipment presets start unticked."""

import re

import pytest

from portal.models import AuditEvent
from registry import cnil, content, services
from registry.models import Preset, ProcessingActivity

from .test_registry import url

pytestmark = pytest.mark.django_db


@pytest.fixture
def presets(db):
    content.load()
    return Preset.objects.all()


def checkboxes(page: str) -> dict:
    """``{preset key: checked?}`` of the « Démarrer mon registre » list."""
    found = re.findall(r'<input type="checkbox" name="preset" value="([^"]+)" ([^>]*)>', page)
    return {key: "checked" in attrs for key, attrs in found}


def test_equipment_a_practice_may_not_have_starts_unticked(cast, presets):
    page = (
        cast.client("admin")
        .get(url(cast, "start"), {"professions": ["medecine_generale"]})
        .content.decode()
    )
    boxes = checkboxes(page)
    unticked = {key for key, checked in boxes.items() if not checked}
    assert unticked == {
        "videoprotection",
        "site-web",
        "secretariat-telephonique",
        "teleconsultation",
    }
    assert boxes["dossier-patient"] and boxes["facturation-sesam-vitale"]
    assert "seulement si des caméras filment l&#x27;accueil" in page


def test_validate_and_next_walks_every_draft_then_returns_to_the_register(cast, presets):
    keys = [p.key for p in presets if p.applies_to(["medecine_generale"])]
    services.adopt_presets(practice=cast.practice, preset_keys=keys)
    drafts = list(ProcessingActivity.objects.filter(practice=cast.practice).order_by("reference"))
    assert len(drafts) == len(keys) >= 10
    client = cast.client("admin")
    page = client.get(url(cast, "detail", drafts[0])).content.decode()
    assert f"Brouillon 1 sur {len(drafts)} à relire" in page
    assert "Valider et suivant" in page
    current, clicks = drafts[0], 0
    while True:
        response = client.post(url(cast, "status", current), {"action": "activate_next"})
        clicks += 1
        assert response.status_code == 302
        if response.url == url(cast, "index"):
            break
        following = ProcessingActivity.objects.get(
            public_id=response.url.rstrip("/").split("/")[-1]
        )
        assert following.status == cnil.Status.DRAFT
        page = client.get(response.url).content.decode()
        assert "Voici le brouillon suivant" in page
        current = following
    assert clicks == len(drafts)
    assert not ProcessingActivity.objects.filter(status=cnil.Status.DRAFT).exists()
    assert AuditEvent.objects.filter(action="registry.activity.status").count() == len(drafts)
    index = client.get(response.url).content.decode()
    assert "Il ne reste aucun brouillon à relire" in index


def test_validate_and_next_on_a_fiche_in_force_changes_nothing(cast, presets):
    services.adopt_presets(practice=cast.practice, preset_keys=["comptabilite", "rendez-vous"])
    books = ProcessingActivity.objects.get(preset_key="comptabilite")
    services.set_status(activity=books, status=cnil.Status.ACTIVE)
    client = cast.client("admin")
    assert "Valider et suivant" not in client.get(url(cast, "detail", books)).content.decode()
    before = AuditEvent.objects.count()
    client.post(url(cast, "status", books), {"action": "activate_next"})
    assert AuditEvent.objects.count() == before
    assert ProcessingActivity.objects.get(preset_key="rendez-vous").status == cnil.Status.DRAFT


def test_a_draft_page_keeps_its_queries_whatever_the_number_of_drafts(
    cast, presets, django_assert_max_num_queries
):
    services.adopt_presets(practice=cast.practice, preset_keys=["comptabilite", "rendez-vous"])
    first = ProcessingActivity.objects.get(preset_key="comptabilite")
    client = cast.client("admin")
    client.get(url(cast, "detail", first))
    with django_assert_max_num_queries(40) as counted:
        client.get(url(cast, "detail", first))
    budget = len(counted.captured_queries)
    services.adopt_presets(
        practice=cast.practice, preset_keys=[p.key for p in presets if p.key != "comptabilite"]
    )
    with django_assert_max_num_queries(budget):
        client.get(url(cast, "detail", first))
