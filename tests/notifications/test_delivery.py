"""Sending: the atomic claim, the mail (languages, links, unsubscribe), digests, failures."""

from __future__ import annotations

import re
from datetime import timedelta
from smtplib import SMTPException

import pytest
from django.core import mail
from django.utils import timezone

from portal.notifications import delivery, dispatch, sweep, tasks, tokens
from portal.notifications.models import Mode, NotificationPreference, SentReminder, Status
from tests.factories import MembershipFactory, PracticeFactory
from tests.notifications.helpers import expiring_invitation, late_incident


@pytest.fixture
def rows(cast):
    """Swept, not sent: an invitation (non-urgent) and an incident alert (urgent)."""
    expiring_invitation(cast.practice, email="nouvelle@exemple.fr")
    late_incident(cast.practice)
    sweep.run_sweep(timezone.now(), enqueue=lambda ids: 0)
    return {
        "invitation": SentReminder.objects.get(kind="invitation.expiring"),
        "incident": SentReminder.objects.get(kind="incident.deadline"),
    }


def body(message, kind="text/html"):
    return message.alternatives[0].content if kind == "text/html" else message.body


def test_one_send_per_row_whatever_the_number_of_tasks(rows):
    row = rows["invitation"]
    assert delivery.deliver(row.pk) == "sent"
    assert delivery.deliver(row.pk) == "skipped"
    assert len(mail.outbox) == 1
    row.refresh_from_db()
    assert row.status == Status.SENT and row.sent_at is not None and row.attempts == 1


def test_a_row_claimed_recently_is_left_to_its_worker(rows, settings):
    settings.VIGIE_NOTIFY_CLAIM_TIMEOUT = 600
    row = rows["incident"]
    SentReminder.objects.filter(pk=row.pk).update(status=Status.SENDING, claimed_at=timezone.now())
    assert delivery.deliver(row.pk) == "skipped"
    assert mail.outbox == []
    # Presumed dead after the timeout: claimed again and sent.
    past = timezone.now() - timedelta(seconds=601)
    SentReminder.objects.filter(pk=row.pk).update(claimed_at=past)
    assert delivery.deliver(row.pk) == "sent"
    assert len(mail.outbox) == 1


def test_the_mail_names_the_practice_links_the_page_and_comes_from_the_configured_address(
    rows, settings
):
    settings.SITE_URL = "https://vigie.example.fr"
    settings.DEFAULT_FROM_EMAIL = "Vigie du cabinet <rappels@example.fr>"
    delivery.deliver(rows["invitation"].pk)
    [message] = mail.outbox
    assert message.from_email == "Vigie du cabinet <rappels@example.fr>"
    assert message.to == [rows["invitation"].recipient.email]
    assert message.subject == "[Vigie] Invitation bientôt expirée — Cabinet des Lilas"
    for text in (message.body, body(message)):
        assert "Cabinet des Lilas" in text
        assert "le cabinet Cabinet" not in text  # "Rappel pour le cabinet Cabinet des…"
        assert "https://vigie.example.fr/p/cabinet-des-lilas/equipe/" in text
        assert "nouvelle@exemple.fr" in text
    assert message.extra_headers["X-Vigie-Reminder"] == str(rows["invitation"].public_id)
    assert message.extra_headers["Auto-Submitted"] == "auto-generated"
    assert '<html lang="fr">' in body(message)


def test_non_urgent_mails_carry_a_signed_unsubscribe_link_urgent_ones_do_not(rows):
    delivery.deliver(rows["invitation"].pk)
    delivery.deliver(rows["incident"].pk)
    invitation, incident = mail.outbox
    link = re.search(r"https?://\S+/notifications/desabonnement/(\S+)/", invitation.body)
    assert link is not None
    assert tokens.read(link.group(1)) == (
        str(rows["invitation"].recipient.public_id),
        "invitation.expiring",
    )
    assert invitation.extra_headers["List-Unsubscribe"].startswith("<http")
    assert "desabonnement" not in incident.body and "desabonnement" not in body(incident)
    assert "List-Unsubscribe" not in incident.extra_headers
    assert "toujours envoyée" in incident.body


def paris_deadline(row):
    from zoneinfo import ZoneInfo

    from django.utils.dateparse import parse_datetime

    return parse_datetime(row.context["deadline"]).astimezone(ZoneInfo("Europe/Paris"))


def test_french_by_default_english_for_who_chose_it(rows, cast):
    delivery.deliver(rows["incident"].pk)
    cast.admin.language = "en"
    cast.admin.save()
    late_incident(cast.practice, hours=50)
    sweep.run_sweep(timezone.now(), enqueue=lambda ids: 0)
    english_row = SentReminder.objects.filter(kind="incident.deadline", sent_at=None).get()
    delivery.deliver(english_row.pk)
    french, english = mail.outbox
    assert french.subject == "[Vigie] Délai de 72 heures d'un incident — Cabinet des Lilas"
    assert english.subject == "[Vigie] An incident's 72-hour deadline — Cabinet des Lilas"
    # Dates as on every page: dd/mm/yyyy, Paris time (not UTC), in both languages.
    assert f"{paris_deadline(rows['incident']):%d/%m/%Y %H:%M}" in french.body
    assert f"{paris_deadline(english_row):%d/%m/%Y %H:%M}" in english.body
    assert '<html lang="en">' in body(english) and '<html lang="fr">' in body(french)
    # The incident's kind is named in the reader's language, not the language of the sweep.
    assert "Incident (Hameçonnage)" in french.body
    assert "(Phishing)" in english.body and "Hameçonnage" not in english.body


def test_daily_digest_groups_waiting_rows_per_person_and_practice(cast):
    second = PracticeFactory(name="Cabinet du Port")
    MembershipFactory(practice=second, user=cast.admin, role="admin")
    NotificationPreference.objects.create(user=cast.admin, kind="", mode=Mode.DAILY)
    NotificationPreference.objects.create(user=cast.staff, kind="", mode=Mode.WEEKLY)
    expiring_invitation(cast.practice, email="a@exemple.fr")
    expiring_invitation(second, email="b@exemple.fr")
    late_incident(cast.practice)  # urgent: sent at once, not in the digest
    # Embedded mode: immediate rows are sent in-process.
    sweep.run_sweep(timezone.now(), enqueue=tasks.enqueue_sends)
    assert [m.subject for m in mail.outbox if m.to == [cast.admin.email]] == [
        "[Vigie] Délai de 72 heures d'un incident — Cabinet des Lilas"
    ]
    assert not [m for m in mail.outbox if m.to == [cast.staff.email]]
    mail.outbox.clear()

    assert dispatch.digests_inline(Mode.DAILY) == 1  # the admin only
    [digest] = mail.outbox
    assert digest.to == [cast.admin.email]
    waiting = SentReminder.objects.filter(recipient=cast.admin, delivery=Mode.DAILY)
    assert digest.subject == f"[Vigie] Votre résumé du jour : {waiting.count()} rappels"
    html = body(digest)
    # Label and sentence joined by a dash, as in the HTML part (" : " is French only).
    assert "- Invitation bientôt expirée — L'invitation envoyée à a@exemple.fr" in digest.body
    assert html.index("Cabinet des Lilas") < html.index("a@exemple.fr")
    assert html.index("Cabinet du Port") < html.index("b@exemple.fr")
    assert "desabonnement" in digest.body
    assert set(waiting.values_list("status", flat=True)) == {Status.SENT}
    assert len(set(waiting.values_list("batch", flat=True))) == 1
    ids = set(digest.extra_headers["X-Vigie-Reminder"].split(","))
    assert ids == {str(u) for u in waiting.values_list("public_id", flat=True)}

    mail.outbox.clear()
    assert dispatch.digests_inline(Mode.DAILY) == 0  # nothing left: no empty digest
    assert dispatch.digests_inline(Mode.WEEKLY) == 1  # the staff member's attestation
    assert mail.outbox[0].to == [cast.staff.email]
    assert "résumé de la semaine" in mail.outbox[0].subject


def test_smtp_failure_hands_the_row_back_with_its_error(rows, settings):
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": 9, "timeout": 2},  # nothing listens
        }
    }
    row = rows["incident"]
    with pytest.raises(OSError):
        delivery.deliver(row.pk)
    row.refresh_from_db()
    assert (row.status, row.sent_at, row.attempts) == (Status.PENDING, None, 1)
    assert "ConnectionRefused" in row.last_error
    # In-process (the command, embedded mode): logged, left for the next sweep.
    assert delivery.deliver_quietly(delivery.deliver, row.pk) == "retry"
    row.refresh_from_db()
    assert (row.status, row.attempts) == (Status.PENDING, 2)


def test_a_row_failing_too_often_is_given_up(rows, settings):
    settings.VIGIE_NOTIFY_MAX_ATTEMPTS = 2
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": 9, "timeout": 2},
        }
    }
    row = rows["incident"]
    for _attempt in range(2):
        delivery.deliver_quietly(delivery.deliver, row.pk)
    row.refresh_from_db()
    assert row.status == Status.FAILED
    assert row.pk not in sweep.to_queue(timezone.now() + timedelta(days=1))


def test_a_broken_template_fails_the_row_without_retrying(rows, monkeypatch):
    from portal.notifications import emails

    def broken(row):
        raise KeyError("title")

    monkeypatch.setattr(emails, "reminder_message", broken)
    assert delivery.deliver_quietly(delivery.deliver, rows["incident"].pk) == "failed"
    assert SentReminder.objects.get(pk=rows["incident"].pk).status == Status.FAILED


def test_retryable_errors_are_smtp_and_network_ones():
    assert issubclass(SMTPException, delivery.RETRYABLE) or SMTPException in delivery.RETRYABLE
    assert OSError in delivery.RETRYABLE


def test_delegate_weekly_digest_lists_the_practices_overseen(cast):
    from registry.incidents.models import Incident

    late_incident(cast.practice)
    Incident.objects.filter(practice=cast.practice).update(created_at=timezone.now())
    sweep.run_sweep(timezone.now(), enqueue=lambda ids: 0)
    row = SentReminder.objects.get(kind="delegate.weekly", recipient=cast.delegate)
    assert delivery.deliver(row.pk) == "sent"
    [message] = mail.outbox
    assert message.to == [cast.delegate.email]
    assert "Cabinet des Lilas" in message.body
    assert "Maison de santé du Port" not in message.body + body(message)  # not granted
    assert "/delegue/" in message.body
    # Lines start with a capital, in the text and the HTML ("nouveaux incidents : 1").
    for text in (message.body, body(message)):
        assert "Nouveaux incidents\u00a0: 1" in text and "nouveaux incidents" not in text


def test_an_empty_delegate_digest_is_not_sent(cast):
    from practices.models import Oversight

    sweep.run_sweep(timezone.now(), enqueue=lambda ids: 0)
    row = SentReminder.objects.get(kind="delegate.weekly", recipient=cast.delegate)
    # The grant is revoked before delivery: the real digest has nothing left to say.
    Oversight.objects.filter(delegate=cast.delegate).update(revoked_at=timezone.now())
    assert delivery.deliver(row.pk) == "empty"
    assert mail.outbox == []
    row.refresh_from_db()
    assert row.status == Status.EMPTY


def test_the_console_digest_shape_is_rendered():
    from types import SimpleNamespace

    from django.utils import translation

    from portal.notifications.delegates import from_console

    console = SimpleNamespace(
        REASON_LABELS={"late_incident": "délai dépassé"},
        CHANGE_LABELS={"incidents_new": "nouveaux incidents"},
    )
    lilas = {"practice_id": 1, "name": "Lilas", "url": "/p/lilas/", "reasons": ["late_incident"],
             "changes": {"incidents_new": 2}}  # fmt: skip
    port = {"practice_id": 2, "name": "Port", "url": "/p/port/", "reasons": [],
            "changes": {"incidents_new": 1}}  # fmt: skip
    digest = {"totals": {"incidents_new": 3}, "changed": [lilas, port], "needs_attention": [lilas]}
    with translation.override("fr"):
        shaped = from_console(console, digest)
    # French typography: a no-break space before the colon ("nouveaux" and "3" stay together).
    assert shaped["summary"] == ["nouveaux incidents\u00a0: 3"]
    assert shaped["practices"] == [
        {"name": "Lilas", "url": "/p/lilas/",
         "lines": ["délai dépassé", "nouveaux incidents\u00a0: 2"], "attention": True},
        {"name": "Port", "url": "/p/port/", "lines": ["nouveaux incidents\u00a0: 1"],
         "attention": False},
    ]  # fmt: skip
    with translation.override("en"):  # no space before the colon in English
        assert from_console(console, digest)["summary"] == ["nouveaux incidents: 3"]
    assert from_console(console, None) is None
    with translation.override("en"):  # English typography: no space before the colon
        assert from_console(console, digest)["summary"] == ["nouveaux incidents: 3"]


def test_kinds_without_a_sentence_of_their_own_use_label_title_and_date():
    from django.utils import translation

    from portal.notifications.emails import headline
    from portal.reminders import Kind

    row = SentReminder(
        kind="space.other",
        step="due",
        context={"title": "T-01 — Dossier patient", "due_at": "2026-03-02T10:00:00+00:00"},
    )
    kinds = {"space.other": Kind("space.other", "Chose à faire")}
    with translation.override("fr"), timezone.override("Europe/Paris"):
        text = headline(row, kinds)
    assert text == "Chose à faire\u00a0: T-01 — Dossier patient — échéance le 02/03/2026"


def test_registry_and_training_reminders_say_what_to_do_in_the_reader_language():
    from django.utils import translation

    from portal.notifications.emails import headline

    review = SentReminder(
        kind="registry.review_due",
        step="2026-03-02",
        context={"title": "ref-001 — Dossier patient"},
    )
    expiring = SentReminder(
        kind="training.expiring",
        step="d-30",
        context={
            "title": "Sauvegardes",
            "title_en": "Backups",
            "until": "2026-03-02T10:00:00+00:00",
        },
    )
    with translation.override("fr"), timezone.override("Europe/Paris"):
        assert "« ref-001 — Dossier patient » du registre" in headline(review)
        assert headline(expiring) == (
            "Votre formation « Sauvegardes » expire le 02/03/2026 : refaites le module "
            "pour rester à jour."
        )
    with translation.override("en"), timezone.override("Europe/Paris"):
        assert "Backups" in headline(expiring) and "Sauvegardes" not in headline(expiring)


def test_the_header_language_button_chooses_the_language_of_the_mails(rows, cast):
    """Clicking "English" in the header is the one way a person chooses a language: it
    must reach the mails, not only the pages (it used to set a cookie and nothing else)."""
    from django.test import Client
    from django.urls import reverse

    switch = reverse("set_language")
    client = cast.client("admin")
    response = client.post(switch, {"language": "en", "next": "/notifications/"})
    assert response.status_code == 302
    cast.admin.refresh_from_db()
    assert cast.admin.language == "en"
    delivery.deliver(rows["invitation"].pk)
    [message] = mail.outbox
    assert message.subject == "[Vigie] Invitation about to expire — Cabinet des Lilas"
    assert '<html lang="en">' in body(message)
    # Back to French the same way.
    client.post(switch, {"language": "fr", "next": "/"})
    cast.admin.refresh_from_db()
    assert cast.admin.language == "fr"
    # A password-only session (second factor not verified) changes its pages only.
    half = Client()
    half.force_login(cast.staff)
    half.post(switch, {"language": "en", "next": "/accounts/login/"})
    cast.staff.refresh_from_db()
    assert cast.staff.language == "fr"
