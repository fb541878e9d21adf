"""The mails the tenant sends, written as Auth0's default templates read, into the outbox."""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

from sqlalchemy.orm import Session

from userdesk.tenant import ids
from userdesk.tenant.clock import utcnow
from userdesk.tenant.outbox.repository import OutboxRepository
from userdesk.tenant.store.mail import OutboxMessage
from userdesk.tenant.store.models import User

# Auth0's names for its email templates.
VERIFY_EMAIL = "verify_email"
RESET_EMAIL = "reset_email"
# Auth0 mails a bulk import's outcome to the tenant's administrators; no template to edit.
IMPORT_COMPLETED = "users_import_completed"


@dataclass(frozen=True)
class Letter:
    subject: str
    greeting: str
    body: str
    action: str
    link: str
    footer: str


def _html(letter: Letter) -> str:
    return (
        '<!doctype html><html lang="en"><body style="font-family: sans-serif">'
        f"<p>{escape(letter.greeting)}</p><p>{escape(letter.body)}</p>"
        f'<p><a href="{escape(letter.link)}">{escape(letter.action)}</a></p>'
        f"<p><small>{escape(letter.footer)}</small></p></body></html>"
    )


def _text(letter: Letter) -> str:
    return (
        f"{letter.greeting}\n\n{letter.body}\n\n{letter.action}: {letter.link}\n\n{letter.footer}\n"
    )


class Mailer:
    """Writes each mail to the outbox, in the caller's transaction."""

    def __init__(self, session: Session) -> None:
        self.outbox = OutboxRepository(session)

    def verification(self, user: User, link: str) -> OutboxMessage:
        letter = Letter(
            subject="Verify your email",
            greeting=f"Hello {user.name or user.email},",
            body="Please verify your email address by following the link below.",
            action="Verify your email",
            link=link,
            footer="If you did not create an account, you can ignore this message.",
        )
        return self._send(VERIFY_EMAIL, user, letter)

    def password_change(self, user: User, link: str) -> OutboxMessage:
        letter = Letter(
            subject="Reset your password",
            greeting=f"Hello {user.name or user.email},",
            body="Someone asked to change the password of your account. "
            "Follow the link below to choose a new one.",
            action="Change your password",
            link=link,
            footer="If you did not ask for this, you can ignore this message: "
            "your password stays as it is.",
        )
        return self._send(RESET_EMAIL, user, letter)

    def import_completed(self, recipient: str, job_id: str, outcome: str) -> OutboxMessage:
        """The administrator's notice that an import job ended, and how: no link to follow."""
        body = f"The users import job {job_id} has finished. {outcome}"
        return self.outbox.add(
            OutboxMessage(
                id=ids.prefixed("msg_"),
                template=IMPORT_COMPLETED,
                recipient=recipient,
                user_id=None,
                subject="Users import job finished",
                text_body=f"Hello,\n\n{body}\n",
                html_body=(
                    '<!doctype html><html lang="en"><body style="font-family: sans-serif">'
                    f"<p>Hello,</p><p>{escape(body)}</p></body></html>"
                ),
                links=[],
                created_at=utcnow(),
            )
        )

    def _send(self, template: str, user: User, letter: Letter) -> OutboxMessage:
        if not user.email:
            raise ValueError("a mail needs a recipient")
        return self.outbox.add(
            OutboxMessage(
                id=ids.prefixed("msg_"),
                template=template,
                recipient=user.email,
                user_id=user.user_id,
                subject=letter.subject,
                text_body=_text(letter),
                html_body=_html(letter),
                links=[letter.link],
                created_at=utcnow(),
            )
        )
