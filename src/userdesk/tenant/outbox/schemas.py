"""The outbox as JSON."""

from __future__ import annotations

from pydantic import BaseModel

from userdesk.tenant.management.paging import iso
from userdesk.tenant.store.mail import OutboxMessage


class OutboxMessageRead(BaseModel):
    id: str
    template: str
    to: str
    user_id: str | None
    subject: str
    text: str
    html: str
    links: list[str]
    created_at: str

    @classmethod
    def of(cls, message: OutboxMessage) -> OutboxMessageRead:
        return cls(
            id=message.id,
            template=message.template,
            to=message.recipient,
            user_id=message.user_id,
            subject=message.subject,
            text=message.text_body,
            html=message.html_body,
            links=[str(link) for link in message.links or []],
            created_at=iso(message.created_at) or "",
        )
