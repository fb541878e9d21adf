"""GET /api/audit: the audit log for staff allowed to read it."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query

from userdesk.desk.audit.repository import AuditFilter
from userdesk.desk.audit.schemas import AuditEntryRead, AuditList
from userdesk.desk.auth import RequirePermission, Staff
from userdesk.desk.context import Audit
from userdesk.desk.errors import INVALID_REQUEST, ErrorRead
from userdesk.permissions import Permission

router = APIRouter(
    prefix="/api/audit",
    tags=["audit"],
    responses={401: {"model": ErrorRead}, 403: {"model": ErrorRead}, **INVALID_REQUEST},
)

CanReadAudit = Annotated[Staff, RequirePermission(Permission.READ_AUDIT)]


@router.get("", response_model=AuditList, summary="List audit entries, newest first")
async def list_audit(
    _staff: CanReadAudit,
    audit: Audit,
    actor: Annotated[str | None, Query(description="Actor's sub or email")] = None,
    target: Annotated[str | None, Query(description="Target id, e.g. a user_id")] = None,
    action: Annotated[str | None, Query(description="Action, e.g. users.delete")] = None,
    page: Annotated[int, Query(ge=1)] = 1,
    per_page: Annotated[int, Query(ge=1, le=100)] = 50,
) -> AuditList:
    entries, total = await audit.search(AuditFilter(actor, target, action), page, per_page)
    return AuditList(
        entries=[AuditEntryRead.model_validate(e) for e in entries],
        total=total,
        page=page,
        per_page=per_page,
    )


@router.get(
    "/{entry_id}",
    response_model=AuditEntryRead,
    summary="One audit entry",
    responses={404: {"model": ErrorRead}},
)
async def get_audit_entry(
    _staff: CanReadAudit,
    audit: Audit,
    # Entry ids are SQL integers: a larger number cannot name one (and would overflow).
    entry_id: Annotated[int, Path(ge=1, le=2**63 - 1)],
) -> AuditEntryRead:
    return AuditEntryRead.model_validate(await audit.get(entry_id))
