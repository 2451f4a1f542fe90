"""Bulk loading with PostgreSQL's COPY, row values given by model field name.

A field left out of a row gets its model default (``uuid4`` for public ids, ``now`` for
``auto_now`` dates), so a seeder names only what it cares about and a column added later
by a space does not break the benchmark as long as it has a default or is nullable.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import connection, models
from django.utils import timezone


def _columns(model: type[models.Model]) -> list[models.Field]:
    return [f for f in model._meta.concrete_fields if not f.primary_key or f.name != "id"]


def copy_rows(model: type[models.Model], rows: Iterable[dict]) -> int:
    """COPY ``rows`` (dicts of field name → value) into ``model``'s table; returns the count."""
    fields = _columns(model)
    now = timezone.now()
    names = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    sql = f"COPY {connection.ops.quote_name(model._meta.db_table)} ({names}) FROM STDIN"
    count = 0
    with connection.cursor() as cursor, cursor.cursor.copy(sql) as copy:
        for row in rows:
            values = []
            for field in fields:
                key = field.attname if field.attname in row else field.name
                if key in row:
                    value = row[key]
                elif getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
                    value = now
                else:
                    value = field.get_default()
                values.append(field.get_db_prep_save(value, connection))
            copy.write_row(values)
            count += 1
    return count


def ids(model: type[models.Model], key: str, **filters) -> dict:
    """``{key value: id}`` for the rows just loaded."""
    return dict(model._base_manager.filter(**filters).values_list(key, "id"))
