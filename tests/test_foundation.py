import pytest
from django.urls import reverse


@pytest.mark.django_db
def test_healthz_reports_database_without_data(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["database"] == "ok"


def test_dashboard_shows_practice_to_member(cast, admin_client):
    response = admin_client.get(reverse("dashboard", kwargs={"practice_slug": "cabinet-des-lilas"}))
    assert response.status_code == 200
    assert "Cabinet des Lilas" in response.content.decode()


def test_dashboard_of_foreign_practice_is_404(cast, admin_client):
    response = admin_client.get(reverse("dashboard", kwargs={"practice_slug": "msp-du-port"}))
    assert response.status_code == 404
