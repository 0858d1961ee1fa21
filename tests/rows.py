"""Comparing model instances column by column (a prepared read against the ORM's own)."""

from __future__ import annotations


def assert_same_row(one, other) -> None:
    """`one` is a saved instance of `other`'s model with every column's value equal."""
    assert one is not None and type(one) is type(other)
    names = [f.attname for f in one._meta.concrete_fields]
    assert [getattr(one, n) for n in names] == [getattr(other, n) for n in names]
    assert (one._state.adding, one._state.db) == (False, other._state.db)
