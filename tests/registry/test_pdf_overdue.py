"""The registry PDF marks a fiche whose review date has passed « Revue en retard », read
back with pdftotext (poppler-utils) at a frozen clock."""

import shutil
import subprocess
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from registry import cnil, services
from registry import content as registry_content
from registry.models import Preset

PARIS = ZoneInfo("Europe/Paris")
IN_FORCE = datetime(2025, 2, 10, 9, 0, tzinfo=PARIS)
REVIEWED = datetime(2025, 9, 1, 9, 0, tzinfo=PARIS)
EXPORTED = datetime(2026, 3, 18, 10, 0, tzinfo=PARIS)


def pdf_text(content: bytes, tmp_path) -> str:
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) is not installed")
    path = tmp_path / "registre.pdf"
    path.write_bytes(content)
    out = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, check=True, text=True
    ).stdout
    return " ".join(out.split())


def test_an_overdue_review_is_marked_in_the_pdf(cast, tmp_path):
    registry_content.load()
    keys = list(Preset.objects.order_by("key").values_list("key", flat=True)[:2])
    with time_machine.travel(IN_FORCE, tick=False):
        late, fresh = services.adopt_presets(practice=cast.practice, preset_keys=keys)
        for activity in (late, fresh):
            services.set_status(activity=activity, status=cnil.Status.ACTIVE)
    with time_machine.travel(REVIEWED, tick=False):
        services.mark_reviewed(activity=fresh)
    url = reverse("registry:export_pdf", kwargs={"practice_slug": cast.practice.slug})
    with time_machine.travel(EXPORTED, tick=False):
        response = cast.client("admin").get(url)
    assert response.status_code == 200
    text = pdf_text(response.content, tmp_path)
    late_heading = f"{late.reference} — {late.name}"
    fresh_heading = f"{fresh.reference} — {fresh.name}"
    assert late_heading in text and fresh_heading in text
    # Put in force on 10/02/2025, reviewed yearly: due on 10/02/2026, passed on 18/03/2026.
    flag = "« Revue en retard » : la revue de cette fiche était prévue le 10/02/2026."
    assert text.count("Revue en retard") == 1
    assert flag in text
    assert text.index(late_heading) < text.index(flag)
    late_section = text[text.index(late_heading) : text.index(flag)]
    assert fresh_heading not in late_section
    # A day before the due date: nothing is marked.
    with time_machine.travel(datetime(2026, 2, 9, 10, 0, tzinfo=PARIS), tick=False):
        before = pdf_text(cast.client("admin").get(url).content, tmp_path)
    assert "Revue en retard" not in before
