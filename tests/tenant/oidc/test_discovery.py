"""Checklist: one canonical issuer, RSA-2048 key with a stable kid, JWKS, discovery document."""

from __future__ import annotations

import base64

import httpx
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPublicNumbers

from tests.support.servers import RunningTenant

REQUIRED_FIELDS = {
    "issuer",
    "authorization_endpoint",
    "token_endpoint",
    "userinfo_endpoint",
    "jwks_uri",
    "revocation_endpoint",
    "end_session_endpoint",
    "scopes_supported",
    "response_types_supported",
    "code_challenge_methods_supported",
    "response_modes_supported",
    "subject_types_supported",
    "id_token_signing_alg_values_supported",
    "token_endpoint_auth_methods_supported",
    "claims_supported",
}


def test_checklist_discovery_document_has_every_field(
    tenant: RunningTenant, http: httpx.Client
) -> None:
    doc = http.get("/.well-known/openid-configuration").json()
    assert set(doc) >= REQUIRED_FIELDS
    assert doc["issuer"] == f"{tenant.url}/"
    assert doc["authorization_endpoint"] == f"{tenant.url}/authorize"
    assert doc["token_endpoint"] == f"{tenant.url}/oauth/token"
    assert doc["end_session_endpoint"] == f"{tenant.url}/oidc/logout"
    assert doc["jwks_uri"] == f"{tenant.url}/.well-known/jwks.json"
    assert doc["code_challenge_methods_supported"] == ["S256", "plain"]
    assert doc["subject_types_supported"] == ["public"]
    assert doc["id_token_signing_alg_values_supported"] == ["RS256"]
    assert {"query", "web_message"} <= set(doc["response_modes_supported"])


def test_checklist_one_canonical_issuer_with_trailing_slash(tenant: RunningTenant) -> None:
    assert tenant.issuer == f"{tenant.url}/"
    assert tenant.config["issuer"].endswith("/") and not tenant.config["issuer"].endswith("//")


def test_checklist_jwks_publishes_an_rsa_2048_signing_key(http: httpx.Client) -> None:
    keys = http.get("/.well-known/jwks.json").json()["keys"]
    assert len(keys) == 1
    key = keys[0]
    assert (key["kty"], key["use"], key["alg"], key["e"]) == ("RSA", "sig", "RS256", "AQAB")
    assert key["kid"] and key["x5c"] and key["x5t"]
    n = int.from_bytes(base64.urlsafe_b64decode(key["n"] + "=" * (-len(key["n"]) % 4)), "big")
    assert RSAPublicNumbers(65537, n).public_key().key_size == 2048
    assert "d" not in key and "p" not in key


def test_checklist_kid_is_stable_across_requests(http: httpx.Client) -> None:
    first = http.get("/.well-known/jwks.json").json()["keys"][0]["kid"]
    second = http.get("/.well-known/jwks.json").json()["keys"][0]["kid"]
    assert first == second


def test_openapi_documents_the_token_endpoint_body_and_answers(http: httpx.Client) -> None:
    token = http.get("/openapi.json").json()["paths"]["/oauth/token"]["post"]
    content = token["requestBody"]["content"]
    assert {"application/x-www-form-urlencoded", "application/json"} <= set(content)
    assert "grant_type" in content["application/json"]["schema"]["required"]
    assert token["responses"]["200"]["content"]["application/json"]["schema"]["$ref"].endswith(
        "/TokenAnswer"
    )
    assert "403" in token["responses"]
