"""Turns a parsed ``q`` into a SQLAlchemy expression over a table's searchable fields.

Every value reaches SQL as a bound parameter; field names only select columns from a fixed
map. Case-insensitive fields compare ``lower(column)`` so the ``lower()`` expression indexes
serve them, and a trailing-``*`` prefix becomes a ``>= / <`` range for the same reason
(SQLite cannot use an expression index for ``LIKE``).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from enum import Enum
from typing import Any

from sqlalchemy import (
    Boolean,
    ColumnElement,
    SQLColumnExpression,
    String,
    and_,
    bindparam,
    exists,
    false,
    func,
    literal,
    not_,
    or_,
    select,
    true,
)
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql import coercions, roles
from sqlalchemy.sql.visitors import InternalTraversal

from userdesk.tenant.management.query import (
    And,
    Exists,
    Node,
    Not,
    Or,
    Phrase,
    QuerySyntaxError,
    Range,
    Term,
    Word,
)

Condition = ColumnElement[bool]


class Kind(Enum):
    TEXT = "text"
    INT = "integer"
    DATE = "date"
    BOOL = "boolean"


@dataclass(frozen=True)
class SearchField:
    kind: Kind
    column: SQLColumnExpression[Any]
    # The column holds lowercase text (or is lower(column)): fold the searched value too.
    fold: bool = False


# Given a dotted path and a condition over (json type, value), the rows that hold such a value.
Lookup = Callable[[str, Callable[[Any, Any], Condition]], Condition]


@dataclass(frozen=True)
class JsonRoot:
    column: SQLColumnExpression[Any]
    # Auth0 allows neither wildcards nor ranges on user_metadata.
    exact_only: bool = False
    # An index of the values json_each would find (same answers, without reading every row).
    lookup: Lookup | None = None


@dataclass(frozen=True)
class SearchSchema:
    fields: dict[str, SearchField]
    defaults: tuple[str, ...]
    json_roots: dict[str, JsonRoot] = field(default_factory=dict)


_KEY = re.compile(r"^[A-Za-z0-9_\-]+$")
_INT = re.compile(r"^-?\d+$")
_NUMBER = re.compile(r"^-?\d+(\.\d+)?$")


def build(node: Node, schema: SearchSchema) -> Condition:
    if isinstance(node, And):
        return and_(*(build(item, schema) for item in node.items))
    if isinstance(node, Or):
        return or_(*(build(item, schema) for item in node.items))
    if isinstance(node, Not):
        # coalesce: a NULL column does not match the term, so it matches its negation.
        return not_(func.coalesce(build(node.item, schema), false()))
    if isinstance(node, Exists):
        return _exists(node.field, schema)
    return _term(node, schema)


def _exists(name: str, schema: SearchSchema) -> Condition:
    json = _json_target(name, schema)
    if json is not None:
        root, keys = json
        return _json_match(root, keys, None)
    spec = _field(name, schema)
    return spec.column.is_not(None)


def _term(term: Term, schema: SearchSchema) -> Condition:
    if term.field is None:
        if isinstance(term.value, Range):
            raise QuerySyntaxError("a range needs a field name, e.g. logins_count:[1 TO 5]")
        return or_(*(_field_term(schema.fields[name], name, term) for name in schema.defaults))
    json = _json_target(term.field, schema)
    if json is not None:
        root, keys = json
        if root.exact_only and (
            isinstance(term.value, Range)
            or (isinstance(term.value, Word) and term.value.is_wildcard)
        ):
            raise QuerySyntaxError(
                f"wildcards and ranges are not allowed on user_metadata: '{term.field}'"
            )
        return _json_match(root, keys, term.value)
    return _field_term(_field(term.field, schema), term.field, term)


def _field(name: str, schema: SearchSchema) -> SearchField:
    spec = schema.fields.get(name)
    if spec is None:
        raise QuerySyntaxError(f"unknown search field '{name}'")
    return spec


def _json_target(name: str, schema: SearchSchema) -> tuple[JsonRoot, list[str]] | None:
    root_name, _, rest = name.partition(".")
    root = schema.json_roots.get(root_name)
    if root is None:
        return None
    keys = rest.split(".") if rest else []
    if not keys or not all(_KEY.match(k) for k in keys):
        raise QuerySyntaxError(f"invalid metadata path '{name}'")
    return root, keys


def _path(keys: list[str]) -> str:
    # Keys are restricted to [A-Za-z0-9_-] above, and the path itself is a bound parameter.
    return "$" + "".join(f'."{k}"' for k in keys)


def _field_term(spec: SearchField, name: str, term: Term) -> Condition:
    value = term.value
    convert = _converter(spec, name)
    if isinstance(value, Range):
        return _range(spec.column, value, convert, spec.kind)
    if isinstance(value, Word) and value.is_wildcard:
        if value.parts == ("", ""):
            return spec.column.is_not(None)
        if spec.kind is not Kind.TEXT:
            raise QuerySyntaxError(f"wildcards are only allowed on text fields, not '{name}'")
        parts = tuple(p.lower() for p in value.parts) if spec.fold else value.parts
        return _wildcard(spec.column, parts)
    text = value.text
    if spec.kind is Kind.DATE and _is_day(text):
        start = convert(text)
        return and_(spec.column >= start, spec.column < start + timedelta(days=1))
    return spec.column == convert(text)


def _converter(spec: SearchField, name: str) -> Callable[[str], Any]:
    def convert(text: str) -> Any:
        if spec.kind is Kind.TEXT:
            return text.lower() if spec.fold else text
        if spec.kind is Kind.INT:
            if not _INT.match(text):
                raise QuerySyntaxError(f"'{text}' is not an integer (field '{name}')")
            return int(text)
        if spec.kind is Kind.BOOL:
            if text not in {"true", "false"}:
                raise QuerySyntaxError(f"'{text}' is not true or false (field '{name}')")
            return text == "true"
        return _datetime(text, name)

    return convert


def _is_day(text: str) -> bool:
    return bool(re.match(r"^\d{4}-\d{2}-\d{2}$", text))


def _datetime(text: str, name: str) -> datetime:
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise QuerySyntaxError(f"'{text}' is not an ISO-8601 date (field '{name}')") from None
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC).replace(tzinfo=None)
    return moment


def _range(
    column: SQLColumnExpression[Any], value: Range, convert: Callable[[str], Any], kind: Kind
) -> Condition:
    if kind is Kind.BOOL:
        raise QuerySyntaxError("ranges are not allowed on true/false fields")
    conditions: list[Condition] = []
    if value.low is not None:
        low = convert(value.low)
        conditions.append(column >= low if value.include_low else column > low)
    if value.high is not None:
        high = convert(value.high)
        if kind is Kind.DATE and _is_day(value.high) and value.include_high:
            # An inclusive day bound covers that whole day.
            conditions.append(column < high + timedelta(days=1))
        else:
            conditions.append(column <= high if value.include_high else column < high)
    if not conditions:
        return column.is_not(None)
    return and_(*conditions)


def _successor(prefix: str) -> str:
    return prefix[:-1] + chr(ord(prefix[-1]) + 1)


def _wildcard(column: SQLColumnExpression[Any], parts: tuple[str, ...]) -> Condition:
    literal_chars = sum(len(p) for p in parts)
    if parts[0] == "" and literal_chars < 3:
        raise QuerySyntaxError("a leading wildcard needs at least 3 literal characters")
    if len(parts) == 2 and parts[1] == "" and parts[0]:
        prefix = parts[0]
        if ord(prefix[-1]) < 0x10FFFF:
            return and_(column >= prefix, column < _successor(prefix))
    pattern = "%".join(re.sub(r"([\\%_])", r"\\\1", p) for p in parts)
    return Like(column, pattern)


class Like(ColumnElement[bool]):
    """``column LIKE pattern`` (``\\`` escapes) as SQLite reads it: ASCII letters match
    either case, other characters only themselves. Other databases compile it to their
    equivalent (``postgresql_search``)."""

    inherit_cache = True
    type = Boolean()
    # A comparison: in a WHERE clause as it is (no "= 1" on databases without booleans).
    _is_implicitly_boolean = True
    _traverse_internals = [
        ("column", InternalTraversal.dp_clauseelement),
        ("pattern", InternalTraversal.dp_clauseelement),
    ]

    def __init__(self, column: Any, pattern: str) -> None:
        # As an expression (not an ORM attribute), so that adapting a query reaches it.
        self.column = coercions.expect(roles.ExpressionElementRole, column)
        self.pattern = bindparam(None, pattern, type_=String())


@compiles(Like)
def _compile_like(element: Like, compiler: Any, **kw: Any) -> str:
    return str(compiler.process(element.column.like(element.pattern, escape="\\"), **kw))


# The PostgreSQL forms of the above (importing the module registers them).
from userdesk.tenant.management import search_postgresql  # noqa: E402, F401


def _json_match(root: JsonRoot, keys: list[str], value: Phrase | Word | Range | None) -> Condition:
    """Match a metadata value, searching arrays "ignoring the index level" as Auth0 does.

    json_each yields one row for a scalar and one per element for an array, so
    ``app_metadata.roles:admin`` matches ``{"roles": ["admin"]}``; for a deeper path each
    split point is also tried as an array of objects, so ``addresses.city:Paris`` matches
    ``{"addresses": [{"city": "Paris"}]}``. json_each's ``type`` column keeps true/false,
    numbers and strings apart, so ``plan:1`` never matches the string "1" by accident.
    """
    if root.lookup is not None:
        return root.lookup(".".join(keys), lambda kind, item: _json_value(kind, item, value))
    each = func.json_each(root.column, _path(keys)).table_valued("value", "type").alias("each")
    found = [
        exists(
            select(literal(1))
            .select_from(each)
            .where(_json_value(each.c.type, each.c.value, value))
        )
    ]
    for split in range(1, len(keys)):
        prefix = _path(keys[:split])
        outer = func.json_each(root.column, prefix).table_valued("value", "type").alias("outer")
        inner = (
            func.json_each(outer.c.value, _path(keys[split:]))
            .table_valued("value", "type")
            .alias("inner")
        )
        query = (
            select(literal(1))
            .select_from(outer.join(inner, true()))
            .where(
                func.json_type(root.column, prefix) == "array",
                outer.c.type == "object",
                _json_value(inner.c.type, inner.c.value, value),
            )
        )
        found.append(exists(query))
    return or_(*found) if len(found) > 1 else found[0]


def _json_value(kind: Any, item: Any, value: Phrase | Word | Range | None) -> Condition:
    if value is None:
        return kind != "null"
    if isinstance(value, Range):
        return and_(*_json_range(value, kind, item))
    if isinstance(value, Word) and value.is_wildcard:
        return and_(kind == "text", _wildcard(item, value.parts))
    text = value.text
    if isinstance(value, Word) and text in {"true", "false"}:
        return kind == text
    if isinstance(value, Word) and _NUMBER.match(text):
        number = float(text) if "." in text else int(text)
        return or_(
            and_(kind.in_(("integer", "real")), item == number),
            and_(kind == "text", item == text),
        )
    return and_(kind == "text", item == text)


def _json_range(value: Range, kind: ColumnElement[Any], item: ColumnElement[Any]) -> list[Any]:
    bounds = [b for b in (value.low, value.high) if b is not None]
    numeric = bool(bounds) and all(_NUMBER.match(b) for b in bounds)
    out: list[Any] = [kind.in_(("integer", "real")) if numeric else kind == "text"]

    def as_value(text: str) -> Any:
        return (float(text) if "." in text else int(text)) if numeric else text

    if value.low is not None:
        low = as_value(value.low)
        out.append(item >= low if value.include_low else item > low)
    if value.high is not None:
        high = as_value(value.high)
        out.append(item <= high if value.include_high else item < high)
    return out
