"""Issue 19, item 9: uploads are served only through the access-checked views, in every
mode. With ``DEBUG=1`` the URLconf used to add Django's static view for ``/media/``, which
handed any attestation to anyone who guessed (or was given) its path."""

import importlib

import pytest
from django.test import Client
from django.urls import Resolver404, clear_url_caches, resolve


@pytest.fixture
def urls_in_debug(settings, tmp_path):
    settings.DEBUG = True
    settings.MEDIA_ROOT = tmp_path
    (tmp_path / "attestations").mkdir()
    (tmp_path / "attestations" / "certificat.pdf").write_bytes(b"%PDF-1.4 secret")
    import portal.urls

    importlib.reload(portal.urls)
    clear_url_caches()
    yield
    settings.DEBUG = False
    importlib.reload(portal.urls)
    clear_url_caches()


@pytest.mark.django_db
@pytest.mark.usefixtures("urls_in_debug")
def test_media_is_not_served_even_in_debug():
    with pytest.raises(Resolver404):
        resolve("/media/attestations/certificat.pdf")
    response = Client().get("/media/attestations/certificat.pdf")
    assert response.status_code in (302, 404)
    assert b"secret" not in response.content
