"""Checklist: /oauth/token client_credentials (client_secret_post, audience, grant scope)."""

from __future__ import annotations

import base64
from collections.abc import Callable

import httpx
import jwt
import pytest

from tests.support.servers import RunningTenant
from tests.support.tokens import machine_token


def backend(tenant: RunningTenant) -> dict[str, str]:
    return dict(tenant.config["backend"])


def verified(tenant: RunningTenant, token: str, audience: str) -> dict[str, object]:
    signing_key = jwt.PyJWKClient(f"{tenant.url}/.well-known/jwks.json").get_signing_key_from_jwt(
        token
    )
    return jwt.decode(
        token, signing_key.key, algorithms=["RS256"], audience=audience, issuer=tenant.issuer
    )


def test_checklist_client_credentials_management_token_claims(tenant: RunningTenant) -> None:
    token = machine_token(tenant)
    claims = verified(tenant, token, tenant.config["management_audience"])
    client_id = tenant.config["backend"]["client_id"]
    assert claims["sub"] == f"{client_id}@clients"
    assert claims["azp"] == client_id
    assert claims["gty"] == "client-credentials"
    assert "read:users" in str(claims["scope"]).split()
    assert isinstance(claims["iat"], int) and isinstance(claims["exp"], int)


@pytest.mark.parametrize("scheme", ["http", "https"])
def test_checklist_management_audience_accepted_in_both_forms(
    tenant: RunningTenant, http: httpx.Client, scheme: str
) -> None:
    host = tenant.url.split("://", 1)[1]
    audience = f"{scheme}://{host}/api/v2/"
    answer = http.post(
        "/oauth/token",
        data={"grant_type": "client_credentials", "audience": audience, **backend(tenant)},
    )
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["token_type"] == "Bearer"
    assert body["expires_in"] > 0
    assert verified(tenant, body["access_token"], audience)["aud"] == audience


def test_checklist_json_body_and_unknown_params_are_accepted(
    tenant: RunningTenant, http: httpx.Client
) -> None:
    answer = http.post(
        "/oauth/token",
        json={
            "grant_type": "client_credentials",
            "audience": tenant.config["management_audience"],
            "some_future_param": {"nested": True},
            "another": 3,
            **backend(tenant),
        },
    )
    assert answer.status_code == 200, answer.text
    assert answer.json()["expires_in"] > 0


def test_http_basic_client_authentication_is_accepted(
    tenant: RunningTenant, http: httpx.Client
) -> None:
    creds = backend(tenant)
    basic = base64.b64encode(f"{creds['client_id']}:{creds['client_secret']}".encode()).decode()
    answer = http.post(
        "/oauth/token",
        data={"grant_type": "client_credentials", "audience": tenant.config["management_audience"]},
        headers={"Authorization": f"Basic {basic}"},
    )
    assert answer.status_code == 200, answer.text


def test_a_narrower_scope_can_be_requested(tenant: RunningTenant, http: httpx.Client) -> None:
    answer = http.post(
        "/oauth/token",
        data={
            "grant_type": "client_credentials",
            "audience": tenant.config["management_audience"],
            "scope": "read:users not:granted",
            **backend(tenant),
        },
    ).json()
    assert answer["scope"] == "read:users"


def test_refusal_wrong_client_secret(
    tenant: RunningTenant, http: httpx.Client, log_count: Callable[..., int]
) -> None:
    client_id = tenant.config["backend"]["client_id"]
    before = log_count("feccft", client_id=client_id)
    answer = http.post(
        "/oauth/token",
        data={
            "grant_type": "client_credentials",
            "client_id": client_id,
            "client_secret": "not-the-secret",
            "audience": tenant.config["management_audience"],
        },
    )
    assert answer.status_code == 401
    assert answer.json() == {"error": "access_denied", "error_description": "Unauthorized"}
    assert log_count("feccft", client_id=client_id) == before + 1


def test_refusal_audience_with_no_grant(tenant: RunningTenant, http: httpx.Client) -> None:
    # The desk API exists, but the backend client has no client grant for it.
    audience = tenant.config["api_audience"]
    answer = http.post(
        "/oauth/token",
        data={"grant_type": "client_credentials", "audience": audience, **backend(tenant)},
    )
    assert answer.status_code == 403
    assert answer.json() == {
        "error": "access_denied",
        "error_description": f"Service not enabled within domain: {audience}",
    }


def test_refusal_unknown_audience(tenant: RunningTenant, http: httpx.Client) -> None:
    answer = http.post(
        "/oauth/token",
        data={
            "grant_type": "client_credentials",
            "audience": "https://nowhere/",
            **backend(tenant),
        },
    )
    assert answer.status_code == 403
    assert answer.json()["error"] == "access_denied"


def test_refusal_client_not_allowed_client_credentials(
    tenant: RunningTenant, http: httpx.Client
) -> None:
    script = tenant.config["script_client"]
    answer = http.post(
        "/oauth/token",
        data={
            "grant_type": "client_credentials",
            "audience": tenant.config["management_audience"],
            **script,
        },
    )
    assert answer.status_code == 403
    assert answer.json()["error"] == "unauthorized_client"


def test_refusal_missing_and_unknown_grant_type(http: httpx.Client) -> None:
    missing = http.post("/oauth/token", data={"client_id": "x"})
    assert (missing.status_code, missing.json()["error"]) == (400, "invalid_request")
    unknown = http.post("/oauth/token", data={"grant_type": "magic", "client_id": "x"})
    assert (unknown.status_code, unknown.json()["error"]) == (400, "unsupported_grant_type")


def test_exactly_one_seccft_event_per_successful_exchange(
    tenant: RunningTenant, log_count: Callable[..., int]
) -> None:
    client_id = tenant.config["backend"]["client_id"]
    before = log_count("seccft", client_id=client_id)
    machine_token(tenant)
    machine_token(tenant)
    assert log_count("seccft", client_id=client_id) == before + 2
    with tenant.app.state.tenant.sessions() as session:
        from sqlalchemy import select

        from userdesk.tenant.store.models import LogEvent

        event = session.scalars(
            select(LogEvent)
            .where(LogEvent.type == "seccft", LogEvent.client_id == client_id)
            .order_by(LogEvent.seq.desc())
        ).first()
        assert event is not None
        assert event.client_name and event.audience == tenant.config["management_audience"]
        assert event.scope and "read:users" in event.scope


def test_malformed_bodies_are_invalid_request(http: httpx.Client) -> None:
    for body in (b"{not json", b"\xff\xfe", b"[1, 2]"):
        answer = http.post(
            "/oauth/token", content=body, headers={"Content-Type": "application/json"}
        )
        assert answer.status_code == 400, body
        assert answer.json()["error"] == "invalid_request"
