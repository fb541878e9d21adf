"""The Authentication API's routes: discovery and JWKS, /authorize and the login form,
/oauth/token, /userinfo, /oauth/revoke and logout.

Routes are thin: they parse the request and hand it to the grant handlers and the modules
beside this one (``authorize``, ``login``, ``sessions``, ``logout``, ``revocation``).
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Cookie, FastAPI, Form, Header, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response

from userdesk.tenant.context import Tenant
from userdesk.tenant.oidc import (
    authorize,
    grants,
    login,
    logout,
    pages,
    revocation,
    sessions,
    userinfo,
)
from userdesk.tenant.oidc.authorize import AuthorizeRequest, PageError, RedirectError
from userdesk.tenant.oidc.clients import basic_credentials
from userdesk.tenant.oidc.cors import WebOriginsCors
from userdesk.tenant.oidc.deps import ClientIp, Limits, OidcDb, Params, SignInAttempt
from userdesk.tenant.oidc.discovery import openid_configuration
from userdesk.tenant.oidc.errors import install_handlers
from userdesk.tenant.oidc.ratelimit import AuthLimits
from userdesk.tenant.oidc.schemas import (
    ERRORS,
    Jwks,
    OpenIdConfiguration,
    RevokeRequestBody,
    TokenAnswer,
    TokenRequestBody,
    UserInfoAnswer,
    body_of,
)
from userdesk.tenant.store.models import Client

router = APIRouter(tags=["authentication"])


def install(app: FastAPI) -> None:
    """Routes, exception handlers, the per-IP limiter and CORS for the web origins."""
    tenant = app.state.tenant
    app.state.oidc_limits = AuthLimits(tenant.settings.auth_rate_limit_per_minute, tenant.shared)
    install_handlers(app)
    app.add_exception_handler(PageError, page_error_handler)
    app.add_exception_handler(RedirectError, redirect_error_handler)
    app.include_router(router)
    app.add_middleware(WebOriginsCors, origins=app.state.tenant.web_origins)


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


LOGIN_PATH = "/login"


@router.get("/authorize")
def authorize_endpoint(
    request: Request,
    db: OidcDb,
    tenant: Tenant,
    ip: ClientIp,
    session_cookie: Annotated[str | None, Cookie(alias=sessions.COOKIE)] = None,
    user_agent: Annotated[str | None, Header()] = None,
) -> Response:
    params = {k: v for k, v in request.query_params.items()}
    checked, client = authorize.check(db, params)
    signed_in = sessions.current(db, session_cookie)
    auth_time = signed_in[1] if signed_in else None
    if not authorize.needs_login(checked, auth_time) and signed_in is not None:
        code = authorize.issue_code(db, checked, client, signed_in[0], signed_in[1])
        sessions.touch(db, session_cookie, client.client_id, ip, user_agent)
        return pages.authorization_response(request, checked, {"code": code})
    if "none" in checked.prompt:
        raise RedirectError(checked, "login_required", "Login required")
    row = login.begin(db, checked)
    response = _login_page(request, client, row.id, row.csrf_token, email=checked.login_hint or "")
    response.set_cookie(
        login.csrf_cookie_name(row.id),
        row.csrf_token,
        max_age=int(login.TRANSACTION_LIFETIME.total_seconds()),
        path=LOGIN_PATH,
        httponly=True,
        samesite="lax",
        secure=_secure(tenant.settings.origin),
    )
    return response


@router.post(LOGIN_PATH, dependencies=[SignInAttempt])
def login_endpoint(
    request: Request,
    db: OidcDb,
    tenant: Tenant,
    ip: ClientIp,
    limits: Limits,
    transaction: Annotated[str, Form()] = "",
    csrf_token: Annotated[str, Form()] = "",
    email: Annotated[str, Form()] = "",
    password: Annotated[str, Form()] = "",
    user_agent: Annotated[str | None, Header()] = None,
) -> Response:
    # Before db's first statement, which takes the write lock (oidc/credentials.py).
    password_checked = login.check_password_first(
        tenant.read_sessions,
        transaction_id=transaction,
        csrf_token=csrf_token,
        cookie_token=request.cookies.get(login.csrf_cookie_name(transaction)),
        email=email,
        password=password,
    )
    row, checked = login.load(db, transaction)
    login.check_csrf(row, csrf_token, request.cookies.get(login.csrf_cookie_name(row.id)))
    client = login.client_for(db, checked)
    try:
        user, cookie, auth_time = login.sign_in(
            db,
            row=row,
            client=client,
            email=email,
            password=password,
            ip=ip,
            user_agent=user_agent,
            previous_cookie=request.cookies.get(sessions.COOKIE),
            checked=password_checked,
        )
    except login.UserIsBlocked:
        error = {"error": "unauthorized", "error_description": login.USER_BLOCKED}
        blocked = pages.authorization_response(request, checked, error)
        secure = _secure(tenant.settings.origin)
        blocked.delete_cookie(login.csrf_cookie_name(row.id), path=LOGIN_PATH, secure=secure)
        return blocked
    except login.LoginFormError as exc:
        limits.failed_attempt(ip)
        return _login_page(request, client, row.id, row.csrf_token, exc.message, email, 401)
    code = authorize.issue_code(db, checked, client, user, auth_time)
    response = pages.authorization_response(request, checked, {"code": code})
    secure = _secure(tenant.settings.origin)
    response.set_cookie(
        sessions.COOKIE,
        cookie,
        max_age=int(sessions.LIFETIME.total_seconds()),
        path="/",
        httponly=True,
        samesite="lax",
        secure=secure,
    )
    response.delete_cookie(login.csrf_cookie_name(row.id), path=LOGIN_PATH, secure=secure)
    return response


def _secure(origin: str) -> bool:
    return origin.startswith("https://")


def _login_page(
    request: Request,
    client: Client,
    transaction_id: str,
    csrf_token: str,
    error: str | None = None,
    email: str = "",
    status_code: int = 200,
) -> Response:
    context = {
        "client_name": client.name,
        "action": LOGIN_PATH,
        "transaction": transaction_id,
        "csrf_token": csrf_token,
        "error": error,
        "email": email,
    }
    return pages.render(request, "login.html", context, status_code)


async def page_error_handler(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, PageError)
    return pages.error_page(request, exc.title, exc.detail)


async def redirect_error_handler(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RedirectError)
    request_: AuthorizeRequest = exc.request
    payload = {"error": exc.error, "error_description": exc.description}
    return pages.authorization_response(request, request_, payload)


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
