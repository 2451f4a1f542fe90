"""Error pages a person can meet: in Vigie's layout, in French, saying what to do next."""

import pytest
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import translation
from django.views.defaults import server_error

pytestmark = pytest.mark.django_db

LAYOUT = "Vigie — protection des données"  # the site footer of base.html


def test_an_unknown_page_is_a_vigie_page_in_french(client):
    response = client.get("/nulle-part/")
    assert response.status_code == 404
    html = response.content.decode()
    assert '<html lang="fr"' in html and "Page introuvable" in html and LAYOUT in html
    assert "Not Found" not in html


def test_a_foreign_id_gives_the_same_page_to_a_signed_in_person(cast):
    url = reverse("dashboard", kwargs={"practice_slug": cast.other_practice.slug})
    response = cast.client("staff").get(url)
    assert response.status_code == 404
    assert "Page introuvable" in response.content.decode()
    assert cast.other_practice.name not in response.content.decode()


def test_a_page_beyond_ones_role_explains_whom_to_ask(cast):
    url = reverse("practices:audit", kwargs={"practice_slug": cast.practice.slug})
    response = cast.client("staff").get(url)
    assert response.status_code == 403
    html = response.content.decode()
    assert "Accès refusé" in html and "administrateur du cabinet" in html and LAYOUT in html


def test_an_expired_form_says_nothing_was_saved_and_how_to_retry():
    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse("account_login"), {"login": "a@b.fr", "password": "x"})
    assert response.status_code == 403
    html = response.content.decode()
    assert "Formulaire expiré" in html and "Rien n'a été enregistré" in html and LAYOUT in html
    assert "CSRF verification" not in html and "La vérification CSRF" not in html


def test_the_server_error_page_renders_without_a_request_context():
    with translation.override("fr"):
        response = server_error(RequestFactory().get("/"))
    assert response.status_code == 500
    html = response.content.decode()
    assert "Une erreur s'est produite" in html and 'href="/"' in html
    assert '<html lang="fr"' in html
