"""The ``sapi`` log event every successful Management API write leaves behind."""

from __future__ import annotations

from fastapi import Request
from sqlalchemy.orm import Session

from userdesk.tenant.management.auth import Caller
from userdesk.tenant.store import logs


def record_api_call(
    session: Session,
    caller: Caller,
    request: Request,
    description: str,
    status: int = 200,
    user_id: str | None = None,
) -> None:
    logs.record(
        session,
        "sapi",
        description=description,
        client_id=caller.client_id,
        user_id=user_id,
        ip=request.client.host if request.client else None,
        user_agent=request.headers.get("user-agent"),
        details={
            "request": {
                "method": request.method.lower(),
                "path": request.url.path,
                "query": dict(request.query_params),
                "channel": "api",
                "auth": {"subject": caller.subject, "strategy": "jwt"},
            },
            "response": {"statusCode": status},
        },
    )
