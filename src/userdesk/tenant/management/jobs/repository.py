"""The jobs table: the only code that queries it."""

from __future__ import annotations

from userdesk.tenant.store.mail import Job
from userdesk.tenant.store.repository import Repository


class JobRepository(Repository[Job]):
    model = Job
