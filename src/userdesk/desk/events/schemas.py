from __future__ import annotations

from datetime import date

from pydantic import BaseModel, Field


class EventRead(BaseModel):
    id: int
    name: str
    category: str
    description: str
    location: str
    date: date
    # The venue's wall-clock time. JSON Schema's "time" format demands an offset, which a
    # local event time has none of, so it is published as a plain HH:MM:SS string.
    time: str = Field(pattern=r"^\d{2}:\d{2}:\d{2}$", examples=["11:30:00"])
