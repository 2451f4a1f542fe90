import re
from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from portal.models import AuditEvent
from practices.models import Invitation, Membership, Oversight, Practice, Region
from practices.validators import validate_siret
from tests.factories import PASSWORD, MembershipFactory, UserFactory


def url(name, cast, **kwargs):
    return reverse(f"practices:{name}", kwargs={"practice_slug": cast.practice.slug, **kwargs})


def invite(cast, on_commit, email="nouvelle@cabinet.fr", role="staff"):
    with on_commit(execute=True):
        response = cast.client("admin").post(
            url("invite", cast), {"email": email, "role": role, "job": "secretaire"}
        )
    assert response.status_code == 302, response.content.decode()
    link = re.search(r"http://127\.0\.0\.1:8000(/invitations/\S+/)", mail.outbox[-1].body)
    return Invitation.objects.get(email=email), link.group(1)


@pytest.fixture
def on_commit(django_capture_on_commit_callbacks):
    return django_capture_on_commit_callbacks


class TestCreatePractice:
    def test_creator_becomes_admin_and_it_is_audited(self, cast):
        client = cast.client("outsider")
        response = client.post(
            reverse("practice_create"),
            {
                "name": "Cabinet infirmier du Lac",
                "professions": ["infirmier"],
                "region": Region.objects.get(code="84").pk,
                "siret": "732 829 320 00074",
            },
        )
        practice = Practice.objects.get(name="Cabinet infirmier du Lac")
        assert response["Location"] == practice.get_absolute_url()
        assert Membership.objects.get(practice=practice).role == "admin"
        assert practice.siret == "73282932000074"
        assert AuditEvent.objects.filter(practice=practice, action="practice.create").exists()

    def test_bad_siret_keeps_input_with_french_message(self, cast):
        response = cast.client("outsider").post(
            reverse("practice_create"),
            {
                "name": "Cabinet X",
                "professions": ["infirmier"],
                "region": Region.objects.get(code="84").pk,
                "siret": "73282932000075",
            },
        )
        html = response.content.decode()
        assert response.status_code == 200
        assert "clé de contrôle incorrecte" in html
        assert 'value="Cabinet X"' in html
        assert not Practice.objects.filter(name="Cabinet X").exists()


@pytest.mark.parametrize(
    ("siret", "ok"),
    [
        ("73282932000074", True),
        ("35600000000048", True),
        ("73282932000075", False),
        ("1234", False),
    ],
)
def test_siret_luhn(siret, ok):
    from django.core.exceptions import ValidationError

    try:
        validate_siret(siret)
    except ValidationError:
        assert not ok
    else:
        assert ok


class TestInvitations:
    def test_new_person_signs_up_enrols_then_joins(self, cast, on_commit):
        invitation, link = invite(cast, on_commit)
        client = Client()
        page = client.post(
            link,
            {"first_name": "Léa", "last_name": "Roy", "password1": PASSWORD, "password2": PASSWORD},
        )
        assert page.status_code == 302 and "/accounts/login/" in page["Location"]
        login = client.post(
            page["Location"], {"login": "nouvelle@cabinet.fr", "password": PASSWORD}
        )
        assert login["Location"] == reverse("mfa_enrol")  # forced enrolment, no bypass
        assert not Membership.objects.filter(user__email="nouvelle@cabinet.fr").exists()
        invitation.refresh_from_db()
        assert invitation.status == "pending"

    def test_logged_in_invitee_accepts_once(self, cast, on_commit):
        user = UserFactory(email="nouvelle@cabinet.fr")
        invitation, link = invite(cast, on_commit)
        client = cast.client("outsider")
        from tests.conftest import verified_client

        client = verified_client(user)
        assert client.post(link).status_code == 302
        membership = Membership.objects.get(practice=cast.practice, user=user)
        assert (membership.role, membership.job) == ("staff", "secretaire")
        assert client.get(link).status_code == 410  # single use
        assert AuditEvent.objects.filter(action="membership.create", actor=user).exists()

    def test_wrong_account_is_refused(self, cast, on_commit):
        _invitation, link = invite(cast, on_commit)
        client = cast.client("outsider")
        client.post(link)
        assert not Membership.objects.filter(user=cast.outsider).exists()

    def test_expired_after_seven_days(self, cast, on_commit):
        _invitation, link = invite(cast, on_commit)
        with time_machine.travel(timezone.now() + timedelta(days=7, minutes=1)):
            response = Client().get(link)
        assert response.status_code == 410
        assert "expiré" in response.content.decode()

    def test_revoked_link_is_dead(self, cast, on_commit):
        invitation, link = invite(cast, on_commit)
        cast.client("admin").post(
            url("invitation_revoke", cast, invitation_id=invitation.public_id)
        )
        assert Client().get(link).status_code == 410

    def test_resend_kills_the_old_link(self, cast, on_commit):
        invitation, old_link = invite(cast, on_commit)
        with time_machine.travel(timezone.now() + timedelta(seconds=5)), on_commit(execute=True):
            cast.client("admin").post(
                url("invitation_resend", cast, invitation_id=invitation.public_id)
            )
        new_link = re.search(r"(/invitations/\S+/)", mail.outbox[-1].body).group(1)
        assert new_link != old_link
        assert Client().get(old_link).status_code == 410
        assert Client().get(new_link).status_code == 200

    def test_staff_cannot_invite(self, cast):
        response = cast.client("staff").post(
            url("invite", cast), {"email": "a@b.fr", "role": "staff"}
        )
        assert response.status_code == 403
        assert not Invitation.objects.exists()

    def test_delegate_invitation_creates_a_grant(self, cast, on_commit):
        delegate = UserFactory(email="deleguee@grades.fr")
        _invitation, link = invite(cast, on_commit, email="deleguee@grades.fr", role="delegate")
        from tests.conftest import verified_client

        verified_client(delegate).post(link)
        assert Oversight.objects.filter(
            practice=cast.practice, delegate=delegate, revoked_at=None
        ).exists()


class TestMembers:
    def test_last_admin_cannot_be_demoted_or_leave(self, cast):
        admin = Membership.objects.get(practice=cast.practice, user=cast.admin)
        client = cast.client("admin")
        response = client.post(
            url("member_edit", cast, member_id=admin.public_id), {"role": "staff", "job": "medecin"}
        )
        assert "au moins un administrateur" in response.content.decode()
        client.post(url("leave", cast))
        admin.refresh_from_db()
        assert admin.role == "admin"

    def test_role_change_is_audited_with_old_and_new(self, cast):
        staff = Membership.objects.get(practice=cast.practice, user=cast.staff)
        cast.client("admin").post(
            url("member_edit", cast, member_id=staff.public_id),
            {"role": "admin", "job": "assistant"},
        )
        event = AuditEvent.objects.get(action="membership.update")
        assert event.changes == {"role": ["staff", "admin"], "job": ["secretaire", "assistant"]}
        assert event.actor == cast.admin and event.ip_address == "127.0.0.1"

    def test_reset_second_factor_is_audited_and_mailed(self, cast, on_commit):
        staff = Membership.objects.get(practice=cast.practice, user=cast.staff)
        staff_client = cast.client("staff")
        with on_commit(execute=True):
            cast.client("admin").post(url("member_reset_mfa", cast, member_id=staff.public_id))
        assert AuditEvent.objects.filter(action="membership.mfa_reset").exists()
        assert mail.outbox[-1].to == [cast.staff.email]
        assert staff_client.get(url("members", cast)).status_code == 302  # session ended

    def test_revoking_a_delegate_takes_effect_at_once(self, cast):
        grant = Oversight.objects.get(practice=cast.practice)
        delegate = cast.client("delegate")
        assert delegate.get(url("members", cast)).status_code == 200
        cast.client("admin").post(url("oversight_revoke", cast, oversight_id=grant.public_id))
        assert delegate.get(url("members", cast)).status_code == 404
        assert AuditEvent.objects.filter(action="oversight.revoke").exists()

    def test_audit_log_is_admin_only_and_filters(self, cast):
        staff = Membership.objects.get(practice=cast.practice, user=cast.staff)
        cast.client("admin").post(
            url("member_edit", cast, member_id=staff.public_id),
            {"role": "staff", "job": "assistant"},
        )
        assert cast.client("staff").get(url("audit", cast)).status_code == 403
        page = cast.client("admin").get(url("audit", cast), {"action": "membership"})
        assert "membership.update" in page.content.decode()
        page = cast.client("admin").get(url("audit", cast), {"action": "nothing-like-this"})
        assert "membership.update" not in page.content.decode()

    def test_audit_trail_cannot_be_edited(self, cast):
        from portal import audit

        event = audit.record(action="x", practice=cast.practice)
        with pytest.raises(TypeError):
            event.save()
        with pytest.raises(TypeError):
            AuditEvent.objects.filter(pk=event.pk).update(action="y")


class TestHomeRouting:
    def test_one_practice_goes_to_its_dashboard(self, cast):
        assert cast.client("staff").get("/")["Location"] == cast.practice.get_absolute_url()

    def test_delegate_goes_to_console(self, cast):
        assert cast.client("delegate").get("/")["Location"] == reverse("delegate_console")

    def test_no_practice_goes_to_creation(self, cast):
        assert cast.client("outsider").get("/")["Location"] == reverse("practice_create")

    def test_several_practices_get_a_chooser(self, cast):
        MembershipFactory(practice=cast.other_practice, user=cast.staff)
        response = cast.client("staff").get("/")
        assert (
            response.status_code == 200 and "Maison de santé du Port" in response.content.decode()
        )
