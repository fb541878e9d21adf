"""HTML answers of the Authentication API: login page, error pages, authorization responses."""

from __future__ import annotations

import secrets
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit

from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates

from userdesk.tenant.oidc.authorize import AuthorizeRequest

templates = Jinja2Templates(directory=Path(__file__).parent / "templates")

# The login page must never be framed (clickjacking); nothing on it loads from elsewhere.
LOGIN_HEADERS = {
    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; "
    "frame-ancestors 'none'; base-uri 'none'",
    "X-Frame-Options": "DENY",
    "Cache-Control": "no-store",
    "Referrer-Policy": "same-origin",
    "X-Content-Type-Options": "nosniff",
}


def render(
    request: Request,
    name: str,
    context: dict[str, Any],
    status_code: int = 200,
    headers: dict[str, str] | None = None,
) -> HTMLResponse:
    return templates.TemplateResponse(
        request, name, context, status_code=status_code, headers=headers or LOGIN_HEADERS
    )


def error_page(request: Request, title: str, detail: str, status_code: int = 400) -> HTMLResponse:
    return render(request, "error.html", {"title": title, "detail": detail}, status_code)


def message_page(request: Request, title: str, detail: str) -> HTMLResponse:
    return render(request, "message.html", {"title": title, "detail": detail})


def origin_of(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def authorization_response(
    request: Request, authorize: AuthorizeRequest, payload: dict[str, str]
) -> Response:
    """Deliver ``payload`` (code or error) to the client through its response mode."""
    if authorize.state is not None:
        payload = {**payload, "state": authorize.state}
    if authorize.response_mode == "web_message":
        nonce = secrets.token_urlsafe(16)
        # Framed by the SPA's silent-auth iframe: no frame-blocking headers on this answer.
        headers = {
            "Content-Security-Policy": f"default-src 'none'; script-src 'nonce-{nonce}'",
            "Cache-Control": "no-store",
        }
        message = {"type": "authorization_response", "response": payload}
        return templates.TemplateResponse(
            request,
            "web_message.html",
            {"message": message, "origin": origin_of(authorize.redirect_uri), "nonce": nonce},
            headers=headers,
        )
    separator = "&" if urlsplit(authorize.redirect_uri).query else "?"
    return RedirectResponse(
        f"{authorize.redirect_uri}{separator}{urlencode(payload)}",
        status_code=302,
        headers={"Cache-Control": "no-store"},
    )
