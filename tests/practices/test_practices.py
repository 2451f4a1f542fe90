"""Creating a practice, editing its settings, SIRET key, and where login lands."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from portal.models import AuditEvent
from practices.models import Membership, Practice, Region
from practices.validators import validate_finess, validate_siret
from tests.factories import MembershipFactory, OversightFactory
from tests.practices.helpers import url


def practice_data(**overrides):
    data = {
        "name": "Cabinet infirmier du Lac",
        "professions": ["infirmier"],
        "region": Region.objects.get(code="84").pk,
        "address": "3 rue du Lac",
        "postcode": "74000",
        "city": "Annecy",
        "siret": "732 829 320 00074",
        "finess": "",
    }
    return {**data, **overrides}


class TestCreatePractice:
    def test_creator_becomes_admin_and_it_is_audited(self, cast):
        response = cast.client("outsider").post(reverse("practice_create"), practice_data())
        practice = Practice.objects.get(name="Cabinet infirmier du Lac")
        assert response["Location"] == practice.get_absolute_url()
        assert Membership.objects.get(practice=practice).role == "admin"
        assert practice.siret == "73282932000074"
        event = AuditEvent.objects.get(practice=practice, action="practice.create")
        assert event.actor == cast.outsider and event.changes["name"] == [None, practice.name]

    def test_bad_siret_keeps_input_with_french_message(self, cast):
        response = cast.client("outsider").post(
            reverse("practice_create"), practice_data(name="Cabinet X", siret="73282932000075")
        )
        html = response.content.decode()
        assert response.status_code == 200
        assert "clé de contrôle incorrecte" in html
        assert 'value="Cabinet X"' in html
        assert not Practice.objects.filter(name="Cabinet X").exists()
        assert not AuditEvent.objects.exists()

    def test_a_short_postcode_is_refused_and_everything_typed_is_kept(self, cast):
        response = cast.client("outsider").post(
            reverse("practice_create"), practice_data(name="Cabinet Y", postcode="740")
        )
        html = response.content.decode()
        assert "Le code postal compte 5 chiffres." in html
        assert 'value="Cabinet Y"' in html and 'value="740"' in html
        assert not Practice.objects.filter(name="Cabinet Y").exists()

    def test_regions_are_listed_in_french_alphabetical_order(self, cast):
        html = cast.client("outsider").get(reverse("practice_create")).content.decode()
        names = [
            name for name in ("Hauts-de-France", "Île-de-France", "La Réunion") if name in html
        ]
        assert len(names) == 3
        assert (
            html.index("Hauts-de-France") < html.index("Île-de-France") < html.index("La Réunion")
        )


class TestSettings:
    def test_admin_edits_settings_with_old_and_new_values_audited(self, cast):
        response = cast.client("admin").post(
            url("settings", cast), practice_data(name="Cabinet des Lilas (Annecy)")
        )
        assert response["Location"] == url("settings", cast)
        cast.practice.refresh_from_db()
        assert (cast.practice.name, cast.practice.city) == ("Cabinet des Lilas (Annecy)", "Annecy")
        assert cast.practice.slug == "cabinet-des-lilas"  # addresses never change
        event = AuditEvent.objects.get(action="practice.update")
        assert event.actor == cast.admin
        assert event.changes["name"] == ["Cabinet des Lilas", "Cabinet des Lilas (Annecy)"]
        assert event.changes["region"] == ["Île-de-France", "Auvergne-Rhône-Alpes"]
        assert event.changes["siret"] == ["", "73282932000074"]
        assert "finess" not in event.changes  # only what changed

    def test_invalid_finess_saves_nothing(self, cast):
        response = cast.client("admin").post(
            url("settings", cast), practice_data(name="Autre nom", finess="12345")
        )
        assert "Le numéro FINESS compte 9 chiffres" in response.content.decode()
        assert 'value="Autre nom"' in response.content.decode()
        cast.practice.refresh_from_db()
        assert cast.practice.name == "Cabinet des Lilas"
        assert not AuditEvent.objects.exists()

    def test_saving_unchanged_settings_writes_no_event(self, cast):
        client = cast.client("admin")
        client.post(url("settings", cast), practice_data())
        client.post(url("settings", cast), practice_data())
        assert AuditEvent.objects.filter(action="practice.update").count() == 1

    def test_staff_and_delegate_cannot_edit(self, cast):
        for who in ("staff", "delegate"):
            client = cast.client(who)
            assert client.get(url("settings", cast)).status_code == 403
            assert client.post(url("settings", cast), practice_data()).status_code == 403
        cast.practice.refresh_from_db()
        assert cast.practice.name == "Cabinet des Lilas"


@pytest.mark.parametrize(
    ("siret", "ok"),
    [
        ("73282932000074", True),  # a real, published SIRET
        ("35600000000048", True),  # La Poste: digit sum multiple of 5
        ("73282932000075", False),
        ("35600000000049", False),
        ("7328293200007", False),
        ("7328293200007A", False),
    ],
)
def test_siret_luhn(siret, ok):
    if ok:
        validate_siret(siret)
    else:
        with pytest.raises(ValidationError):
            validate_siret(siret)


@pytest.mark.parametrize(
    ("finess", "ok"), [("750000000", True), ("2A0000000", True), ("75", False)]
)
def test_finess_format(finess, ok):
    if ok:
        validate_finess(finess)
    else:
        with pytest.raises(ValidationError):
            validate_finess(finess)


class TestHomeRouting:
    def test_one_practice_goes_to_its_dashboard(self, cast):
        assert cast.client("staff").get("/")["Location"] == cast.practice.get_absolute_url()

    def test_delegate_goes_to_console(self, cast):
        assert cast.client("delegate").get("/")["Location"] == reverse("delegate_console")

    def test_no_practice_goes_to_creation(self, cast):
        assert cast.client("outsider").get("/")["Location"] == reverse("practice_create")

    def test_several_practices_get_a_chooser(self, cast):
        MembershipFactory(practice=cast.other_practice, user=cast.staff)
        response = cast.client("staff").get("/")
        assert response.status_code == 200
        html = response.content.decode()
        assert "Maison de santé du Port" in html and "Cabinet des Lilas" in html

    def test_a_member_who_is_also_a_delegate_gets_the_chooser(self, cast):
        OversightFactory(practice=cast.other_practice, delegate=cast.staff)
        assert cast.client("staff").get("/").status_code == 200

    def test_anonymous_goes_to_login(self, client, db):
        assert client.get("/")["Location"].startswith(reverse("account_login"))
