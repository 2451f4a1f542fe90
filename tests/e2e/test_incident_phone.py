"""A secretary reports a misdirected letter on a phone (390 px): the report, the reflex
whose note invites a patient's identity, the warning, then the note kept as typed."""

import re

import pytest

from registry.incidents.models import Reflex
from tests.e2e.axe import assert_accessible
from tests.e2e.conftest import SCREENSHOTS, enrol, log_in
from tests.factories import PASSWORD, MembershipFactory, PracticeFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}


def test_secretary_on_a_phone_reports_and_notes_what_was_sent(page):
    practice = PracticeFactory(name="Cabinet des Tilleuls", slug="cabinet-des-tilleuls")
    MembershipFactory(practice=practice, role="admin", job="medecin")
    staff = MembershipFactory(practice=practice, role="staff", job="secretaire").user

    page.set_viewport_size(PHONE)
    log_in(page, staff.email, PASSWORD)
    enrol(page)
    page.wait_for_url("**/p/cabinet-des-tilleuls/")
    page.click("header >> text=Signaler un incident")
    page.check("input[name=kind][value=misdirected]")
    page.fill("#id_description", "Compte rendu de Patient X envoyé à une autre personne.")
    page.click("text=Envoyer le signalement")
    page.wait_for_url(re.compile(r".*/incidents/[0-9a-f-]{36}/$"))

    note = page.locator("form[action$='/reflexe/']:has(input[name=note])")
    note.locator("input[name=note]").fill("Envoyé à jean.dupont@gmail.com")
    note.locator("button").click()
    page.wait_for_load_state()
    assert "une adresse e-mail" in page.inner_text("[role=alert]")
    assert not Reflex.objects.exists()
    assert_accessible(page, "phone reflex note warning")

    # The reflex's text keeps the width of the screen: its form (and note) goes under it.
    item = page.locator(".reflexes li:has(input[name=note])")
    text_box = item.locator("> span").first.bounding_box()
    assert text_box["width"] > PHONE["width"] / 2, text_box
    overflow = page.evaluate(
        "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0
    page.screenshot(path=SCREENSHOTS / "phone-incident-note-warning.png", full_page=True)

    assert item.locator("input[name=note]").input_value() == "Envoyé à jean.dupont@gmail.com"
    item.locator("button").click()
    page.wait_for_load_state()
    assert Reflex.objects.get().note == "Envoyé à jean.dupont@gmail.com"
