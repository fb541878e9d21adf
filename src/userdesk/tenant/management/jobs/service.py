"""The rules of /api/v2/jobs: a verification-email job mails its link in its own request.

Auth0 answers ``pending`` and sends later; here the mail is in the outbox when the answer
leaves, so the job reads ``completed`` from the first GET on. The request logs ``svr``
alongside the ``sapi`` of every write.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from userdesk.tenant import ids
from userdesk.tenant.clock import utcnow
from userdesk.tenant.management.audit import ApiCall, ApiCallLog
from userdesk.tenant.management.errors import BadRequest, NotFound
from userdesk.tenant.management.jobs.repository import JobRepository
from userdesk.tenant.management.jobs.schemas import JobRead, VerificationEmailJobCreate
from userdesk.tenant.management.logs.repository import LogRepository
from userdesk.tenant.management.paging import iso
from userdesk.tenant.management.tickets.service import TicketUserNotFound
from userdesk.tenant.management.users.repository import UserRepository
from userdesk.tenant.store.mail import Job
from userdesk.tenant.tickets.service import TicketIssuer, TicketRequest

VERIFICATION_EMAIL = "verification_email"


class JobNotFound(NotFound):
    error_code = "inexistent_job"

    def __init__(self) -> None:
        super().__init__("The job does not exist.")


def job_read(job: Job, status: str | None = None) -> JobRead:
    return JobRead(
        id=job.id, type=job.type, status=status or job.status, created_at=iso(job.created_at) or ""
    )


class JobService:
    def __init__(self, session: Session, origin: str) -> None:
        self.jobs = JobRepository(session)
        self.users = UserRepository(session)
        self.issuer = TicketIssuer(session, origin)
        self.logs = LogRepository(session)
        self.calls = ApiCallLog(session)

    def verification_email(self, data: VerificationEmailJobCreate, call: ApiCall) -> JobRead:
        user = self.users.by_user_id(data.user_id)
        if user is None:
            raise TicketUserNotFound()
        if not user.email:
            raise BadRequest("User does not have an email address.")
        self.issuer.email_verification(TicketRequest(user=user, client_id=data.client_id))
        now = utcnow()
        job = self.jobs.add(
            Job(
                id=ids.prefixed("job_"),
                type=VERIFICATION_EMAIL,
                status="completed",
                user_id=user.user_id,
                created_at=now,
                completed_at=now,
            )
        )
        self.logs.record(
            "svr",
            description="Success Verification Email Request",
            user_id=user.user_id,
            user_name=user.email,
            connection=user.connection,
            client_id=data.client_id or call.client_id,
            ip=call.ip,
            user_agent=call.user_agent,
        )
        self.calls.record(call, "Send a verification email", 201, user.user_id)
        # Auth0 answers a new job as pending, whatever happens next.
        return job_read(job, status="pending")

    def find(self, job_id: str) -> Job:
        job = self.jobs.get(job_id)
        if job is None:
            raise JobNotFound()
        return job
