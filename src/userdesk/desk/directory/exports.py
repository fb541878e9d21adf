"""Bulk user export jobs in the Management API: the one way to read every user at once.

``POST /jobs/users-exports`` starts a job (``format`` ``json`` is NDJSON); ``GET /jobs/{id}``
reports it, and once ``completed`` its ``location`` is a gzip file's link, valid about 60
seconds (a signed S3 URL on Auth0): read the job again for a fresh one. Auth0 gives
``user_id`` with its provider prefix; the embedded tenant gives it bare, as its import file
wants it, and names the provider in ``identities``, from which the full id is rebuilt.
"""

from __future__ import annotations

from typing import IO, Any, Literal

from pydantic import BaseModel, ConfigDict, ValidationError

from userdesk.desk.directory.client import ManagementClient
from userdesk.desk.errors import UpstreamFailed

JobStatus = Literal["pending", "processing", "completed", "failed"]


class ExportJob(BaseModel):
    model_config = ConfigDict(extra="ignore")

    id: str
    type: str
    status: JobStatus
    location: str | None = None
    percentage_done: int | None = None
    status_details: str | None = None


class ExportsApi:
    def __init__(self, client: ManagementClient) -> None:
        self._client = client

    async def start(self, fields: list[str], fmt: Literal["json", "csv"] = "json") -> ExportJob:
        body = {"format": fmt, "fields": [{"name": name} for name in fields]}
        return _job(await self._client.post("/jobs/users-exports", body))

    async def get(self, job_id: str) -> ExportJob:
        return _job(await self._client.get(f"/jobs/{job_id}"))

    async def download(self, job: ExportJob, out: IO[bytes]) -> int:
        if not job.location:
            raise _malformed()
        return await self._client.download(job.location, out)


def full_user(row: dict[str, Any]) -> dict[str, Any]:
    """An exported user with the ``user_id`` the rest of the Management API uses."""
    user_id = row.get("user_id")
    identities = row.get("identities")
    if isinstance(user_id, str) and "|" not in user_id and isinstance(identities, list):
        first = identities[0] if identities else None
        if isinstance(first, dict) and isinstance(first.get("provider"), str):
            row["user_id"] = f"{first['provider']}|{user_id}"
    return row


def _job(body: Any) -> ExportJob:
    try:
        return ExportJob.model_validate(body)
    except ValidationError as exc:
        raise _malformed() from exc


def _malformed() -> UpstreamFailed:
    error = UpstreamFailed("The identity provider sent a malformed export job")
    error.upstream_status = 200
    return error
