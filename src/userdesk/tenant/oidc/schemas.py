"""Shapes of the Authentication API's JSON answers, for an exact OpenAPI document."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict


class TokenAnswer(BaseModel):
    access_token: str
    token_type: str = "Bearer"
    expires_in: int
    scope: str
    id_token: str | None = None
    refresh_token: str | None = None


class OAuthErrorAnswer(BaseModel):
    error: str
    error_description: str


class TokenRequestBody(BaseModel):
    """/oauth/token parameters, as a form (the default) or JSON; unknown ones are ignored."""

    grant_type: str
    client_id: str | None = None
    client_secret: str | None = None
    audience: str | None = None
    scope: str | None = None
    code: str | None = None
    code_verifier: str | None = None
    redirect_uri: str | None = None
    refresh_token: str | None = None
    username: str | None = None
    password: str | None = None
    realm: str | None = None


class RevokeRequestBody(BaseModel):
    token: str
    client_id: str | None = None
    client_secret: str | None = None


class UserInfoAnswer(BaseModel):
    model_config = ConfigDict(extra="allow")

    sub: str
    name: str | None = None
    nickname: str | None = None
    picture: str | None = None
    updated_at: str | None = None
    email: str | None = None
    email_verified: bool | None = None


class Jwks(BaseModel):
    keys: list[dict[str, Any]]


class OpenIdConfiguration(BaseModel):
    model_config = ConfigDict(extra="allow")

    issuer: str
    authorization_endpoint: str
    token_endpoint: str
    userinfo_endpoint: str
    jwks_uri: str
    revocation_endpoint: str
    end_session_endpoint: str
    scopes_supported: list[str]
    response_types_supported: list[str]
    code_challenge_methods_supported: list[str]
    response_modes_supported: list[str]
    subject_types_supported: list[str]
    id_token_signing_alg_values_supported: list[str]
    token_endpoint_auth_methods_supported: list[str]
    claims_supported: list[str]


def body_of(model: type[BaseModel]) -> dict[str, Any]:
    """An OpenAPI requestBody accepting ``model`` as a form or as JSON."""
    schema = model.model_json_schema()
    return {
        "requestBody": {
            "required": True,
            "content": {
                "application/x-www-form-urlencoded": {"schema": schema},
                "application/json": {"schema": schema},
            },
        }
    }


ERRORS: dict[int | str, dict[str, Any]] = {
    status: {"model": OAuthErrorAnswer} for status in (400, 401, 403, 429)
}
