"""A query whose shape never changes, compiled to SQL once per process.

Django builds and compiles a queryset on every call: cloning each filter and annotation
and turning them into SQL. For a query of many subqueries on a hot path (the diary's Save
reads its inputs in one: alerts.care.evaluation.save_reads) that costs several
milliseconds of Python per request, more than PostgreSQL takes to answer it. Prepared
builds the queryset twice, with two sets of stand-in values that no real query holds,
and keeps the SQL only when both compile to the same text and their parameters differ
exactly where the stand-ins went: from then on it runs that SQL with the real values in
those places. The ORM stays the one definition of the query.

What it does not do, so a query that needs it is not for Prepared: database converters
(a JSON column comes as its text), None as a value (SQL's `= NULL` is never true), and
anything the ORM reads from the moment it compiles (the current time zone, the active
language) is frozen at the first call.

PreparedObjects is the same for a query of model instances (its select_related included):
the rows go through the compiler's converters and the ORM's own row-to-object code, so a
JSON column is read as the ORM reads it. The compiler kept for that holds the database
connection of the thread that compiled it; converters only read its features, and each
query runs on the calling thread's own connection. PreparedUpdate is an UPDATE of one
table, as `QuerySet.update()` makes it.

A query that locks its rows (`select_for_update`) runs only inside a transaction. Django
checks that when it compiles the query, so a prepared one checks it on every call.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable
from typing import Any, Self

from django.db import connections, router, transaction
from django.db.models import Model, QuerySet
from django.db.models.query import ModelIterable, get_related_populators
from django.db.models.sql import Query, UpdateQuery
from django.db.transaction import TransactionManagementError

# Two ids no row has (near the top of PostgreSQL's integer range): the stand-ins of a
# query keyed by an id (Prepared.keyed).
ID_STAND_INS = (2_147_483_001, 2_147_483_002)


class Prepared:
    """`build(**values)` returns the queryset (a `.values(...)` one) for some values;
    `stand_ins` and `other_stand_ins` give, for each name, a value no real call passes,
    different between the two sets and of the real values' type. `rows(**values)` runs
    the compiled SQL with the real values: the rows as tuples, in the order of the
    queryset's values()."""

    @classmethod
    def keyed(cls, name: str, build: Callable[..., QuerySet]) -> Self:
        """A query of one id, passed as `name`, with ID_STAND_INS as its stand-ins."""
        first, second = ID_STAND_INS
        return cls(build, {name: first}, {name: second})

    def __init__(
        self,
        build: Callable[..., QuerySet],
        stand_ins: dict[str, Any],
        other_stand_ins: dict[str, Any],
    ) -> None:
        if set(stand_ins) != set(other_stand_ins):
            raise ValueError("the two sets of stand-ins name different values")
        if any(stand_ins[name] == other_stand_ins[name] for name in stand_ins):
            raise ValueError("each value needs two different stand-ins")
        self.build = build
        self.stand_ins, self.other_stand_ins = stand_ins, other_stand_ins
        self._compiled: tuple[str, str, list[tuple[str | None, Any]]] | None = None
        self._compiler = None  # the first build's, after it made the SQL
        self._locks_rows = False  # SELECT ... FOR UPDATE: only inside a transaction
        self._lock = threading.Lock()

    def compiled(self) -> tuple[str, str, list[tuple[str | None, Any]]]:
        """The database alias, the SQL, and for each parameter the name whose value goes
        there (None: a constant of the query, kept as compiled)."""
        with self._lock:
            if self._compiled is None:
                self._compiled = self._compile()
        return self._compiled

    def _compile(self) -> tuple[str, str, list[tuple[str | None, Any]]]:
        db, query = self._query(self.build(**self.stand_ins))
        other_db, other_query = self._query(self.build(**self.other_stand_ins))
        compiler = query.get_compiler(using=db)
        sql, params = compiler.as_sql()
        other_sql, other_params = other_query.get_compiler(using=other_db).as_sql()
        if sql != other_sql or len(params) != len(other_params):
            raise ValueError("the query's shape depends on its values: not preparable")
        places: list[tuple[str | None, Any]] = []
        for first, second in zip(params, other_params, strict=True):
            if first == second:
                places.append((None, first))  # a constant of the query
                continue
            names = [
                name
                for name, value in self.stand_ins.items()
                if _same(first, value) and _same(second, self.other_stand_ins[name])
            ]
            if len(names) != 1:
                raise ValueError(f"a parameter that is neither a constant nor a value: {first!r}")
            places.append((names[0], first))
        missing = set(self.stand_ins) - {name for name, _value in places}
        if missing:  # a value the ORM folded into the SQL, or never used
            raise ValueError(f"not among the query's parameters: {sorted(missing)}")
        self._compiler = compiler
        self._locks_rows = bool(getattr(query, "select_for_update", False))
        return db, sql, places

    def _query(self, built: Any) -> tuple[str, Query]:
        """The database and the query to compile, from what `build` returned."""
        return built.db, built.query

    def _params(self, values: dict[str, Any]) -> tuple[str, str, list[Any]]:
        """The database, the SQL and its parameters for these values."""
        if set(values) != set(self.stand_ins):
            raise TypeError(f"expected the values {sorted(self.stand_ins)}")
        if any(value is None for value in values.values()):
            raise TypeError("None is not a value Prepared can pass (SQL's = NULL)")
        alias, sql, places = self.compiled()
        return alias, sql, [_as(value, values[name]) if name else value for name, value in places]

    def rows(self, **values: Any) -> list[tuple]:
        alias, sql, params = self._params(values)
        if self._locks_rows and connections[alias].get_autocommit():
            # What Django checks each time it compiles one: outside a transaction the
            # lock would end with the statement, and the caller would hold nothing.
            raise TransactionManagementError(
                "select_for_update cannot be used outside of a transaction."
            )
        with connections[alias].cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall()


class PreparedObjects(Prepared):
    """`build(**values)` returns a queryset of model instances (with `select_related` and
    `only` as needed; no annotations, `prefetch_related` or `values()`). `objects(**values)`
    runs the compiled SQL and builds the instances as the ORM does (ModelIterable): the
    compiler's converters, `Model.from_db`, the related objects' populators."""

    def _query(self, queryset: QuerySet) -> tuple[str, Query]:
        if queryset._iterable_class is not ModelIterable:
            raise ValueError("PreparedObjects is for model instances; Prepared for values()")
        if (
            queryset._prefetch_related_lookups
            or queryset.query.annotation_select
            or queryset.query.extra_select
        ):
            raise ValueError("annotations, extra() and prefetch_related are not prepared")
        if queryset._known_related_objects:
            raise ValueError("a related manager's queryset is not prepared")
        return queryset.db, queryset.query

    def objects(self, **values: Any) -> list[Model]:
        rows = self.rows(**values)
        compiler, db = self._compiler, self.compiled()[0]
        model, start, end, names, related = self._shape(compiler, db)
        built = []
        for row in compiler.results_iter([rows]):
            instance = model.from_db(db, names, row[start:end])
            for populator in related:
                populator.populate(row, instance)
            built.append(instance)
        return built

    def first(self, **values: Any) -> Model | None:
        """The first instance in the query's order, or None when there is none."""
        found = self.objects(**values)
        return found[0] if found else None

    def get(self, **values: Any) -> Model:
        """The one instance, as `QuerySet.get` gives it: the model's DoesNotExist when
        there is none, MultipleObjectsReturned when there are more."""
        found = self.objects(**values)
        if len(found) == 1:
            return found[0]
        model = self._compiler.klass_info["model"]
        if not found:
            raise model.DoesNotExist(f"{model._meta.object_name} matching {values} not found")
        raise model.MultipleObjectsReturned(f"{len(found)} {model._meta.object_name} rows")

    @functools.cache  # noqa: B019 — one per PreparedObjects, a module-level constant
    def _shape(self, compiler, db: str) -> tuple:
        """Where the model's columns are in a row, their names, and the populators of
        the related objects: what ModelIterable works out on each query, once."""
        select, klass_info = compiler.select, compiler.klass_info
        fields = klass_info["select_fields"]
        start, end = fields[0], fields[-1] + 1
        names = [column[0].target.attname for column in select[start:end]]
        related = get_related_populators(klass_info, select, db)
        return klass_info["model"], start, end, names, related


def _same(parameter: Any, stand_in: Any) -> bool:
    """The compiled parameter is this stand-in: equal, and True is not 1 (an integer the
    ORM typed for its column, psycopg's Int4(1), is 1)."""
    return isinstance(parameter, bool) == isinstance(stand_in, bool) and parameter == stand_in


def _as(stand_in: Any, value: Any) -> Any:
    """`value` in the type Django gave the stand-in: an integer the ORM typed for its
    column (psycopg's Int2, Int4) stays so typed."""
    kind = type(stand_in)
    if isinstance(stand_in, int) and not isinstance(stand_in, bool) and kind is not type(value):
        return kind(value)
    return value


class PreparedUpdate(Prepared):
    """`build(**values)` returns a queryset and the changes to make to its rows (a dict,
    as `queryset.update(**changes)` takes it, F() expressions included): `update(**values)`
    runs that UPDATE, compiled once, and returns how many rows it changed. For a query of
    one table (no related rows to update, no joins to pre-select)."""

    def _query(self, built: tuple[QuerySet, dict[str, Any]]) -> tuple[str, Query]:
        queryset, changes = built
        if queryset.query.is_sliced or queryset.query.combinator or queryset.query.distinct:
            raise ValueError("a sliced, combined or distinct queryset is not updated")
        if queryset.query.extra or queryset.query.annotations:
            raise ValueError("extra() and annotations are not prepared")
        # As QuerySet.update(): the database .using() chose, else the router's for writing.
        db = queryset._db or router.db_for_write(queryset.model, **queryset._hints)
        query = queryset.query.chain(UpdateQuery)
        query.add_update_values(changes)
        query.clear_select_clause()
        if query.related_updates or query.count_active_tables() != 1 or query.order_by:
            raise ValueError("PreparedUpdate is for an UPDATE of one table's rows")
        return db, query

    def update(self, **values: Any) -> int:
        alias, sql, params = self._params(values)
        with transaction.mark_for_rollback_on_error(using=alias):
            with connections[alias].cursor() as cursor:
                cursor.execute(sql, params)
                return cursor.rowcount
