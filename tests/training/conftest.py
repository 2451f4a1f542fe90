from contextlib import nullcontext

import pytest
import time_machine
from django.urls import reverse

from training import content, services
from training.models import Module


@pytest.fixture
def modules(db):
    content.load()
    return {m.theme: m for m in Module.objects.all()}


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def url(cast, name, **kwargs):
    return reverse(f"training:{name}", kwargs={"practice_slug": cast.practice.slug, **kwargs})


def right_answers(module) -> dict[str, str]:
    return {q.key: q.choices.get(correct=True).key for q in module.questions.all()}


def answers_with(module, wrong: int) -> dict[str, str]:
    """The right answer everywhere except on the first ``wrong`` questions."""
    answers = {}
    for n, question in enumerate(module.questions.all()):
        answers[question.key] = question.choices.filter(correct=n >= wrong).first().key
    return answers


def take(practice, user, module, *, wrong=0, at=None):
    """Start and submit an attempt (at a given time, if any) through the services."""
    with time_machine.travel(at, tick=False) if at else nullcontext():
        attempt = services.attempt_start(practice=practice, user=user, module=module)
        return services.attempt_submit(attempt=attempt, answers=answers_with(module, wrong))
