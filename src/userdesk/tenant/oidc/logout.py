"""Signing out: /v2/logout (what spa-js calls) and OIDC RP-initiated /oidc/logout.

A return URL is followed only if a client lists it in its allowed logout URLs; anything
else would make the tenant an open redirector.
"""

from __future__ import annotations

from urllib.parse import urlencode, urlsplit

from joserfc.errors import JoseError
from sqlalchemy.orm import Session

from userdesk.tenant.context import TenantContext
from userdesk.tenant.management.logs.repository import LogRepository
from userdesk.tenant.oidc import sessions
from userdesk.tenant.oidc.authorize import PageError
from userdesk.tenant.oidc.repository import ClientRepository
from userdesk.tenant.store.models import Client


def sign_out(
    session: Session,
    cookie: str | None,
    client: Client | None,
    ip: str,
    user_agent: str | None,
) -> None:
    user = sessions.end(session, cookie)
    if user is None:
        return
    LogRepository(session).record(
        "slo",
        user_id=user.user_id,
        user_name=user.email,
        connection=user.connection,
        client_id=client.client_id if client else None,
        client_name=client.name if client else None,
        ip=ip,
        user_agent=user_agent,
    )


def find_client(session: Session, client_id: str | None) -> Client | None:
    if not client_id:
        return None
    client = ClientRepository(session).get(client_id)
    if client is None:
        raise PageError("Unknown application", "The client_id does not name an application.")
    return client


def return_url(session: Session, client: Client | None, requested: str | None) -> str | None:
    """Where to send the browser after /v2/logout, or None to show the signed-out page."""
    if not requested:
        # Auth0 falls back to the application's first allowed logout URL.
        return (client.allowed_logout_urls or [None])[0] if client else None
    allowed = set(client.allowed_logout_urls or []) if client else _tenant_logout_urls(session)
    if requested not in allowed:
        raise PageError(
            "Logout URL not allowed",
            f"{requested} is not in the list of allowed logout URLs.",
        )
    return requested


def post_logout_url(
    session: Session, client: Client | None, requested: str | None, state: str | None
) -> str | None:
    """Where /oidc/logout sends the browser: only to a URL the identified client allows."""
    if not requested:
        return None
    if client is None:
        raise PageError(
            "Logout refused", "post_logout_redirect_uri needs id_token_hint or client_id."
        )
    return with_state(return_url(session, client, requested) or requested, state)


def _tenant_logout_urls(session: Session) -> set[str]:
    return ClientRepository(session).logout_urls()


def client_from_id_token_hint(
    session: Session, tenant: TenantContext, hint: str | None
) -> Client | None:
    """The client an ID token was issued to; an expired token is still a valid hint."""
    if not hint:
        return None
    try:
        payload = tenant.keys.verify(hint)
    except (JoseError, ValueError) as exc:
        raise PageError("Logout refused", "The id_token_hint is not a valid ID token.") from exc
    if payload.get("iss") != tenant.issuer:
        raise PageError("Logout refused", "The id_token_hint was issued by another tenant.")
    audience = payload.get("aud")
    client_id = audience[0] if isinstance(audience, list) and audience else audience
    return find_client(session, str(client_id or ""))


def with_state(url: str, state: str | None) -> str:
    if state is None:
        return url
    separator = "&" if urlsplit(url).query else "?"
    return f"{url}{separator}{urlencode({'state': state})}"
