"""The outbox, read over HTTP: ``/outbox.json`` for programs, ``/outbox`` for people.

The JSON takes any Management API token (the mails carry password links: a client that can
manage users may read them). The page asks for nothing more than the tenant's login page
does, like the rest of this local tool, and is served like it: no caching, no framing, no
script, and no CORS header, so no other origin's script can read it.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from userdesk.tenant.context import DbSession
from userdesk.tenant.management.auth import Authenticated
from userdesk.tenant.oidc.pages import LOGIN_HEADERS
from userdesk.tenant.outbox.repository import OutboxRepository
from userdesk.tenant.outbox.schemas import OutboxMessageRead

router = APIRouter(tags=["outbox"])
templates = Jinja2Templates(directory=Path(__file__).parent / "templates")

# Ticket links in the page must not leak through the Referer header of the next page.
PAGE_HEADERS = {**LOGIN_HEADERS, "Referrer-Policy": "no-referrer"}
SHOWN = 100


@router.get("/outbox.json")
def outbox_json(
    session: DbSession, _caller: Authenticated, to: str | None = None
) -> list[OutboxMessageRead]:
    """The newest mails first (at most 100), all or those sent to ``to``."""
    return [OutboxMessageRead.of(m) for m in OutboxRepository(session).newest(to, SHOWN)]


@router.get("/outbox", include_in_schema=False)
def outbox_page(request: Request, session: DbSession, to: str | None = None) -> HTMLResponse:
    messages = [OutboxMessageRead.of(m) for m in OutboxRepository(session).newest(to, SHOWN)]
    return templates.TemplateResponse(
        request, "outbox.html", {"messages": messages, "to": to or ""}, headers=PAGE_HEADERS
    )
