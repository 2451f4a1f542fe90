"""Members page: roles and jobs, removal, leaving, the last-admin rule, second-factor reset,
and delegate grants (visible to the practice, revocable at once)."""

import re

from django.core import mail
from django.urls import reverse

from portal.mfa.models import EncryptedTOTPDevice
from portal.models import AuditEvent
from practices.models import Membership, Oversight
from tests.factories import MembershipFactory, OversightFactory
from tests.practices.helpers import invite, url


def membership(cast, who) -> Membership:
    return Membership.objects.get(practice=cast.practice, user=getattr(cast, who))


class TestMembersPage:
    def test_everyone_in_the_practice_sees_the_team_only_the_admin_manages(self, cast):
        admin_page = cast.client("admin").get(url("members", cast)).content.decode()
        staff_page = cast.client("staff").get(url("members", cast)).content.decode()
        for page in (admin_page, staff_page):
            assert cast.staff.email in page and "Secrétaire" in page
            assert cast.delegate.email in page  # the grant is visible to the practice
        manage = [url("invite", cast), "/delegues/", "/retirer/", "/reinitialiser-2fa/"]
        assert all(action in admin_page for action in manage)
        assert not any(action in staff_page for action in manage)

    def test_in_english_the_invitation_expiry_has_no_french_left(self, cast, on_commit):
        invite(cast, on_commit)
        client = cast.client("admin")
        client.post(reverse("set_language"), {"language": "en"})
        page = client.get(url("members", cast)).content.decode()
        assert re.search(r"expires on \d{1,2} [A-Z][a-z]+ \d{4}, \d\d:\d\d", page)
        assert " à " not in page and "expire le" not in page

    def test_a_person_without_a_name_is_shown_by_e_mail_once(self, cast):
        cast.staff.first_name = cast.staff.last_name = ""
        cast.staff.save()
        page = cast.client("admin").get(url("members", cast)).content.decode()
        rows = re.findall(r'<th scope="row">(.*?)</th>', page, re.S)
        assert [row.count(cast.staff.email) for row in rows if cast.staff.email in row] == [1]

    def test_the_admin_cannot_reset_their_own_second_factor_from_the_team_list(self, cast):
        page = cast.client("admin").get(url("members", cast)).content.decode()
        own = url("member_reset_mfa", cast, member_id=membership(cast, "admin").public_id)
        other = url("member_reset_mfa", cast, member_id=membership(cast, "staff").public_id)
        assert own not in page and other in page

    def test_page_queries_do_not_grow_with_the_team(self, cast, django_assert_max_num_queries):
        for _ in range(5):
            MembershipFactory(practice=cast.practice)
            OversightFactory(practice=cast.practice)
        client = cast.client("admin")
        client.get(url("members", cast))
        # session, user, OTP device, practice+region, role (membership), practice switcher,
        # memberships+users, pending invitations+inviter, live grants+delegates+granted_by,
        # session save; plus two SAVEPOINT/RELEASE pairs (atomic request, session save); the
        # banner of incidents whose CNIL decision is open
        with django_assert_max_num_queries(15):
            assert client.get(url("members", cast)).status_code == 200


class TestRolesAndJobs:
    def test_role_change_is_audited_with_old_and_new(self, cast):
        staff = membership(cast, "staff")
        response = cast.client("admin").post(
            url("member_edit", cast, member_id=staff.public_id),
            {"role": "admin", "job": "assistant"},
        )
        assert response.status_code == 302
        staff.refresh_from_db()
        assert (staff.role, staff.job) == ("admin", "assistant")
        event = AuditEvent.objects.get(action="membership.update")
        assert event.changes == {"role": ["staff", "admin"], "job": ["secretaire", "assistant"]}
        assert event.actor == cast.admin and event.ip_address == "127.0.0.1"
        assert event.target_label == cast.staff.email

    def test_staff_cannot_change_roles(self, cast):
        staff = membership(cast, "staff")
        response = cast.client("staff").post(
            url("member_edit", cast, member_id=staff.public_id), {"role": "admin", "job": "autre"}
        )
        assert response.status_code == 403
        staff.refresh_from_db()
        assert staff.role == "staff"
        assert not AuditEvent.objects.exists()

    def test_last_admin_cannot_be_demoted(self, cast):
        admin = membership(cast, "admin")
        response = cast.client("admin").post(
            url("member_edit", cast, member_id=admin.public_id), {"role": "staff", "job": "autre"}
        )
        assert response.status_code == 200
        assert "au moins un administrateur" in response.content.decode()
        admin.refresh_from_db()
        assert (admin.role, admin.job) == ("admin", "medecin")  # nothing saved half way
        assert not AuditEvent.objects.exists()

    def test_an_admin_may_step_down_once_another_admin_exists(self, cast):
        Membership.objects.filter(user=cast.staff).update(role="admin")
        admin = membership(cast, "admin")
        cast.client("admin").post(
            url("member_edit", cast, member_id=admin.public_id), {"role": "staff", "job": "medecin"}
        )
        admin.refresh_from_db()
        assert admin.role == "staff"


class TestLeavingAndRemoval:
    def test_admin_removes_a_member_who_loses_access_at_once(self, cast):
        staff_client = cast.client("staff")
        staff = membership(cast, "staff")
        cast.client("admin").post(url("member_remove", cast, member_id=staff.public_id))
        assert not Membership.objects.filter(pk=staff.pk).exists()
        assert staff_client.get(url("members", cast)).status_code == 404
        event = AuditEvent.objects.get(action="membership.remove")
        assert event.changes == {"role": ["staff", None], "job": ["secretaire", None]}

    def test_a_member_can_leave(self, cast):
        response = cast.client("staff").post(url("leave", cast))
        assert response["Location"] == reverse("home")
        assert not Membership.objects.filter(user=cast.staff).exists()
        event = AuditEvent.objects.get(action="membership.leave")
        assert event.actor == cast.staff

    def test_last_admin_cannot_leave_or_be_removed(self, cast):
        client = cast.client("admin")
        admin = membership(cast, "admin")
        left = client.post(url("leave", cast), follow=True)
        assert "dernier administrateur" in left.content.decode()
        removed = client.post(url("member_remove", cast, member_id=admin.public_id), follow=True)
        assert "au moins un administrateur" in removed.content.decode()
        assert Membership.objects.filter(pk=admin.pk, role="admin").exists()
        assert not AuditEvent.objects.exists()


class TestSecondFactorReset:
    def test_reset_removes_devices_ends_sessions_is_audited_and_mailed(self, cast, on_commit):
        staff = membership(cast, "staff")
        EncryptedTOTPDevice.objects.create(user=cast.staff, name="app", confirmed=True)
        staff_client = cast.client("staff")
        with on_commit(execute=True):
            response = cast.client("admin").post(
                url("member_reset_mfa", cast, member_id=staff.public_id)
            )
        assert response.status_code == 302
        assert not EncryptedTOTPDevice.objects.filter(user=cast.staff).exists()
        assert staff_client.get(url("members", cast)).status_code == 302  # session ended
        event = AuditEvent.objects.get(action="membership.mfa_reset")
        assert event.actor == cast.admin and event.target_label == cast.staff.email
        assert mail.outbox[-1].to == [cast.staff.email]
        assert "Cabinet des Lilas" in mail.outbox[-1].body

    def test_staff_cannot_reset_anyone(self, cast):
        admin = membership(cast, "admin")
        device = EncryptedTOTPDevice.objects.create(user=cast.admin, name="app", confirmed=True)
        response = cast.client("staff").post(
            url("member_reset_mfa", cast, member_id=admin.public_id)
        )
        assert response.status_code == 403
        assert EncryptedTOTPDevice.objects.filter(pk=device.pk).exists()


class TestDelegateGrants:
    def test_revoking_takes_effect_at_once(self, cast):
        grant = Oversight.objects.get(practice=cast.practice)
        delegate = cast.client("delegate")
        assert delegate.get(url("members", cast)).status_code == 200
        response = cast.client("admin").post(
            url("oversight_revoke", cast, oversight_id=grant.public_id)
        )
        assert response.status_code == 302
        assert delegate.get(url("members", cast)).status_code == 404
        assert delegate.get(cast.practice.get_absolute_url()).status_code == 404
        assert "Cabinet des Lilas" not in delegate.get(reverse("delegate_console")).content.decode()
        grant.refresh_from_db()
        assert grant.revoked_at is not None
        event = AuditEvent.objects.get(action="oversight.revoke")
        assert event.changes == {"active": [True, False]} and event.actor == cast.admin

    def test_a_delegate_sees_exactly_the_practices_that_granted_them(self, cast):
        OversightFactory(practice=cast.other_practice, delegate=cast.delegate, revoked_at=None)
        third = OversightFactory(delegate=cast.other_delegate).practice
        console = cast.client("delegate").get(reverse("delegate_console")).content.decode()
        assert "Cabinet des Lilas" in console and "Maison de santé du Port" in console
        assert third.name not in console
        other_console = cast.client("other_delegate").get(reverse("delegate_console"))
        assert "Cabinet des Lilas" not in other_console.content.decode()

    def test_a_delegate_cannot_revoke_or_manage(self, cast):
        grant = Oversight.objects.get(practice=cast.practice)
        client = cast.client("delegate")
        revoke = url("oversight_revoke", cast, oversight_id=grant.public_id)
        assert client.post(revoke).status_code == 403
        assert client.get(url("audit", cast)).status_code == 403
        assert client.get(url("settings", cast)).status_code == 403
        grant.refresh_from_db()
        assert grant.revoked_at is None
