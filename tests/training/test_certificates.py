"""Certificates: a PDF per passed module, and a public page that tells validity and no more."""

import io
import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import Client
from pypdf import PdfReader

from tests.factories import MembershipFactory
from tests.training.conftest import take, url
from tests.training.test_validity import revise
from training import services
from training.models import Certificate

PARIS = ZoneInfo("Europe/Paris")
PASSED = datetime(2026, 2, 3, 15, 30, tzinfo=PARIS)


@pytest.fixture
def certificate(cast, modules):
    cast.staff.first_name, cast.staff.last_name = "Sophie", "Bernard"
    cast.staff.save()
    attempt = take(cast.practice, cast.staff, modules[6], wrong=1, at=PASSED)  # 7/8
    return Certificate.objects.select_related("attempt__module").get(attempt=attempt)


def pdf_text(response) -> str:
    assert response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    return " ".join(page.extract_text() for page in reader.pages)


def main(response) -> str:
    """The page's main content (the layout around it carries per-request nonces)."""
    return re.search(r"<main.*</main>", response.content.decode(), re.S).group(0)


def neutral(response) -> str:
    """The main content without the code typed back into the form (the visitor's own input)."""
    return re.sub(r' value="[^"]*"', "", main(response))


def test_the_certificate_pdf_says_who_where_what_when_and_how_to_check(cast, certificate):
    response = cast.client("staff").get(
        url(cast, "certificate_pdf", certificate_id=certificate.public_id)
    )
    text = pdf_text(response)
    for expected in (
        "Sophie Bernard",
        "Cabinet des Lilas",
        "Ingénierie sociale",
        "03/02/2026",  # passed on
        "87\u00a0%",  # score
        "03/02/2027",  # valid until
        certificate.code,
        f"/verifier/{certificate.code}/",
    ):
        assert expected in text, expected
    assert 'filename="attestation-ingenierie-sociale.pdf"' in response["Content-Disposition"]


def test_the_admin_may_download_a_team_certificate_others_may_not(cast, certificate):
    path = url(cast, "certificate_pdf", certificate_id=certificate.public_id)
    assert cast.client("admin").get(path).status_code == 200
    assert cast.client("delegate").get(path).status_code == 403
    colleague = MembershipFactory(practice=cast.practice, role="staff").user
    from tests.conftest import verified_client

    assert verified_client(colleague).get(path).status_code == 404


def test_codes_are_long_random_and_typed_back_in_any_form(certificate):
    assert re.fullmatch(r"([A-HJ-NP-Z2-9]{4}-){3}[A-HJ-NP-Z2-9]{4}", certificate.code)
    assert len({services.new_code() for _ in range(200)}) == 200
    typed = certificate.code.lower().replace("-", " ")
    assert services.normalise_code(typed) == certificate.code
    assert services.normalise_code("ABCD-EFGH") == ""  # too short
    assert services.normalise_code("0OI1-" * 3 + "AAAA") == ""  # not in the alphabet


class TestPublicCheck:
    def test_a_valid_code_shows_validity_module_date_and_first_name_with_initial(
        self, cast, certificate
    ):
        with time_machine.travel(datetime(2026, 6, 1, tzinfo=PARIS), tick=False):
            response = Client().get(f"/verifier/{certificate.code}/")
        html = main(response)
        assert response.status_code == 200
        assert "Attestation valable." in html
        assert "Ingénierie sociale" in html and "03/02/2027" in html
        assert "Sophie B." in html
        for secret in ("Bernard", cast.staff.email, "Cabinet des Lilas", "87", "03/02/2026"):
            assert secret not in html, secret
        assert response["X-Robots-Tag"] == "noindex"
        assert "no-store" in response["Cache-Control"]  # validity changes with time

    def test_unknown_malformed_expired_and_revised_codes_get_the_same_neutral_page(
        self, cast, certificate, modules, tmp_path
    ):
        client = Client()
        with time_machine.travel(datetime(2026, 6, 1, tzinfo=PARIS), tick=False):
            unknown = neutral(client.get(f"/verifier/{services.new_code()}/"))
            malformed = neutral(client.get("/verifier/pas-un-code/"))
            typed = neutral(client.get("/verifier/", {"code": "n'importe quoi"}))
        with time_machine.travel(datetime(2027, 2, 4, tzinfo=PARIS), tick=False):
            expired = neutral(client.get(f"/verifier/{certificate.code}/"))
        assert "aucune attestation valable" in unknown
        assert unknown == malformed == typed == expired
        revise(tmp_path, "ingenierie-sociale", "2.0")
        with time_machine.travel(datetime(2026, 6, 1, tzinfo=PARIS), tick=False):
            revised = neutral(client.get(f"/verifier/{certificate.code}/"))
        assert revised == unknown

    def test_the_check_needs_no_login_and_no_second_factor(self, cast, certificate):
        with time_machine.travel(datetime(2026, 6, 1, tzinfo=PARIS), tick=False):  # its year
            password_only = Client()
            password_only.force_login(cast.admin)
            response = password_only.get(f"/verifier/{certificate.code}/")
            assert response.status_code == 200 and "Attestation valable." in main(response)
            assert "_auth_user_id" in password_only.session  # not logged out either

    def test_the_form_sends_a_typed_code_to_its_page(self, certificate):
        client = Client()
        assert client.get("/verifier/").status_code == 200
        typed = certificate.code.lower().replace("-", " ")
        response = client.get("/verifier/", {"code": typed})
        assert response["Location"] == f"/verifier/{certificate.code}/"

    def test_a_code_that_does_not_match_stays_in_the_form_to_be_corrected(self, certificate):
        """A typo in a 16-character code is fixed in place, not typed again from paper."""
        client = Client()
        typo = certificate.code[:-1]  # one character short: not even the shape of a code
        response = client.get("/verifier/", {"code": typo})
        assert response.status_code == 200
        html = main(response)
        assert "aucune attestation valable" in html
        assert f'value="{typo}"' in html
        assert "no-store" in response["Cache-Control"]
        unknown = services.new_code()
        html = main(client.get(f"/verifier/{unknown}/"))
        assert f'value="{unknown}"' in html  # a well-formed but unknown code: kept too


def test_the_certificate_names_a_psc_verified_holder_with_the_rpps(cast, certificate):
    from portal.psc import services as psc_services
    from portal.psc.claims import Identity

    url_pdf = url(cast, "certificate_pdf", certificate_id=certificate.public_id)
    assert "RPPS" not in pdf_text(cast.client("staff").get(url_pdf))
    psc_services.link(user=cast.staff, identity=Identity("810100000001", "Sophie", "Bernard", "60"))
    text = pdf_text(cast.client("staff").get(url_pdf))
    assert "RPPS 810100000001" in text
    assert "vérifiée par Pro Santé Connect" in text
