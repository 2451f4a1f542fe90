"""Bulk loading with PostgreSQL's COPY, row values given by model field name.

A field left out of a row gets its model default (``uuid4`` for public ids, ``now`` for
``auto_now`` dates), so a seeder names only what it cares about and a column added later
by a space does not break the benchmark as long as it has a default or is nullable.
"""

from __future__ import annotations

import json
from collections.abc import Iterable

from django.db import connection, models
from django.utils import timezone


def _columns(model: type[models.Model]) -> list[models.Field]:
    return [f for f in model._meta.concrete_fields if not f.primary_key or f.name != "id"]


def _converter(field: models.Field):
    """How a Python value reaches COPY: psycopg adapts plain values, JSON goes as text."""
    if isinstance(field, models.JSONField):
        return lambda value: None if value is None else json.dumps(value)
    return lambda value: value


def copy_rows(model: type[models.Model], rows: Iterable[dict]) -> int:
    """COPY ``rows`` (dicts of field name → value) into ``model``'s table; returns the count."""
    fields = _columns(model)
    now = timezone.now()
    plan = []
    for field in fields:
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            default = lambda now=now: now  # noqa: E731
        else:
            default = field.get_default
        plan.append((field.attname, field.name, default, _converter(field)))
    names = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    sql = f"COPY {connection.ops.quote_name(model._meta.db_table)} ({names}) FROM STDIN"
    count = 0
    with connection.cursor() as cursor, cursor.cursor.copy(sql) as copy:
        for row in rows:
            values = []
            for attname, name, default, convert in plan:
                if attname in row:
                    value = row[attname]
                elif name in row:
                    value = row[name]
                else:
                    value = default()
                values.append(convert(value))
            copy.write_row(values)
            count += 1
    return count


def ids(model: type[models.Model], key: str, **filters) -> dict:
    """``{key value: id}`` for the rows just loaded."""
    return dict(model._base_manager.filter(**filters).values_list(key, "id"))
