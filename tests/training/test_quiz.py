"""Taking a module: lessons, then the quiz in the order the server kept, scoring, retakes."""

import re

import pytest

from portal.models import AuditEvent
from tests.training.conftest import answers_with, right_answers, take, url
from training import services
from training.models import Attempt, Certificate, Choice, Module, Question


def start(client, cast, module):
    response = client.post(url(cast, "start"), {"module": module.key})
    assert response.status_code == 302
    return Attempt.objects.filter(module=module).latest("started_at")


def quiz_post(attempt, answers):
    return {f"q-{key}": value for key, value in answers.items()}


def synthetic_module(questions=5) -> Module:
    """A module of ``questions`` two-answer questions (content rules do not apply here)."""
    module = Module.objects.create(
        key="essai", theme=8, title={"fr": "Essai"}, version="1.0", major_version=1
    )
    for n in range(questions):
        question = Question.objects.create(module=module, key=f"q{n}", position=n, text={})
        for rank, correct in enumerate((True, False)):
            Choice.objects.create(
                question=question,
                key=f"c{rank}",
                position=rank,
                text={},
                correct=correct,
                explanation={},
            )
    return module


class TestFlow:
    def test_lessons_then_quiz_then_result_with_every_explanation(self, cast, modules):
        client, module = cast.client("staff"), modules[1]
        attempt = start(client, cast, module)
        lessons = list(module.lessons.all())
        for position, lesson in enumerate(lessons, start=1):
            page = client.get(url(cast, "lesson", attempt_id=attempt.public_id, position=position))
            assert lesson.title["fr"].replace("'", "&#x27;") in page.content.decode()
        attempt.refresh_from_db()
        assert attempt.lesson_reached == len(lessons)
        assert "Passer au quiz" in page.content.decode()
        response = client.post(
            url(cast, "quiz", attempt_id=attempt.public_id),
            quiz_post(attempt, right_answers(module)),
        )
        assert response.status_code == 302
        assert response["Location"] == url(cast, "result", attempt_id=attempt.public_id)
        attempt.refresh_from_db()
        assert (attempt.score, attempt.correct, attempt.total, attempt.passed) == (100, 6, 6, True)
        html = client.get(response["Location"]).content.decode()
        for choice in Choice.objects.filter(question__module=module):
            assert choice.explanation["fr"].replace("'", "&#x27;") in html
        assert Certificate.objects.filter(attempt=attempt).exists()
        event = AuditEvent.objects.get(action="training.attempt")
        assert (event.actor, event.practice) == (cast.staff, cast.practice)
        assert event.changes["score"] == [None, 100]

    def test_the_quiz_shows_questions_and_answers_in_the_order_kept_by_the_server(
        self, cast, modules
    ):
        client, module = cast.client("staff"), modules[4]
        attempt = start(client, cast, module)
        html = client.get(url(cast, "quiz", attempt_id=attempt.public_id)).content.decode()
        shown_questions = re.findall(r'name="q-([\w-]+)" value="([\w-]+)"', html)
        expected = [(i["question"], c) for i in attempt.shown for c in i["choices"]]
        assert shown_questions == expected

    def test_a_missing_answer_keeps_what_was_ticked(self, cast, modules):
        client, module = cast.client("staff"), modules[1]
        attempt = start(client, cast, module)
        answers = right_answers(module)
        skipped = attempt.shown[0]["question"]
        kept = attempt.shown[1]["question"]
        del answers[skipped]
        response = client.post(
            url(cast, "quiz", attempt_id=attempt.public_id), quiz_post(attempt, answers)
        )
        html = response.content.decode()
        assert response.status_code == 200
        assert "Choisissez une réponse." in html
        assert re.search(rf'name="q-{kept}" value="{answers[kept]}"[^>]*checked', html)
        attempt.refresh_from_db()
        assert not attempt.finished

    def test_an_answer_that_was_not_offered_is_refused(self, cast, modules):
        client, module = cast.client("staff"), modules[1]
        attempt = start(client, cast, module)
        answers = right_answers(module)
        answers[attempt.shown[0]["question"]] = "inventee"
        response = client.post(
            url(cast, "quiz", attempt_id=attempt.public_id), quiz_post(attempt, answers)
        )
        assert response.status_code == 200
        attempt.refresh_from_db()
        assert not attempt.finished

    def test_a_finished_attempt_is_never_scored_again(self, cast, modules):
        client, module = cast.client("staff"), modules[1]
        attempt = start(client, cast, module)
        quiz = url(cast, "quiz", attempt_id=attempt.public_id)
        client.post(quiz, quiz_post(attempt, answers_with(module, 3)))
        again = client.post(quiz, quiz_post(attempt, right_answers(module)))
        assert again["Location"] == url(cast, "result", attempt_id=attempt.public_id)
        attempt.refresh_from_db()
        assert (attempt.score, attempt.passed) == (50, False)
        assert AuditEvent.objects.filter(action="training.attempt").count() == 1

    def test_an_open_attempt_is_resumed_not_duplicated(self, cast, modules):
        client = cast.client("staff")
        first = start(client, cast, modules[2])
        second = start(client, cast, modules[2])
        assert first == second
        assert Attempt.objects.count() == 1

    def test_unknown_module_is_404(self, cast, modules):
        assert cast.client("staff").post(url(cast, "start"), {"module": "nope"}).status_code == 404


class TestScoring:
    def test_pass_mark_is_80_percent_inclusive(self, cast, db):
        module = synthetic_module(questions=5)
        passed = take(cast.practice, cast.staff, module, wrong=1)  # 4 / 5 = 80 %
        failed = take(cast.practice, cast.staff, module, wrong=2)  # 3 / 5 = 60 %
        assert (passed.score, passed.passed) == (80, True)
        assert (failed.score, failed.passed) == (60, False)
        assert passed.expires_at is not None and failed.expires_at is None
        assert Certificate.objects.filter(attempt=failed).exists() is False

    def test_scores_are_rounded_down_and_the_mark_compared_exactly(self, cast, modules):
        module = modules[4]  # nine questions
        assert module.questions.count() == 9
        attempt = take(cast.practice, cast.staff, module, wrong=2)  # 7 / 9 = 77.8 %
        assert (attempt.score, attempt.passed) == (77, False)
        assert services.score_of(79, 100) == 79 and services.score_of(2, 3) == 66

    def test_the_pass_mark_is_set_per_module(self, cast, db):
        module = synthetic_module(questions=5)
        Module.objects.filter(pk=module.pk).update(pass_mark=100)
        module.refresh_from_db()
        assert take(cast.practice, cast.staff, module, wrong=1).passed is False
        assert take(cast.practice, cast.staff, module, wrong=0).passed is True


class TestRetake:
    def test_a_retake_reshuffles_and_the_new_order_is_kept(self, cast, modules):
        client, module = cast.client("staff"), modules[4]
        first = take(cast.practice, cast.staff, module, wrong=4)
        assert not first.passed
        retake = start(client, cast, module)
        assert retake != first
        assert retake.shown != first.shown
        assert sorted(i["question"] for i in retake.shown) == sorted(
            i["question"] for i in first.shown
        )
        html = client.get(url(cast, "quiz", attempt_id=retake.public_id)).content.decode()
        order = list(dict.fromkeys(re.findall(r'name="q-([\w-]+)"', html)))
        assert order == [i["question"] for i in retake.shown]

    def test_the_last_order_is_never_served_twice(self, modules):
        class Identity:
            def shuffle(self, items):  # an unlucky draw: content order every time
                pass

        module = modules[1]
        previous = services.shuffled(module, None, Identity())
        again = services.shuffled(module, previous, Identity())
        assert again != previous
        assert [i["question"] for i in again] == [i["question"] for i in previous]

    def test_a_pass_can_be_retaken_and_the_best_validity_counts(self, cast, modules):
        first = take(cast.practice, cast.staff, modules[1])
        second = take(cast.practice, cast.staff, modules[1], wrong=5)
        assert first.passed and not second.passed
        assert Attempt.objects.filter(module=modules[1]).count() == 2


class TestWhoMayTake:
    def test_a_delegate_never_starts_a_module(self, cast, modules):
        response = cast.client("delegate").post(url(cast, "start"), {"module": modules[1].key})
        assert response.status_code == 403
        assert not Attempt.objects.exists()

    @pytest.mark.parametrize("page", ["lesson", "quiz", "result"])
    def test_another_members_attempt_is_404_even_for_the_admin(self, cast, modules, page):
        attempt = take(cast.practice, cast.staff, modules[1])
        kwargs = {"attempt_id": attempt.public_id}
        if page == "lesson":
            kwargs["position"] = 1
        assert cast.client("admin").get(url(cast, page, **kwargs)).status_code == 404

    def test_a_lesson_number_out_of_range_is_404(self, cast, modules):
        client = cast.client("staff")
        attempt = start(client, cast, modules[1])
        assert (
            client.get(url(cast, "lesson", attempt_id=attempt.public_id, position=99)).status_code
            == 404
        )


def test_the_failure_page_does_not_give_the_right_answers_away(cast, modules):
    """A failed attempt: each missed question is marked « À revoir » with the explanation
    of the answer given; no right option of a missed question, no « Bonne réponse »."""
    module = modules[1]
    attempt = take(cast.practice, cast.staff, module, wrong=4)
    assert attempt.passed is False
    html = cast.client("staff").get(url(cast, "result", attempt_id=attempt.public_id))
    html = html.content.decode()
    assert "Bonne réponse" not in html and "Les réponses expliquées" not in html
    missed = [
        question
        for question in module.questions.all()
        if attempt.answered[question.key] != question.choices.get(correct=True).key
    ]
    assert len(missed) == 4 and html.count("À revoir") == 4
    for question in missed:
        right = question.choices.get(correct=True)
        chosen = question.choices.get(key=attempt.answered[question.key])
        assert right.text["fr"].replace("'", "&#x27;") not in html, question.key
        assert right.explanation["fr"].replace("'", "&#x27;") not in html, question.key
        assert chosen.explanation["fr"].replace("'", "&#x27;") in html
    # Once passed, the whole explained review comes back.
    passed = take(cast.practice, cast.staff, module)
    html = cast.client("staff").get(url(cast, "result", attempt_id=passed.public_id))
    assert "Les réponses expliquées" in html.content.decode()
