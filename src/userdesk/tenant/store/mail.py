"""Tables of the mail the tenant sends: the tickets its links carry, the jobs that send
verification mail, and the outbox that keeps every message.

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
    """A Management API job (``job_…``); verification-email jobs finish in their request."""

    __tablename__ = "jobs"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    type: Mapped[str] = mapped_column(String(32))
    status: Mapped[str] = mapped_column(String(16))
    # Not a foreign key: a job's record outlives the user it was about.
    user_id: Mapped[str | None] = mapped_column(String(255), nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime)
    completed_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)


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
