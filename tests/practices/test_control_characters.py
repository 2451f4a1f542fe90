"""Issue 19, item 6: a line break in a practice's name no longer breaks every invitation.

Single-line fields refuse control characters (with the French message next to the field,
keeping what was typed); an invitation is committed before its mail is sent, and when the
mail cannot leave the admin is told (not a server error after the row was saved).
"""

import pytest
from django.core import mail
from django.urls import reverse

from practices.models import Invitation, Practice
from tests.conftest import verified_client
from tests.factories import MembershipFactory, PracticeFactory
from tests.practices.helpers import url
from tests.practices.test_practices import practice_data

MESSAGE = "Ce champ tient sur une ligne"
INJECTED = "Cabinet des Lilas\r\nBcc: tous@evil.example"


@pytest.mark.django_db
@pytest.mark.parametrize("bad", [INJECTED, "Cabinet\ndes Lilas", "Cabinet\tdes Lilas", "Lilas\x00"])
def test_practice_settings_refuse_control_characters_and_keep_the_input(cast, bad):
    response = cast.client("admin").post(url("settings", cast), practice_data(name=bad))
    html = response.content.decode()
    assert response.status_code == 200
    assert MESSAGE in html
    assert 'value="Cabinet' in html or 'value="Lilas' in html
    assert 'value="3 rue du Lac' in html or "3 rue du Lac" in html  # the rest is kept
    assert Practice.objects.get(pk=cast.practice.pk).name == "Cabinet des Lilas"


@pytest.mark.django_db
def test_practice_creation_refuses_a_line_break_in_the_name(cast):
    response = cast.client("outsider").post(
        reverse("practice_create"), practice_data(name=INJECTED)
    )
    assert response.status_code == 200 and MESSAGE in response.content.decode()
    assert not Practice.objects.filter(name__startswith="Cabinet des Lilas\r").exists()


@pytest.mark.django_db
def test_a_multi_line_address_keeps_its_line_breaks(cast):
    response = cast.client("admin").post(
        url("settings", cast), practice_data(address="3 rue du Lac\r\nBâtiment B")
    )
    assert response.status_code == 302
    assert Practice.objects.get(pk=cast.practice.pk).address == "3 rue du Lac\r\nBâtiment B"


@pytest.mark.django_db
def test_the_sign_up_names_refuse_a_line_break(client):
    response = client.post(
        reverse("account_signup"),
        {"email": "x@cabinet.fr", "first_name": "Anne\r\nBcc: y", "last_name": "Leroy",
         "password1": "Vigie-demo-2026!", "password2": "Vigie-demo-2026!"},
    )  # fmt: skip
    assert response.status_code == 200 and MESSAGE in response.content.decode()


@pytest.mark.django_db(transaction=True)
def test_an_invitation_whose_mail_cannot_leave_is_saved_and_the_admin_is_told():
    # A name saved before the rule existed: the mail's subject is refused by Django.
    practice = PracticeFactory(name=INJECTED, slug="lilas")
    admin = MembershipFactory(practice=practice, role="admin").user
    client = verified_client(admin)
    members = reverse("practices:members", kwargs={"practice_slug": "lilas"})
    response = client.post(
        reverse("practices:invite", kwargs={"practice_slug": "lilas"}),
        {"email": "nouvelle@cabinet.fr", "role": "staff", "job": "secretaire"},
        follow=True,
    )
    assert response.status_code == 200
    assert response.redirect_chain[-1][0] == members
    html = response.content.decode()
    assert "est enregistrée, mais l&#x27;e-mail n&#x27;a pas pu partir" in html
    assert "Invitation envoyée" not in html
    invitation = Invitation.objects.get(email="nouvelle@cabinet.fr")
    assert mail.outbox == []

    resent = client.post(
        reverse(
            "practices:invitation_resend",
            kwargs={"practice_slug": "lilas", "invitation_id": invitation.public_id},
        ),
        follow=True,
    )
    assert "n&#x27;a pas pu partir" in resent.content.decode()


@pytest.mark.django_db(transaction=True)
def test_an_invitation_mail_is_sent_after_commit_and_said_so():
    practice = PracticeFactory(name="Cabinet des Lilas", slug="lilas")
    admin = MembershipFactory(practice=practice, role="admin").user
    response = verified_client(admin).post(
        reverse("practices:invite", kwargs={"practice_slug": "lilas"}),
        {"email": "nouvelle@cabinet.fr", "role": "staff", "job": "secretaire"},
        follow=True,
    )
    assert "Invitation envoyée à nouvelle@cabinet.fr." in response.content.decode()
    assert [m.to for m in mail.outbox] == [["nouvelle@cabinet.fr"]]
