"""The two sample events; fixed demo content, so kept in code rather than a database."""

from __future__ import annotations

from datetime import date

from userdesk.desk.errors import NotFound
from userdesk.desk.events.schemas import EventRead

EVENTS = (
    EventRead(
        id=1,
        name="Charity Ball",
        category="Fundraising",
        description="A formal evening of dinner and dancing to fund the new rescue farm.",
        location="1234 Fancy Ave",
        date=date(2019, 12, 25),
        time="11:30:00",
    ),
    EventRead(
        id=2,
        name="Rescue Center Goods Drive",
        category="Adoptions",
        description="Bring food, toys and bedding for the shelter's animals; music and games.",
        location="1234 Dog Alley",
        date=date(2019, 11, 21),
        time="12:00:00",
    ),
)


class EventNotFound(NotFound):
    def __init__(self, event_id: int) -> None:
        super().__init__(f"No event with id {event_id}")


def list_events() -> list[EventRead]:
    return list(EVENTS)


def get_event(event_id: int) -> EventRead:
    for event in EVENTS:
        if event.id == event_id:
            return event
    raise EventNotFound(event_id)
