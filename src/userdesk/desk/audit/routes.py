"""GET /api/audit: the audit log for staff allowed to read it."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Path, Query

from userdesk.desk.audit.repository import AuditFilter
from userdesk.desk.audit.schemas import AuditEntryRead, AuditList
from userdesk.desk.auth import RequirePermission, Staff
from userdesk.desk.context import Audit
from userdesk.desk.errors import INVALID_REQUEST, ErrorRead
from userdesk.permissions import Permission

Outcome = Literal["attempted", "succeeded", "failed", "denied"]


def _utc(moment: datetime | None) -> datetime | None:
    if moment is not None and moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment


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
    outcome: Annotated[
        Outcome | None, Query(description="attempted, succeeded, failed, denied")
    ] = None,
    since: Annotated[
        datetime | None,
        Query(description="Entries at or after this time (ISO 8601; UTC if no offset)"),
    ] = None,
    until: Annotated[
        datetime | None, Query(description="Entries before this time (ISO 8601; UTC if no offset)")
    ] = None,
    q: Annotated[
        str | None, Query(max_length=200, description="Text in the actor, target or action")
    ] = None,
    page: Annotated[int, Query(ge=1)] = 1,
    per_page: Annotated[int, Query(ge=1, le=100)] = 50,
) -> AuditList:
    where = AuditFilter(
        actor=actor,
        target=target,
        action=action,
        outcome=outcome,
        since=_utc(since),
        until=_utc(until),
        text=q or None,
    )
    entries, total, deleted = await audit.search(where, page, per_page)
    return AuditList(
        entries=[
            AuditEntryRead.model_validate(e).model_copy(
                update={"target_deleted": e.target in deleted}
            )
            for e in entries
        ],
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
