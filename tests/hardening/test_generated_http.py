"""Generated input over real HTTP, end to end.

The parser and the merge have unit-level properties in tests/tenant/management; these drive
the same rules through the servers: a hostile ``q`` typed into the desk crosses the desk, the
Management API and SQLite, and a metadata PATCH is checked against the documented rule with an
oracle of our own rather than the tenant's merge function.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from tests.hardening.conftest import create_user
from tests.support.desk import RunningDesk
from tests.support.forge import Forge, Forgery, bearer
from tests.support.servers import RunningTenant

BOUNDED = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)

HOSTILE = ["'", '"', ";", "--", "/*", "*/", "%", "_", "\\", "(", ")", ":", "*", "DROP", "OR 1=1"]
q_text = st.lists(
    st.sampled_from(HOSTILE) | st.text(min_size=1, max_size=6), min_size=1, max_size=8
).map(" ".join)


def user_rows(tenant: RunningTenant) -> int:
    from userdesk.tenant.store.models import User

    with tenant.app.state.tenant.sessions() as session:
        return int(session.scalar(select(func.count()).select_from(User)) or 0)


@pytest.fixture(scope="module")
def staff(hard_desk: RunningDesk, desk_forge: Forge) -> Iterator[httpx.Client]:
    token = desk_forge.token(Forgery.WITH_PERMISSION, ["read:users"])
    with hard_desk.client(token) as client:
        yield client


@pytest.mark.slow
@BOUNDED
@given(q=q_text)
def test_hostile_q_through_the_desk_is_searched_or_refused(
    staff: httpx.Client, hard_tenant: RunningTenant, q: str
) -> None:
    before = user_rows(hard_tenant)
    answer = staff.get("/api/users", params={"q": q})
    assert answer.status_code in (200, 400), (q, answer.status_code, answer.text)
    assert set(answer.json()) >= ({"users", "total"} if answer.status_code == 200 else {"error"})
    assert user_rows(hard_tenant) == before


@pytest.mark.slow
@BOUNDED
@given(value=st.text(min_size=1, max_size=30).filter(lambda s: "\x00" not in s))
def test_any_quoted_name_is_searched_literally_through_the_desk(
    staff: httpx.Client, value: str
) -> None:
    escaped = value.replace("\\", "\\\\").replace('"', '\\"')
    answer = staff.get("/api/users", params={"q": f'name:"{escaped}"'})
    assert answer.status_code == 200, (value, answer.text)
    for user in answer.json()["users"]:
        assert user.get("name", "").lower() == value.lower()


# The documented rule (manage-users/user-accounts/metadata): root keys merge, nested values are
# replaced whole, null deletes a key, {} clears everything.
def expected_merge(current: dict[str, Any], patch: dict[str, Any]) -> dict[str, Any]:
    if not patch:
        return {}
    merged = dict(current)
    for key, value in patch.items():
        if value is None:
            merged.pop(key, None)
        else:
            merged[key] = value
    return merged


keys = st.sampled_from(["plan", "team", "locale", "flags", "a b", "ключ", "$x"])
leaves = st.none() | st.booleans() | st.integers(-1000, 1000) | st.text(max_size=8)
nested = st.recursive(
    leaves.filter(lambda v: v is not None),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(keys, inner, max_size=3),
    max_leaves=5,
)
patches = st.dictionaries(keys, st.none() | nested, max_size=4)


@pytest.fixture(scope="module")
def metadata_user(hard_tenant: RunningTenant, hard_machine_token: str) -> str:
    return create_user(hard_tenant, hard_machine_token, "metadata-merge@generated.test")


@pytest.mark.slow
@BOUNDED
@given(first=patches, second=patches)
def test_metadata_patch_follows_the_documented_merge(
    hard_tenant: RunningTenant, hard_machine_token: str, metadata_user: str, first: Any, second: Any
) -> None:
    with httpx.Client(
        base_url=f"{hard_tenant.url}/api/v2", headers=bearer(hard_machine_token), timeout=10
    ) as api:
        path = f"/users/{metadata_user}"
        api.patch(path, json={"user_metadata": {}}).raise_for_status()
        state: dict[str, Any] = {}
        for patch in (first, second):
            answer = api.patch(path, json={"user_metadata": patch})
            assert answer.status_code == 200, answer.text
            state = expected_merge(state, patch)
            assert answer.json()["user_metadata"] == state, (patch, answer.json())
        assert api.get(path).json()["user_metadata"] == state
