"""Linking from the security page, unlinking, joining by invitation, logging out at PSC."""

import re
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from allauth.socialaccount.models import SocialAccount
from django.urls import reverse
from django.utils import timezone

from portal.models import AuditEvent, User
from portal.psc import services
from practices import invitations
from practices.models import Invitation, Job, Membership
from tests.conftest import verified_client
from tests.factories import PASSWORD, MembershipFactory, PracticeFactory, UserFactory
from tests.mfa.totp import secret_from_key_groups, totp
from tests.psc.conftest import DOCTOR, NURSE, sign_in, through_provider
from tests.psc.test_sign_in import JEANNE, linked_user

pytestmark = pytest.mark.django_db


def test_security_page_links_after_reauthentication(psc):
    user = UserFactory()
    browser = verified_client(user)
    page = browser.get(reverse("mfa_security")).content.decode()
    assert reverse("psc_connect") in page
    # Re-authentication first.
    response = browser.get(reverse("psc_connect"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_reauthenticate"))
    browser.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    page = browser.get(reverse("psc_connect")).content.decode()
    assert "Lier avec Pro Santé Connect" in page
    response = sign_in(browser, process="connect", next_url=reverse("mfa_security"))
    assert response["Location"] == reverse("mfa_security")
    user.refresh_from_db()
    assert user.rpps == DOCTOR
    page = browser.get(reverse("mfa_security")).content.decode()
    assert "Compte lié à Pro Santé Connect — RPPS 810100000001" in page
    assert "Profession transmise : Médecin." in page
    assert AuditEvent.objects.filter(action="psc.link", actor=user).count() == 1


def test_security_page_without_psc_configured(settings):
    settings.SOCIALACCOUNT_PROVIDERS = {}
    browser = verified_client(UserFactory())
    assert "Pro Santé Connect" not in browser.get(reverse("mfa_security")).content.decode()


def test_unlink_when_a_password_remains(settings):
    user, _secret = linked_user()
    browser = verified_client(user)
    browser.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    response = browser.post(reverse("psc_unlink"))
    assert response["Location"] == reverse("mfa_security")
    user.refresh_from_db()
    assert user.rpps == ""
    assert not SocialAccount.objects.exists()
    assert AuditEvent.objects.get(action="psc.unlink").changes == {"rpps": [DOCTOR, None]}


def test_unlink_refused_when_psc_is_the_only_way_in():
    user, _secret = linked_user()
    user.set_unusable_password()
    user.save()
    with pytest.raises(services.LinkError):
        services.unlink(user=user)
    assert SocialAccount.objects.filter(user=user).exists()
    browser = verified_client(user)
    page = browser.get(reverse("mfa_security")).content.decode()
    assert "seul moyen de connexion" in page
    assert reverse("psc_unlink") not in page


def test_one_rpps_per_account():
    user, _secret = linked_user()
    other = JEANNE.__class__(NURSE, "Paul", "Durand", "60")
    with pytest.raises(services.LinkError, match="déjà lié à un autre identifiant RPPS"):
        services.link(user=user, identity=other)
    with pytest.raises(services.LinkError, match="déjà lié à un autre compte"):
        services.link(user=UserFactory(), identity=JEANNE)


def _invitation(job=Job.OTHER, email="jeanne.martin@cabinet.fr"):
    practice = PracticeFactory()
    admin = MembershipFactory(practice=practice, role="admin").user
    now = timezone.now()
    invitation = Invitation.objects.create(
        practice=practice,
        email=email,
        role="staff",
        job=job,
        invited_by=admin,
        sent_at=now,
        expires_at=now + timezone.timedelta(days=7),
    )
    return invitation, reverse("invitation_accept", args=[invitations.make_token(invitation)])


def test_invitee_joins_with_psc_directly(client, psc):
    invitation, link = _invitation()
    page = client.get(link).content.decode()
    assert "Se connecter avec Pro Santé Connect" in page
    response = sign_in(client)
    # An account for the invited e-mail, no password, linked; no membership yet.
    user = User.objects.get(email=invitation.email)
    assert (user.first_name, user.last_name, user.rpps) == ("Jeanne", "Martin", DOCTOR)
    assert not user.has_usable_password()
    assert not Membership.objects.filter(user=user).exists()
    # The second factor is enrolled before anything else.
    assert response["Location"] == reverse("mfa_enrol")
    page = client.get(reverse("mfa_enrol")).content.decode()
    key = re.search(r'class="key-groups"[^>]*>([^<]+)<', page).group(1)
    response = client.post(reverse("mfa_enrol"), {"code": totp(secret_from_key_groups(key))})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)
    # Then home sends the invitee back to the invitation, which gives the membership.
    response = client.get(reverse("home"))
    assert response["Location"] == link
    client.post(link)
    membership = Membership.objects.get(user=user, practice=invitation.practice)
    assert membership.job == Job.DOCTOR  # from PSC's profession, the admin set none


def test_without_invitation_psc_creates_no_account(client, psc):
    users = User.objects.count()
    assert sign_in(client)["Location"] == reverse("psc_link_required")
    assert User.objects.count() == users


def test_invitation_for_an_existing_account_asks_to_sign_in(client, psc):
    UserFactory(email="jeanne.martin@cabinet.fr")
    _unused, link = _invitation()
    client.get(link)
    users = User.objects.count()
    assert sign_in(client)["Location"] == reverse("psc_link_required")
    assert User.objects.count() == users
    assert not SocialAccount.objects.exists()


def test_logout_ends_the_psc_session_with_id_token_hint(client, psc):
    user, secret = linked_user()
    sign_in(client)
    client.post(reverse("mfa_authenticate"), {"code": totp(secret)})
    id_token = client.session["psc_id_token"]
    response = client.post(reverse("account_logout"))
    assert "_auth_user_id" not in client.session
    assert response["Location"].startswith(reverse("psc_leave"))
    page = client.get(response["Location"])
    url = page.context["url"]
    parts = urlsplit(url)
    assert f"{parts.scheme}://{parts.netloc}{parts.path}" == (
        f"{psc.url}/protocol/openid-connect/logout"
    )
    query = parse_qs(parts.query)
    assert query["id_token_hint"] == [id_token]
    assert query["post_logout_redirect_uri"] == ["http://testserver/accounts/login/"]
    assert query["state"]
    # The provider accepts it: its (auto-submitted) confirmation, then back to Vigie.
    session = requests.Session()
    answer = session.get(url, timeout=10)
    assert answer.status_code == 200
    form = re.search(r'action="([^"]+)"', answer.text).group(1)
    xsrf = re.search(r'name="xsrf" value="([^"]+)"', answer.text).group(1)
    done = session.post(
        requests.compat.urljoin(url, form),
        data={"xsrf": xsrf, "logout": "yes"},
        allow_redirects=False,
        timeout=10,
    )
    assert done.headers["Location"].startswith("http://testserver/accounts/login/")


def test_password_logout_goes_nowhere_else(client, psc):
    browser = verified_client(UserFactory())
    response = browser.post(reverse("account_logout"))
    assert response["Location"] == reverse("account_login")


def test_leave_page_refuses_an_unsigned_target(client):
    response = client.get(reverse("psc_leave") + "?to=https://evil.example/")
    assert response["Location"] == reverse("account_login")
    assert through_provider  # the helper is shared with the other files
