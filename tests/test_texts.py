"""The one fr/en text picker (portal/texts.py), and the spaces that use it."""

from django.utils import translation

from portal.texts import local
from registry.incidents import breach


def test_english_reader_gets_english_and_french_when_it_is_missing():
    both, french_only = {"fr": "Bonjour", "en": "Hello"}, {"fr": "Bonjour"}
    with translation.override("en"):
        assert local(both) == "Hello"
        assert local(french_only) == "Bonjour"
        assert local({"fr": "Bonjour", "en": ""}) == "Bonjour"
    with translation.override("fr"):
        assert local(both) == "Bonjour"
    assert local(both, "en") == "Hello"
    assert local(both, "fr") == "Bonjour"


def test_plain_text_and_nothing():
    assert local("Texte seul") == "Texte seul"
    assert local(None) == "" and local({}) == ""


def test_a_reflex_without_english_shows_its_french_text(monkeypatch):
    """The reflexes read ``r[language]``: a missing English line raised KeyError."""
    monkeypatch.setattr(
        breach, "_reflex_file", lambda: {"kinds": {"other": [{"key": "k", "fr": "Noter"}]}}
    )
    with translation.override("en"):
        assert breach.reflexes_for("other") == [
            {"key": "k", "text": "Noter", "note": False, "source": [], "act": []}
        ]
