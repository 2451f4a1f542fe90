"""French is the source language; English must be complete and compiled."""

import subprocess
from pathlib import Path

import pytest
from django.urls import reverse

ROOT = Path(__file__).resolve().parent.parent
PO = ROOT / "locale" / "en" / "LC_MESSAGES" / "django.po"


def test_english_catalogue_has_no_untranslated_or_fuzzy_entry():
    untranslated = subprocess.run(
        ["msgattrib", "--untranslated", "--only-fuzzy", str(PO)], capture_output=True, text=True
    )
    missing = subprocess.run(
        ["msgattrib", "--untranslated", str(PO)], capture_output=True, text=True
    )
    assert untranslated.stdout == "" and missing.stdout == ""


def test_compiled_catalogue_is_up_to_date(tmp_path):
    fresh = tmp_path / "django.mo"
    subprocess.run(["msgfmt", "-o", str(fresh), str(PO)], check=True)
    assert fresh.read_bytes() == (PO.with_suffix(".mo")).read_bytes(), "run `make messages`"


def test_every_marked_string_of_the_code_is_in_the_catalogue(tmp_path):
    """makemessages on the current code finds no msgid the catalogue lacks."""
    import shutil

    copy = tmp_path / "locale"
    shutil.copytree(ROOT / "locale", copy)
    result = subprocess.run(["xgettext", "--version"], capture_output=True, text=True)
    assert result.returncode == 0
    from django.core.management import call_command

    call_command(
        "makemessages",
        locale=["en"],
        ignore_patterns=[".venv/*", "staticfiles/*", "tests/*", "test-artifacts/*", "var/*"],
        verbosity=0,
        no_obsolete=True,
    )
    missing = subprocess.run(
        ["msgattrib", "--untranslated", str(PO)], capture_output=True, text=True
    ).stdout
    shutil.copy(copy / "en" / "LC_MESSAGES" / "django.po", PO)
    assert missing == "", "strings not translated into English:\n" + missing


@pytest.mark.django_db
def test_pages_render_in_english_when_chosen(client):
    client.post(reverse("set_language"), {"language": "en"})
    html = client.get(reverse("account_login")).content.decode()
    assert "Skip to content" in html
    assert "Aller au contenu" not in html


def test_percentages_follow_the_language():
    from django.utils import translation

    from portal.formatting import percent, share

    with translation.override("fr"):
        assert percent(98) == "98\u00a0%"  # the sign never wraps alone
        assert share(0.5) == "50\u00a0%"
        assert percent(None) == share(None) == "—"
    with translation.override("en"):
        assert percent(97.6) == "98%"
