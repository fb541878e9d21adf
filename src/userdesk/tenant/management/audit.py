"""The ``sapi`` log event every successful Management API write leaves behind."""

from __future__ import annotations

from dataclasses import dataclass, field

from fastapi import Request
from sqlalchemy.orm import Session

from userdesk.tenant.management.auth import Authenticated, Caller, RequireScope
from userdesk.tenant.management.logs.repository import LogRepository


@dataclass(frozen=True)
class ApiCall:
    """A Management API request, as its log event describes it: who, from where, what."""

    caller: Caller
    method: str
    path: str
    query: dict[str, str] = field(default_factory=dict)
    ip: str | None = None
    user_agent: str | None = None

    @classmethod
    def of(cls, request: Request, caller: Caller) -> ApiCall:
        return cls(
            caller=caller,
            method=request.method.lower(),
            path=request.url.path,
            query=dict(request.query_params),
            ip=request.client.host if request.client else None,
            user_agent=request.headers.get("user-agent"),
        )

    @property
    def client_id(self) -> str:
        return self.caller.client_id


class RequireWriteScope(RequireScope):
    """Like ``RequireScope``, for writes: the route gets the call its log event describes."""

    async def __call__(self, caller: Authenticated, request: Request) -> ApiCall:  # type: ignore[override]
        return ApiCall.of(request, await super().__call__(caller))


class ApiCallLog:
    def __init__(self, session: Session) -> None:
        self.logs = LogRepository(session)

    def record(
        self, call: ApiCall, description: str, status: int = 200, user_id: str | None = None
    ) -> None:
        self.logs.record(
            "sapi",
            description=description,
            client_id=call.caller.client_id,
            user_id=user_id,
            ip=call.ip,
            user_agent=call.user_agent,
            details={
                "request": {
                    "method": call.method,
                    "path": call.path,
                    "query": call.query,
                    "channel": "api",
                    "auth": {"subject": call.caller.subject, "strategy": "jwt"},
                },
                "response": {"statusCode": status},
            },
        )
