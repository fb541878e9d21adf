"""The tables of the Authentication API: keys, clients, APIs, grants, codes, tokens, sessions.

Users and their failed logins live in ``management.users.repository``, roles and
permissions in ``management.roles.repository``, log events in ``management.logs.repository``.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, select, update

from userdesk.tenant.store.models import (
    AuthorizationCode,
    AuthorizeTransaction,
    Client,
    ClientGrant,
    Connection,
    LoginSession,
    RefreshToken,
    ResourceServer,
    SigningKey,
)
from userdesk.tenant.store.repository import Repository


class ClientRepository(Repository[Client]):
    model = Client

    def web_origins(self) -> set[str]:
        origins: set[str] = set()
        for row in self.session.scalars(select(Client.web_origins)):
            origins.update(o.rstrip("/") for o in row or [])
        return origins

    def logout_urls(self) -> set[str]:
        urls: set[str] = set()
        for row in self.session.scalars(select(Client.allowed_logout_urls)):
            urls.update(row or [])
        return urls


class ResourceServerRepository(Repository[ResourceServer]):
    model = ResourceServer

    def by_identifiers(self) -> dict[str, ResourceServer]:
        return {rs.identifier: rs for rs in self.session.scalars(select(ResourceServer))}

    def by_identifier(self, identifier: str) -> ResourceServer | None:
        return self.session.scalar(
            select(ResourceServer).where(ResourceServer.identifier == identifier)
        )

    def system_api_for(self, audience: str) -> ResourceServer | None:
        """The Management API when ``audience`` names it in its other scheme (SDKs send https)."""
        if "://" not in audience:
            return None
        host_path = audience.split("://", 1)[1]
        for api in self.session.scalars(select(ResourceServer).where(ResourceServer.is_system)):
            if api.identifier.split("://", 1)[-1] == host_path:
                return api
        return None


class ClientGrantRepository(Repository[ClientGrant]):
    model = ClientGrant

    def move_audience(self, old: str, new: str) -> None:
        self.session.execute(
            update(ClientGrant).where(ClientGrant.audience == old).values(audience=new)
        )

    def find(self, client_id: str, audience: str) -> ClientGrant | None:
        return self.session.scalar(
            select(ClientGrant).where(
                ClientGrant.client_id == client_id, ClientGrant.audience == audience
            )
        )


class ConnectionRepository(Repository[Connection]):
    model = Connection

    def by_name(self, name: str) -> Connection | None:
        return self.session.scalar(select(Connection).where(Connection.name == name))


class RefreshTokenRepository(Repository[RefreshToken]):
    model = RefreshToken

    def revoke_family(self, family_id: str, now: datetime) -> None:
        self.session.execute(
            update(RefreshToken)
            .where(RefreshToken.family_id == family_id, RefreshToken.revoked_at.is_(None))
            .values(revoked_at=now)
        )

    def rotate(self, token_hash: str, now: datetime) -> bool:
        """Mark a refresh token rotated; False if it already was (a reuse)."""
        result = self.session.execute(
            update(RefreshToken)
            .where(RefreshToken.token_hash == token_hash, RefreshToken.rotated_at.is_(None))
            .values(rotated_at=now)
        )
        return bool(getattr(result, "rowcount", 0))


class AuthorizationCodeRepository(Repository[AuthorizationCode]):
    model = AuthorizationCode

    def claim(self, code_hash: str, now: datetime) -> bool:
        """Mark a code used; False if another exchange got there first."""
        result = self.session.execute(
            update(AuthorizationCode)
            .where(AuthorizationCode.code_hash == code_hash, AuthorizationCode.used_at.is_(None))
            .values(used_at=now)
        )
        return bool(getattr(result, "rowcount", 0))


class LoginSessionRepository(Repository[LoginSession]):
    model = LoginSession


class TransactionRepository(Repository[AuthorizeTransaction]):
    model = AuthorizeTransaction

    def purge_expired(self, now: datetime) -> None:
        self.session.execute(
            delete(AuthorizeTransaction).where(AuthorizeTransaction.expires_at < now)
        )


class SigningKeyRepository(Repository[SigningKey]):
    model = SigningKey

    def oldest_first(self) -> list[SigningKey]:
        return list(self.session.scalars(select(SigningKey).order_by(SigningKey.created_at)))

    def any_exists(self) -> bool:
        return self.session.scalar(select(SigningKey.kid).limit(1)) is not None
