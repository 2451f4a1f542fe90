"""What a secretary meets on the way: after a failed quiz, the explanations, the retake, the
upload form, the matrix and the tables on a phone (found on a tour of the demo)."""

import re

from django.core.files.uploadedfile import SimpleUploadedFile

from tests.training.conftest import take, url
from tests.training.test_attestations import PDF, upload
from tests.training.test_validity import revise
from training import services
from training.models import Attempt, ExternalAttestation


def main(response) -> str:
    return re.search(r"<main.*</main>", response.content.decode(), re.S).group(0)


def module_item(html: str, title: str) -> str:
    """The <li> of one module on "Ma formation"."""
    return re.search(rf"<li>\s*<h3>\d\. {re.escape(title)}</h3>.*?</li>", html, re.S).group(0)


class TestAfterAFailedQuiz:
    def test_my_training_shows_the_last_score_the_explanations_and_a_retry(self, cast, modules):
        module = modules[3]
        failed = take(cast.practice, cast.staff, module, wrong=5)  # 1 / 6
        item = module_item(main(cast.client("staff").get(url(cast, "index"))), "Appareils nomades")
        assert "Dernier essai le " in item and " : 16 % (il faut 80 %)." in item
        assert url(cast, "result", attempt_id=failed.public_id) in item
        assert "Revoir les explications" in item
        assert "Réessayer<span" in item and "Commencer<span" not in item

    def test_a_pass_or_a_module_never_tried_shows_no_last_score(self, cast, modules):
        take(cast.practice, cast.staff, modules[1], wrong=5)
        take(cast.practice, cast.staff, modules[1])
        html = main(cast.client("staff").get(url(cast, "index")))
        assert "Dernier essai" not in html
        assert "Commencer<span" in module_item(html, "Sauvegardes")

    def test_an_attempt_left_open_on_an_older_version_is_not_offered_to_resume(
        self, cast, modules, tmp_path
    ):
        client = cast.client("staff")
        client.post(url(cast, "start"), {"module": modules[6].key})
        client.get(url(cast, "lesson", attempt_id=modules[6].attempts.get().public_id, position=2))
        revise(tmp_path, "ingenierie-sociale", "1.9")
        item = module_item(main(client.get(url(cast, "index"))), "Ingénierie sociale")
        assert "Reprendre<span" not in item and "<progress" not in item
        assert "Commencer<span" in item


class TestTheExplainedAnswers:
    def test_a_right_answer_is_labelled_once_as_yours_and_right(self, cast, modules):
        attempt = take(cast.practice, cast.staff, modules[1], wrong=1)
        html = main(cast.client("staff").get(url(cast, "result", attempt_id=attempt.public_id)))
        assert html.count("Votre réponse, la bonne :") == 5
        assert html.count("Votre réponse :") == 1 and html.count("Bonne réponse :") == 1
        assert not re.search(r"Votre réponse :</strong>\s*<strong>Bonne réponse", html)

    def test_retrying_from_the_explanations_goes_straight_to_the_new_quiz(self, cast, modules):
        client = cast.client("staff")
        failed = take(cast.practice, cast.staff, modules[1], wrong=4)
        html = main(client.get(url(cast, "result", attempt_id=failed.public_id)))
        assert '<input type="hidden" name="then" value="quiz">' in html
        response = client.post(url(cast, "start"), {"module": modules[1].key, "then": "quiz"})
        retake = Attempt.objects.get(finished_at=None)
        assert response["Location"] == url(cast, "quiz", attempt_id=retake.public_id)
        assert retake.shown != failed.shown
        # From "Ma formation", a module still starts with its lessons.
        again = client.post(url(cast, "start"), {"module": modules[1].key})
        assert again["Location"] == url(cast, "lesson", attempt_id=retake.public_id, position=1)


class TestUploadAfterAnError:
    def test_a_good_file_lost_by_the_browser_is_asked_for_again(self, cast, modules):
        response = upload(cast.client("staff"), cast, completed_on="2999-01-01")
        assert response.status_code == 200
        html = main(response)
        assert "La date de la formation ne peut pas être à venir." in html
        assert "choisissez-le de nouveau" in html
        assert 'value="SensCyber"' in html
        assert not ExternalAttestation.objects.exists()

    def test_no_such_note_when_the_file_itself_is_refused(self, cast, modules):
        response = cast.client("staff").post(
            url(cast, "attestations"),
            {
                "title": "SensCyber",
                "completed_on": "2026-03-10",
                "file": SimpleUploadedFile("notes.txt", b"hello"),
            },
        )
        html = main(response)
        assert "Seuls les fichiers PDF, PNG ou JPEG sont acceptés" in html
        assert "choisissez-le de nouveau" not in html


def test_the_matrix_says_when_a_module_counts_through_an_outside_course(cast, modules):
    upload(cast.client("staff"), cast, completed_on="2026-10-01", data=PDF)
    attestation = ExternalAttestation.objects.get()
    services.attestation_map(
        attestation=attestation,
        modules=[modules[5]],
        valid_until=attestation.valid_until,
        user=cast.admin,
    )
    html = main(cast.client("admin").get(url(cast, "team")))
    assert re.search(r"01/10/2027<br>formation externe</small>", html)
    assert html.count("formation externe") == 1


def test_every_table_of_the_space_scrolls_inside_its_own_box(cast, modules):
    """On a 390 px phone a wide table scrolls on its own; the page itself never does."""
    take(cast.practice, cast.staff, modules[1])
    upload(cast.client("staff"), cast)
    pages = [
        (cast.client("staff"), url(cast, "index")),
        (cast.client("admin"), url(cast, "attestations")),
        (cast.client("admin"), url(cast, "team")),
        (cast.client("admin"), url(cast, "requirements")),
        (cast.client("delegate"), url(cast, "index")),
    ]
    for client, path in pages:
        html = main(client.get(path))
        tables = html.count("<table")
        assert tables, path
        assert len(re.findall(r'<div class="overflow-auto">\s*<table', html)) == tables, path
