import pytest
from django.urls import reverse


@pytest.mark.django_db
def test_healthz_reports_database_without_data(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["database"] == "ok"


def test_dashboard_shows_practice_to_member(cast, admin_client):
    response = admin_client.get(reverse("dashboard", kwargs={"practice_slug": "cabinet-des-lilas"}))
    assert response.status_code == 200
    assert "Cabinet des Lilas" in response.content.decode()


def test_dashboard_of_foreign_practice_is_404(cast, admin_client):
    response = admin_client.get(reverse("dashboard", kwargs={"practice_slug": "msp-du-port"}))
    assert response.status_code == 404


@pytest.mark.django_db
def test_login_page_is_french_by_default(client):
    response = client.get(reverse("account_login"))
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="fr"' in html
    assert "Connexion" in html or "Se connecter" in html


@pytest.mark.django_db
def test_language_switch_serves_english(client):
    response = client.post(
        reverse("set_language"), {"language": "en", "next": reverse("account_login")}, follow=True
    )
    assert response.status_code == 200
    assert '<html lang="en"' in response.content.decode()


@pytest.mark.django_db
def test_pages_load_nothing_from_third_parties_and_csp_has_nonce_not_unsafe_inline(client):
    import re

    response = client.get(reverse("account_login"))
    html = response.content.decode()
    external = re.findall(r'(?:src|href)="(https?://[^"]+)"', html)
    assert external == []
    csp = response["Content-Security-Policy"]
    assert "'nonce-" in csp
    assert "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    for script in re.findall(r"<script[^>]*>", html):
        assert "nonce=" in script and "src=" in script


def test_practice_switcher_lists_every_practice_of_a_locum(cast):
    from tests.factories import MembershipFactory

    MembershipFactory(practice=cast.other_practice, user=cast.staff, role="staff")
    client = cast.client("staff")
    html = client.get(reverse("dashboard", kwargs={"practice_slug": "cabinet-des-lilas"})).content
    assert "Maison de santé du Port" in html.decode()
    assert client.get("/").status_code == 200  # two practices: the chooser, not a redirect


@pytest.mark.django_db
def test_healthz_reports_broker_status(client, redis_url, settings):
    settings.REDIS_URL = redis_url
    assert client.get("/healthz").json() == {"database": "ok", "broker": "ok"}
    settings.REDIS_URL = "redis://127.0.0.1:1/0"
    response = client.get("/healthz")
    assert response.status_code == 200  # the web works on while the broker is down
    assert response.json()["broker"] == "down"


@pytest.mark.django_db
def test_browser_language_does_not_switch_away_from_french(client):
    response = client.get(reverse("account_login"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert '<html lang="fr"' in response.content.decode()


@pytest.mark.django_db
def test_seed_demo_is_idempotent_and_fills_the_spaces():
    from django.core.management import call_command

    from practices.models import Membership, Oversight, Practice
    from registry.incidents.models import Incident

    call_command("seed_demo", verbosity=0)
    counts = (Practice.objects.count(), Membership.objects.count(), Incident.objects.count())
    call_command("seed_demo", verbosity=0)
    assert (
        Practice.objects.count(),
        Membership.objects.count(),
        Incident.objects.count(),
    ) == counts
    assert counts[0] == 3 and counts[2] >= 2
    assert len({p.region_id for p in Practice.objects.all()}) == 2
    assert Membership.objects.filter(user__email="lucas.petit@demo.vigie.fr").count() == 2
    assert Oversight.objects.filter(revoked_at=None).count() == 2


def test_seed_demo_refuses_production(settings):
    from django.core.management import CommandError, call_command

    settings.IS_PRODUCTION = True
    with pytest.raises(CommandError):
        call_command("seed_demo")


def test_django_admin_is_for_verified_superusers_only(cast):
    from tests.conftest import verified_client
    from tests.factories import UserFactory

    staff_user = UserFactory(is_staff=True)
    assert verified_client(staff_user).get("/admin/").status_code == 302
    operator = UserFactory(is_staff=True, is_superuser=True)
    assert verified_client(operator).get("/admin/").status_code == 200
