"""Mail a user gets through the provider: password-change tickets and verification emails.

``POST /tickets/password-change`` answers ``{"ticket": URL}``, a link the user opens to set a
password (valid five days unless ``ttl_sec`` says otherwise). ``POST /jobs/verification-email``
queues the verification mail and answers a job. Neither is idempotent: a retried call would
send a second mail or make a second link, so neither is retried after it may have landed.
"""

from __future__ import annotations

from typing import Any

from userdesk.desk.directory.client import ManagementClient
from userdesk.desk.directory.users import UserNotFound
from userdesk.desk.errors import NotFound, UpstreamFailed


class TicketsApi:
    def __init__(self, client: ManagementClient) -> None:
        self._client = client

    async def password_change(self, user_id: str, *, result_url: str | None = None) -> str:
        body: dict[str, Any] = {"user_id": user_id}
        if result_url:
            body["result_url"] = result_url
        try:
            answer = await self._client.post("/tickets/password-change", body)
        except NotFound as exc:
            raise UserNotFound(user_id) from exc
        ticket = answer.get("ticket") if isinstance(answer, dict) else None
        if not isinstance(ticket, str) or not ticket:
            raise _malformed("a password-change ticket")
        return ticket

    async def send_verification_email(self, user_id: str) -> str:
        """Queue the verification mail; the provider's job id."""
        try:
            answer = await self._client.post("/jobs/verification-email", {"user_id": user_id})
        except NotFound as exc:
            raise UserNotFound(user_id) from exc
        job_id = answer.get("id") if isinstance(answer, dict) else None
        if not isinstance(job_id, str) or not job_id:
            raise _malformed("a verification-email job")
        return job_id


def _malformed(what: str) -> UpstreamFailed:
    error = UpstreamFailed(f"The identity provider sent a malformed answer for {what}")
    error.upstream_status = 201
    return error
