"""/api/exports against a real tenant of 2,500 users: every match once, past the 1000 cap."""

from __future__ import annotations

import csv
import io
import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import select

from tests.support.desk import RunningDesk, start_desk
from tests.support.forge import Forge, Forgery
from tests.support.servers import RunningTenant, start_tenant
from tests.support.tokens import create_user_with_role, password_token
from userdesk.tenant.provisioning.demo_users import DOMAINS, generate
from userdesk.tenant.store.db import transaction
from userdesk.tenant.store.mail import Job
from userdesk.tenant.store.models import User

DEMO = 2_500


def demo_users() -> list[dict[str, Any]]:
    # The tenant's admin was created first: demo users are numbered from 1.
    return list(generate(DEMO, offset=1))


@pytest.fixture(scope="module")
def big_tenant(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningTenant]:
    running = start_tenant(tmp_path_factory.mktemp("export-tenant"), demo_users=DEMO)
    yield running
    running.stop()


@pytest.fixture(scope="module")
def export_desk(big_tenant: RunningTenant) -> Iterator[RunningDesk]:
    running = start_desk(big_tenant)
    yield running
    running.stop()


@pytest.fixture(scope="module")
def reader(big_tenant: RunningTenant, export_desk: RunningDesk) -> Iterator[httpx.Client]:
    token = Forge.for_desk(big_tenant).token(Forgery.WITH_PERMISSION, ["read:users"])
    with export_desk.client(token) as http:
        yield http


def finished(http: httpx.Client, export_id: str, timeout: float = 120) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        answer = http.get(f"/api/exports/{export_id}")
        assert answer.status_code == 200, answer.text
        body: dict[str, Any] = answer.json()
        if body["status"] in ("completed", "failed"):
            return body
        time.sleep(0.2)
    raise AssertionError("the export did not finish")


def export(http: httpx.Client, **body: Any) -> tuple[dict[str, Any], str]:
    started = http.post("/api/exports", json=body)
    assert started.status_code == 202, started.text
    assert started.json()["status"] in ("pending", "running")
    done = finished(http, started.json()["id"])
    assert done["status"] == "completed", done
    answer = http.get(f"/api/exports/{done['id']}/file")
    assert answer.status_code == 200, answer.text
    return done, answer.text


def test_an_export_of_2500_matches_gives_each_exactly_once(reader: httpx.Client) -> None:
    # Every demo user, and neither the admin nor staff the tests add.
    done, text = export(reader, q=f"email.domain:({' OR '.join(DOMAINS)})", format="json")
    ids = [json.loads(line)["user_id"] for line in text.splitlines()]
    assert len(ids) == DEMO == done["exported"]
    assert set(ids) == {user["user_id"] for user in demo_users()}
    assert "2500 users exported" in done["message"]


def test_a_csv_export_of_a_narrower_search_with_chosen_fields(
    reader: httpx.Client, export_desk: RunningDesk
) -> None:
    expected = [u for u in demo_users() if u["app_metadata"]["plan"] == "pro"]
    done, text = export(
        reader,
        q="app_metadata.plan:pro",
        format="csv",
        fields=["user_id", "email", "created_at", "logins_count", "app_metadata.plan"],
    )
    lines = text.splitlines()
    assert lines[0] == "user_id,email,created_at,logins_count,app_metadata.plan"
    rows = list(csv.reader(io.StringIO("\n".join(lines[1:]))))
    assert len(rows) == len(expected) == done["exported"]
    assert {r[0] for r in rows} == {"'" + u["user_id"] for u in expected}
    assert all(r[4] == "'pro" and r[2].endswith("Z") and r[3].isdigit() for r in rows)
    path = export_desk.settings.data_dir / "exports" / f"{done['id']}.csv"
    assert path.stat().st_mode & 0o777 == 0o600


def test_csv_refuses_whole_metadata_and_unknown_exports_are_404(reader: httpx.Client) -> None:
    answer = reader.post("/api/exports", json={"format": "csv", "fields": ["app_metadata"]})
    assert answer.status_code == 400
    assert "whole objects" in answer.json()["message"]
    assert reader.get("/api/exports/exp_nope").status_code == 404
    assert reader.get("/api/exports/exp_nope/file").status_code == 404


def test_another_staff_member_cannot_see_an_export(
    reader: httpx.Client, big_tenant: RunningTenant, export_desk: RunningDesk
) -> None:
    started = reader.post("/api/exports", json={"q": "email:ada*", "format": "json"})
    export_id = started.json()["id"]
    create_user_with_role(big_tenant, "viewer@userdesk.test", "Viewer-password-1", "Viewer")
    other = password_token(
        big_tenant,
        "viewer@userdesk.test",
        "Viewer-password-1",
        audience=big_tenant.config["api_audience"],
    )["access_token"]
    with export_desk.client(other) as http:
        assert http.get(f"/api/exports/{export_id}").status_code == 404
    finished(reader, export_id)


def test_an_empty_search_gives_an_empty_file(reader: httpx.Client, tmp_path: Path) -> None:
    done, text = export(reader, q="email:nobody-at-all@example.com", format="json")
    assert done["exported"] == 0 and text == ""


def test_another_desk_process_on_the_same_data_directory_answers_for_an_export(
    reader: httpx.Client, export_desk: RunningDesk, big_tenant: RunningTenant
) -> None:
    # A second desk on the same data directory stands for another `serve --workers` process.
    done, text = export(reader, q="email.domain:globex.com", format="csv")
    other = start_desk(big_tenant, **{})
    try:
        token = Forge.for_desk(big_tenant).token(Forgery.WITH_PERMISSION, ["read:users"])
        assert other.settings.data_dir == export_desk.settings.data_dir
        with other.client(token) as http:
            seen = http.get(f"/api/exports/{done['id']}")
            file = http.get(f"/api/exports/{done['id']}/file")
    finally:
        other.stop()
    assert seen.status_code == 200, seen.text
    assert (seen.json()["status"], seen.json()["exported"]) == ("completed", done["exported"])
    assert file.text == text


def tenant_user_ids(tenant: RunningTenant) -> set[str]:
    context = tenant.app.state.tenant
    with transaction(context.read_sessions) as session:
        return set(session.scalars(select(User.user_id)))


def export_jobs(tenant: RunningTenant) -> list[Job]:
    context = tenant.app.state.tenant
    with transaction(context.read_sessions) as session:
        return list(session.scalars(select(Job).where(Job.type == "users_export")))


def test_an_export_without_a_search_goes_through_the_export_job_and_gives_everyone_once(
    reader: httpx.Client, big_tenant: RunningTenant
) -> None:
    before = {job.id for job in export_jobs(big_tenant)}
    done, text = export(reader, format="json")
    users = [json.loads(line) for line in text.splitlines()]
    ids = [user["user_id"] for user in users]
    assert len(ids) == len(set(ids)) == done["exported"]
    assert set(ids) == tenant_user_ids(big_tenant)
    assert "bulk export job" in done["message"]
    [job] = [job for job in export_jobs(big_tenant) if job.id not in before]
    assert job.status == "completed" and job.format == "json"
    # The whole user, with the ids the rest of the Management API uses.
    demo = {user["user_id"]: user for user in demo_users()}
    sample = next(user for user in users if user["user_id"] in demo)
    expected = demo[sample["user_id"]]
    assert sample["email"] == expected["email"]
    assert sample["app_metadata"] == expected["app_metadata"]
    assert sample["identities"][0]["provider"] == "auth0"
    assert "password_hash" not in text and "custom_password_hash" not in text


def test_a_csv_export_without_a_search_keeps_the_desks_columns(
    reader: httpx.Client, big_tenant: RunningTenant, export_desk: RunningDesk
) -> None:
    done, text = export(
        reader, format="csv", fields=["user_id", "email", "created_at", "app_metadata.plan"]
    )
    lines = text.splitlines()
    assert lines[0] == "user_id,email,created_at,app_metadata.plan"
    rows = list(csv.reader(io.StringIO("\n".join(lines[1:]))))
    assert len(rows) == done["exported"] == len(tenant_user_ids(big_tenant))
    assert {row[0] for row in rows} == {"'" + user_id for user_id in tenant_user_ids(big_tenant)}
    assert all(row[2].endswith("Z") for row in rows)
    assert not list((export_desk.settings.data_dir / "exports").glob("*.job.gz"))
