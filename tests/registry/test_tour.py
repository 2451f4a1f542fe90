"""What a new practice admin met on a tour of the registry (review of the real pages)."""

import re

import pytest

from registry import cnil, services
from registry.models import ProcessingActivity
from tests.registry.test_registry import fiche, presets, url  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db


def html_of(response) -> str:
    return response.content.decode()


class TestStart:
    def test_the_message_agrees_with_the_number_of_fiches(self, cast, presets):  # noqa: F811
        client = cast.client("admin")
        post = {"professions": ["medecine_generale"], "preset": ["dossier-patient"]}
        response = client.post(url(cast, "start"), post, follow=True)
        page = html_of(response)
        assert "1 fiche ajoutée en brouillon : relisez-la, puis validez-la ou retirez-la." in page
        post["preset"] = ["rendez-vous", "site-web"]
        page = html_of(client.post(url(cast, "start"), post, follow=True))
        assert "2 fiches ajoutées en brouillon : relisez chacune" in page

    def test_nothing_ticked_says_so_and_stays_on_the_page(self, cast, presets):  # noqa: F811
        client = cast.client("admin")
        response = client.post(url(cast, "start"), {"professions": ["medecine_generale"]})
        assert response.status_code == 302 and response["Location"] == url(cast, "start")
        page = html_of(client.get(response["Location"]))
        assert "Aucune fiche ajoutée : cochez au moins un traitement" in page
        assert "0 fiches" not in page
        assert not ProcessingActivity.objects.exists()


class TestEdit:
    def test_the_title_keeps_the_stored_name_when_the_form_is_refused(self, cast):
        client = cast.client("admin")
        client.post(url(cast, "create"), fiche())
        activity = ProcessingActivity.objects.get()
        response = client.post(
            url(cast, "edit", activity), fiche(name="Nom pas encore enregistré", civil_retention="")
        )
        assert response.status_code == 400
        page = html_of(response)
        assert "<h1>Dossier patient</h1>" in page
        assert "<title>Modifier — Dossier patient · Vigie</title>" in page
        assert 'value="Nom pas encore enregistré"' in page

    def test_every_error_is_listed_at_the_top_with_a_link_to_its_field(self, cast):
        response = cast.client("admin").post(
            url(cast, "create"),
            fiche(civil_retention="", **{"transfers-0-guarantee": ""}),
        )
        assert response.status_code == 400
        page = html_of(response)
        summary = page[
            page.index('class="errorlist error-summary"') : page.index(
                '<form method="post" novalidate>'
            )
        ]
        assert (
            '<a href="#id_civil_retention">Catégories de données — État civil, identité, '
            "données d&#x27;identification, images… — Durée de conservation</a> : "
            "Catégorie cochée : indiquez sa durée de conservation."
        ) in summary
        assert (
            '<a href="#id_transfers-0-guarantee">Transferts, ligne 1 — Type de garanties</a> : '
            "Ce pays n&#x27;a pas de décision d&#x27;adéquation : choisissez une garantie."
        ) in summary
        assert not ProcessingActivity.objects.exists()

    def test_put_in_force_from_the_form_is_its_first_review(self, cast, presets):  # noqa: F811
        client = cast.client("admin")
        draft = services.adopt_preset(practice=cast.practice, preset_key="comptabilite")
        page = html_of(client.get(url(cast, "edit", draft)))
        assert 'value="draft" selected' in page
        data = fiche(name=draft.name, reference=draft.reference)
        response = client.post(url(cast, "edit", draft), data)
        assert response.status_code == 302, html_of(response)[:2000]
        draft.refresh_from_db()
        assert draft.status == cnil.Status.ACTIVE
        assert draft.last_reviewed_at is not None and draft.next_review_at is not None
        assert not draft.review_due()
        listing = html_of(client.get(url(cast, "index")))
        assert "À relire" not in listing and "fiche à relire" not in listing


class TestList:
    def test_in_force_then_drafts_then_archived_without_a_review_date(self, cast):
        make = ProcessingActivity.objects.create
        make(practice=cast.practice, name="Archivée", reference="ref-001", status="archived")
        make(practice=cast.practice, name="Brouillon", reference="ref-002")
        services.set_status(
            activity=make(practice=cast.practice, name="En vigueur", reference="ref-003"),
            status=cnil.Status.ACTIVE,
        )
        page = html_of(cast.client("admin").get(url(cast, "index")))
        rows = re.findall(
            r"<tr( class=\"archived\")?>\s*<td class=\"name\"><a href=[^>]*>([^<]+)</a>", page
        )
        assert [name for _cls, name in rows] == ["En vigueur", "Brouillon", "Archivée"]
        assert rows[2][0] == ' class="archived"'
        archived_row = page[page.index("Archivée</a>") :].split("</tr>")[0]
        assert re.search(r"<td data-label=\"Relecture\">—</td>\s*$", archived_row.strip())

    def test_the_review_card_does_not_call_an_empty_record_up_to_date(self, cast):
        ProcessingActivity.objects.create(practice=cast.practice, name="A", reference="ref-001")
        ProcessingActivity.objects.create(practice=cast.practice, name="B", reference="ref-002")
        page = html_of(cast.client("admin").get(url(cast, "index")))
        assert "Toutes les fiches en vigueur sont à jour." not in page
        assert "Aucune fiche en vigueur pour l'instant." in page
        assert "2 brouillons à relire puis valider" in page


class TestDetail:
    def test_dropping_a_draft_asks_first(self, cast):
        draft = ProcessingActivity.objects.create(
            practice=cast.practice, name="A", reference="ref-001"
        )
        page = html_of(cast.client("admin").get(url(cast, "detail", draft)))
        confirm = page[page.index('<details class="drop-draft">') :].split("</details>")[0]
        assert "Le brouillon sera supprimé du registre" in confirm
        assert 'value="drop"' in confirm and "Oui, retirer ce brouillon" in confirm


class TestTooLong:
    def test_an_over_long_text_gets_one_message_that_says_so_and_is_kept(self, cast):
        long_retention, long_label = "y" * 300, "L" * 250
        data = fiche(civil_retention=long_retention, dpia_done_on="31/02/2026")
        data["custom-0-label"] = long_label
        data["custom-0-retention"] = long_retention
        response = cast.client("admin").post(url(cast, "create"), data)
        assert response.status_code == 400
        page = html_of(response)
        assert "au plus 255 caractères (actuellement 300)" in page
        assert "au plus 200 caractères (actuellement 250)" in page
        # Not also told the text is missing: it was typed, only too long.
        assert "indiquez sa durée de conservation" not in page
        assert "Donnez un intitulé à cette catégorie." not in page
        assert "Indiquez la date de l&#x27;analyse d&#x27;impact." not in page
        assert "Saisissez une date valide." in page
        assert long_retention in page and long_label in page
        assert not ProcessingActivity.objects.exists()

    def test_an_over_long_dpo_name_is_not_called_missing(self, cast):
        response = cast.client("admin").post(
            url(cast, "header"),
            {"dpo_designated": "on", "dpo_last_name": "D" * 130, "review_interval_months": "12"},
        )
        assert response.status_code == 400
        page = html_of(response)
        assert "au plus 120 caractères (actuellement 130)" in page
        assert "Indiquez le nom du délégué" not in page
