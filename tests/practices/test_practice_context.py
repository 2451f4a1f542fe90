"""Pages outside any practice (notifications, account security) keep the person's practice:
its menu and its « Signaler un incident » button. Only through a live membership: a slug
left in the session never shows a practice the person no longer belongs to."""

import pytest
from django.urls import reverse

from practices.access import LAST_PRACTICE_KEY
from tests.factories import MembershipFactory, PracticeFactory
from tests.urlsweep import FILLERS

pytestmark = pytest.mark.django_db

ACCOUNT_PAGES = ["notifications:inbox", "notifications:preferences", "mfa_security"]


def _report_url(practice):
    return reverse("incidents:report", kwargs={"practice_slug": practice.slug})


@pytest.mark.parametrize("page", ACCOUNT_PAGES)
def test_an_account_page_keeps_the_last_practice_and_its_report_button(cast, page):
    second = PracticeFactory(name="Centre des Tilleuls", slug="centre-des-tilleuls")
    MembershipFactory(practice=second, user=cast.staff, role="admin")
    client = cast.client("staff")
    client.get(reverse("dashboard", kwargs={"practice_slug": second.slug}))
    html = client.get(reverse(page)).content.decode()
    assert "Centre des Tilleuls" in html and _report_url(second) in html
    client.get(reverse("dashboard", kwargs={"practice_slug": cast.practice.slug}))
    html = client.get(reverse(page)).content.decode()
    assert "Cabinet des Lilas" in html and _report_url(cast.practice) in html
    assert _report_url(second) not in html


def test_a_single_practice_is_shown_without_a_visit_first(cast):
    html = cast.client("admin").get(reverse("mfa_security")).content.decode()
    assert _report_url(cast.practice) in html


def test_a_remembered_practice_the_person_left_or_never_had_is_not_shown(cast):
    client = cast.client("admin")
    session = client.session
    session[LAST_PRACTICE_KEY] = cast.other_practice.slug  # planted: never a member there
    session.save()
    html = client.get(reverse("notifications:inbox")).content.decode()
    assert "Maison de santé du Port" not in html
    assert _report_url(cast.other_practice) not in html
    # Not a member there: their only practice is shown instead.
    assert _report_url(cast.practice) in html


def test_a_delegate_reading_a_practice_does_not_carry_it_to_their_account_pages(cast):
    client = cast.client("delegate")
    client.get(reverse("dashboard", kwargs={"practice_slug": cast.practice.slug}))
    assert LAST_PRACTICE_KEY not in client.session
    html = client.get(reverse("notifications:inbox")).content.decode()
    assert _report_url(cast.practice) not in html and "Lecture seule" not in html


def test_account_pages_with_a_practice_keep_their_query_count(cast, django_assert_max_num_queries):
    client = cast.client("admin")
    client.get(reverse("dashboard", kwargs={"practice_slug": cast.practice.slug}))
    client.get(reverse("mfa_security"))
    # session, user, OTP device; the remembered membership with its practice (1 query);
    # the page's own reads (PSC link, recovery codes, app); the header's practice list;
    # the session saved (idle timeout) inside two savepoints; the banner of incidents whose
    # CNIL decision is open (a page with the practice context shows it too).
    with django_assert_max_num_queries(14):
        assert client.get(reverse("mfa_security")).status_code == 200


def _kinds_listed(client):
    html = client.get(reverse("notifications:preferences")).content.decode()
    labels = {
        "registry.review_due": "Fiche du registre à relire",
        "suggestion.pending": "Suggestion d",
        "invitation.expiring": "Invitation bientôt expirée",
        "notice.outdated": "Information des patients à mettre à jour",
        "checklist.due": 'name="kind_checklist_due"',
        "training.expiring": 'name="kind_training_expiring"',
        "delegate.weekly": "Résumé hebdomadaire des cabinets suivis",
    }
    return {key for key, text in labels.items() if text in html}


ADMIN_ONLY = {"registry.review_due", "suggestion.pending", "invitation.expiring", "notice.outdated"}


def test_staff_preferences_list_only_what_staff_can_receive(cast):
    listed = _kinds_listed(cast.client("staff"))
    assert {"checklist.due", "training.expiring"} <= listed
    assert not listed & ADMIN_ONLY
    assert "delegate.weekly" not in listed


def test_admin_preferences_list_the_admin_kinds(cast):
    listed = _kinds_listed(cast.client("admin"))
    assert ADMIN_ONLY | {"checklist.due"} <= listed
    assert "delegate.weekly" not in listed


def test_a_delegate_sees_only_the_weekly_digest(cast):
    assert _kinds_listed(cast.client("delegate")) == {"delegate.weekly"}


def test_checklist_period_and_history_pages_lead_back(cast):
    run_id = FILLERS["run_id"](cast.practice)
    checklist_id = FILLERS["checklist_id"](cast.practice)
    index = reverse("checklists:index", kwargs={"practice_slug": cast.practice.slug})
    history = reverse(
        "checklists:history",
        kwargs={"practice_slug": cast.practice.slug, "checklist_id": checklist_id},
    )
    client = cast.client("staff")
    run_page = client.get(
        reverse("checklists:run", kwargs={"practice_slug": cast.practice.slug, "run_id": run_id})
    ).content.decode()
    assert f'href="{index}"' in run_page and f'href="{history}"' in run_page
    assert f'href="{index}"' in client.get(history).content.decode()
