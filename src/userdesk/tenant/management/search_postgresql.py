"""The search on PostgreSQL, answering exactly what it answers on SQLite.

Three differences of PostgreSQL are covered here and in migration 0010:

- ``LIKE`` is case-sensitive there, where SQLite's folds ASCII letters: ``Like`` compiles to
  ``ILIKE``, which on the columns' "C" collation folds ASCII letters and nothing else.
- Text compares by the database's collation: the searched columns are collated "C" (bytes,
  as SQLite's ``BINARY``), and ``lower()`` under "C" folds ASCII only, as SQLite's.
- The metadata index keeps its values as ``jsonb`` (PostgreSQL has no column that holds text
  and numbers side by side, as a SQLite BLOB column does). ``MetadataItem`` stands for such a
  value in a search: numbers and equal strings compare as ``jsonb`` (numerically, and a number
  never equals a string, as in SQLite), while string ranges and patterns compare the
  string's own text under "C", which ``ix_user_metadata_values_text`` indexes.
"""

from __future__ import annotations

import operator
from typing import Any

from sqlalchemy import ColumnElement, Text, literal, literal_column
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.visitors import InternalTraversal
from sqlalchemy.types import TypeDecorator

from userdesk.tenant.management.search import Like

_ORDERING = {operator.ge, operator.gt, operator.le, operator.lt}


class _MetadataValue(TypeDecorator[Any]):
    impl = JSONB
    cache_ok = True

    class comparator_factory(TypeDecorator.Comparator[Any]):
        def operate(self, op: Any, *other: Any, **kwargs: Any) -> Any:
            item = self.expr
            if isinstance(item, MetadataItem) and len(other) == 1:
                (value,) = other
                if isinstance(value, str) and op in _ORDERING:
                    return op(item.text, value)
                if isinstance(value, int | float | str) and op in (operator.eq, operator.ne):
                    return op(item.value, literal(value, JSONB))
                if isinstance(value, int | float) and op in _ORDERING:
                    return op(item.value, literal(value, JSONB))
            return super().operate(op, *other, **kwargs)


class MetadataItem(ColumnElement[Any]):
    """A value of ``user_metadata_values`` as the search compares it (see the module)."""

    inherit_cache = True
    type = _MetadataValue()
    _traverse_internals = [("value", InternalTraversal.dp_clauseelement)]

    def __init__(self, value: Any) -> None:
        self.value: ColumnElement[Any] = value

    @property
    def text(self) -> ColumnElement[str]:
        # The string itself (no quotes, no escapes); the text index holds this expression.
        extracted = self.value.op("#>>", return_type=Text)(literal_column("ARRAY[]::text[]"))
        return extracted.collate("C")


@compiles(MetadataItem)
def _compile_item(element: MetadataItem, compiler: Any, **kw: Any) -> str:
    return str(compiler.process(element.value, **kw))


@compiles(Like, "postgresql")
def _compile_like(element: Like, compiler: Any, **kw: Any) -> str:
    column = element.column.text if isinstance(element.column, MetadataItem) else element.column
    return str(compiler.process(column.ilike(element.pattern, escape="\\"), **kw))
