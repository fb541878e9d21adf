"""Deterministic reproducers of the defects schemathesis found. Open ones are strict xfails: a
fix makes the test XPASS, and then the marker and the entry in test_openapi_generated.py's
known-defect lists go. Fixed ones stay as plain regression tests."""

from __future__ import annotations

import re

import httpx

from tests.support.desk import RunningDesk
from tests.support.forge import Forge, Forgery, bearer
from tests.support.servers import RunningTenant

# RFC 3339 full-time, what JSON Schema's "time" format means: an offset is required.
FULL_TIME = re.compile(r"^\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$", re.IGNORECASE)


def test_huge_audit_entry_id_is_not_a_500(hard_desk: RunningDesk, desk_forge: Forge) -> None:
    token = desk_forge.token(Forgery.WITH_PERMISSION, ["read:audit"])
    with hard_desk.client(token) as client:
        answer = client.get(f"/api/audit/{10**30}")
    assert answer.status_code in (404, 422), answer.status_code


def test_event_times_match_their_published_format(hard_desk: RunningDesk) -> None:
    with hard_desk.client() as client:
        events = client.get("/api/events").json()
        openapi = client.get("/openapi.json").json()
    declared = openapi["components"]["schemas"]["EventRead"]["properties"]["time"]
    # JSON Schema's "time" format demands an offset that a venue's wall-clock time lacks, so
    # the document must not claim it; the pattern it publishes instead must hold for each event.
    assert declared.get("format") != "time", declared
    assert events
    pattern = re.compile(declared["pattern"])
    assert all(pattern.match(event["time"]) for event in events), events
    assert not any(FULL_TIME.match(event["time"]) for event in events)


# Found by schemathesis and fixed; kept as regression tests.


def test_roles_list_schema_admits_the_include_totals_envelope(
    hard_tenant: RunningTenant, hard_machine_token: str
) -> None:
    answer = httpx.get(
        f"{hard_tenant.url}/api/v2/roles",
        params={"include_totals": "true"},
        headers=bearer(hard_machine_token),
        timeout=10,
    )
    assert isinstance(answer.json(), dict)
    openapi = httpx.get(f"{hard_tenant.url}/openapi.json", timeout=10).json()
    documented = openapi["paths"]["/api/v2/roles"]["get"]["responses"]["200"]["content"][
        "application/json"
    ]["schema"]
    assert documented.get("type") != "array", documented


def test_huge_logs_page_is_not_a_500(hard_tenant: RunningTenant, hard_machine_token: str) -> None:
    answer = httpx.get(
        f"{hard_tenant.url}/api/v2/logs",
        params={"page": 10**19, "per_page": 50},
        headers=bearer(hard_machine_token),
        timeout=10,
    )
    assert answer.status_code < 500, answer.status_code
