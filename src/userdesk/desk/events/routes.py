"""/api/events: the list is public, one event needs any valid staff token."""

from __future__ import annotations

from fastapi import APIRouter

from userdesk.desk.auth import CurrentStaff
from userdesk.desk.errors import INVALID_REQUEST, ErrorRead
from userdesk.desk.events import service
from userdesk.desk.events.schemas import EventRead

router = APIRouter(prefix="/api/events", tags=["events"], responses=INVALID_REQUEST)


@router.get("", response_model=list[EventRead], summary="The sample events (public)")
async def list_events() -> list[EventRead]:
    return service.list_events()


@router.get(
    "/{event_id}",
    response_model=EventRead,
    summary="One sample event (any valid token)",
    responses={401: {"model": ErrorRead}, 404: {"model": ErrorRead}},
)
async def get_event(_staff: CurrentStaff, event_id: int) -> EventRead:
    return service.get_event(event_id)
