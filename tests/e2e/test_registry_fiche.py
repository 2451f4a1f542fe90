"""A fiche of the registry as an admin edits it, on a computer and on a phone (390 px)."""

import pytest

from registry import services
from tests.e2e.axe import assert_accessible
from tests.e2e.conftest import SCREENSHOTS, enrol, log_in
from tests.factories import PASSWORD, MembershipFactory, PracticeFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_admin_edits_a_fiche_with_bad_input_on_a_computer_then_on_a_phone(page):
    from portal.content import load_all

    load_all()
    practice = PracticeFactory(name="Cabinet du Vieux-Port", slug="kine-du-vieux-port")
    admin = MembershipFactory(practice=practice, role="admin", job="kine").user
    draft = services.adopt_preset(practice=practice, preset_key="dossier-patient")
    log_in(page, admin.email, PASSWORD)
    enrol(page)
    edit = f"/p/{practice.slug}/registre/fiches/{draft.public_id}/modifier/"
    page.goto(edit)

    # A tick box of the data lines stays a tick box, not a bar as wide as a text field.
    box = page.locator("#id_location_on").bounding_box()
    assert box["width"] < 40, box
    assert page.locator("#id_recipients-0-hds_certified").bounding_box()["width"] < 40

    # Ticked category without retention, transfer to a non-adequate country without a
    # guarantee: the errors are listed at the top, linked, and what was typed is kept.
    page.check("#id_location_on")
    page.fill("#id_location_description", "GPS des visites à domicile")
    page.fill("#id_transfers-0-recipient", "Hébergeur à Singapour")
    page.select_option("#id_transfers-0-country", "SG")
    page.click("text=Enregistrer la fiche")
    page.wait_for_selector(".error-summary li")
    summary = page.inner_text(".error-summary")
    assert "Durée de conservation" in summary and "Type de garanties" in summary
    assert page.input_value("#id_location_description") == "GPS des visites à domicile"
    assert page.input_value("#id_transfers-0-recipient") == "Hébergeur à Singapour"
    page.click(".error-summary a >> nth=0")
    assert page.evaluate("document.activeElement.id") == "id_location_retention"
    assert_accessible(page, "registry fiche with errors")

    # On a phone the fiche's tables do not push the page sideways; their lines stack.
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(edit)
    main = page.evaluate(
        "() => { const m = document.querySelector('main'); return [m.scrollWidth, m.clientWidth] }"
    )
    assert main[0] <= main[1], main
    retention = page.locator("label[for=id_civil_retention]")
    assert retention.is_visible() and retention.bounding_box()["width"] > 50
    assert_accessible(page, "registry fiche on a phone")

    # The list: each entry's status, completeness and review can be read without scrolling.
    page.goto(f"/p/{practice.slug}/registre/")
    cells = page.locator("table.record-list tbody td[data-label]").all()
    assert len(cells) == 5  # one entry: reference, sensitive, status, completeness, review
    for cell in cells:
        box = cell.bounding_box()
        assert box["x"] + box["width"] <= 390, (cell.get_attribute("data-label"), box)
    assert page.locator("table.record-list td.wide-only").first.is_hidden()
    assert_accessible(page, "registry list on a phone")
    page.screenshot(path=SCREENSHOTS / "registry-fiche-phone.png", full_page=True)
