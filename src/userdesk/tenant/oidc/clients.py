"""Client authentication at the token and revocation endpoints."""

from __future__ import annotations

import base64
import binascii
from urllib.parse import unquote_plus

from sqlalchemy.orm import Session

from userdesk.tenant.oidc.errors import AccessDenied, InvalidClient, InvalidRequest, OAuthError
from userdesk.tenant.oidc.repository import ClientRepository
from userdesk.tenant.passwords import verify_client_secret
from userdesk.tenant.store.models import Client


def basic_credentials(authorization: str | None) -> tuple[str, str] | None:
    """``client_secret_basic`` credentials from an Authorization header, if any."""
    if not authorization or not authorization.lower().startswith("basic "):
        return None
    try:
        decoded = base64.b64decode(authorization[6:].strip(), validate=True).decode()
    except (binascii.Error, UnicodeDecodeError) as exc:
        raise InvalidRequest("Malformed Authorization header.") from exc
    client_id, sep, secret = decoded.partition(":")
    if not sep:
        raise InvalidRequest("Malformed Authorization header.")
    # RFC 6749 2.3.1: both parts are form-urlencoded before being joined.
    return unquote_plus(client_id), unquote_plus(secret)


def authenticate(
    session: Session,
    params: dict[str, str],
    basic: tuple[str, str] | None,
    *,
    machine: bool = False,
) -> Client:
    """The calling client; confidential clients must prove their secret.

    Auth0 answers a failed client-credentials authentication with 401 ``access_denied``
    "Unauthorized", and the other grants with 401 ``invalid_client``; ``machine`` picks which.
    """
    client_id = params.get("client_id")
    secret = params.get("client_secret")
    if basic is not None:
        if client_id and client_id != basic[0]:
            raise InvalidRequest("client_id in the body and the Authorization header differ.")
        client_id, secret = basic
    if not client_id:
        raise InvalidRequest("Missing required parameter: client_id")
    failure: OAuthError = AccessDenied("Unauthorized", 401) if machine else InvalidClient()
    client = ClientRepository(session).get(client_id)
    if client is None:
        raise failure
    if client.client_secret is None or client.token_endpoint_auth_method == "none":
        if machine:
            raise failure
        return client
    if not secret or not verify_client_secret(secret, client.client_secret):
        raise failure
    return client
