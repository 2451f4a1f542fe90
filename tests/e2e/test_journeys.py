"""The product as its users meet it: whole journeys in Debian's Chromium.

Every main page a journey visits goes through axe-core (no serious or critical violation),
and the last page of each journey is kept in test-artifacts/screenshots/.
"""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from practices.models import Membership, Practice
from registry.incidents.breach import reflexes_for
from registry.incidents.models import Incident
from registry.models import ProcessingActivity
from tests.e2e.axe import assert_accessible
from tests.e2e.conftest import SCREENSHOTS, enrol, log_in
from tests.factories import PASSWORD, MembershipFactory, OversightFactory, PracticeFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def checker(journey: str):
    return lambda page, name: assert_accessible(page, f"{journey} {name}")


def test_staff_member_reports_a_ransomware_attack_and_ticks_the_reflexes(page):
    check = checker("ransomware")
    practice = PracticeFactory(name="Cabinet des Tilleuls", slug="cabinet-des-tilleuls")
    MembershipFactory(practice=practice, role="admin", job="medecin")
    staff = MembershipFactory(practice=practice, role="staff", job="assistant").user

    log_in(page, staff.email, PASSWORD)
    enrol(page, check)
    page.wait_for_url("**/p/cabinet-des-tilleuls/")
    check(page, "dashboard")

    page.click("header >> text=Signaler un incident")
    page.wait_for_url("**/incidents/signaler/")
    check(page, "report form")
    page.check("input[name=kind][value=ransomware]")
    page.fill("#id_description", "Écran bloqué au secrétariat, message de rançon en anglais.")
    page.click("text=Envoyer le signalement")

    page.wait_for_url(re.compile(r".*/incidents/[0-9a-f-]{36}/$"))
    assert "Incident signalé" in page.inner_text(".messages")
    check(page, "incident page")
    to_tick = "form[action$='/reflexe/']:not(:has(input[name=undo])) button"
    reflexes = page.locator(to_tick).count()
    assert reflexes == len(reflexes_for("ransomware"))
    for _ in range(reflexes):
        page.locator(to_tick).first.click()
        page.wait_for_load_state()
    assert page.locator(to_tick).count() == 0
    assert page.locator("form:has(input[name=undo])").count() == reflexes  # each undoable
    assert page.locator("text=/Fait le .* par /").count() == reflexes

    incident = Incident.objects.get(practice=practice)
    assert (incident.kind, incident.reported_by) == ("ransomware", staff)
    assert incident.reflexes.count() == reflexes
    check(page, "reflexes done")
    page.screenshot(path=SCREENSHOTS / "journey-ransomware-reflexes.png", full_page=True)


def test_the_accessibility_check_catches_a_violation(page):
    """Proof that axe runs under Vigie's CSP and that its findings fail the journey."""
    page.goto("/accounts/login/")
    assert_accessible(page, "login")
    page.evaluate(
        """() => {
        const img = document.createElement("img");
        img.src = "/static/nothing.png";
        document.querySelector("main").append(img);
        const input = document.createElement("input");
        document.querySelector("main").append(input);
    }"""
    )
    with pytest.raises(AssertionError) as failure:
        assert_accessible(page, "login with an unlabelled image and field")
    assert "image-alt" in str(failure.value) and "label" in str(failure.value)


def test_secretary_joins_by_invitation_completes_a_checklist_and_a_training_module(page):
    from portal.content import load_all
    from practices import invitations
    from practices.checklists.models import Run, Template
    from practices.checklists.services import checklist_activate
    from training.models import Attempt, Choice

    check = checker("invitation")
    load_all()
    practice = PracticeFactory(name="Cabinet des Tilleuls", slug="cabinet-des-tilleuls")
    admin = MembershipFactory(practice=practice, role="admin", job="medecin").user
    template = Template.objects.order_by("code").first()
    checklist_activate(practice=practice, template=template)
    invitations.invitation_create(
        practice=practice,
        email="lea.roy@tilleuls.fr",
        role="staff",
        job="secretaire",
        invited_by=admin,
    )
    link = re.search(r"https?://\S+(/invitations/\S+/)", mail.outbox[-1].body).group(1)

    page.goto(link)
    check(page, "new account form")
    assert page.input_value("#id_email") == "lea.roy@tilleuls.fr"  # shown, not typed
    page.fill("#id_first_name", "Léa")
    page.fill("#id_last_name", "Roy")
    page.fill("#id_password1", PASSWORD)
    page.fill("#id_password2", PASSWORD)
    page.click("text=Créer mon compte")
    enrol(page, check)  # no second login, no separate « Accepter l'invitation »

    page.wait_for_url("**/p/cabinet-des-tilleuls/")
    assert "Bienvenue dans Cabinet des Tilleuls" in page.inner_text(".messages")
    check(page, "dashboard")

    page.click(".space-nav >> text=Contrôles")
    page.wait_for_url("**/controles/")
    check(page, "checklists")
    page.click("text=/à faire avant le/")
    page.wait_for_url(re.compile(r".*/controles/periodes/[0-9a-f-]{36}/$"))
    check(page, "checklist period")
    # One form for the whole period: a choice per point, then one save.
    items = page.locator("main form.period-form article").count()
    assert items == len(template.items)
    for index in range(items):
        point = page.locator("main form.period-form article").nth(index)
        point.locator("input[type=radio][value=done]").check()
        # The comment is asked only for « Pas fait ».
        assert not point.locator("textarea").is_visible()
    page.locator("main form.period-form article").first.locator(
        "input[type=radio][value=not_done]"
    ).check()
    assert page.locator("main form.period-form article").first.locator("textarea").is_visible()
    page.locator("main form.period-form article").first.locator(
        "input[type=radio][value=done]"
    ).check()
    page.click("main form.period-form button[type=submit]")
    page.wait_for_load_state()
    assert page.locator("main p .status-ok", has_text="Terminée").is_visible()
    run = Run.objects.get(practice=practice, checklist__template=template)
    assert run.completed_at is not None
    assert {a.answered_by.email for a in run.answers.all()} == {"lea.roy@tilleuls.fr"}
    joined = Membership.objects.get(practice=practice, user__email="lea.roy@tilleuls.fr")
    assert (joined.role, joined.job) == ("staff", "secretaire")
    check(page, "checklist done")

    page.click(".space-nav >> text=Formation")
    page.wait_for_url("**/formation/")
    check(page, "training")
    page.locator("main form[action$='/formation/commencer/'] button").first.click()
    page.wait_for_url(re.compile(r".*/lecons/1/$"))
    check(page, "lesson")
    while page.locator("text=Écran suivant").count():
        page.click("text=Écran suivant")
        page.wait_for_load_state()
    page.click("text=Passer au quiz")
    page.wait_for_url("**/quiz/")
    check(page, "quiz")
    attempt = Attempt.objects.get(user__email="lea.roy@tilleuls.fr")
    for name in page.locator("main form input[type=radio]").evaluate_all(
        "radios => [...new Set(radios.map(r => r.name))]"
    ):
        right = Choice.objects.get(
            question__module=attempt.module, question__key=name.removeprefix("q-"), correct=True
        )
        page.check(f"input[name='{name}'][value='{right.key}']")
    page.click("text=Envoyer mes réponses")
    page.wait_for_url(re.compile(r".*/sessions/[0-9a-f-]{36}/$"))
    assert page.locator(".badge", has_text="Réussi").is_visible()
    attempt.refresh_from_db()
    assert attempt.passed and attempt.score == 100
    check(page, "training result")
    page.screenshot(path=SCREENSHOTS / "journey-secretary-checklist-training.png", full_page=True)


def test_delegate_opens_the_console_and_drills_into_a_practice(page):
    from registry.incidents.services import incident_report

    check = checker("delegate")
    practice = PracticeFactory(name="Cabinet des Tilleuls", slug="cabinet-des-tilleuls")
    staff = MembershipFactory(practice=practice, role="staff", job="secretaire").user
    PracticeFactory(name="Maison de santé du Port", slug="msp-du-port")  # not granted
    incident = incident_report(
        practice=practice,
        reporter=staff,
        kind="phishing",
        description="Faux courriel de l'Assurance maladie, lien cliqué",
        noticed_at=timezone.now() - timedelta(hours=2),
    )
    delegate = OversightFactory(practice=practice).delegate

    log_in(page, delegate.email, PASSWORD)
    enrol(page, check)
    page.wait_for_url("**/delegue/")
    check(page, "console")
    table = page.locator("main table")
    assert "Cabinet des Tilleuls" in table.inner_text()
    assert "Maison de santé du Port" not in page.content()

    table.locator("text=Cabinet des Tilleuls").click()
    page.wait_for_url("**/p/cabinet-des-tilleuls/")
    check(page, "practice dashboard")
    assert page.locator("header >> text=Signaler un incident").count() == 0  # read-only

    page.click(".space-nav >> text=Incidents")
    page.wait_for_url("**/p/cabinet-des-tilleuls/incidents/")
    check(page, "incidents")
    page.click(f"a[href$='/incidents/{incident.public_id}/']")
    page.wait_for_url(f"**/incidents/{incident.public_id}/")
    assert "n'est pas partagé avec vous" in page.inner_text("main")
    assert "Assurance maladie" not in page.content()
    assert page.locator("main form").count() == 0
    check(page, "incident")

    page.click(".space-nav >> text=Contrôles")
    page.wait_for_url("**/p/cabinet-des-tilleuls/controles/")
    check(page, "checklists")
    page.screenshot(path=SCREENSHOTS / "journey-delegate-drill-down.png", full_page=True)


def qr_path(svg: str) -> str:
    return re.search(r'<path[^>]* d="([^"]+)"', svg).group(1)


def test_new_admin_signs_up_enrols_creates_the_practice_and_starts_the_registry(page):
    from portal.content import load_all
    from portal.mfa.views import _qr_svg

    check = checker("signup")
    load_all()  # the registry presets (a browser test starts from an emptied database)
    PracticeFactory(name="Cabinet voisin", slug="cabinet-voisin")  # the regions exist
    email = "dr.martin@cabinet-glycines.fr"

    page.goto("/accounts/signup/")
    check(page, "sign-up form")
    page.fill("#id_email", email)
    page.fill("#id_first_name", "Hélène")
    page.fill("#id_last_name", "Martin")
    page.fill("#id_password1", PASSWORD)
    page.fill("#id_password2", PASSWORD)
    page.click("main form button[type=submit]")
    page.wait_for_url("**/accounts/confirm-email/")
    check(page, "check your mail")

    link = re.search(r"https?://\S+(/accounts/confirm-email/\S+/)", mail.outbox[-1].body).group(1)
    page.goto(link)
    check(page, "confirm address")
    page.click("main form button[type=submit]")

    page.wait_for_url("**/accounts/2fa/enrolement/")
    # The QR code carries the very key shown beside it: what an authenticator app scans.
    key = page.inner_text(".key-groups").replace(" ", "")
    uri = (
        f"otpauth://totp/Vigie:{email}?secret={key}&issuer=Vigie&digits=6&period=30&algorithm=SHA1"
    )
    page_qr = page.locator("svg.qr-code").evaluate("svg => svg.outerHTML")
    assert qr_path(page_qr) == qr_path(_qr_svg(uri))
    enrol(page, check)

    page.wait_for_url("**/cabinets/nouveau/")
    check(page, "practice form")
    page.fill("#id_name", "Cabinet des Glycines")
    page.check("input[name=professions][value=medecine_generale]")
    page.check("input[name=professions][value=infirmier]")
    page.fill("#id_postcode", "75011")
    page.fill("#id_city", "Paris")
    page.select_option("#id_region", label="Île-de-France")
    page.fill("#id_siret", "123 456 789")  # wrong: the form shows it, keeps the rest
    page.click("text=Créer le cabinet")
    page.wait_for_selector(".errorlist")
    check(page, "practice form with an error")
    assert page.input_value("#id_name") == "Cabinet des Glycines"
    page.fill("#id_siret", "")
    page.click("text=Créer le cabinet")

    page.wait_for_url(re.compile(r".*/p/[\w-]+/$"))
    assert page.locator("h1").inner_text() == "Cabinet des Glycines"
    practice = Practice.objects.get(name="Cabinet des Glycines")
    admin = Membership.objects.get(practice=practice)
    assert (admin.user.email, admin.role) == (email, "admin")
    assert sorted(practice.professions) == ["infirmier", "medecine_generale"]
    check(page, "new practice dashboard")

    page.click(".space-nav >> text=Registre")
    page.wait_for_url("**/registre/")
    check(page, "empty registry")
    page.click("main >> text=Démarrer mon registre")
    page.wait_for_url("**/registre/demarrer/")
    check(page, "registry presets")
    offered = page.locator("input[name=preset]:checked").count()
    assert offered > 0
    page.click("text=Ajouter les traitements cochés en brouillon")
    page.wait_for_selector(".messages")
    assert ProcessingActivity.objects.filter(practice=practice).count() == offered
    page.goto(f"/p/{practice.slug}/registre/")
    check(page, "registry from presets")
    # The link is an attachment: fetched with the page's session (a slow machine may take
    # longer than a click waits to render a registry of many pages).
    href = page.get_attribute("text=PDF du registre complet", "href")
    response = page.request.get(href, timeout=180_000)
    assert response.status == 200
    assert response.headers["content-type"] == "application/pdf"
    assert "attachment" in response.headers["content-disposition"]
    assert response.body().startswith(b"%PDF")
    page.screenshot(path=SCREENSHOTS / "journey-admin-new-practice-registry.png", full_page=True)
