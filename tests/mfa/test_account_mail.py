"""Mail sent by the sign-up and password pages: Vigie's words, not "Hello from <host>!"."""

import re

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

GENERIC = ("Hello from", "Bonjour, c'est", "Merci d'utiliser", "Thank you for using", "testserver!")


def assert_vigie_mail(message):
    assert message.body.startswith("Bonjour,")
    assert "Vigie — protection des données et cyber-hygiène des cabinets de santé." in message.body
    assert not any(phrase in message.body for phrase in GENERIC), message.body


def test_the_sign_up_confirmation_explains_itself_and_its_link_works(client):
    client.post(
        reverse("account_signup"),
        {
            "email": "titulaire@cabinet.fr",
            "first_name": "Claire",
            "last_name": "Martin",
            "password1": "Un-long-mot-2026!",
            "password2": "Un-long-mot-2026!",
        },
    )
    (message,) = mail.outbox
    assert_vigie_mail(message)
    assert "Pour confirmer votre adresse e-mail" in message.body
    link = re.search(r"http://testserver(/accounts/confirm-email/\S+/)", message.body).group(1)
    assert client.get(link).status_code == 200


def test_the_password_reset_mail_says_the_second_factor_still_applies(client):
    user = UserFactory()
    client.post(reverse("account_reset_password"), {"email": user.email})
    (message,) = mail.outbox
    assert_vigie_mail(message)
    assert "/accounts/password/reset/key/" in message.body
    assert "application d'authentification reste demandé" in message.body


def test_a_reset_for_an_unknown_address_points_to_the_practice_invitation(client):
    client.post(reverse("account_reset_password"), {"email": "inconnue@cabinet.fr"})
    (message,) = mail.outbox
    assert_vigie_mail(message)
    assert "inconnue@cabinet.fr" in message.body and "inviter" in message.body


def test_signing_up_again_with_a_known_address_offers_a_password_reset(client):
    user = UserFactory()
    client.post(
        reverse("account_signup"),
        {
            "email": user.email,
            "first_name": "Claire",
            "last_name": "Martin",
            "password1": "Un-long-mot-2026!",
            "password2": "Un-long-mot-2026!",
        },
    )
    (message,) = mail.outbox
    assert_vigie_mail(message)
    assert "un compte existe déjà" in message.body
    assert "/accounts/password/reset/" in message.body


def test_account_mail_follows_the_chosen_language():
    client = Client()
    client.post(reverse("set_language"), {"language": "en"})
    client.post(reverse("account_reset_password"), {"email": UserFactory().email})
    (message,) = mail.outbox
    assert "Vigie — data protection and cyber hygiene for health practices." in message.body
