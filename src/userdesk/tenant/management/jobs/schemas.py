"""Request and response shapes of /api/v2/jobs (verification email)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

from userdesk.tenant.management.tickets.schemas import TicketIdentity


class VerificationEmailJobCreate(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)

    user_id: str
    client_id: str | None = None
    identity: TicketIdentity | None = None
    organization_id: str | None = None


class JobRead(BaseModel):
    """A job as auth0-python 5 reads it (``status``, ``type`` and ``id`` are required)."""

    id: str
    type: str
    status: str
    created_at: str
