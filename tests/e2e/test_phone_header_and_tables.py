"""On a phone (390 px): a compact header whose Menu button is a real disclosure, the red
« Signaler un incident » still on the first screen, and lists as cards with the 72-hour
deadline first and every cell named, with no side-scroll. On a computer, nothing folds."""

from datetime import timedelta

import pytest
from django.utils import timezone

from registry.incidents.models import Incident
from tests.e2e.axe import assert_accessible
from tests.e2e.conftest import SCREENSHOTS, enrol, log_in
from tests.factories import PASSWORD, MembershipFactory, OversightFactory, PracticeFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
OVERFLOW = "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"


def _practice_with_an_incident():
    practice = PracticeFactory(name="Cabinet des Tilleuls", slug="cabinet-des-tilleuls")
    admin = MembershipFactory(practice=practice, role="admin", job="medecin").user
    Incident.objects.create(
        practice=practice,
        kind="ransomware",
        description="Écran bloqué.",
        noticed_at=timezone.now() - timedelta(hours=2),
        aware_at=timezone.now() - timedelta(hours=2),
        personal_data=True,
    )
    return practice, admin


def test_the_phone_header_is_one_line_with_a_menu_and_the_report_button(page):
    practice, admin = _practice_with_an_incident()
    page.set_viewport_size(PHONE)
    log_in(page, admin.email, PASSWORD)
    enrol(page)
    page.wait_for_url("**/p/cabinet-des-tilleuls/")

    toggle = page.locator("[data-menu-toggle]")
    header = page.locator("header.site-header").bounding_box()
    assert header["height"] < 110, header  # one line (it took five, 40 % of the screen)
    assert toggle.get_attribute("aria-expanded") == "false"
    assert not page.locator("#site-menu").is_visible()
    report = page.locator("header .report-incident")
    assert report.is_visible() and report.bounding_box()["y"] < 110
    assert_accessible(page, "phone header closed")
    page.screenshot(path=SCREENSHOTS / "phone-header-closed.png")

    # Keyboard: Tab reaches the button, Enter opens, Escape closes and keeps the focus.
    toggle.focus()
    page.keyboard.press("Enter")
    assert toggle.get_attribute("aria-expanded") == "true"
    assert page.locator("#site-menu >> text=Incidents").is_visible()
    assert page.locator("#site-menu >> text=Sécurité du compte").is_visible()
    assert_accessible(page, "phone header open")
    page.screenshot(path=SCREENSHOTS / "phone-header-open.png")
    page.keyboard.press("Escape")
    assert toggle.get_attribute("aria-expanded") == "false"
    assert page.evaluate("() => document.activeElement.hasAttribute('data-menu-toggle')")

    toggle.click()
    page.click("#site-menu >> text=Incidents")
    page.wait_for_url("**/incidents/")
    row = page.locator("main table tbody tr").first
    cells = row.locator("td")
    first = min(range(cells.count()), key=lambda i: cells.nth(i).bounding_box()["y"])
    assert cells.nth(first).get_attribute("data-label") == "72 heures"
    label = cells.nth(first).evaluate("c => getComputedStyle(c, '::before').content")
    assert "72 heures" in label
    assert page.evaluate(OVERFLOW) <= 0
    assert_accessible(page, "phone incidents cards")
    page.screenshot(path=SCREENSHOTS / "phone-incidents-cards.png", full_page=True)

    page.goto(f"/p/{practice.slug}/incidents/registre/")
    assert page.evaluate(OVERFLOW) <= 0
    assert page.locator("main td.card-first[data-label='72 heures']").count() == 1
    assert_accessible(page, "phone breach register cards")
    page.screenshot(path=SCREENSHOTS / "phone-breach-register-cards.png", full_page=True)

    # Any other list gets its cells named from its header by vigie.js.
    page.goto(f"/p/{practice.slug}/equipe/")
    assert page.locator("main table.cards-on-phone td[data-label]").count() > 0
    assert page.evaluate(OVERFLOW) <= 0


def test_the_delegate_console_is_cards_on_a_phone_and_a_table_on_a_computer(page):
    practice, _admin = _practice_with_an_incident()
    delegate = OversightFactory(practice=practice).delegate
    log_in(page, delegate.email, PASSWORD)
    enrol(page)
    page.goto("/delegue/")
    page.set_viewport_size(PHONE)
    assert page.evaluate(OVERFLOW) <= 0
    card = page.locator("main table.console-table tbody tr").first
    assert card.locator("td[data-label='72 h dépassées']").is_visible()
    assert_accessible(page, "phone console cards")
    page.screenshot(path=SCREENSHOTS / "phone-console-cards.png", full_page=True)

    page.set_viewport_size(DESKTOP)
    assert page.locator("main table.console-table thead").is_visible()
    assert not page.locator("[data-menu-toggle]").is_visible()
    assert page.locator("header >> text=Sécurité du compte").is_visible()
    assert_accessible(page, "desktop console")
    page.screenshot(path=SCREENSHOTS / "desktop-console.png")
