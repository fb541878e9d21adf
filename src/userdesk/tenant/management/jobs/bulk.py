"""The rules of bulk jobs: what an import or export request must hold, and how a job reads.

Auth0's shapes (manage-users/user-migration/bulk-user-imports and bulk-user-exports):

- An import is multipart: a ``users`` file holding one JSON array, ``connection_id`` (a
  database connection), and ``upsert``, ``external_id``, ``send_completion_email`` (true by
  default) whose booleans arrive as the strings ``"true"``/``"false"``. The file is checked
  whole here (it is at most 512000 bytes), so a file that is not a JSON array is a 400 now,
  not a failed job later. At most two imports run at once; a third is a 429.
- An export is JSON: ``format`` ``json`` (NDJSON) or ``csv``, ``fields``, ``limit`` and an
  optional ``connection_id``. Its file is a gzip; the job's ``location`` is a download link
  valid 60 seconds, signed anew on each read of the job.

Auth0 never exports password hashes, and neither does this API: a ``read:users`` token is
not enough to take every user's hash away. An export that asks for ``custom_password_hash``
is a 400 naming ``userdesk tenant export``, which writes hashes to a private file on the
tenant's own machine (its operator already holds the database).
"""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from userdesk.tenant import ids
from userdesk.tenant.bulk.exporter import (
    CSV_DEFAULT_FIELDS,
    DEFAULT_FIELDS,
    ExportField,
    ExportFieldError,
    check_fields,
)
from userdesk.tenant.clock import utcnow
from userdesk.tenant.management.audit import ApiCall, ApiCallLog
from userdesk.tenant.management.errors import BadRequest, ManagementError
from userdesk.tenant.management.jobs import links
from userdesk.tenant.management.jobs.repository import JobRepository
from userdesk.tenant.management.jobs.runner import ExportWork, ImportWork
from userdesk.tenant.management.jobs.schemas import (
    ExportFieldIn,
    FailedJobRead,
    ImportSummary,
    JobEntryErrors,
    JobErrorDetail,
    JobRead,
    UsersExportJobCreate,
)
from userdesk.tenant.management.paging import iso
from userdesk.tenant.oidc.repository import ConnectionRepository
from userdesk.tenant.store.mail import Job

USERS_IMPORT = "users_import"
USERS_EXPORT = "users_export"
ACTIVE_IMPORTS = 2
API_JSON_FIELDS = (
    *(f for f in DEFAULT_FIELDS if f != "custom_password_hash"),
    "created_at",
    "updated_at",
)


class PayloadTooLarge(ManagementError):
    status_code = 413
    error_code = "payload_too_large"

    def __init__(self, limit: int) -> None:
        super().__init__(f"Payload content length greater than maximum allowed: {limit}.")


class TooManyImports(ManagementError):
    status_code = 429
    error_code = "too_many_requests"

    def __init__(self) -> None:
        super().__init__(
            f"There are {ACTIVE_IMPORTS} active import users jobs, please wait until some of "
            "them are finished and try again",
            headers={"Retry-After": "5"},
        )


class ConnectionMissing(BadRequest):
    def __init__(self) -> None:
        super().__init__("The connection does not exist.", error_code="inexistent_connection")


@dataclass(frozen=True)
class ImportRequest:
    """The multipart parts of an import, as they arrived (booleans still strings)."""

    users: bytes | None
    connection_id: str | None
    upsert: str | None
    external_id: str | None
    send_completion_email: str | None


def _flag(value: str | None, name: str, default: bool) -> bool:
    if value is None or value == "":
        return default
    lowered = value.strip().lower()
    if lowered in ("true", "false"):
        return lowered == "true"
    raise BadRequest(f"{name} must be true or false.")


def _users_file(data: bytes) -> list[Any]:
    try:
        parsed = json.loads(data.decode("utf-8"))
    except UnicodeDecodeError:
        raise BadRequest("The users file is not UTF-8 text.") from None
    except ValueError as exc:
        raise BadRequest(f"The users file is not valid JSON: {exc}.") from None
    if not isinstance(parsed, list):
        raise BadRequest("The users file must hold a JSON array of users.")
    if not parsed:
        raise BadRequest("The users file holds no users.")
    return parsed


HASH_FIELDS = frozenset(("custom_password_hash", "password_hash"))


def export_fields(body: UsersExportJobCreate) -> list[ExportField]:
    if body.fields:
        chosen = [ExportField(f.name, f.export_as) for f in body.fields]
        if any(f.name.split(".", 1)[0] in HASH_FIELDS for f in chosen):
            raise BadRequest(
                "Password hashes are not exported over the Management API; "
                "`userdesk tenant export` on the tenant's machine writes them."
            )
    else:
        names = CSV_DEFAULT_FIELDS if body.format == "csv" else API_JSON_FIELDS
        chosen = [ExportField(name) for name in names]
    try:
        check_fields(chosen, body.format)
    except ExportFieldError as exc:
        raise BadRequest(f"{str(exc)[0].upper()}{str(exc)[1:]}.") from None
    return chosen


def _job_read(job: Job, origin: str, link_ttl: int) -> JobRead:
    read = JobRead(
        id=job.id,
        type=job.type,
        status=job.status,
        created_at=iso(job.created_at) or "",
        connection_id=job.connection_id,
        connection=job.connection,
        external_id=job.external_id,
        format=job.format,
        limit=job.row_limit,
        fields=[ExportFieldIn.model_validate(f) for f in job.fields] if job.fields else None,
        percentage_done=job.percentage_done,
        summary=ImportSummary.model_validate(job.summary) if job.summary else None,
        status_details=job.status_details,
    )
    if job.status == "completed" and job.location and job.link_key:
        read.location, _ = links.sign(origin, job.id, job.format or "json", job.link_key, link_ttl)
    if job.status == "processing" and job.started_at and job.percentage_done:
        elapsed = (utcnow() - job.started_at).total_seconds()
        read.time_left_seconds = int(elapsed * (100 - job.percentage_done) / job.percentage_done)
    return read


class BulkJobService:
    def __init__(self, session: Session, origin: str, runner: str, link_ttl: int) -> None:
        self.jobs = JobRepository(session)
        self.connections = ConnectionRepository(session)
        self.calls = ApiCallLog(session)
        self.origin = origin
        self.runner = runner
        self.link_ttl = link_ttl

    def start_import(
        self, request: ImportRequest, call: ApiCall, max_bytes: int, notify: str
    ) -> tuple[JobRead, ImportWork]:
        if request.users is None:
            raise BadRequest("Must provide 'users' file as multipart part.")
        if len(request.users) > max_bytes:
            raise PayloadTooLarge(max_bytes)
        if not request.connection_id:
            raise BadRequest(
                "Payload validation error: 'Missing required property: connection_id'."
            )
        upsert = _flag(request.upsert, "upsert", False)
        send_mail = _flag(request.send_completion_email, "send_completion_email", True)
        if request.external_id is not None and len(request.external_id) > 255:
            raise BadRequest("external_id must be at most 255 characters.")
        connection = self.connections.get(request.connection_id)
        if connection is None:
            raise ConnectionMissing()
        if connection.strategy != "auth0":
            raise BadRequest("The connection must be a database connection.")
        users = _users_file(request.users)
        if self.jobs.active_count(USERS_IMPORT) >= ACTIVE_IMPORTS:
            raise TooManyImports()
        job = self.jobs.add(
            Job(
                id=ids.prefixed("job_"),
                type=USERS_IMPORT,
                status="pending",
                created_at=utcnow(),
                connection_id=connection.id,
                connection=connection.name,
                external_id=request.external_id or None,
                upsert=upsert,
                send_completion_email=send_mail,
                runner=self.runner,
            )
        )
        self.calls.record(call, "Create a users import job", 202)
        work = ImportWork(job.id, users, connection.name, upsert, notify if send_mail else None)
        return _job_read(job, self.origin, self.link_ttl), work

    def start_export(self, body: UsersExportJobCreate, call: ApiCall) -> tuple[JobRead, ExportWork]:
        fields = export_fields(body)
        connection = None
        if body.connection_id is not None:
            connection = self.connections.get(body.connection_id)
            if connection is None:
                raise ConnectionMissing()
        job = self.jobs.add(
            Job(
                id=ids.prefixed("job_"),
                type=USERS_EXPORT,
                status="pending",
                created_at=utcnow(),
                connection_id=connection.id if connection else None,
                connection=connection.name if connection else None,
                format=body.format,
                row_limit=body.limit,
                fields=[
                    {"name": f.name, **({"export_as": f.export_as} if f.export_as else {})}
                    for f in fields
                ],
                runner=self.runner,
                link_key=secrets.token_hex(32),
            )
        )
        self.calls.record(call, "Create a users export job", 201)
        work = ExportWork(
            job.id, body.format, fields, connection.name if connection else None, body.limit
        )
        return _job_read(job, self.origin, self.link_ttl), work

    def read(self, job: Job) -> JobRead:
        return _job_read(job, self.origin, self.link_ttl)

    def errors(self, job: Job) -> list[JobEntryErrors] | FailedJobRead:
        rows = self.jobs.errors(job.id)
        if not rows and job.status == "failed":
            return FailedJobRead(
                id=job.id,
                type=job.type,
                status=job.status,
                connection_id=job.connection_id,
                status_details=job.status_details,
            )
        return [
            JobEntryErrors(
                user=row.entry, errors=[JobErrorDetail.model_validate(e) for e in row.errors]
            )
            for row in rows
        ]
