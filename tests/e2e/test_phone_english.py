"""The product on a phone (390 px wide) and in English: every page of the menus fits the
screen (no sideways scrolling of the page; a wide table scrolls in its own box) and passes
axe-core."""

import pytest

from tests.e2e.axe import assert_accessible
from tests.e2e.conftest import SCREENSHOTS, enrol, log_in
from tests.factories import PASSWORD, MembershipFactory, OversightFactory, PracticeFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
WIDER_THAN_THE_SCREEN = """() => {
  const width = document.documentElement.clientWidth;
  return document.documentElement.scrollWidth - width;
}"""


def menu_links(page) -> list[str]:
    """Every page the header's menus lead to (the practice's spaces and the account)."""
    hrefs = page.eval_on_selector_all("header a[href^='/']", "links => links.map(a => a.pathname)")
    return list(dict.fromkeys(hrefs))


def test_an_admin_on_a_phone_in_english_reaches_every_menu_page_without_sideways_scroll(page):
    practice = PracticeFactory(name="Cabinet Tilleuls", slug="cabinet-tilleuls")
    admin = MembershipFactory(practice=practice, role="admin", job="medecin").user
    for job in ("secretaire", "assistant", "remplacant"):
        MembershipFactory(practice=practice, role="staff", job=job)
    OversightFactory(practice=practice)

    page.set_viewport_size(PHONE)
    log_in(page, admin.email, PASSWORD)
    enrol(page)
    page.wait_for_url("**/p/cabinet-tilleuls/")
    page.click("[data-menu-toggle]")  # on a phone the language switch is in the header's menu
    page.click("form.lang-switch button[value=en]")
    page.wait_for_load_state()
    assert page.get_attribute("html", "lang") == "en"

    pages = menu_links(page)
    assert "/p/cabinet-tilleuls/journal/" in pages and "/accounts/securite/" in pages
    # A long form whose fieldsets hold tables (a fieldset grows to its content by default).
    pages.append("/p/cabinet-tilleuls/registre/fiches/nouvelle/")
    for path in pages:
        page.goto(path)
        overflow = page.evaluate(WIDER_THAN_THE_SCREEN)
        assert overflow <= 0, f"{path} is {overflow} px wider than the phone's screen"
        assert_accessible(page, f"phone english {path}")
    # The team page's table is laid out as cards on a phone: nothing hidden in a side-scroll,
    # each cell named by its column's header (in English).
    page.goto("/p/cabinet-tilleuls/equipe/")
    box = page.locator(".table-scroll").first
    assert not box.evaluate("b => b.scrollWidth > b.clientWidth")
    labels = page.eval_on_selector_all(
        "main table.cards-on-phone tbody td[data-label]", "cells => cells.map(c => c.dataset.label)"
    )
    assert labels and all(label.isascii() for label in labels), labels
    page.screenshot(path=str(SCREENSHOTS / "phone-english-team.png"), full_page=True)
