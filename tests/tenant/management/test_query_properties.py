"""Properties of the q parser and of the metadata merge, checked with hypothesis.

The parser runs against a real database with the tenant's schema, SQLite and PostgreSQL:
whatever the input, it either raises its own QuerySyntaxError or yields an expression the
database executes, and no part of the input ever reaches the SQL text (values travel as bound
parameters).
"""

from __future__ import annotations

import contextlib
import string
from datetime import datetime
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from userdesk.tenant.management.query import QuerySyntaxError, parse
from userdesk.tenant.management.search import build
from userdesk.tenant.management.users.fields import USER_SEARCH, user_search
from userdesk.tenant.management.users.service import merge_metadata
from userdesk.tenant.store.models import User

pytestmark = pytest.mark.both_stores

FIELDS = [*USER_SEARCH.fields, "app_metadata.plan", "user_metadata.locale", "unknown"]
ALPHABET = string.ascii_letters + string.digits + " :()[]{}\"*\\-+._@|'%;=<>!?"


@pytest.fixture(scope="module")
def engine(store_engine: Engine) -> Engine:
    engine = store_engine
    with Session(engine) as session, session.begin():
        for i, email in enumerate(["ann@example.com", "bob'; DROP TABLE users;--@x.io", "%_@y.z"]):
            session.add(
                User(
                    user_id=f"auth0|{i:024x}",
                    email=email,
                    email_domain=email.rsplit("@", 1)[1],
                    name=email,
                    created_at=datetime(2024, 1, 1),
                    updated_at=datetime(2024, 1, 1),
                    app_metadata={"plan": ["pro", "gold"] if i else "free"},
                    user_metadata={},
                )
            )
    return engine


def run(engine: Engine, q: str) -> list[str]:
    with Session(engine) as session:
        condition = build(parse(q), user_search(session))
        compiled = str(select(User.pk).where(condition).compile(engine))
        # Values travel as parameters: the only quoted literal SQL may hold is LIKE's escape.
        assert "'" not in compiled.replace("ESCAPE '\\'", ""), compiled
        return list(session.scalars(select(User.user_id).where(condition).order_by(User.pk)))


@settings(
    max_examples=400, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.text(alphabet=ALPHABET, max_size=60))
def test_any_text_parses_or_fails_with_the_parsers_own_error(engine: Engine, q: str) -> None:
    with contextlib.suppress(QuerySyntaxError):
        run(engine, q)


clause = st.builds(
    lambda field, value: f"{field}:{value}",
    st.sampled_from(FIELDS),
    st.one_of(
        st.text(alphabet=string.ascii_letters + string.digits, min_size=1, max_size=8),
        st.text(alphabet=ALPHABET.replace('"', "").replace("\\", ""), max_size=12).map(
            lambda s: f'"{s}"'
        ),
        st.integers(-5, 500).map(str),
        st.sampled_from(["true", "false", "*", "[1 TO *]", "{a TO z}", "abc*", "*abc"]),
    ),
)
queries = st.recursive(
    clause,
    lambda inner: st.one_of(
        st.tuples(inner, st.sampled_from([" AND ", " OR ", " "]), inner).map("".join),
        inner.map(lambda q: f"NOT {q}"),
        inner.map(lambda q: f"({q})"),
    ),
    max_leaves=8,
)


@settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(queries)
def test_well_formed_queries_run_on_sqlite(engine: Engine, q: str) -> None:
    try:
        run(engine, q)
    except QuerySyntaxError as exc:
        # Only the documented refusals: unknown fields, bad values, short suffixes...
        assert str(exc)


@settings(
    max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.text(min_size=1, max_size=40).filter(lambda s: "\x00" not in s))
def test_a_quoted_value_is_matched_literally(engine: Engine, value: str) -> None:
    quoted = value.replace("\\", "\\\\").replace('"', '\\"')
    found = run(engine, f'email:"{quoted}"')
    with Session(engine) as session:
        expected = session.scalars(
            select(User.user_id).where(func.lower(User.email) == value.lower()).order_by(User.pk)
        ).all()
    assert found == list(expected)


def test_hostile_values_find_their_user_and_nothing_else(engine: Engine) -> None:
    assert run(engine, 'email:"bob\'; DROP TABLE users;--@x.io"') == [f"auth0|{1:024x}"]
    assert run(engine, 'email:"%_@y.z"') == [f"auth0|{2:024x}"]
    assert run(engine, "email:%_*") == [f"auth0|{2:024x}"]
    assert run(engine, "app_metadata.plan:gold") == [f"auth0|{1:024x}", f"auth0|{2:024x}"]
    assert run(engine, "app_metadata.plan:free") == [f"auth0|{0:024x}"]


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=5),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=3), inner, max_size=3)
    ),
    max_leaves=6,
)
documents = st.dictionaries(st.text(max_size=4), json_values, max_size=5)


@given(documents, documents.filter(bool))
def test_metadata_merge_properties(current: dict[str, Any], patch: dict[str, Any]) -> None:
    merged = merge_metadata(current, patch)
    for key, value in patch.items():
        if value is None:
            assert key not in merged  # null deletes
        else:
            assert merged[key] == value  # nested values replaced whole, never deep-merged
    for key, value in current.items():
        if key not in patch:
            assert merged[key] == value  # untouched root keys survive
    assert set(merged) <= set(current) | set(patch)


@given(documents)
def test_an_empty_patch_clears_metadata(current: dict[str, Any]) -> None:
    assert merge_metadata(current, {}) == {}
