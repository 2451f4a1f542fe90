"""In a real browser: an admin invites a secretary, who signs up, enrols and joins."""

import re

import pytest
from django.core import mail

from practices.models import Membership, Region
from tests.e2e.conftest import SCREENSHOTS, page  # noqa: F401  (the browser fixture)
from tests.factories import PASSWORD, MembershipFactory, PracticeFactory
from tests.mfa.totp import secret_from_key_groups, totp

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def log_in_and_enrol(page, email):  # noqa: F811  (the fixture's name, as a parameter)
    page.fill("#id_login", email)
    page.fill("#id_password", PASSWORD)
    page.click("main form button[type=submit]")
    enrol_and_continue(page)


def enrol_and_continue(page):  # noqa: F811
    page.wait_for_url("**/accounts/2fa/enrolement/")
    page.fill("#id_code", totp(secret_from_key_groups(page.inner_text(".key-groups"))))
    page.click("main form button[type=submit]")
    page.wait_for_url("**/securite/codes-de-secours/")
    page.click("text=C'est noté, continuer")


def test_admin_invites_and_the_newcomer_joins_after_enrolment(page):  # noqa: F811
    # A browser test before this one may have flushed the regions loaded by migration.
    Region.objects.get_or_create(code="11", defaults={"name": "Île-de-France"})
    practice = PracticeFactory(name="Cabinet des Tilleuls", slug="cabinet-des-tilleuls")
    admin = MembershipFactory(practice=practice, role="admin", job="medecin").user

    page.goto("/")
    log_in_and_enrol(page, admin.email)
    page.wait_for_url("**/p/cabinet-des-tilleuls/")
    page.goto("/p/cabinet-des-tilleuls/equipe/")
    page.fill("#id_email", "lea.roy@tilleuls.fr")
    page.select_option("#id_job", "secretaire")
    page.click("text=Envoyer l'invitation")
    page.wait_for_selector("text=Invitation envoyée à lea.roy@tilleuls.fr.")
    page.screenshot(path=SCREENSHOTS / "members-page.png", full_page=True)
    page.goto("/p/cabinet-des-tilleuls/journal/")
    page.screenshot(path=SCREENSHOTS / "audit-trail.png", full_page=True)
    page.click("text=Se déconnecter")

    link = re.search(r"https?://\S+(/invitations/\S+/)", mail.outbox[-1].body).group(1)
    page.goto(link)
    page.fill("#id_first_name", "Léa")
    page.fill("#id_last_name", "Roy")
    page.fill("#id_password1", PASSWORD)
    page.fill("#id_password2", PASSWORD)
    page.click("text=Créer mon compte")
    # Signed in by the sign-up itself, enrolled, then in the practice: no second login and
    # no separate « Accepter l'invitation ».
    enrol_and_continue(page)
    page.wait_for_url("**/p/cabinet-des-tilleuls/")
    page.screenshot(path=SCREENSHOTS / "invitation-joined.png", full_page=True)
    joined = Membership.objects.get(practice=practice, user__email="lea.roy@tilleuls.fr")
    assert (joined.role, joined.job) == ("staff", "secretaire")
