"""The notification list, the header count, preferences and the unsubscribe link."""

from __future__ import annotations

import pytest
from django.core import signing
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from portal.notifications import preferences, sweep, tokens
from portal.notifications.models import Mode, NotificationPreference, SentReminder, Status
from tests.notifications.helpers import expiring_invitation, late_incident

INBOX = "/notifications/"
PREFS = "/notifications/preferences/"


@pytest.fixture
def swept(cast):
    expiring_invitation(cast.practice, email="nouvelle@exemple.fr")
    late_incident(cast.practice)
    sweep.run_sweep(timezone.now(), enqueue=lambda ids: 0)
    return SentReminder.objects.filter(recipient=cast.admin)


def test_urls_are_where_the_mails_say():
    assert reverse("notifications:inbox") == INBOX
    assert reverse("notifications:preferences") == PREFS


def test_the_list_shows_my_notifications_only(cast, swept):
    page = cast.client("admin").get(INBOX)
    html = page.content.decode()
    assert page.status_code == 200
    assert "Invitation bientôt expirée" in html and "nouvelle@exemple.fr" in html
    assert "Délai de 72 heures d&#x27;un incident" in html
    assert html.count('class="unread"') == swept.count()
    other = cast.client("other_admin").get(INBOX).content.decode()
    assert "nouvelle@exemple.fr" not in other


def test_the_header_count_is_fetched_after_the_page(cast, swept):
    client = cast.client("admin")
    home = client.get(INBOX).content.decode()
    assert 'hx-get="/notifications/non-lues/"' in home
    count = client.get("/notifications/non-lues/").content.decode()
    assert f"{swept.count()} non lues" in count
    SentReminder.objects.filter(recipient=cast.admin).update(read_at=timezone.now())
    assert "non lue" not in client.get("/notifications/non-lues/").content.decode()


def test_opening_marks_read_and_goes_to_the_page(cast, swept):
    row = swept.get(kind="invitation.expiring")
    client = cast.client("admin")
    response = client.get(f"/notifications/ouvrir/?id={row.public_id}")
    assert response.status_code == 302 and response["Location"] == "/p/cabinet-des-lilas/equipe/"
    row.refresh_from_db()
    assert row.read_at is not None


def test_someone_elses_notification_is_a_404_and_stays_unread(cast, swept):
    row = swept.get(kind="invitation.expiring")
    for who in ("staff", "other_admin", "delegate"):
        assert cast.client(who).get(f"/notifications/ouvrir/?id={row.public_id}").status_code == 404
    assert cast.client("admin").get("/notifications/ouvrir/?id=not-a-uuid").status_code == 404
    row.refresh_from_db()
    assert row.read_at is None


def test_mark_all_read_is_a_post_and_only_mine(cast, swept):
    client = cast.client("admin")
    assert client.get("/notifications/tout-lu/").status_code == 405
    assert client.post("/notifications/tout-lu/").status_code == 302
    assert not swept.filter(read_at=None).exists()
    assert SentReminder.objects.filter(recipient=cast.staff, read_at=None).exists()


def test_list_queries_do_not_grow_with_notifications(cast, swept):
    client = cast.client("admin")
    client.get(INBOX)
    with CaptureQueriesContext(connection) as few:
        client.get(INBOX)
    for n in range(60):
        SentReminder.objects.create(
            kind="checklist.due",
            object_key=f"k{n}",
            step="d-3",
            recipient=cast.admin,
            practice=cast.practice,
            url="/",
            context={"title": "Sauvegardes", "due_at": timezone.now().isoformat()},
        )
    with CaptureQueriesContext(connection) as many:
        response = client.get(INBOX)
    assert response.status_code == 200 and "Page 1 sur 2" in response.content.decode()
    # session, user, device, the practice switcher; page count, unread count, the page rows
    assert len(many) == len(few)


def test_anonymous_and_password_only_sessions_get_no_notification(cast, swept):
    assert Client().get(INBOX).status_code == 302
    client = Client()
    client.force_login(cast.admin)  # no second factor
    response = client.get(INBOX)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_preferences_save_and_reroute_waiting_rows(cast, swept):
    client = cast.client("admin")
    page = client.get(PREFS).content.decode()
    assert 'name="kind_invitation_expiring"' in page
    assert 'name="kind_incident_deadline"' not in page  # urgent: no control …
    assert "Délai de 72 heures" in page  # … but listed as always sent
    assert 'name="kind_delegate_weekly"' not in page  # not a delegate
    response = client.post(
        PREFS,
        {"default": Mode.WEEKLY, "kind_invitation_expiring": Mode.OFF, "kind_attestation_due": ""},
    )
    assert response.status_code == 302
    assert preferences.preferences_of(cast.admin) == {
        "": Mode.WEEKLY,
        "invitation.expiring": Mode.OFF,
    }
    invitation = swept.get(kind="invitation.expiring")
    assert (invitation.delivery, invitation.status) == (Mode.OFF, Status.MUTED)
    attestation = swept.get(kind="attestation.due")
    assert (attestation.delivery, attestation.status) == (Mode.WEEKLY, Status.PENDING)
    assert swept.get(kind="incident.deadline").delivery == Mode.IMMEDIATE


def test_urgent_kinds_cannot_be_switched_by_a_crafted_post_nor_the_service(cast, swept):
    client = cast.client("admin")
    client.post(PREFS, {"default": Mode.DAILY, "kind_incident_deadline": Mode.OFF})
    assert "incident.deadline" not in preferences.preferences_of(cast.admin)
    with pytest.raises(ValueError):
        preferences.preferences_set(user=cast.admin, modes={"incident.deadline": Mode.OFF})
    with pytest.raises(ValueError):
        preferences.preferences_set(user=cast.admin, modes={"no.such.kind": Mode.OFF})
    with pytest.raises(ValueError):
        preferences.preferences_set(user=cast.delegate, modes={"delegate.weekly": Mode.DAILY})
    assert swept.get(kind="incident.deadline").delivery == Mode.IMMEDIATE


def test_bad_input_re_renders_with_what_was_typed(cast):
    client = cast.client("admin")
    response = client.post(PREFS, {"default": "hourly", "kind_invitation_expiring": Mode.DAILY})
    html = response.content.decode()
    assert response.status_code == 400
    assert "Sélectionnez un choix valide" in html
    assert '<option value="daily" selected>' in html
    assert not NotificationPreference.objects.filter(user=cast.admin).exists()


def test_delegates_may_switch_their_weekly_digest_off(cast):
    client = cast.client("delegate")
    page = client.get(PREFS).content.decode()
    assert 'name="kind_delegate_weekly"' in page
    assert '<option value="daily">' not in page.split('name="kind_delegate_weekly"')[1][:600]
    client.post(PREFS, {"default": Mode.IMMEDIATE, "kind_delegate_weekly": Mode.OFF})
    assert preferences.preferences_of(cast.delegate)["delegate.weekly"] == Mode.OFF


def unsubscribe_url(user, kind):
    return reverse("notifications:unsubscribe", kwargs={"token": tokens.make(user, kind)})


def test_unsubscribe_link_proposes_no_email_and_changes_nothing_until_saved(cast):
    client = cast.client("admin")
    response = client.get(unsubscribe_url(cast.admin, "invitation.expiring"))
    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="propose"' in html
    proposed = html.split('name="kind_invitation_expiring"')[1].split("</select>")[0]
    assert '<option value="off" selected>' in proposed
    assert not NotificationPreference.objects.filter(user=cast.admin).exists()  # a GET is safe


def test_unsubscribe_link_for_every_kind_proposes_the_default(cast):
    html = cast.client("admin").get(unsubscribe_url(cast.admin, "")).content.decode()
    proposed = html.split('name="default"')[1].split("</select>")[0]
    assert '<option value="off" selected>' in proposed


def test_a_tampered_or_expired_unsubscribe_token_is_refused(cast, settings):
    client = cast.client("admin")
    token = tokens.make(cast.admin, "invitation.expiring")
    payload, rest = token.split(":", 1)
    forged = signing.b64_encode(
        signing.JSONSerializer().dumps({"u": str(cast.admin.public_id), "k": ""})
    ).decode()
    for bad in (forged + ":" + rest, token[:-2] + ("AA" if not token.endswith("AA") else "BB")):
        response = client.get(reverse("notifications:unsubscribe", kwargs={"token": bad}))
        assert response.status_code == 400
        assert 'id="propose"' not in response.content.decode()
    settings.VIGIE_NOTIFY_TOKEN_DAYS = -1
    response = client.get(reverse("notifications:unsubscribe", kwargs={"token": token}))
    assert response.status_code == 400
    with pytest.raises(signing.BadSignature):
        signing.loads(token, salt="another.salt")


def test_someone_elses_unsubscribe_link_does_not_propose_anything(cast):
    response = cast.client("staff").get(unsubscribe_url(cast.admin, "invitation.expiring"))
    assert response.status_code == 403
    assert 'id="propose"' not in response.content.decode()


def test_unsubscribe_link_asks_for_login_first(cast):
    url = unsubscribe_url(cast.admin, "invitation.expiring")
    response = Client().get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/") and "desabonnement" in response[
        "Location"
    ].replace("%2F", "/")


def test_the_header_link_is_only_for_sessions_with_a_verified_second_factor(cast, rf):
    """Pages an unverified session may see (TOTP enrolment) must not fetch the count: the
    second-factor middleware would log that session out."""
    from django.template.loader import render_to_string

    request = rf.get("/accounts/2fa/enrolement/")
    request.user = cast.admin
    cast.admin.is_verified = lambda: False
    assert "/notifications/non-lues/" not in render_to_string("base.html", request=request)
    cast.admin.is_verified = lambda: True
    assert "/notifications/non-lues/" in render_to_string("base.html", request=request)
