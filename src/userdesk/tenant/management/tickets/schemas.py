"""Request and response shapes of /api/v2/tickets, as node-auth0 v6 types them."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

# Large enough for any real use, small enough that now + ttl stays a valid date.
MAX_TTL = 2**31 - 1


class TicketIdentity(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)

    user_id: str
    provider: str = "auth0"


class PasswordChangeTicketCreate(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)

    user_id: str | None = None
    email: str | None = None
    connection_id: str | None = None
    result_url: str | None = Field(default=None, max_length=2048)
    client_id: str | None = None
    organization_id: str | None = None
    ttl_sec: int = Field(default=0, ge=0, le=MAX_TTL)
    mark_email_as_verified: bool = False
    includeEmailInRedirect: bool = False
    identity: TicketIdentity | None = None


class EmailVerificationTicketCreate(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)

    user_id: str
    result_url: str | None = Field(default=None, max_length=2048)
    client_id: str | None = None
    organization_id: str | None = None
    ttl_sec: int = Field(default=0, ge=0, le=MAX_TTL)
    includeEmailInRedirect: bool = False
    identity: TicketIdentity | None = None


class TicketRead(BaseModel):
    ticket: str
