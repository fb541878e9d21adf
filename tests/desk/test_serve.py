"""``userdesk serve`` as a real process: the desk and the embedded tenant, configured by itself."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.support.servers import bind_loopback

USERDESK = str(Path(sys.executable).with_name("userdesk"))


def _free_port() -> int:
    sock = bind_loopback()
    port = int(sock.getsockname()[1])
    sock.close()
    return port


def _environment() -> dict[str, str]:
    names = ("AUTH0_", "CLIENT_", "DATABASE_URL", "USERDESK_")
    env = {k: v for k, v in os.environ.items() if not k.startswith(names)}
    env["USERDESK_TENANT_DEMO_USERS"] = "3"
    return env


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[str, str, Path]]:
    desk_port, tenant_port = _free_port(), _free_port()
    data_dir = tmp_path / "data"
    process = subprocess.Popen(
        [
            USERDESK,
            "serve",
            "--port",
            str(desk_port),
            "--tenant-port",
            str(tenant_port),
            "--data-dir",
            str(data_dir),
        ],
        cwd=tmp_path,
        env=_environment(),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    desk = f"http://127.0.0.1:{desk_port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"{desk}/api/health", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                output = process.stdout.read().decode() if process.stdout else ""
                raise RuntimeError(f"userdesk serve did not start:\n{output}")
            time.sleep(0.1)
        yield desk, f"http://localhost:{tenant_port}", data_dir
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def test_serve_runs_the_desk_in_front_of_the_embedded_tenant(
    served: tuple[str, str, Path],
) -> None:
    desk, tenant, data_dir = served
    config = json.loads((data_dir / "tenant.json").read_text())
    assert httpx.get(f"{desk}/api/config").json() == {
        "domain": tenant,
        "clientId": config["spa_client_id"],
        "audience": config["api_audience"],
        "remoteAvatars": False,
    }
    script = config["script_client"]
    token = httpx.post(
        f"{tenant}/oauth/token",
        data={
            "grant_type": "password",
            "client_id": script["client_id"],
            "client_secret": script["client_secret"],
            "username": config["admin"]["email"],
            "password": config["admin"]["password"],
            "audience": config["api_audience"],
            "remoteAvatars": False,
        },
    ).json()["access_token"]
    users = httpx.get(f"{desk}/api/users", headers={"Authorization": f"Bearer {token}"})
    assert users.status_code == 200
    assert users.json()["total"] == 4  # the admin and three demo users
    assert (data_dir / "audit.sqlite3").exists()


def test_serve_refuses_incomplete_auth0_settings_naming_the_variable(tmp_path: Path) -> None:
    env = _environment()
    env.update(AUTH0_DOMAIN="example.auth0.com", CLIENT_ID="abc", CLIENT_SECRET="hunter2-secret")
    result = subprocess.run(
        [USERDESK, "serve", "--data-dir", str(tmp_path)],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    output = result.stdout + result.stderr
    assert "AUTH0_AUDIENCE" in output
    assert "hunter2-secret" not in output


@pytest.mark.parametrize("busy", ["desk", "tenant"])
def test_serve_on_a_busy_port_says_which_and_announces_nothing(tmp_path: Path, busy: str) -> None:
    holder = bind_loopback()  # listening: the port is really taken
    taken = int(holder.getsockname()[1])
    other = _free_port()
    desk_port, tenant_port = (taken, other) if busy == "desk" else (other, taken)
    try:
        result = subprocess.run(
            [
                USERDESK,
                "serve",
                "--port",
                str(desk_port),
                "--tenant-port",
                str(tenant_port),
                "--data-dir",
                str(tmp_path / "data"),
            ],
            cwd=tmp_path,
            env=_environment(),
            capture_output=True,
            text=True,
            timeout=60,
        )
    finally:
        holder.close()
    output = result.stdout + result.stderr
    assert result.returncode == 1, output
    assert f"Port {taken}" in output and "already in use" in output
    assert ("the desk" if busy == "desk" else "the embedded tenant") in output
    assert "Desk at" not in output
    assert not (tmp_path / "data" / "tenant.json").exists()  # nothing created either
