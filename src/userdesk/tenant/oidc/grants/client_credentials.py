"""``client_credentials``: machine tokens, audience and scope decided by the client grants."""

from __future__ import annotations

from typing import Any

from userdesk.tenant import clock
from userdesk.tenant.oidc import claims
from userdesk.tenant.oidc.clients import authenticate
from userdesk.tenant.oidc.errors import AccessDenied, OAuthError, UnauthorizedClient
from userdesk.tenant.oidc.grants.base import TokenRequest
from userdesk.tenant.oidc.repository import ClientGrantRepository, ResourceServerRepository
from userdesk.tenant.store.models import Client

GRANT_TYPE = "client_credentials"


def exchange(request: TokenRequest) -> dict[str, Any]:
    client: Client | None = None
    audience = request.params.get("audience", "")
    try:
        try:
            client = authenticate(request.session, request.params, request.basic, machine=True)
        except OAuthError:
            request.limits.failed_client_authentication(request.ip)
            raise
        request.limits.client_request(client.client_id)
        if GRANT_TYPE not in (client.grant_types or []):
            raise UnauthorizedClient(f"Grant type '{GRANT_TYPE}' not allowed for the client.")
        answer, scope = _issue(request, client, audience)
    except OAuthError as exc:
        request.log("feccft", client=client, description=exc.description, audience=audience)
        raise
    request.log("seccft", client=client, audience=audience, scope=scope)
    return answer


def _issue(request: TokenRequest, client: Client, audience: str) -> tuple[dict[str, Any], str]:
    if not audience:
        raise AccessDenied(
            "No audience parameter was provided, and no default audience has been configured"
        )
    tenant = request.tenant
    # SDKs hard-code https:// for the Management API; both forms name the same API.
    stored = audience
    if audience in tenant.management_audiences:
        stored = f"{tenant.settings.origin}/api/v2/"
    api = ResourceServerRepository(request.session).by_identifier(stored)
    grant = ClientGrantRepository(request.session).find(client.client_id, stored)
    if api is None or grant is None:
        raise AccessDenied(f"Service not enabled within domain: {audience}")
    requested = request.params.get("scope")
    scopes = list(grant.scope or [])
    if requested:
        # A narrower scope may be asked for; never a wider one.
        scopes = [s for s in requested.split() if s in set(scopes)]
    scope = " ".join(scopes)
    issued_at = int(clock.epoch())
    token = request.tenant.keys.sign(
        claims.access_token_claims(
            issuer=tenant.issuer,
            subject=f"{client.client_id}@clients",
            audience=audience,
            client_id=client.client_id,
            scope=scope,
            issued_at=issued_at,
            lifetime=api.token_lifetime,
            extra={"gty": "client-credentials"},
        )
    )
    answer = {
        "access_token": token,
        "scope": scope,
        "expires_in": api.token_lifetime,
        "token_type": "Bearer",
    }
    return answer, scope
