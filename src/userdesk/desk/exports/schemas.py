"""Request and answer shapes of /api/exports."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

ExportFormat = Literal["csv", "json"]
ExportStatus = Literal["pending", "running", "completed", "failed"]


class ExportCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    q: str | None = Field(default=None, description="Auth0 user search; empty: every user")
    format: ExportFormat = Field(default="csv", description="csv, or json (NDJSON)")
    fields: list[str] | None = Field(
        default=None,
        max_length=100,
        description="Fields to write, dotted names reach into metadata (app_metadata.plan)",
    )


class ExportRead(BaseModel):
    id: str
    status: ExportStatus
    format: ExportFormat
    q: str | None
    exported: int = Field(description="Users written so far")
    message: str | None = Field(description="Why the export failed, or how it ended")
    created_at: datetime
    finished_at: datetime | None
