"""The small base every tenant repository stands on: only repositories touch the database."""

from __future__ import annotations

from typing import Any, Generic, TypeVar

from sqlalchemy.orm import Session

from userdesk.tenant.store.models import Base

M = TypeVar("M", bound=Base)


class Repository(Generic[M]):
    model: type[M]

    def __init__(self, session: Session) -> None:
        self.session = session

    def get(self, key: Any) -> M | None:
        return self.session.get(self.model, key)

    def add(self, obj: M) -> M:
        self.session.add(obj)
        return obj

    def delete(self, obj: M) -> None:
        self.session.delete(obj)
