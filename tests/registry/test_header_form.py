"""The record's header form: the three contact blocks of the CNIL list sheet, each titled."""

import re

import pytest

from tests.registry.test_registry import url

pytestmark = pytest.mark.django_db


def html_of(response) -> str:
    return response.content.decode()


class TestHeaderForm:
    def test_the_three_contact_blocks_each_have_their_title(self, cast):
        """Nom, Prénom… appear three times: each block says whose they are."""
        page = html_of(cast.client("admin").get(url(cast, "header")))
        order = [
            "<h2>Responsable du traitement</h2>",
            'id="id_controller_last_name"',
            "<h2>Représentant dans l&#x27;Union européenne</h2>",
            'id="id_has_representative"',
            'id="id_representative_last_name"',
            "<h2>Délégué à la protection des données (DPO)</h2>",
            'id="id_dpo_designated"',
            'id="id_dpo_last_name"',
            'id="id_no_dpo_note"',
            "<h2>Relecture des fiches</h2>",
            'id="id_review_interval_months"',
        ]
        positions = [page.index(marker) for marker in order]
        assert positions == sorted(positions)
        # A tick box sits before its own label, inside it.
        assert re.search(
            r'<label for="id_dpo_designated"><input type="checkbox"[^>]*> '
            r"Un délégué à la protection des données \(DPO\) est désigné</label>",
            page,
        )

    def test_an_error_shows_in_its_block_and_the_input_is_kept(self, cast):
        response = cast.client("admin").post(
            url(cast, "header"),
            {
                "controller_last_name": "Durand",
                "dpo_designated": "on",
                "dpo_company": "DPO Conseil",
                "review_interval_months": "12",
            },
        )
        assert response.status_code == 400
        page = html_of(response)
        dpo_block = page.index("<h2>Délégué à la protection des données (DPO)</h2>")
        error = page.index("Indiquez le nom du délégué à la protection des données.")
        assert error > dpo_block
        assert 'value="Durand"' in page and 'value="DPO Conseil"' in page
