"""Authentication API routes (OIDC): discovery, JWKS and the token endpoint.

Routes are thin: they parse the request and hand it to the grant handlers or services.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Header
from fastapi.responses import JSONResponse

from userdesk.tenant.context import Tenant
from userdesk.tenant.oidc import grants
from userdesk.tenant.oidc.clients import basic_credentials
from userdesk.tenant.oidc.deps import ClientIp, Limits, OidcDb, Params
from userdesk.tenant.oidc.discovery import openid_configuration
from userdesk.tenant.oidc.schemas import (
    ERRORS,
    Jwks,
    OpenIdConfiguration,
    TokenAnswer,
    TokenRequestBody,
    body_of,
)

router = APIRouter(tags=["authentication"])

NO_STORE = {"Cache-Control": "no-store", "Pragma": "no-cache"}


@router.get("/.well-known/openid-configuration", response_model=OpenIdConfiguration)
def discovery(tenant: Tenant) -> dict[str, Any]:
    return openid_configuration(tenant)


@router.get("/.well-known/jwks.json", response_model=Jwks)
def jwks(tenant: Tenant) -> dict[str, Any]:
    return tenant.keys.jwks()


@router.post(
    "/oauth/token",
    responses={200: {"model": TokenAnswer}, **ERRORS},
    openapi_extra=body_of(TokenRequestBody),
)
def token(
    params: Params,
    db: OidcDb,
    tenant: Tenant,
    ip: ClientIp,
    limits: Limits,
    authorization: Annotated[str | None, Header()] = None,
    user_agent: Annotated[str | None, Header()] = None,
) -> JSONResponse:
    request = grants.TokenRequest(
        session=db,
        tenant=tenant,
        params=params,
        basic=basic_credentials(authorization),
        ip=ip,
        user_agent=user_agent,
        limits=limits,
    )
    return JSONResponse(grants.exchange(request), headers=NO_STORE)
