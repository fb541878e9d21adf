from __future__ import annotations

from datetime import date, time

from pydantic import BaseModel


class EventRead(BaseModel):
    id: int
    name: str
    category: str
    description: str
    location: str
    date: date
    time: time
