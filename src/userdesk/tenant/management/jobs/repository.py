"""The jobs and job_errors tables: the only code that queries them."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import func, insert, select, update

from userdesk.tenant.store.mail import Job, JobError
from userdesk.tenant.store.repository import Repository

ACTIVE = ("pending", "processing")


class JobRepository(Repository[Job]):
    model = Job

    def set(self, job_id: str, **values: Any) -> None:
        self.session.execute(update(Job).where(Job.id == job_id).values(**values))

    def active_count(self, job_type: str) -> int:
        query = select(func.count()).where(Job.type == job_type, Job.status.in_(ACTIVE))
        return int(self.session.scalar(query) or 0)

    def active(self) -> list[Job]:
        return list(self.session.scalars(select(Job).where(Job.status.in_(ACTIVE))))

    def with_files_before(self, moment: datetime) -> list[Job]:
        query = select(Job).where(Job.location.is_not(None), Job.created_at < moment)
        return list(self.session.scalars(query))

    def add_errors(self, rows: Sequence[dict[str, Any]]) -> None:
        if rows:
            self.session.execute(insert(JobError), list(rows))

    def errors(self, job_id: str) -> list[JobError]:
        query = select(JobError).where(JobError.job_id == job_id).order_by(JobError.position)
        return list(self.session.scalars(query))
