"""What every grant handler receives."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from userdesk.tenant.context import TenantContext
from userdesk.tenant.management.logs.repository import LogRepository
from userdesk.tenant.oidc.ratelimit import AuthLimits
from userdesk.tenant.store.models import Client, User


@dataclass
class TokenRequest:
    session: Session
    tenant: TenantContext
    params: dict[str, str]
    basic: tuple[str, str] | None
    ip: str
    user_agent: str | None
    limits: AuthLimits

    @property
    def grant_type(self) -> str:
        return self.params.get("grant_type", "")

    def log(
        self,
        type_: str,
        *,
        client: Client | None = None,
        user: User | None = None,
        description: str | None = None,
        **fields: Any,
    ) -> None:
        if client is not None:
            fields.setdefault("client_id", client.client_id)
            fields.setdefault("client_name", client.name)
        else:
            fields.setdefault("client_id", self.params.get("client_id"))
        if user is not None:
            fields["user_id"] = user.user_id
            fields.setdefault("user_name", user.email)
            fields.setdefault("connection", user.connection)
        if description is not None:
            fields["description"] = description
        LogRepository(self.session).record(type_, ip=self.ip, user_agent=self.user_agent, **fields)
