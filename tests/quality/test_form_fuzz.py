"""Form fuzzing: whatever is posted to the main forms, no server error and nothing half-saved.

Every target of ``fuzz_targets.TARGETS`` gets two tests:

* random input (hypothesis), either built from the form's fields, or a valid submission
  with one field replaced or dropped, or a valid submission whose model choices take the
  keys of any rows (another practice's included): never a 5xx; when the form is refused
  (no redirect) not one row of Vigie's tables changed; when it is accepted, the target's
  invariant holds (for instance: an incident links only its own practice's entries);
* a valid submission whose n-th database write fails, for every n: the error reaches the
  caller and none of the earlier writes is kept (the request is one transaction).
"""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime

import pytest
from django import forms
from django.apps import apps
from django.db import DatabaseError, connection, transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.quality.fuzz_targets import TARGETS

EXAMPLES = 60
OUR_APPS = {
    "portal",
    "practices",
    "checklists",
    "registry",
    "incidents",
    "training",
    "documents",
    "account",
}
JUNK = st.text(st.characters(exclude_categories=("Cs",)), max_size=300)


def tracked_models():
    return [m for m in apps.get_models() if m._meta.app_label in OUR_APPS]


def snapshot() -> dict[str, list]:
    """Every row of Vigie's tables (the test data is small)."""
    return {
        model._meta.label: list(model._base_manager.order_by("pk").values_list())
        for model in tracked_models()
    }


def _choices(form_field) -> list[str]:
    """The offered values; for a model choice, every row's key, other practices' included."""
    if isinstance(form_field, forms.ModelChoiceField):  # ModelMultipleChoiceField too
        key = form_field.to_field_name or "pk"
        rows = form_field.queryset.model._base_manager.values_list(key, flat=True)
        return [str(value) for value in rows[:50]]
    return [str(value) for value, _label in form_field.choices if str(value) != ""]


def field_strategy(form_field) -> st.SearchStrategy:
    """Plausible and implausible values for one field, as a browser would post them."""
    if isinstance(form_field, forms.MultipleChoiceField | forms.ModelMultipleChoiceField):
        values = _choices(form_field)
        one = st.one_of(st.sampled_from(values), JUNK) if values else JUNK
        return st.lists(one, max_size=4)
    if hasattr(form_field, "choices"):
        return st.one_of(st.sampled_from(["", *_choices(form_field)]), JUNK)
    if isinstance(form_field, forms.BooleanField):
        return st.sampled_from(["on", "true", "false", "", "0"])
    if isinstance(form_field, forms.DateTimeField):
        moments = st.datetimes(min_value=datetime(1000, 1, 1), max_value=datetime(2200, 1, 1))
        return st.one_of(moments.map(lambda d: d.strftime("%Y-%m-%dT%H:%M")), JUNK)
    if isinstance(form_field, forms.DateField):
        return st.one_of(st.dates(min_value=date(1000, 1, 1)).map(date.isoformat), JUNK)
    if isinstance(form_field, forms.IntegerField):
        return st.one_of(st.integers().map(str), JUNK)
    if isinstance(form_field, forms.EmailField):
        return st.one_of(st.emails(), JUNK)
    return st.one_of(JUNK, st.text(max_size=5000))


def payloads(target, cast) -> st.SearchStrategy:
    fixed = target.fixed(cast)
    prefix = target.prefix.format(**fixed)

    def name(field_name):
        return f"{prefix}-{field_name}" if prefix else field_name

    fields = {name(n): field_strategy(f) for n, f in target.form().base_fields.items()}
    valid = {name(n): v for n, v in target.valid(cast).items()}
    random = st.fixed_dictionaries({}, optional=fields)

    @st.composite
    def one_field_off(draw):
        data = dict(valid)
        key = draw(st.sampled_from(sorted(fields)))
        if draw(st.booleans()):
            data[key] = draw(fields[key])
        else:
            data.pop(key, None)
        return data

    # Valid, except that every model choice takes any row's key, another practice's too.
    keys = {}
    for n, f in target.form().base_fields.items():
        values = _choices(f) if isinstance(f, forms.ModelChoiceField) else []
        if values and isinstance(f, forms.ModelMultipleChoiceField):
            keys[name(n)] = st.lists(st.sampled_from(values), min_size=1, max_size=3)
        elif values:
            keys[name(n)] = st.sampled_from(values)
    strategies = [random, one_field_off()]
    if keys:
        strategies.append(st.fixed_dictionaries(keys).map(lambda ids: {**valid, **ids}))
    return st.one_of(strategies).map(lambda data: {**data, **fixed})


@pytest.mark.parametrize("target", TARGETS, ids=lambda t: t.name)
def test_any_input_gets_an_answer_and_a_refused_form_saves_nothing(cast, target):
    client = cast.client(target.role)
    path = target.path(cast)
    statuses = Counter()

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(data=payloads(target, cast))
    def post(data):
        with transaction.atomic():  # each example starts from the same database
            before = snapshot()
            response = client.post(path, data)
            assert response.status_code < 500
            if response.status_code != 302:
                assert snapshot() == before, f"refused ({response.status_code}) yet saved"
            else:
                target.invariant(cast)
            statuses[response.status_code] += 1
            transaction.set_rollback(True)

    post()
    assert statuses[200] + statuses[400] > 0, statuses  # refused input was re-rendered


class InjectedFault(DatabaseError):
    pass


def _is_write(sql: str) -> bool:
    tables = {model._meta.db_table for model in tracked_models()}
    statement = sql.lstrip().split(None, 1)[0].upper()
    return statement in {"INSERT", "UPDATE", "DELETE"} and any(t in sql for t in tables)


def writes_of(client, path, data) -> tuple[int, list[str]]:
    """The status and the writes to Vigie's tables of one submission, then rolled back."""
    writes = []

    def record(execute, sql, params, many, context):
        if _is_write(sql):
            writes.append(sql)
        return execute(sql, params, many, context)

    with transaction.atomic():
        with connection.execute_wrapper(record):
            response = client.post(path, data)
        transaction.set_rollback(True)
    return response.status_code, writes


def failing_at(index: int):
    seen = []

    def wrapper(execute, sql, params, many, context):
        if _is_write(sql):
            seen.append(sql)
            if len(seen) == index + 1:
                raise InjectedFault(f"write #{index + 1} fails: {sql[:60]}")
        return execute(sql, params, many, context)

    return wrapper


@pytest.mark.parametrize("target", TARGETS, ids=lambda t: t.name)
def test_a_valid_submission_that_fails_half_way_keeps_none_of_its_writes(cast, target):
    client = cast.client(target.role)
    path = target.path(cast)
    fixed = target.fixed(cast)
    prefix = target.prefix.format(**fixed)
    data = {(f"{prefix}-{k}" if prefix else k): v for k, v in target.valid(cast).items()}
    data.update(fixed)

    status, writes = writes_of(client, path, data)
    assert status == 302  # the submission is valid: it is accepted
    assert len(writes) >= 2  # the record itself and its audit event, at least

    for index in range(len(writes)):
        before = snapshot()
        with connection.execute_wrapper(failing_at(index)), pytest.raises(InjectedFault):
            client.post(path, data)
        assert snapshot() == before, f"write #{index + 1} failed, earlier writes were kept"
