"""/api/users/{id}/sessions: the user's login sessions, and "sign out everywhere"."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Response
from pydantic import BaseModel

from userdesk.desk.auth import RequirePermission, Staff
from userdesk.desk.context import Actors, Audit, Directory, RequestId
from userdesk.desk.errors import UPSTREAM_ERRORS, ErrorRead
from userdesk.desk.sessions.service import SessionService
from userdesk.permissions import Permission

router = APIRouter(prefix="/api/users", tags=["sessions"], responses=UPSTREAM_ERRORS)


def get_service(directory: Directory, audit: Audit, actors: Actors) -> SessionService:
    return SessionService(directory, audit, actors)


Sessions = Annotated[SessionService, Depends(get_service)]
CanReadUsers = Annotated[Staff, RequirePermission(Permission.READ_USERS)]
CanSignOut = Annotated[
    Staff, RequirePermission(Permission.UPDATE_USERS, audit_as="sessions.revoke")
]


class DeviceRead(BaseModel):
    initial_ip: str | None = None
    initial_user_agent: str | None = None
    last_ip: str | None = None
    last_user_agent: str | None = None


class SessionRead(BaseModel):
    id: str
    created_at: datetime | None
    last_interacted_at: datetime | None
    expires_at: datetime | None
    device: DeviceRead
    clients: list[str]


class SessionList(BaseModel):
    sessions: list[SessionRead]


@router.get(
    "/{user_id}/sessions",
    response_model=SessionList,
    summary="The user's login sessions: when they started, were last used, and from where",
    responses={404: {"model": ErrorRead}},
)
async def user_sessions(_staff: CanReadUsers, sessions: Sessions, user_id: str) -> SessionList:
    found = await sessions.of_user(user_id)
    return SessionList(
        sessions=[
            SessionRead(
                id=s.id,
                created_at=s.created_at,
                last_interacted_at=s.last_interacted_at,
                expires_at=s.expires_at,
                device=DeviceRead.model_validate(s.device.model_dump()),
                clients=[c.client_id for c in s.clients],
            )
            for s in found
        ]
    )


@router.delete(
    "/{user_id}/sessions",
    status_code=204,
    response_class=Response,
    summary="Sign the user out everywhere: every session ended, every refresh token revoked",
    responses={404: {"model": ErrorRead}},
)
async def sign_out_everywhere(
    staff: CanSignOut, sessions: Sessions, user_id: str, request_id: RequestId
) -> Response:
    await sessions.sign_out_everywhere(staff, user_id, request_id)
    return Response(status_code=204)
