"""/api/v2/jobs: verification-email jobs, bulk imports and exports, and reading any job."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import FileResponse, JSONResponse, Response
from starlette.datastructures import UploadFile

from userdesk.tenant.context import DbSession, Tenant, TenantContext
from userdesk.tenant.management.audit import ApiCall, RequireWriteScope
from userdesk.tenant.management.auth import Caller, RequireScope
from userdesk.tenant.management.jobs import links
from userdesk.tenant.management.jobs.bulk import (
    BulkJobService,
    ImportRequest,
    PayloadTooLarge,
)
from userdesk.tenant.management.jobs.schemas import (
    FailedJobRead,
    JobEntryErrors,
    JobRead,
    UsersExportJobCreate,
    VerificationEmailJobCreate,
)
from userdesk.tenant.management.jobs.service import JobService
from userdesk.tenant.store.db import transaction

router = APIRouter(tags=["jobs"])
# Download links of export files: outside /api/v2, no token (the signed link is the credential).
files_router = APIRouter(tags=["jobs"], include_in_schema=False)

SendVerification = Annotated[ApiCall, Depends(RequireWriteScope("update:users"))]
CreateUsers = Annotated[ApiCall, Depends(RequireWriteScope("create:users"))]
ExportUsers = Annotated[ApiCall, Depends(RequireWriteScope("read:users"))]
ReadJobs = Annotated[Caller, Depends(RequireScope("create:users", "read:users"))]
# Room for the multipart framing and the small parts around the users file.
MULTIPART_SLACK = 64 * 1024


def _bulk(tenant: TenantContext, session: DbSession) -> BulkJobService:
    settings = tenant.settings
    return BulkJobService(session, settings.origin, tenant.jobs.identity, settings.export_link_ttl)


@router.post("/jobs/verification-email", status_code=201, response_model_exclude_none=True)
def verification_email_job(
    body: VerificationEmailJobCreate, session: DbSession, tenant: Tenant, call: SendVerification
) -> JobRead:
    return JobService(session, tenant.settings.origin).verification_email(body, call)


def _part(value: UploadFile | str | None) -> str | None:
    return value if isinstance(value, str) else None


@router.post("/jobs/users-imports", status_code=202, response_model_exclude_none=True)
async def users_import_job(request: Request, tenant: Tenant, call: CreateUsers) -> JobRead:
    limit = tenant.settings.import_max_bytes
    length = request.headers.get("content-length", "")
    if length.isdigit() and int(length) > limit + MULTIPART_SLACK:
        raise PayloadTooLarge(limit)
    form = await request.form(max_files=1, max_fields=8)
    users = form.get("users")
    content: bytes | None = None
    if isinstance(users, UploadFile):
        content = await users.read(limit + 1)
    elif isinstance(users, str):
        content = users.encode()
    parts = ImportRequest(
        users=content,
        connection_id=_part(form.get("connection_id")),
        upsert=_part(form.get("upsert")),
        external_id=_part(form.get("external_id")),
        send_completion_email=_part(form.get("send_completion_email")),
    )

    def start() -> JobRead:
        with tenant.jobs_write_lock, transaction(tenant.sessions) as session:
            answer, work = _bulk(tenant, session).start_import(
                parts, call, limit, tenant.settings.admin_email
            )
        # Committed: the job's thread finds its row.
        tenant.jobs.submit(work)
        return answer

    return await run_in_threadpool(start)


@router.post("/jobs/users-exports", status_code=201, response_model_exclude_none=True)
def users_export_job(body: UsersExportJobCreate, tenant: Tenant, call: ExportUsers) -> JobRead:
    with tenant.jobs_write_lock, transaction(tenant.sessions) as session:
        answer, work = _bulk(tenant, session).start_export(body, call)
    tenant.jobs.submit(work)
    return answer


@router.get("/jobs/{job_id}", response_model_exclude_none=True)
def get_job(job_id: str, session: DbSession, tenant: Tenant, _caller: ReadJobs) -> JobRead:
    job = JobService(session, tenant.settings.origin).find(job_id)
    return _bulk(tenant, session).read(job)


@router.get(
    "/jobs/{job_id}/errors",
    response_model=list[JobEntryErrors] | FailedJobRead,
    response_model_exclude_none=True,
)
def get_job_errors(
    job_id: str, session: DbSession, tenant: Tenant, _caller: ReadJobs
) -> list[JobEntryErrors] | FailedJobRead:
    # Auth0's API document says 204 when there are none; auth0-python cannot read an empty
    # body there, so an empty list it is.
    job = JobService(session, tenant.settings.origin).find(job_id)
    return _bulk(tenant, session).errors(job)


def _refused(status: int, message: str) -> Response:
    return JSONResponse({"error": "access_denied", "message": message}, status_code=status)


@files_router.get(f"{links.PATH}/{{job_id}}/{{name}}")
def export_file(
    job_id: str, name: str, tenant: Tenant, expires: str = "", signature: str = ""
) -> Response:
    with transaction(tenant.read_sessions) as session:
        job = JobService(session, tenant.settings.origin).jobs.get(job_id)
    if job is None or job.link_key is None or job.format is None:
        return _refused(403, "The link is not valid.")
    try:
        links.check(job.id, job.link_key, expires, signature)
    except links.LinkRefused as exc:
        return _refused(403, str(exc))
    path = tenant.jobs.folder / str(job.location)
    if not job.location or not path.is_file():
        return _refused(404, "The export file is no longer kept.")
    return FileResponse(path, media_type="application/gzip", filename=links.file_name(job.format))
