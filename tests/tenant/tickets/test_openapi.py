"""The tickets, jobs and outbox routes are in the tenant's OpenAPI document with their
answers' real shapes; the pages a ticket opens and the outbox page are not."""

from __future__ import annotations

import httpx
import pytest

from tests.support.servers import RunningTenant

DOCUMENTED = [
    ("/api/v2/tickets/password-change", "post", "201", "TicketRead"),
    ("/api/v2/tickets/email-verification", "post", "201", "TicketRead"),
    ("/api/v2/jobs/verification-email", "post", "201", "JobRead"),
    ("/api/v2/jobs/{job_id}", "get", "200", "JobRead"),
    ("/outbox.json", "get", "200", "OutboxMessageRead"),
]


@pytest.mark.parametrize(("path", "method", "status", "model"), DOCUMENTED)
def test_routes_document_their_answers(
    tenant: RunningTenant, path: str, method: str, status: str, model: str
) -> None:
    document = httpx.get(f"{tenant.url}/openapi.json").json()
    answer = document["paths"][path][method]["responses"][status]
    assert f"#/components/schemas/{model}" in str(answer["content"]["application/json"])
    assert document["components"]["schemas"][model]["required"]


def test_pages_are_not_api_routes(tenant: RunningTenant) -> None:
    paths = httpx.get(f"{tenant.url}/openapi.json").json()["paths"]
    assert not {"/outbox", "/u/reset-password", "/u/email-verification"} & set(paths)
