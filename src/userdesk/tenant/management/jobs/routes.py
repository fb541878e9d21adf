"""/api/v2/jobs: verification-email jobs and reading any job."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends

from userdesk.tenant.context import DbSession, Tenant
from userdesk.tenant.management.audit import ApiCall, RequireWriteScope
from userdesk.tenant.management.auth import Caller, RequireScope
from userdesk.tenant.management.jobs.schemas import JobRead, VerificationEmailJobCreate
from userdesk.tenant.management.jobs.service import JobService

router = APIRouter(tags=["jobs"])

SendVerification = Annotated[ApiCall, Depends(RequireWriteScope("update:users"))]
ReadJobs = Annotated[Caller, Depends(RequireScope("create:users", "read:users"))]


@router.post("/jobs/verification-email", status_code=201)
def verification_email_job(
    body: VerificationEmailJobCreate, session: DbSession, tenant: Tenant, call: SendVerification
) -> JobRead:
    return JobService(session, tenant.settings.origin).verification_email(body, call)


@router.get("/jobs/{job_id}")
def get_job(job_id: str, session: DbSession, tenant: Tenant, _caller: ReadJobs) -> JobRead:
    return JobService(session, tenant.settings.origin).get(job_id)
