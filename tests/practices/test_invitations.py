"""Invitations: signed single-use links, expiry, resend, revoke, and the login they go through."""

import re
import time
from datetime import timedelta

import time_machine
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from portal.mfa.models import EncryptedTOTPDevice
from portal.models import AuditEvent
from practices import invitations
from practices.models import Invitation, Membership, Oversight
from tests.conftest import verified_client
from tests.factories import PASSWORD, UserFactory
from tests.mfa.totp import secret_from_key_groups, totp
from tests.practices.helpers import invite, last_link, url


class TestSending:
    def test_admin_invites_by_email_and_it_is_audited(self, cast, on_commit):
        invitation, link = invite(cast, on_commit)
        assert mail.outbox[-1].to == ["nouvelle@cabinet.fr"]
        assert "Cabinet des Lilas" in mail.outbox[-1].subject
        assert "valable 7 jours" in mail.outbox[-1].body
        assert (invitation.role, invitation.job, invitation.status) == (
            "staff",
            "secretaire",
            "pending",
        )
        assert invitation.expires_at == invitation.sent_at + timedelta(days=7)
        event = AuditEvent.objects.get(action="invitation.create")
        assert event.actor == cast.admin and event.practice == cast.practice
        assert event.changes["email"] == [None, "nouvelle@cabinet.fr"]
        assert event.changes["role"] == [None, "staff"]

    def test_staff_cannot_invite(self, cast):
        response = cast.client("staff").post(
            url("invite", cast), {"email": "a@b.fr", "role": "staff", "job": "autre"}
        )
        assert response.status_code == 403
        assert not Invitation.objects.exists()

    def test_a_member_or_a_pending_address_cannot_be_invited_twice(self, cast, on_commit):
        invite(cast, on_commit)
        client = cast.client("admin")
        again = client.post(
            url("invite", cast), {"email": "Nouvelle@Cabinet.fr", "role": "staff", "job": "autre"}
        )
        member = client.post(
            url("invite", cast), {"email": cast.staff.email, "role": "staff", "job": "autre"}
        )
        assert "déjà en attente" in again.content.decode()
        assert 'value="Nouvelle@Cabinet.fr"' in again.content.decode()
        assert "fait déjà partie du cabinet" in member.content.decode()
        assert Invitation.objects.count() == 1

    def test_a_delegate_who_already_has_access_is_not_invited_again(self, cast):
        response = cast.client("admin").post(
            url("invite", cast), {"email": cast.delegate.email, "role": "delegate", "job": "autre"}
        )
        assert "déjà accès" in response.content.decode()
        assert not Invitation.objects.exists()


class TestAccepting:
    def test_new_person_signs_up_enrols_totp_then_joins(self, cast, on_commit):
        """The whole path of a newcomer: no step of the second factor is skipped, nothing is
        typed twice, and the practice is joined when the enrolment completes (4 screens:
        account, enrolment, recovery codes, the practice; it took 6 with a second login and
        a separate « Accepter l'invitation »)."""
        invitation, link = invite(cast, on_commit)
        client = Client()
        form = client.get(link).content.decode()
        assert "Créez votre compte" in form
        # The invited address is shown in a read-only field, not typed.
        field = re.search(r'<input[^>]*name="email"[^>]*>', form).group(0)
        assert 'value="nouvelle@cabinet.fr"' in field and "disabled" in field
        signup = client.post(
            link,
            {
                "email": "someone.else@exemple.fr",  # a disabled field ignores what is posted
                "first_name": "Léa",
                "last_name": "Roy",
                "password1": PASSWORD,
                "password2": PASSWORD,
            },
        )
        assert signup["Location"] == reverse("mfa_enrol")  # forced enrolment, no bypass
        assert "_auth_user_id" not in client.session
        # Password alone is not a login: the link still asks to log in, nothing is joined.
        assert "Un compte Vigie existe déjà" in client.get(link).content.decode()
        assert not Membership.objects.filter(user__email=invitation.email).exists()
        self._enrol(client)
        membership = Membership.objects.get(practice=cast.practice, user__email=invitation.email)
        # The codes page ends on the home page, which brings the invitee back to the link,
        # and the used link leads its acceptor to the practice.
        assert client.get(reverse("home"))["Location"] == link
        joined = client.get(link)
        assert joined["Location"] == cast.practice.get_absolute_url()
        assert "Bienvenue dans Cabinet des Lilas" in client.get(joined["Location"]).content.decode()
        assert not Membership.objects.filter(user__email="someone.else@exemple.fr").exists()
        assert (membership.role, membership.job) == ("staff", "secretaire")
        assert membership.user.emailaddress_set.get().verified  # the link reached the address
        invitation.refresh_from_db()
        assert invitation.status == "accepted" and invitation.accepted_by == membership.user
        event = AuditEvent.objects.get(action="membership.create")
        assert event.actor == membership.user and event.practice == cast.practice

    def _enrol(self, client):
        page = client.get(reverse("mfa_enrol")).content.decode()
        groups = re.search(r'class="key-groups"[^>]*>([A-Z2-7 ]+)<', page).group(1)
        done = client.post(reverse("mfa_enrol"), {"code": totp(secret_from_key_groups(groups))})
        assert done["Location"] == reverse("mfa_recovery_codes")
        assert client.get(done["Location"]).status_code == 200

    def test_existing_account_logs_in_with_its_code_and_comes_back(self, cast, on_commit):
        user = UserFactory(email="nouvelle@cabinet.fr")
        device = EncryptedTOTPDevice(user=user, name="app", confirmed=True)
        secret = EncryptedTOTPDevice.new_secret()
        device.set_secret(secret)
        device.save()
        _invitation, link = invite(cast, on_commit)
        client = Client()
        page = client.get(link).content.decode()
        login_url = re.search(r'href="(/accounts/login/[^"]+)"', page).group(1)
        assert "Un compte Vigie existe déjà" in page
        client.post(login_url.replace("&amp;", "&"), {"login": user.email, "password": PASSWORD})
        with time_machine.travel(time.time() + 1, tick=False):
            done = client.post(reverse("mfa_authenticate"), {"code": totp(secret)})
        assert done["Location"] == link
        assert client.post(link)["Location"] == cast.practice.get_absolute_url()
        assert Membership.objects.filter(practice=cast.practice, user=user).exists()

    def test_link_is_single_use(self, cast, on_commit):
        user = UserFactory(email="nouvelle@cabinet.fr")
        _invitation, link = invite(cast, on_commit)
        client = verified_client(user)
        assert client.post(link).status_code == 302
        # Its acceptor, back by the link, is taken to the practice; anyone else is refused.
        assert client.post(link)["Location"] == cast.practice.get_absolute_url()
        reused = cast.client("outsider").get(link)
        assert reused.status_code == 410
        assert "déjà été utilisée" in reused.content.decode()
        assert Membership.objects.filter(practice=cast.practice, user=user).count() == 1
        assert AuditEvent.objects.filter(action="membership.create").count() == 1

    def test_a_sign_up_whose_invitation_was_revoked_meanwhile_joins_nothing(self, cast, on_commit):
        invitation, link = invite(cast, on_commit)
        client = Client()
        client.post(
            link,
            {"first_name": "Léa", "last_name": "Roy", "password1": PASSWORD, "password2": PASSWORD},
        )
        revoke = url("invitation_revoke", cast, invitation_id=invitation.public_id)
        cast.client("admin").post(revoke)
        self._enrol(client)
        assert not Membership.objects.filter(user__email=invitation.email).exists()
        assert "annulée par le cabinet" in client.get(link).content.decode()

    def test_the_error_page_leads_somewhere(self, cast, on_commit):
        """An expired link names who sent it and offers a ready mail to ask for a new one,
        and a way to sign in; a forged link at least offers signing in."""
        _invitation, link = invite(cast, on_commit)
        with time_machine.travel(timezone.now() + timedelta(days=8)):
            html = Client().get(link).content.decode()
        assert "a expiré" in html
        assert f'href="mailto:{cast.admin.email}?subject=' in html
        assert cast.admin.get_full_name() in html and "Cabinet des Lilas" in html
        assert f'href="{reverse("account_login")}"' in html
        forged = Client().get(link[:-3] + "xx/").content.decode()
        assert "mailto:" not in forged and f'href="{reverse("account_login")}"' in forged
        signed_in = cast.client("outsider").get(link[:-3] + "xx/").content.decode()
        assert f'href="{reverse("home")}"' in signed_in

    def test_wrong_account_is_refused_with_a_clear_message(self, cast, on_commit):
        invitation, link = invite(cast, on_commit)
        response = cast.client("outsider").post(link)
        assert response.status_code == 403
        html = response.content.decode()
        assert "nouvelle@cabinet.fr" in html and "Déconnectez-vous" in html
        assert not Membership.objects.filter(user=cast.outsider).exists()
        invitation.refresh_from_db()
        assert invitation.status == "pending"  # still usable by the right person

    def test_expired_after_seven_days(self, cast, on_commit):
        user = UserFactory(email="nouvelle@cabinet.fr")
        _invitation, link = invite(cast, on_commit)
        with time_machine.travel(timezone.now() + timedelta(days=6, hours=23)):
            assert Client().get(link).status_code == 200
        with time_machine.travel(timezone.now() + timedelta(days=7, minutes=1)):
            response = verified_client(user).post(link)
        assert response.status_code == 410
        assert "a expiré" in response.content.decode()
        assert not Membership.objects.filter(user=user).exists()

    def test_revoked_link_is_dead(self, cast, on_commit):
        user = UserFactory(email="nouvelle@cabinet.fr")
        invitation, link = invite(cast, on_commit)
        revoke = url("invitation_revoke", cast, invitation_id=invitation.public_id)
        assert cast.client("admin").post(revoke).status_code == 302
        response = verified_client(user).post(link)
        assert response.status_code == 410
        assert "annulée par le cabinet" in response.content.decode()
        assert not Membership.objects.filter(user=user).exists()
        event = AuditEvent.objects.get(action="invitation.revoke")
        assert event.changes == {"status": ["pending", "revoked"]}

    def test_resend_gives_a_new_expiry_and_kills_the_old_link(self, cast, on_commit):
        invitation, old_link = invite(cast, on_commit)
        later = timezone.now() + timedelta(days=3)
        with time_machine.travel(later), on_commit(execute=True):
            resend = url("invitation_resend", cast, invitation_id=invitation.public_id)
            assert cast.client("admin").post(resend).status_code == 302
        new_link = last_link()
        assert new_link != old_link
        invitation.refresh_from_db()
        assert invitation.expires_at > later + timedelta(days=6, hours=23)
        assert "remplacé" in Client().get(old_link).content.decode()
        assert Client().get(old_link).status_code == 410
        with time_machine.travel(later + timedelta(days=6)):
            assert Client().get(new_link).status_code == 200
        assert AuditEvent.objects.filter(action="invitation.resend").count() == 1

    def test_tampered_token_is_refused(self, cast, on_commit):
        _invitation, link = invite(cast, on_commit)
        response = Client().get(link[:-3] + "xx/")
        assert response.status_code == 410
        assert "pas valable" in response.content.decode()

    def test_delegate_invitation_creates_a_read_only_grant(self, cast, on_commit):
        delegate = UserFactory(email="deleguee@grades.fr")
        _invitation, link = invite(cast, on_commit, email="deleguee@grades.fr", role="delegate")
        client = verified_client(delegate)
        assert client.post(link)["Location"] == reverse("delegate_console")
        grant = Oversight.objects.get(practice=cast.practice, delegate=delegate, revoked_at=None)
        assert grant.granted_by == cast.admin
        assert not Membership.objects.filter(user=delegate).exists()
        assert AuditEvent.objects.filter(action="oversight.grant", practice=cast.practice).exists()
        assert client.get(url("members", cast)).status_code == 200
        assert client.post(url("leave", cast)).status_code == 403  # read-only


def test_remembered_invitation_is_used_once():
    session = {}
    invitations.remember(session, "abc")
    assert invitations.pop_remembered_url(session) == "/invitations/abc/"
    assert invitations.pop_remembered_url(session) is None
