"""The sources are shown next to the statements: on a fiche started from a preset (and in
its exports), a lesson, a quiz's explanations, a checklist item, an incident's reflexes."""

from datetime import date

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from practices.checklists import content as checklist_content
from practices.checklists import schedule
from practices.checklists.models import PracticeChecklist, Run, Template
from registry import content, exports, services
from registry.incidents.models import Incident
from registry.models import ActivityData, Preset, ProcessingActivity
from tests.training.conftest import url as training_url

pytestmark = pytest.mark.django_db

CCTV = "Source : art. L252-5 CSI, vérifié le 04/12/2026"


def fiche_url(cast, activity):
    return reverse(
        "registry:detail",
        kwargs={"practice_slug": cast.practice.slug, "activity_id": activity.public_id},
    )


@pytest.fixture
def cctv(cast):
    content.load()
    return services.adopt_preset(practice=cast.practice, preset_key="videoprotection")


class TestFiche:
    def test_retention_and_legal_basis_show_their_source(self, cast, cctv):
        html = cast.client("staff").get(fiche_url(cast, cctv)).content.decode()
        assert "1 mois au plus (art. L252-5 CSI)" in html
        assert "art. L252-5 CSI</cite></a>, vérifié le 04/12/2026" in html
        assert "Proposition du modèle de Vigie, à valider par le cabinet." in html
        assert "(à valider)" in html
        assert "corrigé depuis" not in html

    def test_a_retention_rewritten_by_the_practice_loses_the_source(self, cast, cctv):
        ActivityData.objects.filter(activity=cctv).update(retention="15 jours")
        html = cast.client("staff").get(fiche_url(cast, cctv)).content.decode()
        assert "15 jours" in html and "L252-5 CSI</a>" not in html

    def test_a_fiche_from_an_older_preset_says_it_was_corrected(self, cast, cctv):
        ProcessingActivity.objects.filter(pk=cctv.pk).update(preset_version=1)
        html = cast.client("staff").get(fiche_url(cast, cctv)).content.decode()
        assert "Cette fiche vient de la version 1 du modèle de Vigie, corrigé depuis" in html

    def test_a_retention_left_to_fill_shows_why_no_figure(self, cast):
        content.load()
        rdv = services.adopt_preset(practice=cast.practice, preset_key="rendez-vous")
        assert "data" in services.missing_fields(rdv)
        html = cast.client("staff").get(fiche_url(cast, rdv)).content.decode()
        assert "aucune durée chiffrée pour les rendez-vous" in html

    def test_exports_carry_the_sources(self, cast, cctv):
        activities = list(ProcessingActivity.objects.filter(practice=cast.practice))
        csv_text = exports.to_csv(activities)
        assert CCTV in csv_text
        header = services.header_for(cast.practice)
        sheets = exports.workbook(cast.practice, header, activities)
        cells = [cell for row in sheets[1][1] for cell in row]
        assert any(CCTV in str(cell) for cell in cells)
        assert any("art. 6.1.f RGPD" in str(cell) for cell in cells)

    def test_centre_sante_is_said_outside_the_referentiel(self, cast):
        content.load()
        page = cast.client("admin").get(
            reverse("registry:start", kwargs={"practice_slug": cast.practice.slug}),
            {"professions": ["centre_sante"]},
        )
        assert "hors du champ du référentiel de la CNIL" in page.content.decode()
        assert Preset.objects.exists()


def test_a_lesson_shows_its_sources(cast, modules):
    client = cast.client("staff")
    client.post(training_url(cast, "start"), {"module": modules[5].key})
    attempt = modules[5].attempts.get()
    html = client.get(training_url(cast, "lesson", attempt_id=attempt.public_id, position=2))
    assert "art. L1111-8 CSP</cite></a>, vérifié le 04/12/2026" in html.content.decode()


@time_machine.travel("2026-12-04 10:00 +01:00", tick=False)
def test_a_checklist_item_shows_its_source(cast):
    checklist_content.load()
    template = Template.objects.get(code="social_engineering")
    checklist = PracticeChecklist.objects.create(
        practice=cast.practice,
        template=template,
        cadence=template.cadence,
        starts_on=date(2026, 9, 1),
    )
    schedule.generate_runs(checklist, timezone.now())
    run = Run.objects.filter(checklist=checklist).first()
    html = (
        cast.client("staff")
        .get(
            reverse(
                "checklists:run",
                kwargs={"practice_slug": cast.practice.slug, "run_id": run.public_id},
            )
        )
        .content.decode()
    )
    assert "pas certifié HDS" in html
    assert "art. L1111-8 et L1110-4 CSP</cite></a>, vérifié le 04/12/2026" in html


def test_the_ransomware_reflexes_name_their_sources(cast):
    now = timezone.now()
    incident = Incident.objects.create(
        practice=cast.practice,
        kind="ransomware",
        description="Écran de rançon",
        noticed_at=now,
        aware_at=now,
    )
    html = (
        cast.client("staff")
        .get(
            reverse(
                "incidents:detail",
                kwargs={"practice_slug": cast.practice.slug, "incident_id": incident.public_id},
            )
        )
        .content.decode()
    )
    assert "Ne pas payer la rançon" in html and "No More Ransom" in html
    assert "volontaire pour un cabinet libéral" in html
    assert "art. 33.1 et 33.5 RGPD</cite></a>, vérifié le 04/12/2026" in html


@pytest.fixture
def modules(db):
    from training import content as training_content
    from training.models import Module

    training_content.load()
    return {m.theme: m for m in Module.objects.all()}


def test_the_assessment_says_in_doubt_notify_and_availability(cast):
    now = timezone.now()
    incident = Incident.objects.create(
        practice=cast.practice,
        kind="device_loss",
        description="Portable perdu",
        noticed_at=now,
        aware_at=now,
    )
    html = (
        cast.client("admin")
        .get(
            reverse(
                "incidents:assess",
                kwargs={"practice_slug": cast.practice.slug, "incident_id": incident.public_id},
            )
        )
        .content.decode()
    )
    assert "En cas de doute, notifiez" in html
    assert "la perte de disponibilité reste une violation" in html
    assert "données chiffrées et illisibles → pas de risque" not in html
    assert "art. 33.1, 33.5 et 34 RGPD</cite></a>, vérifié le 04/12/2026" in html
