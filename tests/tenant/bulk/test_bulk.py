"""Bulk import and export in Auth0's formats, through the CLI, checked over HTTP."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import bcrypt
import httpx
import pytest
from typer.testing import CliRunner

from tests.support.servers import RunningTenant, start_tenant
from tests.support.tokens import machine_token, password_token
from userdesk.cli import app
from userdesk.tenant.bulk.exporter import ExportField, Writer, csv_value
from userdesk.tenant.bulk.reader import entries

runner = CliRunner()


def userdesk(*args: str, code: int = 0) -> str:
    result = runner.invoke(app, list(args))
    assert result.exit_code == code, result.output
    return result.output


@pytest.fixture
def tenant(tmp_path: Path) -> Iterator[RunningTenant]:
    running = start_tenant(tmp_path / "source", demo_users=20)
    yield running
    running.stop()


def users_of(tenant: RunningTenant) -> dict[str, dict[str, Any]]:
    token = machine_token(tenant)
    found: dict[str, dict[str, Any]] = {}
    for page in range(10):
        answer = httpx.get(
            f"{tenant.url}/api/v2/users",
            params={"page": page, "per_page": 100},
            headers={"Authorization": f"Bearer {token}"},
            timeout=10,
        )
        answer.raise_for_status()
        rows = answer.json()
        found.update({row["email"]: row for row in rows})
        if len(rows) < 100:
            break
    return found


def write_lines(path: Path, rows: list[Any]) -> Path:
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\n")
    return path


def test_an_export_imported_into_another_tenant_gives_the_same_users_and_passwords(
    tenant: RunningTenant, tmp_path: Path
) -> None:
    hashed = bcrypt.hashpw(b"Imported-pass-1", bcrypt.gensalt(10)).decode()
    first = write_lines(
        tmp_path / "first.ndjson",
        [
            {
                "email": "ada@example.com",
                "user_id": "ada0001",
                "given_name": "Ada",
                "name": "Ada L",
                "custom_password_hash": {"algorithm": "bcrypt", "hash": {"value": hashed}},
                "app_metadata": {"plan": "gold", "tags": ["a", "b"]},
                "user_metadata": {"locale": "fr"},
                "email_verified": True,
            },
            {"email": "bob@example.com", "password_hash": hashed, "blocked": True},
        ],
    )
    userdesk("tenant", "import", str(first), "--data-dir", str(tenant.data_dir))
    exported = tmp_path / "users.ndjson"
    output = userdesk("tenant", "export", str(exported), "--data-dir", str(tenant.data_dir))
    assert "Exported" in output
    assert exported.stat().st_mode & 0o777 == 0o600

    target = start_tenant(tmp_path / "target", demo_users=0)
    try:
        # The target already has its admin: the source's admin comes back as a duplicate.
        userdesk("tenant", "import", str(exported), "--data-dir", str(target.data_dir), code=1)
        before, after = users_of(tenant), users_of(target)
        assert set(before) == set(after)
        keep = ("user_id", "name", "given_name", "nickname", "email_verified", "blocked")
        for email, user in before.items():
            if email == tenant.config["admin"]["email"]:
                continue
            assert {k: user.get(k) for k in keep} == {k: after[email].get(k) for k in keep}
            assert user["app_metadata"] == after[email]["app_metadata"]
            assert user["user_metadata"] == after[email]["user_metadata"]
        assert after["ada@example.com"]["user_id"] == "auth0|ada0001"
        for email in ("ada@example.com", "bob@example.com"):
            if email == "bob@example.com":
                continue  # blocked users cannot sign in
            answer = password_token(target, email, "Imported-pass-1")
            assert answer["access_token"]
    finally:
        target.stop()


def test_bad_entries_are_reported_by_index_and_block_nothing_else(
    tenant: RunningTenant, tmp_path: Path
) -> None:
    rows: list[Any] = [
        {"email": "ok1@example.com"},
        {"name": "no email"},
        {"email": "md5@example.com", "custom_password_hash": {"algorithm": "md5", "hash": {}}},
        "not an object",
        {"email": "ok2@example.com", "surprise": 1},
        {"email": "ok1@example.com"},
        {"email": "ok3@example.com", "password_hash": "plain-text"},
        {"email": "ok4@example.com", "blocked": "yes"},
        {"email": "ok5@example.com", "username": "five"},
    ]
    path = tmp_path / "users.json"
    path.write_text(json.dumps(rows))
    output = userdesk("tenant", "import", str(path), "--data-dir", str(tenant.data_dir), code=1)
    assert "entry 1: OBJECT_REQUIRED" in output
    assert "entry 2 (md5@example.com): UNSUPPORTED_ALGORITHM" in output
    assert "'md5' is not supported" in output
    assert "entry 3: INVALID_TYPE" in output
    assert "entry 4 (ok2@example.com): OBJECT_ADDITIONAL_PROPERTIES" in output
    assert "entry 5 (ok1@example.com): DUPLICATED_USER" in output
    assert "entry 6 (ok3@example.com): PATTERN" in output
    assert "entry 7 (ok4@example.com): INVALID_TYPE" in output
    assert "Inserted 2, updated 0, failed 7 of 9 entries." in output
    found = users_of(tenant)
    assert {"ok1@example.com", "ok5@example.com"} <= set(found)
    assert "md5@example.com" not in found


def test_upsert_matches_on_email_and_replaces_metadata(
    tenant: RunningTenant, tmp_path: Path
) -> None:
    path = write_lines(
        tmp_path / "a.ndjson",
        [{"email": "up@example.com", "name": "Before", "app_metadata": {"a": 1, "b": 2}}],
    )
    userdesk("tenant", "import", str(path), "--data-dir", str(tenant.data_dir))
    path = write_lines(
        tmp_path / "b.ndjson",
        [{"email": "UP@example.com", "name": "After", "app_metadata": {"c": 3}}],
    )
    output = userdesk("tenant", "import", str(path), "--data-dir", str(tenant.data_dir), code=1)
    assert "DUPLICATED_USER" in output
    output = userdesk("tenant", "import", str(path), "--upsert", "--data-dir", str(tenant.data_dir))
    assert "updated 1" in output
    user = users_of(tenant)["up@example.com"]
    assert user["name"] == "After"
    assert user["app_metadata"] == {"c": 3}


def test_an_unknown_connection_stops_the_import(tenant: RunningTenant, tmp_path: Path) -> None:
    path = write_lines(tmp_path / "a.ndjson", [{"email": "x@example.com"}])
    output = userdesk(
        "tenant",
        "import",
        str(path),
        "--connection",
        "nope",
        "--data-dir",
        str(tenant.data_dir),
        code=2,
    )
    assert "does not exist" in output


def test_csv_export_quotes_as_auth0_does(tenant: RunningTenant, tmp_path: Path) -> None:
    path = tmp_path / "users.csv"
    userdesk(
        "tenant",
        "export",
        str(path),
        "--format",
        "csv",
        "--fields",
        "email=Email,created_at,logins_count,app_metadata.plan=plan,blocked",
        "--data-dir",
        str(tenant.data_dir),
    )
    lines = path.read_text().splitlines()
    assert lines[0] == "Email,created_at,logins_count,plan,blocked"
    first = lines[1].split(",")
    assert first[0].startswith("\"'") and first[0].endswith('"')
    assert first[1].endswith("Z") and not first[1].startswith('"')
    assert first[2].isdigit()
    assert first[4] in {"true", "false"}
    assert len(lines) == 1 + len(users_of(tenant))
    output = userdesk(
        "tenant",
        "export",
        str(path),
        "--format",
        "csv",
        "--fields",
        "app_metadata",
        "--data-dir",
        str(tenant.data_dir),
        code=2,
    )
    assert "whole objects" in output


def test_csv_values_double_inner_quotes_and_leave_dates_alone() -> None:
    assert csv_value("name", 'say "hi"') == '"\'say ""hi"""'
    assert csv_value("created_at", "2024-01-01T00:00:00.000Z") == "2024-01-01T00:00:00.000Z"
    assert csv_value("logins_count", 3) == "3"
    assert csv_value("name", None) == ""
    out = io.StringIO()
    Writer(out, "csv", [ExportField("name", "Full, name")]).write_dicts([{"name": "x"}])
    assert next(csv.reader(io.StringIO(out.getvalue()))) == ["Full, name"]


def test_ndjson_export_renames_fields_and_reaches_into_metadata() -> None:
    out = io.StringIO()
    fields = [ExportField("email"), ExportField("app_metadata.plan", "plan")]
    Writer(out, "json", fields).write_dicts([{"email": "a@b.c", "app_metadata": {"plan": "pro"}}])
    assert json.loads(out.getvalue()) == {"email": "a@b.c", "plan": "pro"}


def test_the_reader_streams_arrays_and_lines_across_chunk_boundaries(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from userdesk.tenant.bulk import reader

    monkeypatch.setattr(reader, "CHUNK", 7)
    rows = [{"email": f"user{i}@example.com", "n": i} for i in range(50)]
    assert list(entries(io.StringIO(json.dumps(rows, indent=1)))) == rows
    assert list(entries(io.StringIO(" [ ] "))) == []
    text = "\n".join(json.dumps(r) for r in rows)
    assert list(entries(io.StringIO(text))) == rows
    bad = list(entries(io.StringIO('{"a":1}\n{oops\n{"b":2}\n')))
    assert bad[0] == {"a": 1} and bad[2] == {"b": 2}
    assert isinstance(bad[1], reader.BadLine)
    with pytest.raises(reader.ImportFileError):
        list(entries(io.StringIO('[{"a":1} {"b":2}]')))
    with pytest.raises(reader.ImportFileError):
        list(entries(io.StringIO('[{"a":1},')))


def test_the_reader_cuts_every_line_of_a_chunk_and_reports_its_progress() -> None:
    rows = [{"email": f"user{i}@example.com", "n": i} for i in range(2_000)]
    text = "\r\n\n".join(json.dumps(r) for r in rows) + "\n"
    seen: list[int] = []
    assert list(entries(io.StringIO(text), seen.append)) == rows
    assert len(seen) == len(rows)
    assert seen == sorted(seen) and seen[-1] == len(text)


TRICKY = [
    {
        "email": "quote@example.com",
        "user_id": "q1",
        "name": 'Ann "The Hammer" O\'Neil, Jr.',
        "given_name": "=SUM(A1)",
        "family_name": "Ünïcödé 名前",
        "nickname": "line\nbreak",
        "picture": "https://example.com/a,b.png",
        "email_verified": True,
        "app_metadata": {"plan": "gold", "tags": ["a", 'b"'], "n": 3, "ok": True},
        "user_metadata": {"locale": "fr", "note": "tab\there"},
    },
    {"email": "bare@example.com", "user_id": "b2", "blocked": True},
]


def test_export_lines_of_tricky_users_stay_exactly_as_they_were(
    tmp_path: Path,
) -> None:
    """Every character of both formats for values that need quoting, escaping or nothing
    at all: a change in how the export writes any of them fails here."""
    running = start_tenant(tmp_path / "tricky", demo_users=0)
    try:
        source = write_lines(tmp_path / "tricky.ndjson", TRICKY)
        userdesk("tenant", "import", str(source), "--data-dir", str(running.data_dir))
        created = {e: u["created_at"] for e, u in users_of(running).items()}
        csv_path, json_path = tmp_path / "tricky.csv", tmp_path / "tricky.ndjson.out"
        csv_fields = (
            "user_id,email,email_verified,name,given_name,family_name=Family,nickname,picture,"
            "blocked,logins_count,created_at,last_login,app_metadata.plan,app_metadata.tags,"
            "app_metadata.n,app_metadata.ok,app_metadata.missing,user_metadata.locale,unknown"
        )
        json_fields = (
            "user_id,email,email_verified,name,family_name,nickname,blocked,app_metadata,"
            "user_metadata,identities,created_at=since,last_login,app_metadata.tags=tags,"
            "custom_password_hash"
        )
        data_dir = str(running.data_dir)
        for path, fmt, fields in ((csv_path, "csv", csv_fields), (json_path, "json", json_fields)):
            userdesk("tenant", "export", str(path), "--format", fmt, "--fields", fields,
                     "--data-dir", data_dir)  # fmt: skip
    finally:
        running.stop()

    q1, b2 = created["quote@example.com"], created["bare@example.com"]
    text = csv_path.read_text(encoding="utf-8")
    assert text.startswith(csv_fields.replace("family_name=Family", "Family") + "\n")
    assert (
        '"\'q1","\'quote@example.com",true,"\'Ann ""The Hammer"" O\'Neil, Jr.",'
        '"\'=SUM(A1)","\'Ünïcödé 名前","\'line\nbreak","\'https://example.com/a,b.png",'
        f'false,0,{q1},,"\'gold","[""a"",""b\\""""]",3,true,,"\'fr",\n'
    ) in text
    assert (
        f'"\'b2","\'bare@example.com",false,"\'bare@example.com",,,"\'bare",,true,0,{b2},,,,,,,,\n'
    ) in text
    lines = json_path.read_text(encoding="utf-8").splitlines()
    assert (
        '{"user_id":"q1","email":"quote@example.com","email_verified":true,'
        '"name":"Ann \\"The Hammer\\" O\'Neil, Jr.","family_name":"Ünïcödé 名前",'
        '"nickname":"line\\nbreak","blocked":false,'
        '"app_metadata":{"plan":"gold","tags":["a","b\\""],"n":3,"ok":true},'
        '"user_metadata":{"locale":"fr","note":"tab\\there"},'
        '"identities":[{"connection":"Username-Password-Authentication","provider":"auth0",'
        f'"user_id":"q1","isSocial":false}}],"since":"{q1}","tags":["a","b\\""]}}'
    ) in lines
    assert (
        '{"user_id":"b2","email":"bare@example.com","email_verified":false,'
        '"name":"bare@example.com","nickname":"bare","blocked":true,'
        '"app_metadata":{},"user_metadata":{},'
        '"identities":[{"connection":"Username-Password-Authentication","provider":"auth0",'
        f'"user_id":"b2","isSocial":false}}],"since":"{b2}"}}'
    ) in lines
