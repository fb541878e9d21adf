"""/api/v2/users/{id}/sessions: a user's login sessions."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Response

from userdesk.tenant.context import DbSession
from userdesk.tenant.management.audit import ApiCall, RequireWriteScope
from userdesk.tenant.management.auth import Caller, RequireScope
from userdesk.tenant.management.params import Take
from userdesk.tenant.management.sessions.schemas import SessionsCheckpoint
from userdesk.tenant.management.sessions.service import SessionService

router = APIRouter(tags=["sessions"])

ReadSessions = Annotated[Caller, Depends(RequireScope("read:sessions"))]
DeleteSessions = Annotated[ApiCall, Depends(RequireWriteScope("delete:sessions"))]


@router.get("/users/{user_id}/sessions", response_model_exclude_none=True)
def user_sessions(
    user_id: str,
    session: DbSession,
    _caller: ReadSessions,
    take: Take = None,
    from_: Annotated[str | None, Query(alias="from")] = None,
) -> SessionsCheckpoint:
    found, next_cursor = SessionService(session).of_user(user_id, from_, take or 50)
    return SessionsCheckpoint.model_validate({"sessions": found, "next": next_cursor})


@router.delete("/users/{user_id}/sessions", status_code=202)
def delete_user_sessions(user_id: str, session: DbSession, call: DeleteSessions) -> Response:
    """Ends every login session of the user: the next ``prompt=none`` answers login_required."""
    SessionService(session).end_all(user_id, call)
    return Response(status_code=202)
