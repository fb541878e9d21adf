"""/api/me: the signed-in staff member, for the SPA's header and its permission gating."""

from __future__ import annotations

from fastapi import APIRouter

from userdesk.desk.auth import CurrentStaff
from userdesk.desk.context import StaffDirectory
from userdesk.desk.errors import INVALID_REQUEST, ErrorRead
from userdesk.desk.staff.schemas import StaffRead

router = APIRouter(prefix="/api", tags=["staff"], responses=INVALID_REQUEST)


@router.get(
    "/me",
    response_model=StaffRead,
    summary="The signed-in staff member, their roles and permissions (any valid token)",
    responses={
        401: {"model": ErrorRead},
        429: {"model": ErrorRead, "description": "Rate limited by the identity provider"},
        502: {"model": ErrorRead, "description": "The identity provider failed"},
        503: {"model": ErrorRead, "description": "The identity provider is unreachable"},
    },
)
async def me(staff: CurrentStaff, service: StaffDirectory) -> StaffRead:
    return await service.describe(staff)
