"""A query whose shape never changes, compiled to SQL once per process.

Django builds and compiles a queryset on every call: cloning each filter and annotation
and turning them into SQL. For a query of many subqueries on a hot path (the diary's Save
reads its inputs in one: alerts.care.evaluation.save_reads) that costs several
milliseconds of Python per request, more than PostgreSQL takes to answer it. Prepared
builds the queryset once, with stand-in values that no real query holds, finds where
each stand-in went among the compiled parameters, and from then on runs the same SQL
with the real values in those places. The ORM stays the one definition of the query.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from django.db import connection
from django.db.models import QuerySet


class Prepared:
    """`build(**values)` returns the queryset (a `.values(...)` one) for some values;
    `stand_ins` gives, for each name, a value that no real call passes and that no
    constant of the query equals. `rows(**values)` runs the compiled SQL with the real
    values: the rows as tuples, in the order of the queryset's values()."""

    def __init__(self, build: Callable[..., QuerySet], **stand_ins: Any) -> None:
        self.build = build
        self.stand_ins = stand_ins
        self._compiled: tuple[str, list[tuple[str | None, Any]]] | None = None
        self._lock = threading.Lock()

    def compiled(self) -> tuple[str, list[tuple[str | None, Any]]]:
        """The SQL, and for each parameter the name whose value goes there (None: a
        constant of the query, kept)."""
        with self._lock:
            if self._compiled is None:
                queryset = self.build(**self.stand_ins)
                sql, params = queryset.query.get_compiler(connection=connection).as_sql()
                names = {_key(value): name for name, value in self.stand_ins.items()}
                places = [(names.get(_key(value)), value) for value in params]
                missing = set(self.stand_ins) - {name for name, _value in places}
                if missing:  # a value the query inlined, or never used: not preparable
                    raise ValueError(f"not among the query's parameters: {sorted(missing)}")
                self._compiled = (sql, places)
        return self._compiled

    def rows(self, **values: Any) -> list[tuple]:
        if set(values) != set(self.stand_ins):
            raise TypeError(f"expected the values {sorted(self.stand_ins)}")
        sql, places = self.compiled()
        params = [_as(value, values[name]) if name else value for name, value in places]
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall()


def _key(value: Any) -> tuple[bool, Any] | None:
    """Equal for equal values, True apart from 1 (a stand-in 1 Django passes on as psycopg's
    Int4(1) is the same); None for a value that cannot be a stand-in (a list)."""
    try:
        hash(value)
    except TypeError:
        return None
    return (isinstance(value, bool), value)


def _as(stand_in: Any, value: Any) -> Any:
    """`value` in the type Django gave the stand-in: an integer the ORM typed for its
    column (psycopg's Int2, Int4) stays so typed."""
    kind = type(stand_in)
    if isinstance(stand_in, int) and not isinstance(stand_in, bool) and kind is not type(value):
        return kind(value)
    return value
