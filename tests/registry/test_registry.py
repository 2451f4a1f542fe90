import csv
import io
from datetime import timedelta

import pytest
import time_machine
import yaml
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from portal.models import AuditEvent
from registry import cnil, content, services
from registry import reminders as registry_reminders
from registry.figures import console_figures
from registry.models import ActivityData, Preset, ProcessingActivity, Transfer

pytestmark = pytest.mark.django_db


def url(cast, name, activity=None, practice=None):
    kwargs = {"practice_slug": (practice or cast.practice).slug}
    if activity is not None:
        kwargs["activity_id"] = activity.public_id
    return reverse(f"registry:{name}", kwargs=kwargs)


def formset(prefix, rows, initial=0):
    data = {
        f"{prefix}-TOTAL_FORMS": str(len(rows)),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }
    for i, row in enumerate(rows):
        for key, value in row.items():
            data[f"{prefix}-{i}-{key}"] = value
    return data


def fiche(**overrides):
    """A complete fiche as the edit form posts it."""
    data = {
        "name": "Dossier patient",
        "reference": "ref-101",
        "created_on": "2026-01-15",
        "status": "active",
        "joint_controllers": "SCM des Lilas, 3 rue des Lilas, 75020 Paris",
        "main_purpose": "Suivi médical des patients",
        "sub_purpose_1": "Tenue du dossier",
        "sub_purpose_2": "Coordination",
        "sub_purpose_3": "DMP",
        "sub_purpose_4": "Courriers",
        "sub_purpose_5": "Statistiques anonymes",
        "legal_basis": "6.1.c",
        "health_exception": "9.2.h",
        "dpia": "done",
        "dpia_done_on": "2026-02-01",
        "civil_on": "on",
        "civil_description": "Nom, prénom, INS",
        "civil_retention": "20 ans après la dernière consultation",
        "nir_on": "on",
        "nir_description": "NIR",
        "nir_retention": "20 ans",
        "health_on": "on",
        "health_description": "Antécédents, diagnostics",
        "health_retention": "20 ans après la dernière consultation",
        **formset(
            "custom",
            [{"label": "Photographies cliniques", "description": "Plaies", "retention": "20 ans"}],
        ),
        **formset("subjects", [{"category": "patients", "details": "Patients du cabinet"}]),
        **formset(
            "recipients",
            [
                {"kind": "internal", "details": "Praticiens"},
                {
                    "kind": "processor",
                    "details": "Éditeur du logiciel",
                    "hds_certified": "on",
                    "dpa_signed": "on",
                },
            ],
        ),
        **formset("measures", [{"kind": "access", "details": "e-CPS"}]),
        **formset(
            "transfers",
            [
                {
                    "recipient": "Support de l'éditeur",
                    "country": "MA",
                    "guarantee": "scc",
                    "documentation": "Contrat du 23/01/2026",
                }
            ],
        ),
    }
    data.update(overrides)
    return data


@pytest.fixture
def presets(db):
    content.load()
    return Preset.objects.all()


class TestPresets:
    def test_load_is_idempotent_and_follows_versions(self, tmp_path):
        assert content.load() == "13 created, 0 updated"
        assert content.load() == "0 created, 0 updated"
        data = yaml.safe_load(content.CONTENT.read_text(encoding="utf-8"))
        data["presets"][0]["version"] = 2
        data["presets"][0]["name"]["fr"] = "Dossier patient (révisé)"
        changed = tmp_path / "presets.yaml"
        changed.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
        assert content.load(changed) == "0 created, 1 updated"
        preset = Preset.objects.get(key=data["presets"][0]["key"])
        assert preset.version == 2 and preset.data["name"]["fr"] == "Dossier patient (révisé)"

    def test_every_preset_uses_known_codes_and_fills_retention(self, presets):
        for preset in presets:
            data = preset.data
            assert data["legal_basis"] in cnil.LegalBasis.values, preset.key
            assert data["health_exception"] in cnil.HealthException.values, preset.key
            sensitive = any(d["category"] in cnil.SENSITIVE_CATEGORIES for d in data["data"])
            assert bool(data["health_exception"]) == sensitive, preset.key
            for row in data["data"]:
                assert row["category"] in cnil.DataCategory.values
                # A figure, or a field the practice must fill in (never "durée courte").
                assert row["retention"] or row["retention_required"], (preset.key, row)
                assert "courte" not in row["retention"], (preset.key, row)
            assert {s["category"] for s in data["subjects"]} <= set(cnil.SubjectCategory.values)
            assert {r["kind"] for r in data["recipients"]} <= set(cnil.RecipientType.values)
            assert {m["kind"] for m in data["measures"]} <= set(cnil.MeasureType.values)


class TestStart:
    def test_professions_choose_the_typical_activities(self, cast, presets):
        client = cast.client("admin")
        page = client.get(url(cast, "start"), {"professions": ["chirurgien_dentiste"]})
        assert "Commandes au laboratoire de prothèse dentaire" in page.content.decode()
        page = client.get(url(cast, "start"), {"professions": ["medecine_generale"]})
        assert "laboratoire de prothèse" not in page.content.decode()
        assert "Vidéoprotection" in page.content.decode()

    def test_drafts_are_created_once_with_their_parts(self, cast, presets):
        client = cast.client("admin")
        post = {"professions": ["medecine_generale"], "preset": ["dossier-patient", "rendez-vous"]}
        response = client.post(url(cast, "start"), post)
        assert response.status_code == 302
        client.post(url(cast, "start"), post)
        activities = ProcessingActivity.objects.filter(practice=cast.practice)
        assert activities.count() == 2
        record = activities.get(preset_key="dossier-patient")
        assert record.status == "draft" and record.reference == "ref-001"
        assert record.has_sensitive and record.health_exception == "9.2.h"
        assert record.data.get(category="health").retention.startswith("20 ans")
        assert record.recipients.filter(kind="processor", hds_certified=True).exists()
        # Not yet reviewed, DPIA to assess: not complete, but most of it is there.
        assert services.missing_fields(record) == ["dpia", "review"]
        assert record.completeness == round(100 * 9 / 11)

    def test_keep_or_drop(self, cast, presets):
        client = cast.client("admin")
        services.adopt_preset(practice=cast.practice, preset_key="site-web")
        services.adopt_preset(practice=cast.practice, preset_key="comptabilite")
        web = ProcessingActivity.objects.get(preset_key="site-web")
        books = ProcessingActivity.objects.get(preset_key="comptabilite")
        client.post(url(cast, "status", web), {"action": "drop"})
        client.post(url(cast, "status", books), {"action": "activate"})
        assert not ProcessingActivity.objects.filter(pk=web.pk).exists()
        books.refresh_from_db()
        assert books.status == "active" and books.next_review_at is not None
        # An active entry is archived, never deleted.
        client.post(url(cast, "status", books), {"action": "drop"})
        books.refresh_from_db()
        assert books.status == "archived"


class TestForm:
    def test_full_fiche_is_saved_with_every_part(self, cast):
        client = cast.client("admin")
        response = client.post(url(cast, "create"), fiche())
        assert response.status_code == 302, response.content.decode()[:3000]
        activity = ProcessingActivity.objects.get(practice=cast.practice)
        assert activity.sub_purposes == [
            "Tenue du dossier",
            "Coordination",
            "DMP",
            "Courriers",
            "Statistiques anonymes",
        ]
        assert {d.category for d in activity.data.all()} == {"civil", "nir", "health", "custom"}
        assert activity.data.get(category="custom").label == "Photographies cliniques"
        assert activity.recipients.get(kind="processor").dpa_signed
        assert activity.transfers.get().guarantee == "scc"
        assert activity.has_sensitive
        # Put in force from the form: that is its first review, as with "Valider la fiche".
        assert services.missing_fields(activity) == []
        assert activity.last_reviewed_at is not None and not activity.review_due()
        assert activity.practice_id == cast.practice.pk
        assert all(row.practice_id == cast.practice.pk for row in activity.data.all())

    @pytest.mark.parametrize(
        ("overrides", "message"),
        [
            ({"civil_retention": ""}, "Catégorie cochée : indiquez sa durée de conservation."),
            ({"health_exception": ""}, "indiquez l&#x27;exception de l&#x27;article 9"),
            ({"transfers-0-guarantee": ""}, "choisissez une garantie"),
            ({"transfers-0-guarantee": "adequacy"}, "« Pays adéquat » ne convient pas"),
            ({"dpia_done_on": ""}, "Indiquez la date de l&#x27;analyse d&#x27;impact."),
            ({"main_purpose": ""}, "Ce champ est obligatoire."),
            ({"custom-0-retention": ""}, "Catégorie ajoutée : indiquez sa durée de conservation."),
        ],
    )
    def test_bad_input_is_refused_in_french_and_kept(self, cast, overrides, message):
        client = cast.client("admin")
        response = client.post(url(cast, "create"), fiche(**overrides))
        assert response.status_code == 400
        html = response.content.decode()
        assert message in html
        assert "Nom, prénom, INS" in html and "Support de l&#x27;éditeur" in html
        assert "Rien de ce que vous avez saisi n'est perdu" in html
        assert not ProcessingActivity.objects.exists()
        assert not ActivityData.objects.exists()

    def test_adequate_country_needs_no_guarantee(self, cast):
        client = cast.client("admin")
        response = client.post(
            url(cast, "create"),
            fiche(**{"transfers-0-country": "CH", "transfers-0-guarantee": ""}),
        )
        assert response.status_code == 302
        assert Transfer.objects.get().country_label == "Suisse"

    def test_reference_is_unique_within_the_practice_only(self, cast):
        client = cast.client("admin")
        ProcessingActivity.objects.create(
            practice=cast.other_practice, name="X", reference="ref-101"
        )
        assert client.post(url(cast, "create"), fiche()).status_code == 302
        response = client.post(url(cast, "create"), fiche(name="Autre"))
        assert response.status_code == 400
        assert "Une autre fiche porte déjà cette référence." in response.content.decode()

    def test_history_keeps_old_and_new_values_with_who_and_when(self, cast):
        client = cast.client("admin")
        client.post(url(cast, "create"), fiche())
        activity = ProcessingActivity.objects.get()
        data = fiche(
            main_purpose="Suivi médical et administratif",
            civil_retention="5 ans puis archivage 15 ans",
            **formset("custom", [], initial=0),
        )
        # Existing rows of the formsets are posted back with their ids.
        for prefix, rows in (
            ("subjects", activity.subjects.all()),
            ("recipients", activity.recipients.all()),
            ("measures", activity.measures.all()),
            ("transfers", activity.transfers.all()),
        ):
            data[f"{prefix}-INITIAL_FORMS"] = str(len(rows))
            for i, row in enumerate(rows):
                data[f"{prefix}-{i}-id"] = str(row.pk)
        custom = activity.data.get(category="custom")
        data.update(
            formset(
                "custom",
                [
                    {
                        "id": str(custom.pk),
                        "label": custom.label,
                        "description": "",
                        "retention": "20 ans",
                        "DELETE": "on",
                    }
                ],
                initial=1,
            )
        )
        response = client.post(url(cast, "edit", activity), data)
        assert response.status_code == 302, response.content.decode()[:2000]
        event = AuditEvent.objects.filter(action="registry.activity.update").get()
        assert event.actor == cast.admin and event.practice == cast.practice
        assert event.changes["main_purpose"] == [
            "Suivi médical des patients",
            "Suivi médical et administratif",
        ]
        old, new = event.changes["data"]
        assert any("20 ans après la dernière consultation" in line for line in old)
        assert any("5 ans puis archivage 15 ans" in line for line in new)
        assert not any("Photographies" in line for line in new)
        page = client.get(url(cast, "history", activity)).content.decode()
        assert "Suivi médical et administratif" in page and "Catégories de données" in page


class TestReview:
    def test_mark_reviewed_sets_the_next_review_from_the_interval(self, cast):
        activity = ProcessingActivity.objects.create(
            practice=cast.practice, name="Paie", reference="ref-001", status="active"
        )
        client = cast.client("admin")
        with time_machine.travel("2026-03-10 09:00 +01:00", tick=False):
            client.post(url(cast, "review", activity))
        activity.refresh_from_db()
        assert timezone.localtime(activity.next_review_at).date().isoformat() == "2027-03-10"
        header = services.header_for(cast.practice)
        header.review_interval_months = 6
        header.save()
        with time_machine.travel("2026-03-10 09:00 +01:00", tick=False):
            client.post(url(cast, "review", activity))
        activity.refresh_from_db()
        assert timezone.localtime(activity.next_review_at).date().isoformat() == "2026-09-10"

    def test_overdue_entries_are_flagged_and_reminded_once_per_cycle(self, cast):
        now = timezone.now()
        late = ProcessingActivity.objects.create(
            practice=cast.practice,
            name="Site web",
            reference="ref-001",
            status="active",
            next_review_at=now - timedelta(days=2),
        )
        ProcessingActivity.objects.create(
            practice=cast.practice,
            name="Paie",
            reference="ref-002",
            status="active",
            next_review_at=now + timedelta(days=200),
        )
        ProcessingActivity.objects.create(
            practice=cast.practice,
            name="Brouillon",
            reference="ref-003",
            next_review_at=now - timedelta(days=2),
        )
        due = list(registry_reminders.due(now))
        assert [d.object_key for d in due] == [f"registry.activity:{late.public_id}"]
        assert due[0].roles == ("admin",) and due[0].kind == "registry.review_due"
        assert due[0].url == url(cast, "detail", late)
        page = cast.client("staff").get(url(cast, "index")).content.decode()
        assert "1 fiche à relire" in page and "À relire" in page

    def test_due_is_one_query_whatever_the_number_of_practices(self, cast):
        past = timezone.now() - timedelta(days=1)
        for i in range(5):
            ProcessingActivity.objects.create(
                practice=cast.practice if i % 2 else cast.other_practice,
                name=f"T{i}",
                reference=f"ref-{i}",
                status="active",
                next_review_at=past,
            )
        with CaptureQueriesContext(connection) as queries:
            assert len(list(registry_reminders.due(timezone.now()))) == 5
        assert len(queries) == 1


class TestRoles:
    def test_staff_reads_and_exports_but_does_not_edit(self, cast):
        activity = ProcessingActivity.objects.create(
            practice=cast.practice, name="Paie", reference="ref-001"
        )
        client = cast.client("staff")
        assert client.get(url(cast, "index")).status_code == 200
        assert client.get(url(cast, "detail", activity)).status_code == 200
        assert client.get(url(cast, "export_csv")).status_code == 200
        assert client.get(url(cast, "edit", activity)).status_code == 403
        assert client.post(url(cast, "create"), fiche()).status_code == 403
        assert client.post(url(cast, "review", activity)).status_code == 403
        assert ProcessingActivity.objects.count() == 1

    def test_delegate_reads_never_edits_nor_exports(self, cast):
        activity = ProcessingActivity.objects.create(
            practice=cast.practice, name="Paie", reference="ref-001"
        )
        client = cast.client("delegate")
        page = client.get(url(cast, "detail", activity))
        assert page.status_code == 200 and "Modifier la fiche" not in page.content.decode()
        assert client.post(url(cast, "status", activity), {"action": "drop"}).status_code == 403
        assert client.get(url(cast, "export_pdf")).status_code == 403
        assert ProcessingActivity.objects.filter(pk=activity.pk).exists()

    def test_a_foreign_fiche_is_a_404(self, cast):
        foreign = ProcessingActivity.objects.create(
            practice=cast.other_practice, name="Paie", reference="ref-001"
        )
        client = cast.client("admin")
        for name in ("detail", "edit", "history"):
            assert client.get(url(cast, name, foreign)).status_code == 404
        assert client.post(url(cast, "review", foreign)).status_code == 404
        foreign.refresh_from_db()
        assert foreign.last_reviewed_at is None


class TestQueries:
    def test_registry_list_keeps_the_same_query_count_as_entries_grow(self, cast, presets):
        client = cast.client("admin")

        def count():
            with CaptureQueriesContext(connection) as queries:
                assert client.get(url(cast, "index")).status_code == 200
            return len(queries)

        for key in ("dossier-patient", "rendez-vous", "site-web"):
            services.adopt_preset(practice=cast.practice, preset_key=key)
        count()  # the first visit creates the record's header
        small = count()
        for i in range(30):
            ProcessingActivity.objects.create(
                practice=cast.practice, name=f"T{i}", reference=f"x-{i}", status="active"
            )
        assert count() == small

    def test_exports_keep_the_same_query_count(self, cast, presets):
        client = cast.client("admin")

        def count():
            with CaptureQueriesContext(connection) as queries:
                assert client.get(url(cast, "export_xlsx")).status_code == 200
            return len(queries)

        services.adopt_preset(practice=cast.practice, preset_key="dossier-patient")
        count()  # the first visit creates the record's header
        small = count()
        for key in ("rendez-vous", "site-web", "comptabilite", "personnel-paie"):
            services.adopt_preset(practice=cast.practice, preset_key=key)
        assert count() == small


def test_console_figures_on_a_known_fixture(cast, presets):
    header = services.header_for(cast.practice)
    header.controller_last_name, header.controller_email = "Martin", "c@lilas.fr"
    header.controller_phone = "0102030405"
    header.save()  # header complete: 100
    a = services.adopt_preset(practice=cast.practice, preset_key="dossier-patient")  # 82
    b = services.adopt_preset(practice=cast.practice, preset_key="comptabilite")
    services.set_status(activity=b, status="active")  # reviewed now; dpia decided: 100
    ProcessingActivity.objects.create(
        practice=cast.practice, name="Vieux", reference="old", status="archived"
    )
    b.refresh_from_db()
    a.refresh_from_db()
    assert (a.completeness, b.completeness) == (82, 100)
    figures = console_figures([cast.practice.pk, cast.other_practice.pk])
    mine = figures[cast.practice.pk]
    assert round(mine["completeness"] * 100) == round((82 + 100 + 100) / 3)
    assert mine["entries"] == 2 and mine["review_overdue"] == 0
    assert services.record_completeness(cast.practice) == round((82 + 100 + 100) / 3)
    assert figures[cast.other_practice.pk] == {
        "completeness": None,
        "entries": 0,
        "review_overdue": 0,
    }


def test_dashboard_card(cast, presets):
    services.adopt_preset(practice=cast.practice, preset_key="dossier-patient")
    page = cast.client("staff").get(
        reverse("dashboard", kwargs={"practice_slug": "cabinet-des-lilas"})
    )
    html = page.content.decode()
    assert "Registre des traitements" in html and "Complétude" in html


def test_csv_roundtrip(cast):
    client = cast.client("admin")
    client.post(url(cast, "create"), fiche())
    response = client.get(url(cast, "export_csv"))
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    header, row = rows
    record = dict(zip(header, row, strict=True))
    assert record["N° / RÉF"] == "ref-101"
    assert record["Nom du traitement"] == "Dossier patient"
    assert record["Sous-finalités"] == (
        "Tenue du dossier | Coordination | DMP | Courriers | Statistiques anonymes"
    )
    assert record["Base légale (art. 6)"] == "Art. 6.1.c : obligation légale"
    assert (
        "Numéro de Sécurité Sociale (ou NIR) : NIR (20 ans)"
        in record["Catégories de données (conservation)"]
    )
    assert (
        "Photographies cliniques : Plaies (20 ans)"
        in record["Catégories de données (conservation)"]
    )
    assert record["Données sensibles (conservation)"] == (
        "Données concernant la santé : Antécédents, diagnostics "
        "(20 ans après la dernière consultation)"
    )
    assert "Éditeur du logiciel (HDS : Oui, art. 28 : Oui)" in record["Destinataires"]
    assert record["Transferts hors UE"] == (
        "Support de l'éditeur (Maroc) : Clauses contractuelles types (CCT) Contrat du 23/01/2026"
    )
    assert record["AIPD"] == "Réalisée"


class TestHeader:
    def post(self, cast, **data):
        base = {
            "controller_first_name": "Claire",
            "controller_last_name": "Martin",
            "controller_email": "claire@lilas.fr",
            "controller_phone": "01 02 03 04 05",
            "no_dpo_note": "Praticienne seule, pas de traitement à grande échelle.",
            "review_interval_months": "12",
        }
        return cast.client("admin").post(url(cast, "header"), {**base, **data})

    def test_header_is_saved_and_audited(self, cast):
        assert self.post(cast).status_code == 302
        header = services.header_for(cast.practice)
        assert header.controller_last_name == "Martin"
        assert services.header_missing(header) == []
        event = AuditEvent.objects.get(action="registry.header.update")
        assert event.changes["controller_last_name"] == ["", "Martin"]

    @pytest.mark.parametrize(
        ("data", "message"),
        [
            ({"no_dpo_note": ""}, "Sans DPO désigné, écrivez pourquoi"),
            ({"dpo_designated": "on"}, "Indiquez le nom du délégué à la protection des données."),
            ({"has_representative": "on"}, "Indiquez le nom du représentant."),
            ({"review_interval_months": "48"}, "Choisissez une durée entre 1 et 36 mois."),
            ({"controller_email": "pas-une-adresse"}, "Saisissez une adresse de courriel valide."),
        ],
    )
    def test_bad_header_is_refused_and_kept(self, cast, data, message):
        response = self.post(cast, **data)
        assert response.status_code == 400
        html = response.content.decode()
        assert message in html and "Martin" in html
        assert services.header_for(cast.practice).controller_last_name == ""


def test_console_changes_count_reviews_since_a_date(cast):
    from registry.figures import console_changes

    now = timezone.now()
    for i, (practice, reviewed) in enumerate(
        [
            (cast.practice, now - timedelta(days=2)),
            (cast.practice, now - timedelta(days=20)),
            (cast.other_practice, now - timedelta(days=1)),
        ]
    ):
        ProcessingActivity.objects.create(
            practice=practice, name=f"T{i}", reference=f"r{i}", last_reviewed_at=reviewed
        )
    with CaptureQueriesContext(connection) as queries:
        changes = console_changes([cast.practice.pk], now - timedelta(days=7))
    assert changes == {cast.practice.pk: {"reviews": 1}} and len(queries) == 1
