"""The admin's and the delegate's training pages, and the public check, in Chromium with axe."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.utils import timezone

from tests.conftest import verified_client
from tests.e2e.axe import assert_accessible
from tests.e2e.conftest import SCREENSHOTS, page  # noqa: F401 - the browser fixture
from tests.training.conftest import take
from tests.training.sweep import attestation
from training import content
from training.models import Module

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def as_user(page, live_server, user):  # noqa: F811
    """Reuse a verified session (login and enrolment are covered by tests/e2e)."""
    session = verified_client(user).cookies[settings.SESSION_COOKIE_NAME].value
    page.context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": session, "url": live_server.url}]
    )


def test_admin_pages_delegate_summary_and_public_check_are_accessible(
    page,  # noqa: F811
    live_server,
    cast,
):
    content.load()
    modules = list(Module.objects.order_by("theme"))
    for module in modules[:5]:
        take(cast.practice, cast.admin, module)
    take(cast.practice, cast.staff, modules[0], at=timezone.now() - timedelta(days=350))
    certificate = take(cast.practice, cast.admin, modules[6]).certificate
    attestation(cast.practice)
    slug = cast.practice.slug

    as_user(page, live_server, cast.admin)
    for name, path in (
        ("team matrix", f"/p/{slug}/formation/equipe/"),
        ("required modules", f"/p/{slug}/formation/equipe/obligations/"),
        ("attestations", f"/p/{slug}/formation/attestations/"),
        ("my training", f"/p/{slug}/formation/"),
    ):
        page.goto(path)
        assert_accessible(page, f"training {name}")
    page.goto(f"/p/{slug}/formation/equipe/")
    assert page.locator("td.cell-expiring").count() == 1
    page.screenshot(path=SCREENSHOTS / "training-team-matrix.png", full_page=True)

    page.context.clear_cookies()
    as_user(page, live_server, cast.delegate)
    page.goto(f"/p/{slug}/formation/")
    assert_accessible(page, "training delegate summary")
    assert cast.staff.last_name not in page.inner_text("main")

    page.context.clear_cookies()
    page.goto("/verifier/")
    assert_accessible(page, "training verify form")
    page.fill("#id_code", certificate.code.lower())
    page.click("main form button[type=submit]")
    page.wait_for_url(f"**/verifier/{certificate.code}/")
    assert "Attestation valable." in page.inner_text("main")
    assert_accessible(page, "training verify result")
