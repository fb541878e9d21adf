"""``password`` and Auth0's ``password-realm`` grants, for clients that allow them."""

from __future__ import annotations

from typing import Any

from userdesk.tenant.clock import utcnow
from userdesk.tenant.oidc import credentials, issuance
from userdesk.tenant.oidc.clients import authenticate
from userdesk.tenant.oidc.errors import (
    InvalidGrant,
    InvalidRequest,
    OAuthError,
    TooManyAttempts,
    UnauthorizedClient,
    UserBlocked,
)
from userdesk.tenant.oidc.grants.base import TokenRequest
from userdesk.tenant.oidc.repository import ConnectionRepository
from userdesk.tenant.store.models import DEFAULT_CONNECTION, Client, User

PASSWORD = "password"
PASSWORD_REALM = "http://auth0.com/oauth/grant-type/password-realm"


def exchange(request: TokenRequest) -> dict[str, Any]:
    client: Client | None = None
    user: User | None = None
    audience = request.params.get("audience") or None
    # Before request.session's first statement, which takes the write lock (credentials.py).
    checked = _password_first(request)
    try:
        client = authenticate(request.session, request.params, request.basic)
        if request.grant_type not in (client.grant_types or []):
            raise UnauthorizedClient(
                f"Grant type '{request.grant_type}' not allowed for the client."
            )
        user = _login(request, client, checked)
        api = issuance.resource_server(request.session, audience)
        requested = request.params.get("scope", "")
        grant = issuance.Grant(
            user=user,
            client=client,
            audience=audience,
            scope=issuance.resolve_scope(request.session, client, api, requested, user),
            auth_time=utcnow(),
            ip=request.ip,
            user_agent=request.user_agent,
        )
        answer, _ = issuance.issue(request.session, request.tenant, grant, gty=PASSWORD)
    except OAuthError as exc:
        if isinstance(exc.__cause__, credentials.LoginRefused):
            user = exc.__cause__.user
        # A blocked user's attempt is a failed login ("f") at Auth0, whichever the channel.
        type_ = "f" if isinstance(exc.__cause__, credentials.BlockedUser) else "fepft"
        request.log(type_, client=client, user=user, description=exc.description, audience=audience)
        raise
    request.log("sepft", client=client, user=user, audience=audience, scope=answer["scope"])
    return answer


def _password_first(request: TokenRequest) -> credentials.PasswordCheck | None:
    """The password compared outside the write transaction, for a client allowed to ask.

    The client is authenticated first (a SHA-256, in a read-only session), so a caller
    without its secret cannot make the tenant spend bcrypt's time; any refusal is left to
    the transaction, which raises and logs it as before.
    """
    username = request.params.get("username", "")
    password = request.params.get("password", "")
    connection = _connection(request)
    if not username or not password or not connection:
        return None
    read_sessions = request.tenant.read_sessions
    with read_sessions() as session, session.begin():
        try:
            client = authenticate(session, request.params, request.basic)
        except OAuthError:
            return None
        if request.grant_type not in (client.grant_types or []):
            return None
    return credentials.check_password(
        read_sessions, login=username, password=password, connection=connection
    )


def _connection(request: TokenRequest) -> str:
    if request.grant_type == PASSWORD_REALM:
        return request.params.get("realm", "")
    return DEFAULT_CONNECTION


def _login(
    request: TokenRequest, client: Client, checked: credentials.PasswordCheck | None
) -> User:
    username = request.params.get("username", "")
    password = request.params.get("password", "")
    if not username or not password:
        raise InvalidRequest("Missing required parameter: username and password")
    connection = _connection(request)
    if request.grant_type == PASSWORD_REALM:
        if not connection:
            raise InvalidRequest("Missing required parameter: realm")
        if ConnectionRepository(request.session).by_name(connection) is None:
            raise InvalidGrant("Wrong email or password.")
    try:
        return credentials.verify_login(
            request.session,
            login=username,
            password=password,
            connection=connection,
            ip=request.ip,
            client_id=client.client_id,
            client_name=client.name,
            checked=checked,
        )
    except credentials.TooManyAttempts as exc:
        raise TooManyAttempts() from exc
    except credentials.BlockedUser as exc:
        raise UserBlocked() from exc
    except credentials.WrongCredentials as exc:
        raise InvalidGrant("Wrong email or password.") from exc
