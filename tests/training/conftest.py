import pytest

from training import content
from training.models import Module


@pytest.fixture
def modules(db):
    content.load()
    return {m.theme: m for m in Module.objects.all()}


def right_answers(module) -> dict[str, str]:
    return {q.key: q.choices.get(correct=True).key for q in module.questions.all()}


def answers_with(module, wrong: int) -> dict[str, str]:
    """The right answer everywhere but on ``wrong`` questions (in content order)."""
    answers = {}
    for n, question in enumerate(module.questions.all()):
        choice = question.choices.filter(correct=n >= wrong).first()
        answers[question.key] = choice.key
    return answers
