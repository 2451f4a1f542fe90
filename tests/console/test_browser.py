"""The console in a real Chromium: a delegate signs in, reads the table, filters it,
drills into a practice and suggests a checklist; the CSP reports no violation."""

import pytest

from tests.e2e.conftest import SCREENSHOTS, enrol, log_in, page  # noqa: F401
from tests.factories import PASSWORD, OversightFactory, PracticeFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_delegate_reads_filters_and_suggests(page):  # noqa: F811
    from practices.checklists import content

    content.load()
    lilas = PracticeFactory(name="Cabinet des Lilas", slug="lilas")
    delegate = OversightFactory(practice=lilas).delegate
    kine = PracticeFactory(name="Kiné du Port", slug="kine", professions=["kinesitherapeute"])
    OversightFactory(practice=kine, delegate=delegate)
    PracticeFactory(name="Cabinet Étranger", slug="etranger")
    page.add_init_script(
        "window.cspViolations = [];"
        "document.addEventListener('securitypolicyviolation', e =>"
        " window.cspViolations.push(e.violatedDirective + ' ' + e.sourceFile));"
    )

    def violations():
        """CSP violations of the page (htmx's inline indicator style is switched off)."""
        return page.evaluate("window.cspViolations")

    log_in(page, delegate.email, PASSWORD)
    enrol(page)
    page.wait_for_url("**/delegue/")
    table = page.locator("table.console-table")
    assert table.locator("tbody tr").count() == 2
    assert "Cabinet Étranger" not in page.content()
    assert page.locator("table.console-table svg").count() >= 2
    page.screenshot(path=SCREENSHOTS / "delegate-console.png", full_page=True)
    assert violations() == []
    # The column the rows are sorted by is marked for the eye, not only for aria-sort.
    arrow = "el => getComputedStyle(el, '::after').content"
    assert "▲" in page.locator("th[aria-sort=ascending] a").evaluate(arrow)
    page.click("th[aria-sort=ascending] a")
    assert "▼" in page.locator("th[aria-sort=descending] a").evaluate(arrow)

    page.select_option("#id_profession", "kinesitherapeute")
    page.click("form.console-filters button[type=submit]")
    page.wait_for_url("**/delegue/?*profession=kinesitherapeute*")
    assert table.locator("tbody tr").count() == 1
    assert "Kiné du Port" in table.inner_text()
    assert violations() == []

    page.click("text=Kiné du Port")
    page.wait_for_url("**/p/kine/")
    assert page.locator("main form[method=post]").count() == 0  # header forms only

    page.goto("/delegue/suggestions/")
    page.select_option("#id_item", "checklist:backups")
    page.check("input[name=practices][value=lilas]")
    page.check("input[name=practices][value=kine]")
    page.fill("#id_note", "La règle 3-2-1, à vérifier ensemble.")
    page.click("main form button[type=submit]")
    page.wait_for_url("**/delegue/suggestions/")
    assert "Suggestion envoyée à 2 cabinets." in page.content()
    assert violations() == []


def test_the_console_suggestions_and_notifications_fit_a_phone(page):  # noqa: F811
    """390 px wide: nothing makes the page scroll sideways (the console's wide table
    scrolls inside its own box). The console's hidden sparkline text escaped that box and
    widened the page to ~900 px; the notification list's four columns and the header's
    buttons did not fit either."""
    from django.utils import timezone

    from portal.notifications import sweep
    from practices.checklists import content
    from tests.notifications.helpers import late_incident

    content.load()
    lilas = PracticeFactory(name="Cabinet médical des Lilas", slug="lilas")
    delegate = OversightFactory(practice=lilas).delegate
    kine = PracticeFactory(name="Cabinet de kinésithérapie du Vieux-Port", slug="kine")
    OversightFactory(practice=kine, delegate=delegate)
    late_incident(lilas)
    sweep.run_sweep(timezone.now(), enqueue=lambda ids: 0)  # the weekly digest, in the list
    page.set_viewport_size({"width": 390, "height": 844})
    log_in(page, delegate.email, PASSWORD)
    enrol(page)
    page.wait_for_url("**/delegue/")
    for url in ("/delegue/", "/delegue/suggestions/", "/notifications/"):
        page.goto(url)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, f"{url} is {width} px wide"
    page.screenshot(path=SCREENSHOTS / "notifications-390.png", full_page=True)
