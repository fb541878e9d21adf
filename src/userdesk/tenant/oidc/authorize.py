"""The /authorize rules: which client, which redirect, PKCE, audience; and code issuance.

Two kinds of refusal: a bad client or redirect_uri can never be sent back to the caller (that
would make the tenant an open redirector), so ``PageError`` is shown on an error page; every
later problem is a ``RedirectError`` delivered to the redirect_uri through the response mode.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from userdesk.tenant.clock import utcnow
from userdesk.tenant.oidc import claims, issuance
from userdesk.tenant.oidc.errors import OAuthError
from userdesk.tenant.oidc.repository import AuthorizationCodeRepository, ClientRepository
from userdesk.tenant.store.models import AuthorizationCode, Client, User

CODE_LIFETIME = timedelta(minutes=10)
RESPONSE_MODES = ("query", "web_message")


class PageError(Exception):
    def __init__(self, title: str, detail: str) -> None:
        super().__init__(detail)
        self.title = title
        self.detail = detail


class RedirectError(Exception):
    def __init__(self, request: AuthorizeRequest, error: str, description: str) -> None:
        super().__init__(description)
        self.request = request
        self.error = error
        self.description = description


@dataclass
class AuthorizeRequest:
    """A checked /authorize request; also what an AuthorizeTransaction stores."""

    client_id: str
    redirect_uri: str
    response_mode: str
    state: str | None
    nonce: str | None
    scope: str
    audience: str | None
    code_challenge: str | None
    code_challenge_method: str | None
    prompt: set[str]
    max_age: int | None
    login_hint: str | None = None

    def to_params(self) -> dict[str, Any]:
        data = asdict(self)
        data["prompt"] = sorted(self.prompt)
        return data

    @classmethod
    def from_params(cls, data: dict[str, Any]) -> AuthorizeRequest:
        return cls(**{**data, "prompt": set(data.get("prompt") or [])})


def check(session: Session, params: dict[str, str]) -> tuple[AuthorizeRequest, Client]:
    client = ClientRepository(session).get(params.get("client_id", ""))
    if client is None:
        raise PageError("Unknown application", "The client_id does not name an application.")
    redirect_uri = params.get("redirect_uri", "")
    if redirect_uri not in (client.callbacks or []):
        raise PageError(
            "Callback URL mismatch",
            f"{redirect_uri or 'The missing redirect_uri'} is not in the list of allowed "
            "callback URLs of this application.",
        )
    mode = params.get("response_mode") or "query"
    request = AuthorizeRequest(
        client_id=client.client_id,
        redirect_uri=redirect_uri,
        response_mode=mode if mode in RESPONSE_MODES else "query",
        # state and nonce are echoed byte for byte: spa-js sends base64 with +/= in them.
        state=params.get("state"),
        nonce=params.get("nonce"),
        scope=params.get("scope") or "openid",
        audience=params.get("audience") or None,
        code_challenge=params.get("code_challenge") or None,
        code_challenge_method=params.get("code_challenge_method") or None,
        prompt=set((params.get("prompt") or "").split()),
        max_age=_max_age(params.get("max_age")),
        login_hint=params.get("login_hint") or None,
    )
    if mode not in RESPONSE_MODES:
        raise RedirectError(request, "invalid_request", f"Unsupported response_mode: {mode}")
    if params.get("response_type") != "code":
        raise RedirectError(
            request, "unsupported_response_type", "Only response_type=code is supported."
        )
    public = client.client_secret is None or client.token_endpoint_auth_method == "none"
    if request.code_challenge is None and public:
        raise RedirectError(request, "invalid_request", "code_challenge is required (PKCE S256).")
    if request.code_challenge is not None and request.code_challenge_method != "S256":
        raise RedirectError(
            request, "invalid_request", "code_challenge_method must be S256; plain is refused."
        )
    try:
        issuance.resource_server(session, request.audience)
    except OAuthError as exc:
        raise RedirectError(request, exc.error, exc.description) from exc
    return request, client


def _max_age(value: str | None) -> int | None:
    if value is None or value == "":
        return None
    try:
        return max(0, int(value))
    except ValueError:
        return None


def needs_login(request: AuthorizeRequest, auth_time: datetime | None) -> bool:
    if auth_time is None or "login" in request.prompt:
        return True
    if request.max_age is not None:
        return utcnow() - auth_time > timedelta(seconds=request.max_age)
    return False


def issue_code(
    session: Session, request: AuthorizeRequest, client: Client, user: User, auth_time: datetime
) -> str:
    """A single-use code bound to everything spa-js will not resend at the exchange."""
    api = issuance.resource_server(session, request.audience)
    scope = issuance.resolve_scope(session, client, api, request.scope, user)
    code = claims.new_secret()
    now = utcnow()
    AuthorizationCodeRepository(session).add(
        AuthorizationCode(
            code_hash=claims.digest(code),
            client_id=client.client_id,
            user_id=user.user_id,
            redirect_uri=request.redirect_uri,
            code_challenge=request.code_challenge,
            code_challenge_method=request.code_challenge_method,
            audience=request.audience,
            scope=scope,
            nonce=request.nonce,
            auth_time=auth_time,
            created_at=now,
            expires_at=now + CODE_LIFETIME,
        )
    )
    return code
