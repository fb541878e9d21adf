"""Request and response shapes of /api/v2/jobs."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from userdesk.tenant.management.tickets.schemas import TicketIdentity


class VerificationEmailJobCreate(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)

    user_id: str
    client_id: str | None = None
    identity: TicketIdentity | None = None
    organization_id: str | None = None


class ExportFieldIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=255)
    export_as: str | None = Field(default=None, max_length=255)


class UsersExportJobCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    connection_id: str | None = None
    # Auth0's "json" is NDJSON: one user a line.
    format: Literal["json", "csv"] = "json"
    limit: int | None = Field(default=None, ge=1)
    fields: list[ExportFieldIn] | None = Field(default=None, max_length=100)


class ImportSummary(BaseModel):
    failed: int
    updated: int
    inserted: int
    total: int


class JobRead(BaseModel):
    """A job as auth0-python 5 reads it (``status``, ``type`` and ``id`` are required); the
    other keys appear when the job has them."""

    id: str
    type: str
    status: str
    created_at: str
    connection_id: str | None = None
    connection: str | None = None
    external_id: str | None = None
    format: str | None = None
    limit: int | None = None
    fields: list[ExportFieldIn] | None = None
    location: str | None = None
    percentage_done: int | None = None
    time_left_seconds: int | None = None
    summary: ImportSummary | None = None
    status_details: str | None = None


class JobErrorDetail(BaseModel):
    code: str
    message: str
    path: str


class JobEntryErrors(BaseModel):
    """One refused import entry: the entry as sent (password hashes masked), and why."""

    user: Any
    errors: list[JobErrorDetail]


class FailedJobRead(BaseModel):
    """The errors answer of a job that failed as a whole, with no entry to blame."""

    id: str
    type: str
    status: str
    connection_id: str | None = None
    status_details: str | None = None
