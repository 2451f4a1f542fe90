"""A fiche's history as an admin reads it: only what changed, labels as written."""

import pytest

from portal.models import AuditEvent
from registry.models import ProcessingActivity
from tests.registry.test_registry import fiche, url

pytestmark = pytest.mark.django_db


def html_of(response) -> str:
    return response.content.decode()


class TestHistory:
    def _edit(self, client, cast, activity, **overrides):
        data = fiche(**overrides)
        for prefix, rows in (
            ("custom", activity.data.filter(category="custom")),
            ("subjects", activity.subjects.all()),
            ("recipients", activity.recipients.all()),
            ("measures", activity.measures.all()),
            ("transfers", activity.transfers.all()),
        ):
            data[f"{prefix}-INITIAL_FORMS"] = str(len(rows))
            for i, row in enumerate(rows):
                data[f"{prefix}-{i}-id"] = str(row.pk)
        response = client.post(url(cast, "edit", activity), data)
        assert response.status_code == 302, html_of(response)[:2000]

    def test_saving_an_unchanged_fiche_records_no_change_of_its_parts(self, cast):
        client = cast.client("admin")
        client.post(url(cast, "create"), fiche())
        activity = ProcessingActivity.objects.get()
        self._edit(client, cast, activity)  # the ticked lines are stored anew
        # Nothing changed: no event at all (the history is not cluttered by empty saves).
        assert not AuditEvent.objects.filter(action="registry.activity.update").exists()
        self._edit(client, cast, activity, main_purpose="Autre finalité")
        event = AuditEvent.objects.get(action="registry.activity.update")
        assert set(event.changes) == {"main_purpose"}, event.changes

    def test_a_changed_creation_date_is_in_the_history(self, cast):
        client = cast.client("admin")
        client.post(url(cast, "create"), fiche(created_on="2026-01-15"))
        activity = ProcessingActivity.objects.get()
        self._edit(client, cast, activity, created_on="2025-01-15")
        event = AuditEvent.objects.get(action="registry.activity.update")
        assert event.changes["created_on"] == ["2026-01-15", "2025-01-15"]
        page = html_of(client.get(url(cast, "history", activity)))
        assert "15/01/2026 → 15/01/2025" in page

    def test_only_the_changed_lines_show_and_acronyms_keep_their_capitals(self, cast):
        client = cast.client("admin")
        client.post(url(cast, "create"), fiche(dpia="to_assess", dpia_done_on=""))
        activity = ProcessingActivity.objects.get()
        self._edit(client, cast, activity, civil_retention="10 ans")
        page = html_of(client.get(url(cast, "history", activity)))
        page = page.split("Fiche de traitement créée")[0]  # the update, newest first
        line = page[page.index("<strong>Catégories de données</strong>") :].split("</li>")[0]
        assert "(20 ans après la dernière consultation)" in line and "(10 ans)" in line
        assert "Numéro de Sécurité Sociale" not in line  # unchanged line left out
        assert "<strong>Analyse d&#x27;impact (AIPD)</strong>" in page
        assert "<strong>Transferts hors UE</strong>" not in page  # unchanged

    def test_putting_in_force_records_the_first_review(self, cast):
        activity = ProcessingActivity.objects.create(
            practice=cast.practice, name="A", reference="ref-001"
        )
        client = cast.client("admin")
        client.post(url(cast, "status", activity), {"action": "activate"})
        event = AuditEvent.objects.get(action="registry.activity.status")
        assert event.changes["status"] == ["draft", "active"]
        assert event.changes["last_reviewed_at"][0] is None
        assert event.changes["next_review_at"][1]
        page = html_of(client.get(url(cast, "history", activity)))
        assert "<strong>Prochaine relecture</strong>" in page
