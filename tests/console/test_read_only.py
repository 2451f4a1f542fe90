"""Drill-down is read-only for a delegate: every page they can open hides the write
controls, and every URL of the project refuses their writes without changing any
practice's data. Revoking a delegate takes effect at once."""

import re

import pytest
from django.urls import Resolver404, resolve, reverse

from practices.models import Oversight
from practices.roles import READ_ONLY_CAPS
from tests.factories import SuggestionFactory
from tests.test_isolation_sweep import REFUSED, fingerprint, practice_routes
from tests.urlsweep import all_patterns, fill

# Forms a delegate may see on a practice page: the site header's, not the practice's.
HEADER_FORM_ACTIONS = {"/accounts/logout/", "/i18n/setlang/"}


def capability_of(path: str) -> str | None:
    """The capability the view behind ``path`` asks for (None: not a practice view)."""
    try:
        view = resolve(path).func
    except Resolver404:
        return None
    while view is not None:
        if hasattr(view, "vigie_capability"):
            return view.vigie_capability
        view = getattr(view, "__wrapped__", None)
    return None


def write_controls(html: str) -> list[str]:
    """POST forms other than the header's, and links to views a read-only role may not use."""
    found = []
    for form in re.findall(r"<form\b[^>]*>", html):
        if 'method="post"' not in form.lower():
            continue
        action = re.search(r'action="([^"]*)"', form)
        if action is None or action.group(1) not in HEADER_FORM_ACTIONS:
            found.append(form)
    for href in re.findall(r'href="(/p/[^"?#]*)', html):
        capability = capability_of(href)
        if capability is not None and capability not in READ_ONLY_CAPS:
            found.append(f"link to {href} ({capability})")
    return found


@pytest.fixture
def lived_in(cast):
    """The practice with an incident, a checklist run and answer, a suggestion pending."""
    from tests.urlsweep import FILLERS

    for name in ("incident_id", "answer_id", "checklist_id", "member_id", "invitation_id"):
        FILLERS[name](cast.practice)
    SuggestionFactory(practice=cast.practice, delegate=cast.delegate)
    return cast


def test_the_write_control_finder_sees_a_write_control(lived_in):
    """Guard for the sweep: the admin's pages do show write controls."""
    admin = lived_in.client("admin")
    slug = lived_in.practice.slug
    assert write_controls(admin.get(f"/p/{slug}/").content.decode())  # "report an incident"
    assert write_controls(admin.get(f"/p/{slug}/controles/").content.decode())
    assert write_controls(admin.get(f"/p/{slug}/suggestions/").content.decode())


def test_every_page_a_delegate_opens_hides_write_controls(lived_in):
    client = lived_in.client("delegate")
    opened, failures = 0, []
    for route in practice_routes():
        path = fill(route, lived_in.practice)
        response = client.get(path)
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        opened += 1
        failures += [f"{route}: {control}" for control in write_controls(response.content.decode())]
    assert failures == []
    assert opened >= 8  # dashboard, team, checklists, run, history, backups, incidents, …


def practice_rows(practice) -> str:
    """A digest of every row the practice owns (not its people: a delegate's own account
    pages change the delegate's own security state, which is theirs to change)."""
    import hashlib
    import json

    from django.apps import apps

    digest = hashlib.sha256()
    for model in apps.get_models():
        if "practice" in {f.name for f in model._meta.get_fields()}:
            rows = model._default_manager.filter(practice=practice).order_by("pk").values()
            digest.update(json.dumps(list(rows), default=str, sort_keys=True).encode())
    return digest.hexdigest()


def test_every_url_refuses_a_delegate_post_and_changes_no_practice(lived_in):
    """All patterns of the project, not only practice ones (the console's own forms
    included): a delegate's POST never changes a practice's rows; on a practice address
    it is refused, and changes nothing of the practice or its people either."""
    client = lived_in.client("delegate")
    practices = (lived_in.practice, lived_in.other_practice)
    in_practice = set(practice_routes())
    failures = []
    for route, _pattern in all_patterns():
        if route.startswith("accounts/logout"):
            continue  # would end the delegate's session, not a practice write
        path = fill(route, lived_in.practice)  # fillers may create rows: before the snapshot
        digest = fingerprint if route in in_practice else practice_rows
        before = [digest(p) for p in practices]
        status = client.post(path).status_code
        if route in in_practice and status not in REFUSED:
            failures.append(f"POST {route}: {status}")
        if [digest(p) for p in practices] != before:
            failures.append(f"POST {route}: changed a practice")
    assert failures == []


def test_the_dashboard_shows_a_delegate_no_action_and_no_suggestion_card(lived_in):
    html = lived_in.client("delegate").get(lived_in.practice.get_absolute_url()).content.decode()
    assert reverse("incidents:report", kwargs={"practice_slug": lived_in.practice.slug}) not in html
    assert "Suggestions du délégué" not in html
    assert "Incidents" in html  # the figures are there


def test_a_delegate_is_told_the_practice_is_read_only_and_shown_the_way_back(lived_in):
    url = lived_in.practice.get_absolute_url()
    html = lived_in.client("delegate").get(url).content.decode()
    assert "Lecture seule" in html and f'href="{reverse("delegate_console")}"' in html
    for role in ("admin", "staff"):
        assert "Lecture seule" not in lived_in.client(role).get(url).content.decode()


def test_incident_free_text_stays_hidden_unless_shared(lived_in):
    from registry.incidents.models import Incident

    incident = Incident.objects.get(practice=lived_in.practice)
    url = reverse(
        "incidents:detail",
        kwargs={"practice_slug": lived_in.practice.slug, "incident_id": incident.public_id},
    )
    client = lived_in.client("delegate")
    assert incident.description not in client.get(url).content.decode()
    Incident.objects.filter(pk=incident.pk).update(shared_with_delegate=True)
    assert incident.description in client.get(url).content.decode()


class TestRevocation:
    def test_the_team_page_shows_since_when_and_a_one_click_revoke(self, cast):
        grant = Oversight.objects.get(practice=cast.practice, delegate=cast.delegate)
        Oversight.objects.filter(pk=grant.pk).update(
            since=grant.since.replace(year=2026, month=1, day=31, hour=23, minute=30)
        )
        members = reverse("practices:members", kwargs={"practice_slug": cast.practice.slug})
        html = cast.client("admin").get(members).content.decode()
        assert cast.delegate.email in html
        # 31 January 23:30 UTC is 1 February in Paris; dd/mm/yyyy as in the console.
        assert "<td>01/02/2026</td>" in html
        revoke = reverse(
            "practices:oversight_revoke",
            kwargs={"practice_slug": cast.practice.slug, "oversight_id": grant.public_id},
        )
        assert f'action="{revoke}"' in html

    def test_revoking_takes_effect_at_once(self, cast):
        delegate = cast.client("delegate")
        slug = cast.practice.slug
        assert delegate.get(f"/p/{slug}/").status_code == 200
        assert cast.practice.name in delegate.get("/delegue/").content.decode()
        grant = Oversight.objects.get(practice=cast.practice, delegate=cast.delegate)
        revoke = reverse(
            "practices:oversight_revoke",
            kwargs={"practice_slug": slug, "oversight_id": grant.public_id},
        )
        assert cast.client("admin").post(revoke).status_code == 302
        # The same session, the very next request.
        assert delegate.get(f"/p/{slug}/").status_code == 404
        assert delegate.get(f"/p/{slug}/incidents/").status_code == 404
        assert cast.practice.name not in delegate.get("/delegue/").content.decode()
        assert cast.practice.name not in delegate.get("/delegue/export.csv").content.decode()
        response = delegate.post(
            "/delegue/suggestions/", {"item": "checklist:backups", "practices": [slug]}
        )
        assert response.status_code == 200  # refused: the form shows the error
        html = cast.client("admin").get(f"/p/{slug}/equipe/").content.decode()
        assert cast.delegate.email not in html

    def test_staff_cannot_revoke(self, cast):
        grant = Oversight.objects.get(practice=cast.practice, delegate=cast.delegate)
        revoke = reverse(
            "practices:oversight_revoke",
            kwargs={"practice_slug": cast.practice.slug, "oversight_id": grant.public_id},
        )
        assert cast.client("staff").post(revoke).status_code == 403
        grant.refresh_from_db()
        assert grant.revoked_at is None
