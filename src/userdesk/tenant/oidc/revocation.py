"""/oauth/revoke: revoking a refresh token revokes its whole rotation family."""

from __future__ import annotations

from sqlalchemy.orm import Session

from userdesk.tenant.clock import utcnow
from userdesk.tenant.management.logs.repository import LogRepository
from userdesk.tenant.oidc import claims
from userdesk.tenant.oidc.clients import authenticate
from userdesk.tenant.oidc.errors import InvalidRequest
from userdesk.tenant.oidc.repository import RefreshTokenRepository


def revoke(
    session: Session,
    params: dict[str, str],
    basic: tuple[str, str] | None,
    ip: str,
    user_agent: str | None,
) -> None:
    client = authenticate(session, params, basic)
    value = params.get("token")
    if not value:
        raise InvalidRequest("Missing required parameter: token")
    tokens = RefreshTokenRepository(session)
    token = tokens.get(claims.digest(value))
    # RFC 7009: an unknown token, or another client's, is answered like a success.
    if token is None or token.client_id != client.client_id:
        return
    tokens.revoke_family(token.family_id, utcnow())
    LogRepository(session).record(
        "srrt",
        client_id=client.client_id,
        client_name=client.name,
        user_id=token.user_id,
        ip=ip,
        user_agent=user_agent,
    )
