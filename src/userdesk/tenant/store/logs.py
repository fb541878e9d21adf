"""Writing tenant log events (the records ``GET /api/v2/logs`` serves)."""

from __future__ import annotations

import secrets
from typing import Any

from sqlalchemy.orm import Session

from userdesk.tenant import clock
from userdesk.tenant.clock import utcnow
from userdesk.tenant.store.models import LogEvent

# Auth0's event type codes used by the tenant, with their descriptions.
TYPES = {
    "s": "Success Login",
    "f": "Failed Login",
    "fp": "Failed Login (Incorrect Password)",
    "fu": "Failed Login (Invalid Email/Username)",
    "limit_wc": "Blocked Account",
    "seacft": "Success Exchange (Authorization Code for Access Token)",
    "feacft": "Failed Exchange (Authorization Code for Access Token)",
    "seccft": "Success Exchange (Client Credentials for Access Token)",
    "feccft": "Failed Exchange (Client Credentials for Access Token)",
    "sertft": "Success Exchange (Refresh Token for Access Token)",
    "fertft": "Failed Exchange (Refresh Token for Access Token)",
    "sepft": "Success Exchange (Password for Access Token)",
    "fepft": "Failed Exchange (Password for Access Token)",
    "slo": "Success Logout",
    "srrt": "Success Revocation",
    "sapi": "Success API Operation",
    "fapi": "Failed API Operation",
    "du": "Deleted User",
    "ss": "Success Signup",
    "scp": "Success Change Password",
    "sce": "Success Change Email",
}


def new_log_id() -> str:
    # Sortable like Auth0's numeric ids: time first, then randomness.
    return f"900{clock.epoch_ns():020d}{secrets.randbelow(10**9):09d}"


def record(session: Session, type_: str, **fields: Any) -> LogEvent:
    fields.setdefault("description", TYPES.get(type_))
    fields.setdefault("details", {})
    event = LogEvent(log_id=new_log_id(), date=utcnow(), type=type_, **fields)
    session.add(event)
    return event
