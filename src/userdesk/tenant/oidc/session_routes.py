"""/userinfo, /oauth/revoke, /v2/logout and /oidc/logout."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Cookie, Header, Request
from fastapi.responses import RedirectResponse, Response

from userdesk.tenant.context import Tenant
from userdesk.tenant.oidc import logout, pages, revocation, sessions, userinfo
from userdesk.tenant.oidc.clients import basic_credentials
from userdesk.tenant.oidc.deps import ClientIp, OidcDb, Params
from userdesk.tenant.oidc.schemas import ERRORS, RevokeRequestBody, UserInfoAnswer, body_of

router = APIRouter(tags=["authentication"])

SessionCookie = Annotated[str | None, Cookie(alias=sessions.COOKIE)]


@router.get(
    "/userinfo", response_model=UserInfoAnswer, response_model_exclude_none=True, responses=ERRORS
)
@router.post(
    "/userinfo", response_model=UserInfoAnswer, response_model_exclude_none=True, responses=ERRORS
)
def userinfo_endpoint(
    db: OidcDb, tenant: Tenant, authorization: Annotated[str | None, Header()] = None
) -> dict[str, Any]:
    return userinfo.profile(db, tenant, authorization)


@router.post("/oauth/revoke", responses=ERRORS, openapi_extra=body_of(RevokeRequestBody))
def revoke_endpoint(
    params: Params,
    db: OidcDb,
    ip: ClientIp,
    authorization: Annotated[str | None, Header()] = None,
    user_agent: Annotated[str | None, Header()] = None,
) -> Response:
    revocation.revoke(db, params, basic_credentials(authorization), ip, user_agent)
    return Response(status_code=200)


@router.get("/v2/logout")
def logout_endpoint(
    request: Request,
    db: OidcDb,
    ip: ClientIp,
    session_cookie: SessionCookie = None,
    user_agent: Annotated[str | None, Header()] = None,
) -> Response:
    query = request.query_params
    client = logout.find_client(db, query.get("client_id"))
    target = logout.return_url(db, client, query.get("returnTo"))
    logout.sign_out(db, session_cookie, client, ip, user_agent)
    return _signed_out(request, target)


@router.get("/oidc/logout")
def oidc_logout_endpoint(
    request: Request,
    db: OidcDb,
    tenant: Tenant,
    ip: ClientIp,
    session_cookie: SessionCookie = None,
    user_agent: Annotated[str | None, Header()] = None,
) -> Response:
    query = request.query_params
    client = logout.client_from_id_token_hint(db, tenant, query.get("id_token_hint"))
    client = client or logout.find_client(db, query.get("client_id"))
    target = logout.post_logout_url(
        db, client, query.get("post_logout_redirect_uri"), query.get("state")
    )
    logout.sign_out(db, session_cookie, client, ip, user_agent)
    return _signed_out(request, target)


def _signed_out(request: Request, target: str | None) -> Response:
    response: Response
    if target:
        response = RedirectResponse(target, status_code=302)
    else:
        response = pages.message_page(request, "Signed out", "You are signed out.")
    response.delete_cookie(sessions.COOKIE, path="/")
    return response
