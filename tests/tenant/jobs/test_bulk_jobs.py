"""Bulk import and export jobs of the Management API, over real HTTP, in Auth0's shapes."""

from __future__ import annotations

import gzip
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import bcrypt
import httpx
import pytest
from rich.progress import Progress

from tests.support.servers import RunningTenant, bind_loopback, start_tenant
from tests.support.tokens import machine_token, password_token
from tests.tenant.management.conftest import auth0_error, mint
from userdesk.tenant import clock
from userdesk.tenant.bulk.commands import run_export
from userdesk.tenant.store.db import transaction
from userdesk.tenant.store.mail import Job

PASSWORD = "Imported-pass-1"


@pytest.fixture(scope="module")
def tenant(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningTenant]:
    running = start_tenant(tmp_path_factory.mktemp("jobs-tenant"), demo_users=20)
    yield running
    running.stop()


def client(tenant: RunningTenant, token: str | None = None) -> httpx.Client:
    return httpx.Client(
        base_url=f"{tenant.url}/api/v2",
        headers={"Authorization": f"Bearer {token or machine_token(tenant)}"},
        timeout=30,
    )


@pytest.fixture
def api(tenant: RunningTenant) -> Iterator[httpx.Client]:
    with client(tenant) as http:
        yield http


def database_connection(api: httpx.Client) -> dict[str, Any]:
    [found] = [c for c in api.get("/connections").json() if c["strategy"] == "auth0"]
    return dict(found)


def start_import(api: httpx.Client, users: Any, connection_id: str, **parts: str) -> httpx.Response:
    body = users if isinstance(users, bytes) else json.dumps(users).encode()
    return api.post(
        "/jobs/users-imports",
        files={"users": ("users.json", body, "application/json")},
        data={"connection_id": connection_id, **parts},
    )


def finished(tenant: RunningTenant, api: httpx.Client, job_id: str) -> dict[str, Any]:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        job: dict[str, Any] = api.get(f"/jobs/{job_id}").json()
        if job["status"] in ("completed", "failed"):
            return job
        time.sleep(0.05)
    raise AssertionError(f"job {job_id} did not finish")


def imported(tenant: RunningTenant, api: httpx.Client, users: Any, **parts: str) -> dict[str, Any]:
    answer = start_import(api, users, database_connection(api)["id"], **parts)
    assert answer.status_code == 202, answer.text
    return finished(tenant, api, answer.json()["id"])


def by_email(api: httpx.Client, email: str) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = api.get("/users-by-email", params={"email": email}).json()
    return found


def bcrypt_hash(password: str = PASSWORD) -> str:
    return bcrypt.hashpw(password.encode(), bcrypt.gensalt(4)).decode()


def test_an_import_job_inserts_the_good_entries_and_lists_each_bad_one(
    tenant: RunningTenant, api: httpx.Client
) -> None:
    connection = database_connection(api)
    hashed = bcrypt_hash()
    users = [
        {"email": "grace@jobs.test", "password_hash": hashed, "given_name": "Grace"},
        {"email": "not-an-email"},
        {"given_name": "No email"},
        {"email": "grace@jobs.test", "name": "Grace again"},
        {"email": "weak@jobs.test", "password_hash": "plain-text"},
        {"email": "alan@jobs.test", "app_metadata": {"plan": "pro"}, "user_id": "alan01"},
    ]
    answer = start_import(api, users, connection["id"], external_id="batch-7")
    assert answer.status_code == 202, answer.text
    job = answer.json()
    assert job["type"] == "users_import" and job["status"] == "pending"
    assert job["id"].startswith("job_") and job["created_at"].endswith("Z")
    assert (job["connection_id"], job["connection"]) == (connection["id"], connection["name"])
    assert job["external_id"] == "batch-7"

    done = finished(tenant, api, job["id"])
    assert done["status"] == "completed", done
    assert done["summary"] == {"failed": 4, "updated": 0, "inserted": 2, "total": 6}
    errors = api.get(f"/jobs/{job['id']}/errors")
    assert errors.status_code == 200
    listed = errors.json()
    assert [e["user"] for e in listed] == [
        users[1],
        users[2],
        users[3],
        {"email": "weak@jobs.test", "password_hash": "*****"},
    ]
    codes = [[(x["code"], x["path"]) for x in e["errors"]] for e in listed]
    assert codes == [
        [("FORMAT", "email")],
        [("OBJECT_REQUIRED", "email")],
        [("DUPLICATED_USER", "email")],
        [("PATTERN", "password_hash")],
    ]
    assert all(x["message"] for e in listed for x in e["errors"])
    assert "bcrypt" in listed[3]["errors"][0]["message"]
    # The good entries are there, and the password imported as a hash signs in.
    [grace] = by_email(api, "grace@jobs.test")
    assert grace["given_name"] == "Grace"
    [alan] = by_email(api, "alan@jobs.test")
    assert alan["user_id"] == "auth0|alan01" and alan["app_metadata"] == {"plan": "pro"}
    assert password_token(tenant, "grace@jobs.test", PASSWORD)["access_token"]


def test_upsert_false_refuses_an_existing_email_and_true_updates_it(
    tenant: RunningTenant, api: httpx.Client
) -> None:
    first = [{"email": "upsert@jobs.test", "name": "First", "user_metadata": {"a": 1, "b": 2}}]
    assert imported(tenant, api, first)["summary"]["inserted"] == 1
    again = [{"email": "upsert@jobs.test", "name": "Second", "user_metadata": {"c": 3}}]

    refused = imported(tenant, api, again, upsert="false")
    assert refused["summary"] == {"failed": 1, "updated": 0, "inserted": 0, "total": 1}
    [error] = api.get(f"/jobs/{refused['id']}/errors").json()
    assert error["errors"][0]["code"] == "DUPLICATED_USER"
    assert by_email(api, "upsert@jobs.test")[0]["name"] == "First"

    updated = imported(tenant, api, again, upsert="true")
    assert updated["summary"] == {"failed": 0, "updated": 1, "inserted": 0, "total": 1}
    [user] = by_email(api, "upsert@jobs.test")
    assert user["name"] == "Second" and user["user_metadata"] == {"c": 3}
    # No errors: an empty list (auth0-python cannot read the 204 Auth0's document names).
    empty = api.get(f"/jobs/{updated['id']}/errors")
    assert (empty.status_code, empty.json()) == (200, [])


def test_import_requests_that_cannot_start_say_why(
    tenant: RunningTenant, api: httpx.Client
) -> None:
    connection_id = database_connection(api)["id"]
    bad_json = start_import(api, b'[{"email": "x@jobs.test"', connection_id)
    assert "not valid JSON" in auth0_error(bad_json, 400, "invalid_body")["message"]
    not_array = start_import(api, {"email": "x@jobs.test"}, connection_id)
    assert "JSON array" in auth0_error(not_array, 400, "invalid_body")["message"]
    no_file = api.post("/jobs/users-imports", data={"connection_id": connection_id})
    assert auth0_error(no_file, 400, "invalid_body")["message"] == (
        "Must provide 'users' file as multipart part."
    )
    unknown = start_import(api, [{"email": "x@jobs.test"}], "con_0000000000000000")
    assert auth0_error(unknown, 400, "inexistent_connection")["message"] == (
        "The connection does not exist."
    )
    no_connection = api.post(
        "/jobs/users-imports", files={"users": ("u.json", b"[]", "application/json")}
    )
    assert "connection_id" in auth0_error(no_connection, 400, "invalid_body")["message"]
    bad_flag = start_import(api, [{"email": "x@jobs.test"}], connection_id, upsert="yes")
    assert "upsert" in auth0_error(bad_flag, 400, "invalid_body")["message"]
    # Auth0's limit on the file, and its words.
    big = [{"email": f"user{i}@jobs.test", "name": "x" * 100} for i in range(4000)]
    too_big = start_import(api, big, connection_id)
    assert auth0_error(too_big, 413, "payload_too_large")["message"] == (
        "Payload content length greater than maximum allowed: 512000."
    )
    assert by_email(api, "x@jobs.test") == []


def test_a_completion_mail_goes_to_the_outbox_unless_declined(
    tenant: RunningTenant, api: httpx.Client
) -> None:
    admin = tenant.app.state.tenant.settings.admin_email
    token = machine_token(tenant)

    def mails() -> list[dict[str, Any]]:
        answer = httpx.get(
            f"{tenant.url}/outbox.json",
            params={"to": admin},
            headers={"Authorization": f"Bearer {token}"},
        )
        return [m for m in answer.json() if m["template"] == "users_import_completed"]

    before = len(mails())
    quiet = imported(tenant, api, [{"email": "quiet@jobs.test"}], send_completion_email="false")
    assert len(mails()) == before
    told = imported(tenant, api, [{"email": "told@jobs.test"}])
    sent = mails()
    assert len(sent) == before + 1
    [mail] = [m for m in sent if told["id"] in m["text"]]
    assert "Inserted 1, updated 0, failed 0 of 1 users." in mail["text"]
    assert mail["subject"] == "Users import job finished" and mail["links"] == []
    assert quiet["id"] not in "".join(m["text"] for m in sent)


def test_a_third_import_waits_for_one_of_two_running(tenant: RunningTenant) -> None:
    # Two imports still running, as this process's own (the start-up sweep leaves them).
    context = tenant.app.state.tenant
    ids = ["job_runningimport01", "job_runningimport02"]
    with context.jobs_write_lock, transaction(context.sessions) as session:
        for job_id in ids:
            session.add(
                Job(
                    id=job_id,
                    type="users_import",
                    status="processing",
                    created_at=clock.utcnow(),
                    runner=context.jobs.identity,
                )
            )
    try:
        with client(tenant) as api:
            refused = start_import(
                api, [{"email": "third@jobs.test"}], database_connection(api)["id"]
            )
        body = auth0_error(refused, 429, "too_many_requests")
        assert body["message"].startswith("There are 2 active import users jobs")
    finally:
        with context.jobs_write_lock, transaction(context.sessions) as session:
            for job_id in ids:
                session.delete(session.get(Job, job_id))


def test_scopes_are_enforced(tenant: RunningTenant, api: httpx.Client) -> None:
    connection_id = database_connection(api)["id"]
    with client(tenant, mint(tenant, "read:users update:users")) as reader:
        refused = start_import(reader, [{"email": "scope@jobs.test"}], connection_id)
        auth0_error(refused, 403, "insufficient_scope")
        job = reader.post("/jobs/users-exports", json={"format": "json", "limit": 1})
        assert job.status_code == 201, job.text
        assert reader.get(f"/jobs/{job.json()['id']}").status_code == 200
    with client(tenant, mint(tenant, "create:users")) as creator:
        auth0_error(creator.post("/jobs/users-exports", json={}), 403, "insufficient_scope")
        started = start_import(creator, [{"email": "scope@jobs.test"}], connection_id)
        assert started.status_code == 202, started.text
        assert creator.get(f"/jobs/{started.json()['id']}/errors").status_code == 200
    with client(tenant, mint(tenant, "update:users")) as other:
        auth0_error(other.get(f"/jobs/{job.json()['id']}"), 403, "insufficient_scope")
        auth0_error(other.get(f"/jobs/{started.json()['id']}/errors"), 403, "insufficient_scope")
    tenant.app.state.tenant.jobs.wait()


def exported(tenant: RunningTenant, api: httpx.Client, **body: Any) -> tuple[dict[str, Any], bytes]:
    answer = api.post("/jobs/users-exports", json=body)
    assert answer.status_code == 201, answer.text
    job = answer.json()
    assert (job["type"], job["status"]) == ("users_export", "pending")
    done = finished(tenant, api, job["id"])
    assert done["status"] == "completed", done
    download = httpx.get(done["location"], timeout=30)
    assert download.status_code == 200, download.text
    assert download.headers["content-type"] == "application/gzip"
    return done, gzip.decompress(download.content)


def test_a_csv_export_with_chosen_fields_and_a_limit(
    tenant: RunningTenant, api: httpx.Client
) -> None:
    connection = database_connection(api)
    done, data = exported(
        tenant,
        api,
        format="csv",
        limit=5,
        connection_id=connection["id"],
        fields=[{"name": "email"}, {"name": "app_metadata.plan", "export_as": "plan"}],
    )
    assert done["format"] == "csv" and done["limit"] == 5
    assert done["connection"] == connection["name"]
    lines = data.decode().splitlines()
    assert lines[0] == "email,plan" and len(lines) == 6
    assert all(line.startswith("\"'") for line in lines[1:])
    refused = api.post(
        "/jobs/users-exports", json={"format": "csv", "fields": [{"name": "app_metadata"}]}
    )
    assert "whole objects" in auth0_error(refused, 400, "invalid_body")["message"]


def test_the_default_export_carries_no_password_hashes(
    tenant: RunningTenant, api: httpx.Client
) -> None:
    done, data = exported(tenant, api, format="json")
    # Personal data: the file is the tenant owner's alone.
    stored = tenant.data_dir / "jobs" / f"{done['id']}.json.gz"
    assert stored.stat().st_mode & 0o777 == 0o600
    users = [json.loads(line) for line in data.decode().splitlines()]
    assert len(users) >= 20 and all("email" in user for user in users)
    assert not any("custom_password_hash" in user or "password_hash" in user for user in users)


def test_the_link_expires_and_a_tampered_one_is_refused(
    tenant: RunningTenant, api: httpx.Client
) -> None:
    done, _data = exported(tenant, api, format="json", limit=3)
    location = done["location"]
    parts = urlsplit(location)
    query = {k: v[0] for k, v in parse_qs(parts.query).items()}
    base = f"{parts.scheme}://{parts.netloc}{parts.path}"
    later = str(int(query["expires"]) + 3600)
    for forged in (
        {**query, "expires": later},
        {**query, "signature": "0" * 64},
        {"expires": query["expires"]},
    ):
        refused = httpx.get(f"{base}?{urlencode(forged)}")
        assert refused.status_code == 403, refused.text
    other = api.post("/jobs/users-exports", json={"limit": 1}).json()
    finished(tenant, api, other["id"])
    moved = httpx.get(location.replace(done["id"], other["id"]))
    assert moved.status_code == 403
    # Valid for 60 seconds, by the tenant's clock; a new read of the job signs a new link.
    assert int(query["expires"]) - time.time() <= 61
    with clock.pinned(clock.utcnow() + timedelta(seconds=61)):
        expired = httpx.get(location)
        assert expired.status_code == 403 and "expired" in expired.json()["message"]
    assert httpx.get(location).status_code == 200
    fresh = api.get(f"/jobs/{done['id']}").json()["location"]
    assert httpx.get(fresh).status_code == 200


def test_an_export_imported_into_another_tenant_gives_the_same_users_who_sign_in(
    tenant: RunningTenant, api: httpx.Client, tmp_path: Path
) -> None:
    people: list[dict[str, Any]] = [
        {
            "email": f"trip{i}@jobs.test",
            "password_hash": bcrypt_hash(f"{PASSWORD}{i}"),
            "name": f"Trip {i}",
            "app_metadata": {"plan": "gold", "n": i},
            "user_metadata": {"locale": "fr"},
            "email_verified": True,
        }
        for i in range(3)
    ]
    assert imported(tenant, api, people)["summary"]["inserted"] == 3
    names = [
        "user_id", "email", "email_verified", "name", "given_name", "family_name", "nickname",
        "blocked", "app_metadata", "user_metadata",
    ]  # fmt: skip
    _done, data = exported(tenant, api, format="json", fields=[{"name": n} for n in names])
    rows = [json.loads(line) for line in data.decode().splitlines()]
    assert len(rows) >= 23
    assert not any("custom_password_hash" in row for row in rows)
    # The tenant's own export command writes the hashes the API keeps back.
    with_hashes = tmp_path / "with-hashes.ndjson"
    with Progress(disable=True) as bar:
        assert (
            run_export(
                tenant.app.state.tenant.sessions, with_hashes, fmt="json", fields=None, bar=bar
            )
            == 0
        )
    hashed = [json.loads(line) for line in with_hashes.read_text().splitlines()]
    trips = [row for row in hashed if row["email"].startswith("trip")]

    other = start_tenant(tmp_path / "other", demo_users=0)
    try:
        with client(other) as target:
            # Auth0's import file is one JSON array; its export, NDJSON.
            result = imported(other, target, rows)
            assert result["summary"]["failed"] == 1, target.get(
                f"/jobs/{result['id']}/errors"
            ).json()
            [refused] = target.get(f"/jobs/{result['id']}/errors").json()
            # The other tenant's own admin holds that email already.
            assert refused["user"]["email"] == other.config["admin"]["email"]
            for person in people:
                [source] = by_email(api, person["email"])
                [copy] = by_email(target, person["email"])
                for key in ("user_id", "name", "email_verified", "app_metadata", "user_metadata"):
                    assert copy[key] == source[key], key
            # Without hashes the copies cannot sign in; the command's file gives them back.
            with pytest.raises(httpx.HTTPStatusError):
                password_token(other, "trip0@jobs.test", f"{PASSWORD}0")
            again = imported(other, target, trips, upsert="true")
            assert again["summary"]["updated"] == 3, again
            for i in range(3):
                assert password_token(other, f"trip{i}@jobs.test", f"{PASSWORD}{i}")["id_token"]
    finally:
        other.stop()


def test_an_export_over_the_api_never_carries_password_hashes(api: httpx.Client) -> None:
    for name in ("custom_password_hash", "custom_password_hash.hash.value", "password_hash"):
        answer = api.post(
            "/jobs/users-exports", json={"format": "json", "fields": [{"name": name}]}
        )
        auth0_error(answer, 400, "invalid_body")
        assert "userdesk tenant export" in answer.json()["message"]


def test_every_job_type_reads_through_the_same_route(
    tenant: RunningTenant, api: httpx.Client
) -> None:
    [user] = by_email(api, "grace@jobs.test") or [api.get("/users").json()[0]]
    verification = api.post("/jobs/verification-email", json={"user_id": user["user_id"]})
    assert verification.status_code == 201
    read = api.get(f"/jobs/{verification.json()['id']}").json()
    assert set(read) == {"id", "type", "status", "created_at"}
    assert read["type"] == "verification_email"
    auth0_error(api.get("/jobs/job_doesnotexist0000"), 404, "inexistent_job")


def free_port() -> int:
    sock = bind_loopback()
    port = int(sock.getsockname()[1])
    sock.close()
    return port


@pytest.mark.slow
def test_jobs_of_a_killed_tenant_are_failed_when_it_starts_again(tmp_path: Path) -> None:
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AUTH0_", "CLIENT_"))}
    env.pop("TENANT_DATABASE_URL", None)
    env |= {
        "USERDESK_DATA_DIR": str(tmp_path),
        "USERDESK_TENANT_DEMO_USERS": "60000",
        "USERDESK_ADMIN_PASSWORD": "Admin-password-for-tests-1",
    }
    command = [sys.executable, "-m", "userdesk.cli", "tenant", "serve", "--port", str(port)]
    process = subprocess.Popen(
        command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        url = f"http://localhost:{port}"
        deadline = time.monotonic() + 120
        while True:
            try:
                if httpx.get(f"{url}/.well-known/jwks.json").status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert time.monotonic() < deadline and process.poll() is None, "no tenant"
            time.sleep(0.2)
        config = json.loads((tmp_path / "tenant.json").read_text())
        backend = config["backend"]
        token = httpx.post(
            f"{url}/oauth/token",
            data={
                "grant_type": "client_credentials",
                "client_id": backend["client_id"],
                "client_secret": backend["client_secret"],
                "audience": config["management_audience"],
            },
        ).json()["access_token"]
        headers = {"Authorization": f"Bearer {token}"}
        started = httpx.post(
            f"{url}/api/v2/jobs/users-exports", json={"format": "csv"}, headers=headers
        )
        assert started.status_code == 201, started.text
        # Sixty thousand users take a while to export; the process dies long before.
        process.send_signal(signal.SIGKILL)
        process.wait(30)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(30)
    job_id = started.json()["id"]

    again = start_tenant(tmp_path, host_name="localhost", port=port, demo_users=0)
    try:
        with client(again) as api:
            job = api.get(f"/jobs/{job_id}").json()
            assert job["status"] == "failed", job
            assert "stopped before the job finished" in job["status_details"]
            assert "location" not in job
            errors = api.get(f"/jobs/{job_id}/errors").json()
            assert errors["status"] == "failed" and errors["status_details"]
    finally:
        again.stop()
    assert not list((tmp_path / "jobs").glob("*.gz"))


def test_a_tenant_stopping_cleanly_fails_its_waiting_jobs(tmp_path: Path) -> None:
    running = start_tenant(tmp_path, demo_users=0)
    runner = running.app.state.tenant.jobs
    # Both of the runner's slots taken, so that the job is still waiting when the tenant stops.
    runner._slots.acquire()
    runner._slots.acquire()
    try:
        with client(running) as api:
            waiting = api.post("/jobs/users-exports", json={"format": "json"}).json()
            assert api.get(f"/jobs/{waiting['id']}").json()["status"] == "pending"
    finally:
        running.stop()
        runner._slots.release()
        runner._slots.release()
    again = start_tenant(tmp_path, port=int(urlsplit(running.url).port or 0), demo_users=0)
    try:
        with client(again) as api:
            job = api.get(f"/jobs/{waiting['id']}").json()
        assert job["status"] == "failed" and "stopped" in job["status_details"]
    finally:
        again.stop()
