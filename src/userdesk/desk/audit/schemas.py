"""What the audit routes answer (names are stable: the SPA's client is generated from them)."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict


class AuditEntryRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    request_id: str
    actor_sub: str
    actor_email: str | None
    action: str
    target: str
    outcome: Literal["attempted", "succeeded", "failed", "denied"]
    upstream_status: int | None
    message: str | None
    snapshot: dict[str, Any] | None
    before: dict[str, Any] | None = None
    after: dict[str, Any] | None = None
    attempted_at: datetime
    completed_at: datetime | None
    # The desk deleted this target (a succeeded users.delete is on record). Users deleted
    # elsewhere are not known here: their links lead to the user page's "not found".
    target_deleted: bool = False


class AuditList(BaseModel):
    entries: list[AuditEntryRead]
    total: int
    page: int
    per_page: int
