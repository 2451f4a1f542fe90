"""A person's language: kept on the account, followed in another browser, dates day first."""

from datetime import date, datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation
from django.utils.formats import date_format

from tests.factories import PASSWORD
from tests.mfa.test_login_flow import enrolled_user
from tests.mfa.totp import totp

pytestmark = pytest.mark.django_db


def switch(client, code):
    return client.post(reverse("set_language"), {"language": code, "next": "/"})


def test_choosing_english_while_signed_in_is_saved_on_the_account(cast):
    client = cast.client("staff")
    switch(client, "en")
    cast.staff.refresh_from_db()
    assert cast.staff.language == "en"  # reminders and other mail now come in English
    switch(client, "fr")
    cast.staff.refresh_from_db()
    assert cast.staff.language == "fr"


def test_a_browser_without_a_choice_opens_in_the_account_language(cast):
    cast.staff.language = "en"
    cast.staff.save()
    client = cast.client("staff")  # a new browser: no language cookie
    dashboard = reverse("dashboard", kwargs={"practice_slug": cast.practice.slug})
    response = client.get(dashboard)
    assert '<html lang="en"' in response.content.decode()
    assert response.cookies["django_language"].value == "en"
    # After signing out, the login page stays in English.
    client.post(reverse("account_logout"))
    assert '<html lang="en"' in client.get(reverse("account_login")).content.decode()


def test_the_browser_choice_wins_over_the_account(cast):
    cast.staff.language = "en"
    cast.staff.save()
    client = cast.client("staff")
    client.cookies["django_language"] = "fr"
    dashboard = reverse("dashboard", kwargs={"practice_slug": cast.practice.slug})
    assert '<html lang="fr"' in client.get(dashboard).content.decode()


def test_switching_back_to_french_is_not_undone_by_the_account_language(cast):
    cast.staff.language = "en"
    cast.staff.save()
    client = cast.client("staff")
    response = switch(client, "fr")
    assert response.cookies["django_language"].value == "fr"
    assert '<html lang="fr"' in client.get("/notifications/").content.decode()


def test_english_chosen_on_the_login_page_is_kept_at_sign_in():
    user, secret = enrolled_user()
    client = Client()
    switch(client, "en")
    client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    assert client.post(reverse("mfa_authenticate"), {"code": totp(secret)}).status_code == 302
    user.refresh_from_db()
    assert user.language == "en"


def test_anonymous_visitors_stay_in_french_and_nothing_is_saved(client):
    assert '<html lang="fr"' in client.get(reverse("account_login")).content.decode()
    assert "django_language" not in client.get(reverse("account_login")).cookies


def test_english_dates_are_day_first_with_a_24_hour_clock():
    moment = datetime(2026, 3, 4, 17, 5)
    with translation.override("en"):
        assert date_format(date(2026, 3, 4), "SHORT_DATE_FORMAT") == "04/03/2026"
        assert date_format(date(2026, 3, 4), "DATE_FORMAT") == "4 March 2026"
        assert date_format(moment, "SHORT_DATETIME_FORMAT") == "04/03/2026 17:05"
    with translation.override("fr"):
        assert date_format(date(2026, 3, 4), "SHORT_DATE_FORMAT") == "04/03/2026"


def test_a_date_typed_in_english_is_read_day_first():
    from django import forms

    with translation.override("en"):
        field = forms.DateField()
        assert field.clean("04/03/2026") == date(2026, 3, 4)
        assert field.clean("2026-03-04") == date(2026, 3, 4)
