"""Load the shipped training modules (content/modules/*.yaml), idempotently.

One file per module. Each module has a ``version`` "major.minor": any edit bumps the
minor number; a new major number means the content changed enough that earlier passes
require retraining (see ``training.validity``). Lessons, questions and choices are
upserted by key; those no longer in the file are removed.

Questions name the seed bullets they cover in a ``seed`` list, like the checklist items
(ids in content/seed_bullets.yaml); ``manage.py seed_coverage`` reports the coverage.
"""

from __future__ import annotations

from pathlib import Path

import yaml
from django.db import transaction

from portal import sources
from training.models import Choice, Lesson, Module, Question, TrainingReminder

CONTENT_DIR = Path(__file__).resolve().parent / "content"
MODULES_DIR = CONTENT_DIR / "modules"
BULLETS = CONTENT_DIR / "seed_bullets.yaml"
LANGUAGES = ("fr", "en")


class ContentError(ValueError):
    """A content file breaks the rules below; the message names the file and the place."""


# libyaml when present: the pure-Python loader takes most of a load's time.
Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _read(path: Path):
    return yaml.load(path.read_text(encoding="utf-8"), Loader=Loader)  # noqa: S506 - safe loader


def bullets(path: Path = BULLETS) -> list[dict]:
    return _read(path)["bullets"]


def modules_data(directory: Path = MODULES_DIR) -> list[dict]:
    """Every module file, checked, in theme order."""
    entries = []
    for path in sorted(directory.glob("*.yaml")):
        entry = _read(path)
        check_module(entry, path.name)
        entries.append(entry)
    themes = [e["theme"] for e in entries]
    if len(set(themes)) != len(themes):
        raise ContentError(f"{directory}: two modules share a theme number")
    return sorted(entries, key=lambda e: e["theme"])


def _texts(value, where: str) -> None:
    if not isinstance(value, dict) or any(not str(value.get(k, "")).strip() for k in LANGUAGES):
        raise ContentError(f"{where}: needs a non-empty text in each of {LANGUAGES}")


def _keys(items: list[dict], where: str) -> None:
    keys = [i["key"] for i in items]
    if len(set(keys)) != len(keys):
        raise ContentError(f"{where}: duplicate keys")


def check_module(entry: dict, where: str) -> None:
    """3 to 6 lessons, 6 questions or more, one right answer each, an explanation for all."""
    if not 1 <= entry.get("theme", 0) <= 8:
        raise ContentError(f"{where}: theme must be 1 to 8")
    major, _dot, _minor = str(entry["version"]).partition(".")
    if not major.isdigit():
        raise ContentError(f"{where}: version must read 'major.minor'")
    _texts(entry["title"], f"{where} title")
    if not 3 <= len(entry["lessons"]) <= 6:
        raise ContentError(f"{where}: 3 to 6 lessons")
    if len(entry["questions"]) < 6:
        raise ContentError(f"{where}: at least 6 questions")
    _keys(entry["lessons"], f"{where} lessons")
    _keys(entry["questions"], f"{where} questions")
    for lesson in entry["lessons"]:
        _texts(lesson["title"], f"{where} {lesson['key']} title")
        _texts(lesson["body"], f"{where} {lesson['key']} body")
    for question in entry["questions"]:
        place = f"{where} {question['key']}"
        _texts(question["text"], place)
        _keys(question["choices"], place)
        if sum(bool(c.get("correct")) for c in question["choices"]) != 1:
            raise ContentError(f"{place}: exactly one right answer")
        if len(question["choices"]) < 2:
            raise ContentError(f"{place}: at least two answers")
        for choice in question["choices"]:
            _texts(choice["text"], f"{place} {choice['key']}")
            _texts(choice["explanation"], f"{place} {choice['key']} explanation")


def major_of(version: str) -> int:
    return int(str(version).partition(".")[0])


def _sync(model, parent: dict, wanted: list[tuple[str, dict]]) -> tuple[dict, bool]:
    """Make ``model`` rows under ``parent`` match ``wanted`` ``[(key, fields)]``.

    Missing rows are created in one query, changed ones updated, absent ones deleted.
    Returns ({key: row}, changed?).
    """
    rows = {row.key: row for row in model.objects.filter(**parent)}
    changed = False
    new = []
    for key, fields in wanted:
        row = rows.get(key)
        if row is None:
            new.append(model(key=key, **parent, **fields))
            continue
        differs = {k: v for k, v in fields.items() if getattr(row, k) != v}
        if differs:
            model.objects.filter(pk=row.pk).update(**differs)
            changed = True
    if new:
        for row in model.objects.bulk_create(new):
            rows[row.key] = row
        changed = True
    gone = set(rows) - {key for key, _fields in wanted}
    if gone:
        model.objects.filter(**parent, key__in=gone).delete()
        changed = True
    return {key: rows[key] for key, _fields in wanted}, changed


def _load_module(entry: dict) -> tuple[bool, bool]:
    fields = {
        "theme": entry["theme"],
        "title": entry["title"],
        "summary": entry.get("summary", {}),
        "version": str(entry["version"]),
        "major_version": major_of(entry["version"]),
        "validity_months": entry.get("validity_months", 12),
        "pass_mark": entry.get("pass_mark", 80),
    }
    module, created = Module.objects.get_or_create(key=entry["key"], defaults=fields)
    differs = {k: v for k, v in fields.items() if getattr(module, k) != v}
    if differs:
        Module.objects.filter(pk=module.pk).update(**differs)
    if created or {"major_version", "validity_months"} & set(differs):
        TrainingReminder.reset()  # every member's standing may change: read them all again
    lessons = [
        (
            item["key"],
            {
                "position": n,
                "title": item["title"],
                "body": item["body"],
                "sources": sources.plain(item),
            },
        )
        for n, item in enumerate(entry["lessons"], start=1)
    ]
    _rows, lessons_changed = _sync(Lesson, {"module": module}, lessons)
    questions = [
        (
            item["key"],
            {
                "position": n,
                "text": item["text"],
                "seed": item.get("seed", []),
                "sources": sources.plain(item),
            },
        )
        for n, item in enumerate(entry["questions"], start=1)
    ]
    rows, questions_changed = _sync(Question, {"module": module}, questions)
    choices_changed = False
    for item in entry["questions"]:
        choices = [
            (
                choice["key"],
                {
                    "position": rank,
                    "text": choice["text"],
                    "correct": bool(choice.get("correct")),
                    "explanation": choice["explanation"],
                },
            )
            for rank, choice in enumerate(item["choices"], start=1)
        ]
        choices_changed |= _sync(Choice, {"question": rows[item["key"]]}, choices)[1]
    changed = bool(differs) or lessons_changed or questions_changed or choices_changed
    return created, changed and not created


@transaction.atomic
def load(directory: Path = MODULES_DIR) -> str:
    """Upsert every module of ``directory``; returns "N created, M updated"."""
    created = updated = 0
    entries = modules_data(directory)
    # A module key is forever (attempts point to it): a theme taken by another key is an error.
    keys = [e["key"] for e in entries]
    taken = Module.objects.exclude(key__in=keys).filter(theme__in=[e["theme"] for e in entries])
    if taken.exists():
        raise ContentError(f"themes already used by other module keys: {list(taken)}")
    for entry in entries:
        was_created, was_updated = _load_module(entry)
        created += was_created
        updated += was_updated
    return f"{created} created, {updated} updated"


def seed_coverage(directory: Path = MODULES_DIR) -> dict[str, list[str]]:
    """Seed bullet id → "module title — question" (French) of the questions covering it."""
    coverage: dict[str, list[str]] = {}
    for entry in modules_data(directory):
        for question in entry["questions"]:
            for bullet in question.get("seed", []):
                label = f"{entry['title']['fr']} — {question['text']['fr']}"
                coverage.setdefault(bullet, []).append(label)
    return coverage


def statements(directory: Path = MODULES_DIR) -> list[sources.Statement]:
    """Every lesson and question that states a rule, with its sources (French text), for
    ``manage.py content_sources``: one whose text reads as a legal statement needs one."""
    found = []
    for entry in modules_data(directory):
        where = f"training/content/modules {entry['key']} v{entry['version']}"
        for lesson in entry["lessons"]:
            text = f"{lesson['title']['fr']} — {lesson['body']['fr']}"
            if lesson.get("sources") or sources.LEGAL.search(text):
                found.append(
                    sources.Statement(
                        where=f"{where} écran {lesson['key']}",
                        text=lesson["title"]["fr"],
                        sources=sources.parse(lesson),
                    )
                )
        for question in entry["questions"]:
            text = " ".join(
                [question["text"]["fr"]]
                + [f"{c['text']['fr']} {c['explanation']['fr']}" for c in question["choices"]]
            )
            if question.get("sources") or sources.LEGAL.search(text):
                found.append(
                    sources.Statement(
                        where=f"{where} question {question['key']}",
                        text=question["text"]["fr"],
                        sources=sources.parse(question),
                    )
                )
    return found
