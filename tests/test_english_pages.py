"""The English UI has no French left: each page a person reaches from the menus, rendered in
English, shows none of a few words that only French uses.

The practice's own data (its name, the people's names, a region) is French and is taken out
of the text first; what remains is the product's own wording.
"""

import re
from html.parser import HTMLParser

import pytest
from django.urls import reverse

from practices.models import Membership, Region
from tests.factories import PracticeFactory

pytestmark = pytest.mark.django_db

# Words that are common in French sentences and never appear in English ones, and French
# typography before a colon (a space or a non-breaking space).
FRENCH = re.compile(
    r"\b(le|la|les|des|du|une|vous|votre|vos|aucun|aucune|avec|pour|dans|être|sont)\b"
    r"|\bà\b|[ \u00a0\u202f]:(?=\s|$)",
    re.IGNORECASE,
)


class VisibleText(HTMLParser):
    """Text a reader sees: no script, style or title, no French text cited as such (a source's
    title); plus labels read out (aria-label)."""

    def __init__(self):
        super().__init__()
        self.parts, self.skip, self.cites = [], 0, []

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style", "title"):
            self.skip += 1
        if tag == "cite":  # a French text cited by its title is French on purpose
            self.cites.append(("lang", "fr") in attrs)
            self.skip += self.cites[-1]
        for name, value in attrs:
            if name in ("aria-label", "placeholder", "title") and value:
                self.parts.append(value)

    def handle_endtag(self, tag):
        if tag in ("script", "style", "title"):
            self.skip -= 1
        if tag == "cite" and self.cites:
            self.skip -= self.cites.pop()

    def handle_data(self, data):
        if not self.skip:
            self.parts.append(data)


def french_left(html: str, data: list[str]) -> list[str]:
    parser = VisibleText()
    parser.feed(html)
    lines = []
    for line in "\n".join(parser.parts).splitlines():
        for value in data:
            line = line.replace(value, "")
        if FRENCH.search(line) and line.strip() != "Français":
            lines.append(line.strip())
    return lines


def english_client(cast, who):
    client = cast.client(who)
    client.post(reverse("set_language"), {"language": "en"})
    return client


def data_of(cast):
    people = [cast.admin, cast.staff, cast.delegate]
    names = [p.get_full_name() for p in people] + [p.email for p in people]
    regions = list(Region.objects.values_list("name", flat=True))  # proper names
    return [cast.practice.name, cast.other_practice.name, *regions, *names]


def practice_pages(cast):
    slug = {"practice_slug": cast.practice.slug}
    return [
        reverse("dashboard", kwargs=slug),
        reverse("practices:members", kwargs=slug),
        reverse("practices:settings", kwargs=slug),
        reverse("practices:audit", kwargs=slug),
        reverse("suggestions", kwargs=slug),
    ]


ACCOUNT_PAGES = [
    "home",
    "mfa_security",
    "notifications:inbox",
    "notifications:preferences",
    "practice_create",
    "account_change_password",
    "account_email",
]


def lived_in(cast):
    """A job changed (the audit trail shows old and new values), an invitation pending."""
    admin = cast.client("admin")
    slug = {"practice_slug": cast.practice.slug}
    staff = Membership.objects.get(practice=cast.practice, user=cast.staff)
    edit = reverse("practices:member_edit", kwargs={**slug, "member_id": staff.public_id})
    assert admin.post(edit, {"role": "staff", "job": "assistant"}).status_code == 302
    invite = reverse("practices:invite", kwargs=slug)
    data = {"email": "nouvelle@cabinet.fr", "role": "staff", "job": "secretaire"}
    assert admin.post(invite, data).status_code == 302


@pytest.mark.parametrize("who", ["admin", "staff"])
def test_pages_of_the_practice_and_the_account_have_no_french_in_english(cast, who):
    lived_in(cast)
    client = english_client(cast, who)
    pages = [*practice_pages(cast), *(reverse(name) for name in ACCOUNT_PAGES)]
    found = {}
    for url in pages:
        response = client.get(url, follow=True)
        if response.status_code == 403:  # the audit trail and settings are the admin's
            continue
        assert response.status_code == 200, url
        html = response.content.decode()
        assert '<html lang="en"' in html, url
        if left := french_left(html, data_of(cast)):
            found[url] = left
    assert found == {}


def test_the_delegate_console_has_no_french_in_english(cast):
    client = english_client(cast, "delegate")
    html = client.get(reverse("delegate_console")).content.decode()
    assert french_left(html, data_of(cast)) == []


def test_signed_out_pages_have_no_french_in_english(client):
    client.post(reverse("set_language"), {"language": "en"})
    for name in ("account_login", "account_signup", "account_reset_password"):
        html = client.get(reverse(name)).content.decode()
        assert french_left(html, []) == [], name


def test_the_check_does_find_french():
    """The detector itself: it flags a French sentence and French colon spacing."""
    assert french_left("<p>Aucune invitation en attente.</p>", [])
    assert french_left("<p><strong>Job</strong> : Secretary</p>", [])
    assert french_left("<p>expires on 6 December 2026 à 14:00</p>", [])
    assert not french_left("<p>Role: Secretary, 14:00</p>", [])
    assert not french_left(
        f"<p>{PracticeFactory.build(name='Cabinet des Lilas').name}</p>", ["Cabinet des Lilas"]
    )


def test_the_registry_and_an_incident_page_have_no_french_in_english(cast):
    """Labels followed by a value ("Risk: …", "Controller: …") lost their French colon."""
    from tests.incidents.test_incidents import make

    incident = make(cast, description="Rançon")
    slug = {"practice_slug": cast.practice.slug}
    pages = [
        reverse("registry:index", kwargs=slug),
        reverse("incidents:detail", kwargs={**slug, "incident_id": incident.public_id}),
    ]
    client = english_client(cast, "admin")
    found = {}
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        if left := french_left(response.content.decode(), [*data_of(cast), "Rançon"]):
            found[url] = left
    assert found == {}
