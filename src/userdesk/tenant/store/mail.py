"""Tables of the mail the tenant sends: the tickets its links carry, the Management API's jobs
(verification mail, bulk imports and exports), and the outbox that keeps every message.

A ticket's secret travels only in its link; the table keeps its SHA-256 digest, as it does
for authorization codes and refresh tokens.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, DateTime, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from userdesk.tenant.store.models import Base


class Ticket(Base):
    """A single-use link that changes a user's password or verifies their email."""

    __tablename__ = "tickets"

    secret_hash: Mapped[str] = mapped_column(String(128), primary_key=True)
    kind: Mapped[str] = mapped_column(String(32))  # password_change | email_verification
    user_id: Mapped[str] = mapped_column(
        ForeignKey("users.user_id", ondelete="CASCADE"), index=True
    )
    client_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    result_url: Mapped[str | None] = mapped_column(String(2048), nullable=True)
    mark_email_verified: Mapped[bool] = mapped_column(Boolean, default=False)
    include_email_in_redirect: Mapped[bool] = mapped_column(Boolean, default=False)
    # The password form's CSRF token, repeated in a cookie when the form is served.
    csrf_token: Mapped[str] = mapped_column(String(128))
    created_at: Mapped[datetime] = mapped_column(DateTime)
    expires_at: Mapped[datetime] = mapped_column(DateTime)
    used_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    # Set on a user's older password tickets when a new one is issued: only the newest works.
    superseded_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)


class Job(Base):
    """A Management API job (``job_…``).

    Verification-email jobs finish in their request; bulk imports and exports run in a
    thread of the process that took them (``runner``, ``host:pid:instance``), which is how a
    later start tells the jobs a stopped process left behind.
    """

    __tablename__ = "jobs"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    type: Mapped[str] = mapped_column(String(32))
    status: Mapped[str] = mapped_column(String(16), index=True)
    # Not a foreign key: a job's record outlives the user it was about.
    user_id: Mapped[str | None] = mapped_column(String(255), nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime)
    completed_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    # Bulk jobs: the connection (None on an export of every connection) and the options.
    connection_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    connection: Mapped[str | None] = mapped_column(String(128), nullable=True)
    external_id: Mapped[str | None] = mapped_column(String(255), nullable=True)
    upsert: Mapped[bool | None] = mapped_column(Boolean, nullable=True)
    send_completion_email: Mapped[bool | None] = mapped_column(Boolean, nullable=True)
    format: Mapped[str | None] = mapped_column(String(8), nullable=True)
    fields: Mapped[list[Any] | None] = mapped_column(JSON, nullable=True)
    row_limit: Mapped[int | None] = mapped_column(Integer, nullable=True)
    runner: Mapped[str | None] = mapped_column(String(255), nullable=True)
    started_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    percentage_done: Mapped[int | None] = mapped_column(Integer, nullable=True)
    # ``{failed, updated, inserted, total}`` of an import.
    summary: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    status_details: Mapped[str | None] = mapped_column(Text, nullable=True)
    # An export's file name in the data directory's ``jobs/``, and the key its links are
    # signed with (a link carries an HMAC of the job id and its expiry, never this key).
    location: Mapped[str | None] = mapped_column(String(255), nullable=True)
    link_key: Mapped[str | None] = mapped_column(String(128), nullable=True)


class JobError(Base):
    """An import entry that was refused: the entry (hashes masked) and why."""

    __tablename__ = "job_errors"

    job_id: Mapped[str] = mapped_column(ForeignKey("jobs.id", ondelete="CASCADE"), primary_key=True)
    # The entry's index in the file (from 0): the order the errors are listed in.
    position: Mapped[int] = mapped_column(Integer, primary_key=True)
    entry: Mapped[Any] = mapped_column(JSON)
    errors: Mapped[list[Any]] = mapped_column(JSON)


class OutboxMessage(Base):
    """A mail the tenant sent, kept instead of delivered: the local stand-in for an inbox."""

    __tablename__ = "outbox"

    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    id: Mapped[str] = mapped_column(String(64), unique=True)  # msg_...
    # Auth0's email template names: verify_email, reset_email.
    template: Mapped[str] = mapped_column(String(64))
    recipient: Mapped[str] = mapped_column(String(320), index=True)
    # Not a foreign key: the mail stays readable after its user is deleted.
    user_id: Mapped[str | None] = mapped_column(String(255), nullable=True)
    subject: Mapped[str] = mapped_column(String(512))
    text_body: Mapped[str] = mapped_column(Text)
    html_body: Mapped[str] = mapped_column(Text)
    links: Mapped[list[Any]] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(DateTime, index=True)
