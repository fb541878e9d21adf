"""/authorize and the login form."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Cookie, Form, Header, Request
from fastapi.responses import Response

from userdesk.tenant.context import Tenant
from userdesk.tenant.oidc import authorize, login, pages, sessions
from userdesk.tenant.oidc.authorize import AuthorizeRequest, PageError, RedirectError
from userdesk.tenant.oidc.deps import ClientIp, Limits, OidcDb, SignInAttempt
from userdesk.tenant.store.models import Client

router = APIRouter(tags=["authentication"])

LOGIN_PATH = "/login"


@router.get("/authorize")
def authorize_endpoint(
    request: Request,
    db: OidcDb,
    tenant: Tenant,
    session_cookie: Annotated[str | None, Cookie(alias=sessions.COOKIE)] = None,
) -> Response:
    params = {k: v for k, v in request.query_params.items()}
    checked, client = authorize.check(db, params)
    signed_in = sessions.current(db, session_cookie)
    auth_time = signed_in[1] if signed_in else None
    if not authorize.needs_login(checked, auth_time) and signed_in is not None:
        code = authorize.issue_code(db, checked, client, signed_in[0], signed_in[1])
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
        )
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
