"""The metadata index answers exactly what evaluating the JSON answers, on any documents.

Random metadata documents (nested objects, arrays of objects, arrays of scalars, numbers that
look like strings...) and random metadata searches: the indexed plan must find the users the
plain ``json_each`` plan finds on SQLite, whether the store is SQLite or PostgreSQL (the same
documents are written to both).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine, delete, func, select
from sqlalchemy.orm import Session

from userdesk.tenant.management.query import QuerySyntaxError, parse
from userdesk.tenant.management.search import SearchSchema, build
from userdesk.tenant.management.users import fields
from userdesk.tenant.management.users.fields import USER_SEARCH, user_search
from userdesk.tenant.management.users.metadata_index import flatten, reindex_after
from userdesk.tenant.store.db import make_engine, migrate
from userdesk.tenant.store.models import User, UserMetadataValue

KEYS = ["a", "b", "c-d", "x.y"]
WORDS = ["gold", "Gold", "1", "2.5", "true", "go", "gol", "z"]
SCALARS = st.one_of(
    st.sampled_from(WORDS),
    st.integers(-2, 3),
    st.sampled_from([1.0, 2.5, -0.5]),
    st.booleans(),
    st.none(),
)
DOCUMENTS = st.recursive(
    SCALARS,
    lambda inner: st.one_of(
        st.lists(inner, max_size=3), st.dictionaries(st.sampled_from(KEYS), inner, max_size=3)
    ),
    max_leaves=8,
).map(lambda d: d if isinstance(d, dict) else {"a": d})
PLAIN = SearchSchema(
    fields=USER_SEARCH.fields,
    defaults=USER_SEARCH.defaults,
    json_roots={k: replace(v, lookup=None) for k, v in USER_SEARCH.json_roots.items()},
)


pytestmark = pytest.mark.both_stores


@pytest.fixture(scope="module")
def engine(store_engine: Engine) -> Engine:
    return store_engine


@pytest.fixture(scope="module")
def reference(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    """A SQLite store where the plain json_each evaluation gives the expected answers."""
    path: Path = tmp_path_factory.mktemp("metadata") / "reference.sqlite3"
    engine = make_engine(f"sqlite:///{path}")
    migrate(engine)
    yield engine
    engine.dispose()


@contextmanager
def both(
    engine: Engine, reference: Engine, documents: list[tuple[Any, Any]]
) -> Iterator[tuple[Session, Session]]:
    """Sessions on the store and on the reference, both holding users with ``documents``
    (rolled back after)."""
    with Session(engine) as session, session.begin(), Session(reference) as plain:
        with plain.begin():
            for s in (session, plain):
                s.execute(delete(User))
                s.add_all(user(i, app, meta) for i, (app, meta) in enumerate(documents))
                s.flush()
            yield session, plain
            plain.rollback()
        session.rollback()


def user(i: int, app: Any, meta: Any) -> User:
    return User(
        user_id=f"auth0|{i:024x}",
        email=f"u{i}@example.com",
        created_at=datetime(2024, 1, 1),
        updated_at=datetime(2024, 1, 1),
        app_metadata=app,
        user_metadata=meta,
    )


def found(session: Session, schema: SearchSchema | None, q: str) -> set[str]:
    """The user ids ``q`` finds; ``schema`` None: the store's own indexed search."""
    schema = user_search(session) if schema is None else schema
    return set(session.scalars(select(User.user_id).where(build(parse(q), schema))))


def path_text() -> st.SearchStrategy[str]:
    return st.lists(st.sampled_from(["a", "b", "c-d"]), min_size=1, max_size=3).map(".".join)


@st.composite
def queries(draw: st.DrawFn) -> str:
    root = draw(st.sampled_from(["app_metadata", "user_metadata"]))
    field = f"{root}.{draw(path_text())}"
    word = draw(st.sampled_from([*WORDS, "-2", "0", "3"]))
    forms = [f"{field}:{word}", f'{field}:"{word}"', f"_exists_:{field}"]
    if root == "app_metadata":
        forms += [f"{field}:{word[:2]}*", f"{field}:[0 TO 2]", f"{field}:{{go TO h}}"]
    clause = draw(st.sampled_from(forms))
    return draw(st.sampled_from([clause, f"NOT {clause}", f"{clause} OR email:u0*"]))


@given(
    documents=st.lists(st.tuples(DOCUMENTS, DOCUMENTS), min_size=1, max_size=6),
    qs=st.lists(queries(), min_size=1, max_size=6),
)
@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
def test_the_index_finds_what_json_evaluation_finds(
    engine: Engine, reference: Engine, documents: list[tuple[Any, Any]], qs: list[str]
) -> None:
    with both(engine, reference, documents) as (session, plain):
        for q in qs:
            try:
                expected = found(plain, PLAIN, q)
            except QuerySyntaxError:
                continue
            assert found(session, None, q) == expected, (q, documents)


def test_writes_keep_the_index_in_step(engine: Engine) -> None:
    with Session(engine) as session, session.begin():
        session.execute(delete(User))
        one = user(1, {"plan": "gold", "tags": ["x", "y"]}, {"locale": "fr"})
        session.add(one)
        session.flush()
        assert found(session, None, "app_metadata.tags:y") == {one.user_id}
        one.app_metadata = {"plan": "free"}
        session.flush()
        assert found(session, None, "app_metadata.tags:y") == set()
        assert found(session, None, "app_metadata.plan:free") == {one.user_id}
        session.delete(one)
        session.flush()
        count = session.scalar(select(func.count()).select_from(UserMetadataValue))
        assert count == 0
        session.rollback()


def test_bulk_rows_are_indexed_by_reindex_after(engine: Engine) -> None:
    with Session(engine) as session, session.begin():
        session.execute(delete(User))
        from sqlalchemy import insert

        session.execute(
            insert(User),
            [
                {
                    "user_id": "auth0|bulk1",
                    "email": "b@example.com",
                    "created_at": datetime(2024, 1, 1),
                    "updated_at": datetime(2024, 1, 1),
                    "app_metadata": {"orders": [{"sku": "A1"}]},
                    "user_metadata": {},
                }
            ],
        )
        assert found(session, None, "app_metadata.orders.sku:A1") == set()
        reindex_after(session, 0)
        assert found(session, None, "app_metadata.orders.sku:A1") == {"auth0|bulk1"}
        session.rollback()


def test_flatten_follows_one_array_of_objects_and_skips_unsearchable_keys() -> None:
    rows = flatten({"a": [{"b": [{"c": 1}]}], "x.y": 2, "n": None, "t": True})
    assert ("a.b", '{"c":1}', "object") in rows
    assert not any(path == "a.b.c" for path, _v, _t in rows)
    assert not any(path.startswith("x") for path, _v, _t in rows)
    assert not any(path == "n" for path, _v, _t in rows)
    assert ("t", 1, "true") in rows


TRICKY = [
    {"a": [{"b": "gold"}, {"b": ["gold", 2]}]},
    {"a": {"b": {"c": "gold"}}},
    {"a": [[{"b": "gold"}]], "b": [1, "1", 2.5]},
    {"a": [{"b": [{"c": "gold"}]}]},
    {"a": {"b": [{"c": 1}, {"c": True}]}},
    {"a": "gold", "b": {"c-d": "go"}},
    {"a": [], "b": {}, "c-d": None},
    {"a": {"x.y": "gold"}, "b": False},
]
TRICKY_QUERIES = [
    f"{root}.{path}:{value}"
    for root in ("app_metadata", "user_metadata")
    for path in ("a", "b", "a.b", "a.b.c", "b.c-d", "c-d", "a.x")
    for value in ("gold", "1", "2.5", "true", "false", '"1"', "go")
] + [
    f"{form}app_metadata.{path}{tail}"
    for path in ("a", "b", "a.b", "a.b.c", "b.c-d", "c-d")
    for form, tail in (("_exists_:", ""), ("", ":go*"), ("", ":[0 TO 2]"), ("", ":{a TO h}"))
]


def test_tricky_documents_give_the_same_answers_both_ways(
    engine: Engine, reference: Engine
) -> None:
    with both(engine, reference, [(doc, doc) for doc in TRICKY]) as (session, plain):
        for q in TRICKY_QUERIES:
            assert found(session, None, q) == found(plain, PLAIN, q), q
        assert len(found(session, None, "app_metadata.a.b:gold")) == 2
        assert len(found(session, None, "app_metadata.a.b.c:gold")) == 1


@pytest.mark.parametrize("common", [1, 10**9])
def test_both_plans_of_a_metadata_term_give_the_same_answers(
    engine: Engine, reference: Engine, monkeypatch: pytest.MonkeyPatch, common: int
) -> None:
    # 1: every value counts as common (checked per user); 10**9: every value is rare (a list).
    monkeypatch.setattr(fields, "COMMON_VALUE", common)
    with both(engine, reference, [(doc, doc) for doc in TRICKY]) as (session, plain):
        for q in [*TRICKY_QUERIES, *(f"NOT {q}" for q in TRICKY_QUERIES[:20])]:
            assert found(session, None, q) == found(plain, PLAIN, q), q


def test_metadata_written_over_http_is_found_by_search_until_deleted(api: httpx.Client) -> None:
    def ids(q: str) -> list[str]:
        answer = api.get("/users", params={"q": q})
        assert answer.status_code == 200, answer.text
        return [u["user_id"] for u in answer.json()]

    created = api.post(
        "/users",
        json={
            "connection": "Username-Password-Authentication",
            "email": "indexed@example.com",
            "password": "Indexed-password-1",
            "app_metadata": {"orders": [{"sku": "IDX-1"}]},
            "user_metadata": {"team": "index"},
        },
    )
    assert created.status_code == 201, created.text
    user_id = created.json()["user_id"]
    assert ids("app_metadata.orders.sku:IDX-1") == [user_id]
    assert ids("user_metadata.team:index") == [user_id]
    patched = api.patch(
        f"/users/{user_id}",
        json={"app_metadata": {"orders": None, "plan": "idx"}, "user_metadata": {}},
    )
    assert patched.status_code == 200, patched.text
    assert ids("app_metadata.orders.sku:IDX-1") == []
    assert ids("user_metadata.team:index") == []
    assert ids("app_metadata.plan:idx") == [user_id]
    assert api.delete(f"/users/{user_id}").status_code == 204
    assert ids("app_metadata.plan:idx") == []
