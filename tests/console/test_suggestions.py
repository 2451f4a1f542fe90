"""Suggestions: a delegate proposes a checklist (or a registry preset) to several of their
practices at once; each practice admin accepts (it is activated) or declines."""

import pytest
from django.urls import reverse
from django.utils import timezone

from portal import suggestions
from portal.models import AuditEvent, Suggestion
from practices.checklists import content
from practices.checklists.models import PracticeChecklist
from tests.factories import OversightFactory, PracticeFactory, SuggestionFactory

SUGGEST = "/delegue/suggestions/"


@pytest.fixture
def two_granted(cast):
    content.load()
    second = PracticeFactory(name="Cabinet Second")
    OversightFactory(practice=second, delegate=cast.delegate)
    return cast, second


def send(client, *slugs, item="checklist:backups", note="Pensez aux sauvegardes."):
    return client.post(SUGGEST, {"item": item, "practices": list(slugs), "note": note})


def test_a_delegate_suggests_a_checklist_to_several_practices(two_granted):
    cast, second = two_granted
    response = send(cast.client("delegate"), cast.practice.slug, second.slug)
    assert response.status_code == 302
    sent = Suggestion.objects.order_by("pk")
    assert {(s.practice, s.kind, s.key, s.status) for s in sent} == {
        (cast.practice, "checklist", "backups", "pending"),
        (second, "checklist", "backups", "pending"),
    }
    assert all(s.delegate == cast.delegate and s.note == "Pensez aux sauvegardes." for s in sent)
    assert sent[0].title  # the checklist's title, kept with the suggestion


def test_sending_again_skips_the_practices_where_it_is_pending(two_granted):
    cast, second = two_granted
    client = cast.client("delegate")
    send(client, cast.practice.slug)
    response = send(client, cast.practice.slug, second.slug)
    assert Suggestion.objects.count() == 2
    shown = [str(m) for m in response.wsgi_request._messages]
    assert any("déjà cette suggestion en attente" in m for m in shown)


def test_only_practices_granting_access_can_receive_one(two_granted):
    cast, _second = two_granted
    client = cast.client("delegate")
    response = send(client, cast.practice.slug, cast.other_practice.slug)
    assert response.status_code == 200
    assert "Ce cabinet ne vous donne pas accès." in response.content.decode()
    assert not Suggestion.objects.exists()
    # The form re-renders what was typed.
    assert "Pensez aux sauvegardes." in response.content.decode()


def test_the_service_refuses_a_practice_without_a_live_grant(two_granted):
    from django.core.exceptions import PermissionDenied

    cast, second = two_granted
    second.oversights.update(revoked_at=timezone.now())
    with pytest.raises(PermissionDenied):
        suggestions.suggestion_send(
            delegate=cast.delegate,
            practices=[cast.practice, second],
            kind="checklist",
            key="backups",
        )
    assert not Suggestion.objects.exists()


def test_an_unknown_item_is_refused(two_granted):
    cast, _second = two_granted
    response = send(cast.client("delegate"), cast.practice.slug, item="checklist:nope")
    assert response.status_code == 200
    assert not Suggestion.objects.exists()


def test_the_practice_admin_accepts_and_the_checklist_is_activated(two_granted):
    cast, _second = two_granted
    send(cast.client("delegate"), cast.practice.slug)
    suggestion = Suggestion.objects.get()
    admin = cast.client("admin")
    dashboard = admin.get(cast.practice.get_absolute_url()).content.decode()
    assert "Suggestions du délégué" in dashboard
    page = admin.get(reverse("suggestions", kwargs={"practice_slug": cast.practice.slug}))
    assert suggestion.title in page.content.decode()
    assert "Pensez aux sauvegardes." in page.content.decode()
    url = reverse(
        "suggestion_accept",
        kwargs={"practice_slug": cast.practice.slug, "suggestion_id": suggestion.public_id},
    )
    assert admin.post(url).status_code == 302
    suggestion.refresh_from_db()
    assert (suggestion.status, suggestion.decided_by) == ("accepted", cast.admin)
    assert suggestion.decided_at is not None
    checklist = PracticeChecklist.objects.get(practice=cast.practice, template__code="backups")
    assert checklist.active
    events = AuditEvent.objects.filter(practice=cast.practice)
    actions = set(events.values_list("action", flat=True))
    assert {"suggestion.accept", "checklist.activate"} <= actions
    # Deciding twice does nothing more.
    admin.post(url)
    assert PracticeChecklist.objects.filter(practice=cast.practice).count() == 1
    assert AuditEvent.objects.filter(action="suggestion.accept").count() == 1


def test_the_admin_declines_and_nothing_is_activated(two_granted):
    cast, _second = two_granted
    suggestion = SuggestionFactory(practice=cast.practice, delegate=cast.delegate, key="backups")
    url = reverse(
        "suggestion_decline",
        kwargs={"practice_slug": cast.practice.slug, "suggestion_id": suggestion.public_id},
    )
    assert cast.client("admin").post(url).status_code == 302
    suggestion.refresh_from_db()
    assert suggestion.status == "declined"
    assert not PracticeChecklist.objects.exists()
    # The delegate sees the decision.
    assert "Refusée" in cast.client("delegate").get(SUGGEST).content.decode()


@pytest.mark.parametrize("who", ["staff", "delegate"])
def test_staff_and_delegates_cannot_decide(two_granted, who):
    cast, _second = two_granted
    suggestion = SuggestionFactory(practice=cast.practice, delegate=cast.delegate, key="backups")
    client = cast.client(who)
    page = client.get(reverse("suggestions", kwargs={"practice_slug": cast.practice.slug}))
    assert page.status_code == 200
    assert "Sauvegardes faites" in page.content.decode()  # the checklist "backups"
    dashboard = client.get(cast.practice.get_absolute_url()).content.decode()
    assert "Suggestions du délégué" not in dashboard
    for name in ("suggestion_accept", "suggestion_decline"):
        kwargs = {"practice_slug": cast.practice.slug, "suggestion_id": suggestion.public_id}
        url = reverse(name, kwargs=kwargs)
        assert url not in page.content.decode()
        assert client.post(url).status_code == 403
    suggestion.refresh_from_db()
    assert suggestion.status == "pending"
    assert not PracticeChecklist.objects.exists()


def test_another_practice_cannot_decide_a_suggestion_through_its_own_address(two_granted):
    cast, _second = two_granted
    suggestion = SuggestionFactory(practice=cast.practice, delegate=cast.delegate, key="backups")
    url = reverse(
        "suggestion_accept",
        kwargs={"practice_slug": cast.other_practice.slug, "suggestion_id": suggestion.public_id},
    )
    assert cast.client("other_admin").post(url).status_code == 404
    suggestion.refresh_from_db()
    assert suggestion.status == "pending"


def test_a_revoked_delegate_no_longer_sees_the_practice_in_the_suggestion_form(two_granted):
    cast, second = two_granted
    SuggestionFactory(practice=second, delegate=cast.delegate, title="Liste pour le second")
    second.oversights.update(revoked_at=timezone.now())
    html = cast.client("delegate").get(SUGGEST).content.decode()
    assert second.slug not in html and "Liste pour le second" not in html
    assert cast.practice.slug in html


def test_accepting_a_preset_adopts_it_as_a_draft_fiche(two_granted):
    from registry import content as registry_content
    from registry.models import ProcessingActivity

    registry_content.load()
    cast, _second = two_granted
    assert ("site-web", "Site web du cabinet et formulaire de contact") in (
        suggestions.choices()["preset"]
    )
    suggestions.suggestion_send(
        delegate=cast.delegate, practices=[cast.practice], kind="preset", key="site-web"
    )
    suggestion = Suggestion.objects.get(kind="preset")
    assert suggestion.title == "Site web du cabinet et formulaire de contact"
    suggestions.suggestion_accept(suggestion=suggestion, user=cast.admin)
    fiche = ProcessingActivity.objects.get(practice=cast.practice, preset_key="site-web")
    assert fiche.status == "draft"
    with pytest.raises(suggestions.SuggestionError):
        suggestions.suggestion_send(
            delegate=cast.delegate, practices=[cast.practice], kind="preset", key="nope"
        )


def test_each_reader_sees_the_suggested_item_in_their_own_language(two_granted):
    """A delegate browsing in English suggests a checklist: the French admin reads its
    French title (the title was kept in the delegate's language and shown as such)."""
    cast, _second = two_granted
    delegate = cast.client("delegate")
    delegate.post(reverse("set_language"), {"language": "en", "next": SUGGEST})
    send(delegate, cast.practice.slug)
    suggestion = Suggestion.objects.get()
    assert suggestion.title == "Backups done"  # as the delegate saw it
    assert "Backups done" in delegate.get(SUGGEST).content.decode()
    admin = cast.client("admin")
    url = reverse("suggestions", kwargs={"practice_slug": cast.practice.slug})
    html = admin.get(url).content.decode()
    assert "Liste de contrôle — Sauvegardes faites" in html and "Backups done" not in html
    accept = reverse(
        "suggestion_accept",
        kwargs={"practice_slug": cast.practice.slug, "suggestion_id": suggestion.public_id},
    )
    shown = [str(m) for m in admin.post(accept, follow=True).context["messages"]]
    assert shown == ["Suggestion acceptée : « Liste de contrôle — Sauvegardes faites »."]
    html = admin.get(url).content.decode()
    assert "Sauvegardes faites" in html and "Backups done" not in html
    # An item gone from the library keeps the title it was sent with.
    Suggestion.objects.filter(pk=suggestion.pk).update(key="retired", status="pending")
    assert "Backups done" in admin.get(url).content.decode()


def test_the_practice_admins_are_told_of_a_suggestion_by_the_reminder_sweep(two_granted):
    """Nothing told an admin that a suggestion waited, unless they opened the dashboard:
    the sweep now mails it once, to the admins, in their language, linking to the page."""
    from django.core import mail

    from portal.notifications import delivery, sweep
    from portal.notifications.models import SentReminder

    cast, second = two_granted
    cast.admin.language = "en"
    cast.admin.save()
    suggestions.suggestion_send(
        delegate=cast.delegate, practices=[cast.practice, second], kind="checklist", key="backups"
    )
    sweep.run_sweep(timezone.now(), enqueue=lambda ids: 0)
    rows = SentReminder.objects.filter(kind="suggestion.pending", practice=cast.practice)
    assert list(rows.values_list("recipient", flat=True)) == [cast.admin.pk]  # not the staff
    row = rows.get()
    assert row.url == f"/p/{cast.practice.slug}/suggestions/"
    assert delivery.deliver(row.pk) == "sent"
    [message] = mail.outbox
    assert message.to == [cast.admin.email]
    assert "Backups done" in message.body and "Sauvegardes" not in message.body
    assert cast.delegate.display_name in message.body
    assert f"/p/{cast.practice.slug}/suggestions/" in message.body
    # The portal's list, in the language of the page (the account's: English here).
    html = cast.client("admin").get("/notifications/").content.decode()
    assert "“Backups done”" in html and "Sauvegardes" not in html
    # Once only; a decided suggestion is not reminded.
    sweep.run_sweep(timezone.now(), enqueue=lambda ids: 0)
    assert rows.count() == 1
    suggestion = Suggestion.objects.get(practice=cast.practice)
    suggestions.suggestion_decline(suggestion=suggestion, user=cast.admin)
    assert [d.practice_id for d in suggestions.due(timezone.now())] == [second.pk]


def test_a_french_admin_reads_the_suggestion_reminder_in_french(two_granted):
    from django.utils import translation

    from portal.notifications import sweep
    from portal.notifications.emails import headline
    from portal.notifications.models import SentReminder

    cast, _second = two_granted
    suggestions.suggestion_send(
        delegate=cast.delegate, practices=[cast.practice], kind="checklist", key="backups"
    )
    sweep.run_sweep(timezone.now(), enqueue=lambda ids: 0)
    row = SentReminder.objects.get(kind="suggestion.pending")
    with translation.override("fr"):
        assert headline(row) == (
            f"{cast.delegate.display_name} suggère « Sauvegardes faites » au cabinet. "
            "Acceptez ou refusez la suggestion."
        )


def test_the_team_page_leads_to_the_suggestions(two_granted):
    cast, _second = two_granted
    page = cast.client("admin").get(f"/p/{cast.practice.slug}/equipe/").content.decode()
    assert f'href="/p/{cast.practice.slug}/suggestions/"' in page
