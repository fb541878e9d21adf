"""The outbox, read over HTTP: ``/outbox.json`` for programs, ``/outbox`` for people.

The JSON takes any Management API token (the mails carry password links: a client that can
manage users may read them). The page asks for no sign-in, so it answers only requests from
the tenant's own machine (loopback; behind a trusted proxy, the forwarded client's address
counts): a tenant reachable from elsewhere must not hand its reset links to anyone who asks.
It is served like the login page: no caching, no framing, no script, and no CORS header.
"""

from __future__ import annotations

from ipaddress import ip_address
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


def _from_this_machine(request: Request) -> bool:
    try:
        return request.client is not None and ip_address(request.client.host).is_loopback
    except ValueError:
        return False


@router.get("/outbox", include_in_schema=False)
def outbox_page(request: Request, session: DbSession, to: str | None = None) -> HTMLResponse:
    if not _from_this_machine(request):
        return HTMLResponse(
            "<!doctype html><title>Outbox</title><p>The outbox page answers only on the "
            "tenant's own machine; elsewhere read it as JSON with a Management API token.</p>",
            status_code=403,
            headers=PAGE_HEADERS,
        )
    messages = [OutboxMessageRead.of(m) for m in OutboxRepository(session).newest(to, SHOWN)]
    return templates.TemplateResponse(
        request, "outbox.html", {"messages": messages, "to": to or ""}, headers=PAGE_HEADERS
    )
