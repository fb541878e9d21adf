"""Generated input for the Management API's ``q`` parser: whatever the text, the parser either
returns a tree or raises its own ``QuerySyntaxError``; nothing else escapes (no IndexError,
RecursionError, or a crash that would become a 500).

tests/tenant/management/test_query_properties.py already drives the parser with free text
and runs the result on SQLite; this file adds what it does not: Lucene-shaped fragments and
glued operators (which reach deeper into the grammar than random text) and hostile shapes
(nesting past the depth limit, the length limit, unterminated ranges and phrases).
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from userdesk.tenant.management.query import MAX_DEPTH, MAX_LENGTH, QuerySyntaxError, parse

FIELDS = [
    "email",
    "name",
    "email.domain",
    "logins_count",
    "created_at",
    "blocked",
    "app_metadata.plan",
    "user_metadata.team",
    "identities.connection",
    "_exists_",
    "no_such_field",
]
PIECES = [
    *(f"{f}:" for f in FIELDS),
    "AND",
    "OR",
    "NOT",
    "and",
    "TO",
    "(",
    ")",
    "[",
    "]",
    "{",
    "}",
    '"',
    "*",
    "?",
    "\\",
    "-",
    "+",
    ":",
    "'",
    ";",
    "--",
    "/*",
    "%",
    "_",
    "john",
    "gold",
    "100",
    "2024-01-01",
    "true",
    " ",
]

lucene_like = st.lists(st.sampled_from(PIECES) | st.text(max_size=6), max_size=25).map(" ".join)
joined = st.lists(st.sampled_from(PIECES), max_size=30).map("".join)

FAST = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def parses_or_refuses(text: str) -> None:
    try:
        parse(text)
    except QuerySyntaxError as exc:
        assert str(exc), "a syntax error must say what is wrong"


@pytest.mark.slow
@FAST
@given(lucene_like)
def test_lucene_like_text_parses_or_raises_its_own_error(text: str) -> None:
    parses_or_refuses(text)


@FAST
@given(joined)
def test_glued_operators_parse_or_raise_their_own_error(text: str) -> None:
    parses_or_refuses(text)


@pytest.mark.parametrize(
    "text",
    [
        "(" * (MAX_DEPTH + 5) + "a" + ")" * (MAX_DEPTH + 5),
        "NOT " * (MAX_LENGTH // 4),
        "-" * MAX_LENGTH,
        "email:(" * 200,
        "a" * (MAX_LENGTH + 1),
        '"' * 3,
        "[1 TO",
        "logins_count:[* TO *",
    ],
)
def test_hostile_shapes_are_refused_as_syntax_errors(text: str) -> None:
    with pytest.raises(QuerySyntaxError):
        parse(text)
