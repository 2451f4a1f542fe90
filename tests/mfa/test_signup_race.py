"""Issue 19, item 12: two identical sign-ups at the same moment, on PostgreSQL.

Both pass the form's "address already used?" check before either is committed; the
second's INSERT then waits on the first's row and fails on the unique address once the
first commits. It must get the same answer as any sign-up with an address already known
(allauth's "we sent you an e-mail", the mail saying an account exists: no enumeration),
never a server error. SQLite takes the write lock at BEGIN and cannot show the race, so the
test needs PostgreSQL (DATABASE_URL): it skips locally without it and fails in CI
(VIGIE_REQUIRE_SERVICES=1).
"""

import threading
import time

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.db import connection, connections
from django.test import Client
from django.urls import reverse

from tests.conftest import need_service
from tests.factories import PASSWORD
from tests.mfa.blocking_mail import GATE

EMAIL = "meme-adresse@cabinet.fr"
DATA = {
    "email": EMAIL,
    "first_name": "Anne",
    "last_name": "Leroy",
    "password1": PASSWORD,
    "password2": PASSWORD,
}


def waiting_on_a_lock() -> bool:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
            "AND wait_event_type = 'Lock'"
        )
        return cursor.fetchone()[0] > 0


@pytest.mark.django_db(transaction=True)
def test_the_second_of_two_simultaneous_sign_ups_gets_the_usual_answer(settings):
    if connection.vendor != "postgresql":
        need_service("PostgreSQL", "the sign-up race needs DATABASE_URL=postgres://…")
    settings.MAILERS = {"default": {"BACKEND": "tests.mfa.blocking_mail.Backend"}}
    GATE.reset()
    GATE.hold.set()
    responses = {}

    def sign_up(name):
        try:
            responses[name] = Client(raise_request_exception=False).post(
                reverse("account_signup"), DATA
            )
        finally:
            connections.close_all()  # this thread's connection, before the test database goes

    first = threading.Thread(target=sign_up, args=("first",))
    second = threading.Thread(target=sign_up, args=("second",))
    try:
        first.start()
        assert GATE.entered.wait(timeout=30), "the first sign-up never sent its mail"
        # The first request holds its transaction open, its user row written.
        second.start()
        deadline = time.monotonic() + 30
        while not waiting_on_a_lock():
            assert time.monotonic() < deadline, "the second sign-up never waited on the first"
            time.sleep(0.05)
    finally:
        GATE.release.set()
        first.join(timeout=60)
        second.join(timeout=60)

    assert responses["first"].status_code == 302
    assert responses["second"].status_code == 302, responses["second"].content[:300]
    # Both are told to look at their mail (the page of any sign-up, known address or not).
    sent = reverse("account_email_verification_sent")
    assert responses["first"]["Location"] == responses["second"]["Location"] == sent
    assert get_user_model().objects.filter(email=EMAIL).count() == 1
    assert mail.outbox and all(m.to == [EMAIL] for m in mail.outbox)
