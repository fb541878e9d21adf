"""Exports through the fault proxy: Auth0's 429s slow an export down and lose nothing, whether
the export reads a search in slices or every user through the provider's export job."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from tests.hardening.conftest import Proxied, start_proxied, stop_proxied
from tests.support.faultproxy import Fault
from userdesk.tenant.provisioning.demo import seed_users
from userdesk.tenant.store.db import make_engine, make_sessionmaker, transaction

USERS = r"/api/v2/users"
JOBS = r"/api/v2/jobs/users-exports"
JOB = r"/api/v2/jobs/job_\w+"
SEEDED = 400
EVERYONE = "_exists_:email"


@pytest.fixture(scope="module")
def limited(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Proxied]:
    running = start_proxied(tmp_path_factory.mktemp("export-faults"))
    engine = make_engine(f"sqlite:///{running.tenant.data_dir / 'tenant.sqlite3'}")
    try:
        with transaction(make_sessionmaker(engine)) as session:
            seed_users(session, SEEDED, seed=7)
    finally:
        engine.dispose()
    yield running
    stop_proxied(running)


def total_users(proxied: Proxied) -> int:
    answer = httpx.get(
        f"{proxied.tenant.url}/api/v2/users",
        params={"include_totals": "true", "per_page": 1},
        headers={"Authorization": f"Bearer {proxied.machine_token}"},
        timeout=10,
    )
    answer.raise_for_status()
    return int(answer.json()["total"])


def run_export(http: httpx.Client, q: str | None, timeout: float = 120) -> dict[str, Any]:
    started = http.post("/api/exports", json={"format": "json", "q": q})
    assert started.status_code == 202, started.text
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        body: dict[str, Any] = http.get(f"/api/exports/{started.json()['id']}").json()
        if body["status"] in ("completed", "failed"):
            return body
        time.sleep(0.2)
    raise AssertionError("the export did not finish")


def test_a_search_export_waits_out_injected_429s_and_loses_no_user(limited: Proxied) -> None:
    expected = total_users(limited)
    assert expected > SEEDED
    limited.proxy.clear()
    # More 429s in a row than the client's own retries absorb: the export loop waits too.
    limited.proxy.inject("GET", USERS, Fault.rate_limited(retry_after=1), times=5)
    with limited.admin() as http:
        done = run_export(http, EVERYONE)
        assert done["status"] == "completed", done
        assert done["exported"] == expected
        assert "waited" in done["message"]
        text = http.get(f"/api/exports/{done['id']}/file").text
    ids = [json.loads(line)["user_id"] for line in text.splitlines()]
    assert len(ids) == len(set(ids)) == expected
    assert len(limited.proxy.requests("GET", USERS)) > 5


def test_an_export_rate_limited_past_its_patience_fails_with_a_clear_message(
    limited: Proxied,
) -> None:
    limited.proxy.clear()
    limited.proxy.inject("GET", USERS, Fault.rate_limited(retry_after=1))
    exports = limited.desk.app.state.exports
    patience, exports.patience = exports.patience, 1.5
    try:
        with limited.admin() as http:
            done = run_export(http, EVERYONE)
            assert done["status"] == "failed"
            assert "rate limiting" in done["message"]
            answer = http.get(f"/api/exports/{done['id']}/file")
            assert answer.status_code == 409
    finally:
        exports.patience = patience
        limited.proxy.clear()


def test_an_export_job_waits_out_injected_429s_and_loses_no_user(limited: Proxied) -> None:
    expected = total_users(limited)
    limited.proxy.clear()
    # A 429 on the job's creation (it never reached the provider) and on reads of the job.
    limited.proxy.inject("POST", JOBS, Fault.rate_limited(retry_after=1), times=2)
    limited.proxy.inject("GET", JOB, Fault.rate_limited(retry_after=1), times=4)
    with limited.admin() as http:
        done = run_export(http, None)
        assert done["status"] == "completed", done
        assert done["exported"] == expected
        assert "bulk export job" in done["message"] and "waited" in done["message"]
        text = http.get(f"/api/exports/{done['id']}/file").text
    ids = [json.loads(line)["user_id"] for line in text.splitlines()]
    assert len(ids) == len(set(ids)) == expected
    created = limited.proxy.requests("POST", JOBS)
    assert len(created) == 3 and sum(1 for seen in created if seen.reached_tenant) == 1
    assert not limited.proxy.requests("GET", USERS)
