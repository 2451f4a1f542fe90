"""Pages of the space: my training, isolation of attempts and certificates, query budgets."""

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.training.conftest import take, url
from tests.training.sweep import attestation, passed_attempt


def test_my_training_lists_required_modules_with_progress_and_certificates(cast, modules):
    take(cast.practice, cast.staff, modules[2])
    client = cast.client("staff")
    client.post(url(cast, "start"), {"module": modules[5].key})
    attempt = modules[5].attempts.get()
    client.get(url(cast, "lesson", attempt_id=attempt.public_id, position=2))
    html = client.get(url(cast, "index")).content.decode()
    assert '<label for="progress-overall">Modules à jour : 1 sur 8</label>' in html
    assert '<progress id="progress-overall" value="1" max="8">' in html
    lessons = modules[5].lessons.count()
    assert f'<progress id="progress-sauvegardes" value="2" max="{lessons + 1}">' in html
    assert html.count("Reprendre<span") == 1 and html.count("Refaire<span") == 1
    assert html.count("Commencer<span") == 6
    assert str(modules[2].attempts.get().certificate.public_id) in html


def test_pages_render_in_english_when_chosen(cast, modules):
    client = cast.client("staff")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    html = client.get(url(cast, "index")).content.decode()
    assert "Social engineering" in html and "Ingénierie sociale" not in html


@pytest.mark.parametrize(
    "name, filler",
    [
        ("result", lambda p: {"attempt_id": passed_attempt(p).public_id}),
        ("certificate_pdf", lambda p: {"certificate_id": passed_attempt(p).certificate.public_id}),
        ("attestation_map", lambda p: {"attestation_id": attestation(p).public_id}),
        ("attestation_file", lambda p: {"attestation_id": attestation(p).public_id}),
    ],
)
def test_another_practices_objects_are_404_even_for_an_admin(cast, modules, name, filler):
    foreign = filler(cast.other_practice)
    assert cast.client("admin").get(url(cast, name, **foreign)).status_code == 404
    assert cast.client("admin").get(url(cast, name, **filler(cast.practice))).status_code != 404


def test_my_training_queries_do_not_grow_with_history(cast, modules):
    client = cast.client("staff")
    take(cast.practice, cast.staff, modules[1])
    client.get(url(cast, "index"))
    with CaptureQueriesContext(connection) as few:
        client.get(url(cast, "index"))
    for module in modules.values():
        take(cast.practice, cast.staff, module, wrong=3)
        take(cast.practice, cast.staff, module)
    client.post(url(cast, "start"), {"module": modules[3].key})
    with CaptureQueriesContext(connection) as many:
        client.get(url(cast, "index"))
    assert len(many.captured_queries) == len(few.captured_queries)


def test_the_quiz_and_result_pages_cost_the_same_for_any_module(cast, modules):
    client = cast.client("staff")
    costs = []
    for module in (modules[1], modules[4]):  # six and nine questions
        attempt = take(cast.practice, cast.staff, module, wrong=2)
        with CaptureQueriesContext(connection) as queries:
            client.get(url(cast, "result", attempt_id=attempt.public_id))
        costs.append(len(queries.captured_queries))
    assert costs[0] == costs[1]
