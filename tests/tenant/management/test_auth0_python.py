"""The official auth0-python Management client (Fern ``Auth0``) against the tenant over HTTP.

Its ``Auth0`` class takes a ``base_url``, which is how it reaches an http:// tenant; the token
comes from the tenant's real /oauth/token.
"""

from __future__ import annotations

import uuid

import httpx
import pytest
from auth0.management import Auth0
from auth0.management.errors import (
    BadRequestError,
    ConflictError,
    ForbiddenError,
    NotFoundError,
)

from tests.support.servers import RunningTenant
from tests.tenant.management.conftest import mint


@pytest.fixture
def auth0(tenant: RunningTenant, management_token: str) -> Auth0:
    return Auth0(base_url=f"{tenant.url}/api/v2", token=management_token, max_retries=0)


def test_list_create_patch_and_delete_users(auth0: Auth0) -> None:
    email = f"sdk-{uuid.uuid4().hex[:10]}@example.com"
    created = auth0.users.create(
        connection="Username-Password-Authentication",
        email=email,
        password="Sdk-password-1",
        user_metadata={"theme": "dark", "nested": {"a": 1}},
    )
    assert created.user_id and created.user_id.startswith("auth0|")
    assert created.created_at is not None

    pager = auth0.users.list(q=f'email:"{email}"', search_engine="v3")
    assert [u.user_id for u in pager] == [created.user_id]

    patched = auth0.users.update(
        created.user_id, user_metadata={"nested": {"b": 2}, "theme": None}, blocked=True
    )
    assert patched.blocked is True
    assert patched.user_metadata == {"nested": {"b": 2}}

    fetched = auth0.users.get(created.user_id)
    assert fetched.email == email

    auth0.users.delete(created.user_id)
    auth0.users.delete(created.user_id)
    with pytest.raises(NotFoundError):
        auth0.users.get(created.user_id)


def test_the_pager_walks_every_page_and_stops(auth0: Auth0, api: httpx.Client) -> None:
    # The SDK's pager asks for pages until one comes back empty.
    seen = [u.user_id for u in auth0.users.list(per_page=20)]
    total = api.get("/users", params={"include_totals": "true", "per_page": 0}).json()["total"]
    assert len(seen) == len(set(seen)) == total > 40


def test_sdk_errors_follow_auth0s_codes(auth0: Auth0, tenant: RunningTenant) -> None:
    email = f"sdk-dup-{uuid.uuid4().hex[:10]}@example.com"
    auth0.users.create(
        connection="Username-Password-Authentication", email=email, password="Dup-pass-1"
    )
    with pytest.raises(ConflictError) as conflict:
        auth0.users.create(
            connection="Username-Password-Authentication", email=email, password="Dup-pass-1"
        )
    assert conflict.value.body["errorCode"] == "auth0_idp_error"
    with pytest.raises(BadRequestError):
        list(auth0.users.list(q="email:(", per_page=5))
    weak = Auth0(base_url=f"{tenant.url}/api/v2", token=mint(tenant, "read:logs"), max_retries=0)
    with pytest.raises(ForbiddenError) as forbidden:
        weak.users.get("auth0|000000000000000000000000")
    assert forbidden.value.body["errorCode"] == "insufficient_scope"


def test_roles_and_users_by_email(auth0: Auth0) -> None:
    names = {r.name for r in auth0.roles.list()}
    assert {"Admin", "Support", "Auditor", "Viewer"} <= names
    email = f"sdk-role-{uuid.uuid4().hex[:10]}@example.com"
    user = auth0.users.create(
        connection="Username-Password-Authentication", email=email, password="Role-pass-1"
    )
    viewer = next(r for r in auth0.roles.list() if r.name == "Viewer")
    auth0.users.roles.assign(user.user_id, roles=[viewer.id])
    assert [r.name for r in auth0.users.roles.list(user.user_id)] == ["Viewer"]
    assert [u.user_id for u in auth0.users.list_users_by_email(email=email.upper())] == [
        user.user_id
    ]
    auth0.users.roles.delete(user.user_id, roles=[viewer.id])
    assert list(auth0.users.roles.list(user.user_id)) == []
