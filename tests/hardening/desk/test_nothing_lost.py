"""Kill the desk with SIGKILL in the middle of a burst of deletes: nothing that reached the
tenant may be missing from the audit log after a restart.

The desk runs as a real ``userdesk serve`` subprocess configured by environment variables for
an already-running tenant, exactly as in front of Auth0. The proxy slows the tenant's answers
(the deletes themselves happen at once), so the kill lands while deletes are done upstream but
not yet completed in the desk: the case the "attempted first" audit record exists for. The
tenant's answers are held for two minutes, so however loaded the machine, none arrives first.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import httpx
import pytest

from tests.hardening.conftest import user_exists
from tests.support.faultproxy import Fault, FaultProxy
from tests.support.forge import Forge, Forgery, bearer
from tests.support.servers import RunningTenant, bind_loopback, start_tenant
from tests.support.tokens import machine_token

BURST = 16
ONE_USER = r"/api/v2/users/[^/]+"


class DeskProcess:
    def __init__(self, tenant: RunningTenant, data_dir: Path) -> None:
        self.data_dir = data_dir
        sock = bind_loopback()
        self.port = sock.getsockname()[1]
        sock.close()
        self.url = f"http://127.0.0.1:{self.port}"
        env = {
            k: v
            for k, v in os.environ.items()
            if not k.startswith(("AUTH0_", "CLIENT_", "USERDESK_", "DATABASE_URL"))
        }
        env.update(
            {
                "AUTH0_DOMAIN": tenant.config["domain"],
                "AUTH0_AUDIENCE": tenant.config["api_audience"],
                "CLIENT_ID": tenant.config["backend"]["client_id"],
                "CLIENT_SECRET": tenant.config["backend"]["client_secret"],
                "AUTH0_SPA_CLIENT_ID": tenant.config["spa_client_id"],
                "USERDESK_DATA_DIR": str(data_dir),
            }
        )
        self.env = env
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> DeskProcess:
        command = [sys.executable, "-m", "userdesk", "serve", "--port", str(self.port)]
        self.process = subprocess.Popen(
            command,
            env=self.env,
            cwd=self.data_dir,  # no stray .env from the repository
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"desk exited: {self.process.stderr.read().decode()[-2000:]}")  # type: ignore[union-attr]
            try:
                if httpx.get(f"{self.url}/api/health", timeout=1).status_code == 200:
                    return self
            except httpx.TransportError:
                pass
            time.sleep(0.1)
        raise RuntimeError("desk did not start")

    def kill(self) -> None:
        assert self.process is not None
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)


@pytest.fixture
def proxy_and_tenant(tmp_path: Path) -> Iterator[tuple[FaultProxy, RunningTenant]]:
    proxy = FaultProxy(upstream="").start()
    tenant = start_tenant(
        tmp_path / "tenant", demo_users=BURST, configure=lambda o: o.update(public_url=proxy.url)
    )
    proxy.upstream = tenant.url
    yield proxy, tenant
    tenant.stop()
    proxy.stop()


def fire(url: str, token: str, user_id: str, results: dict[str, Any]) -> None:
    try:
        response = httpx.delete(f"{url}/api/users/{user_id}", headers=bearer(token), timeout=30)
        results[user_id] = response.status_code
    except httpx.TransportError as exc:
        results[user_id] = type(exc).__name__


@pytest.mark.slow
def test_fault_sigkill_mid_burst_loses_no_delete_that_reached_the_tenant(
    proxy_and_tenant: tuple[FaultProxy, RunningTenant], tmp_path: Path
) -> None:
    proxy, tenant = proxy_and_tenant
    management = machine_token(tenant)
    # The demo users: bulk-inserted without passwords, so setting up the burst costs nothing.
    listed = httpx.get(
        f"{tenant.url}/api/v2/users",
        params={"per_page": 100, "fields": "user_id,email"},
        headers=bearer(management),
        timeout=10,
    ).json()
    users = [u["user_id"] for u in listed if u.get("email") != tenant.config["admin"]["email"]]
    assert len(users) >= BURST
    users = users[:BURST]
    admin = Forge.for_desk(tenant).token(Forgery.WITH_PERMISSION, ["manage:users"])
    assert admin is not None
    desk_dir = tmp_path / "desk"
    desk_dir.mkdir()
    desk = DeskProcess(tenant, desk_dir).start()
    try:
        # Warm the desk's JWKS and Management token so the burst is only deletes.
        with httpx.Client(base_url=desk.url, headers=bearer(admin), timeout=10) as client:
            assert client.get(f"/api/users/{users[0]}").status_code == 200
        proxy.inject("DELETE", ONE_USER, Fault.slow(120.0, after_forward=True))

        results: dict[str, Any] = {}
        threads = [threading.Thread(target=fire, args=(desk.url, admin, u, results)) for u in users]
        for thread in threads:
            thread.start()
        deadline = time.monotonic() + 90
        while proxy.reached_tenant("DELETE", ONE_USER) < BURST // 2:
            assert time.monotonic() < deadline, "the burst never reached the tenant"
            time.sleep(0.02)
        desk.kill()
        for thread in threads:
            thread.join(timeout=30)

        # Counted at the proxy: every delete the tenant received, answered or not.
        reached = {
            unquote(seen.path.rsplit("/", 1)[-1])
            for seen in proxy.requests("DELETE", ONE_USER)
            if seen.reached_tenant
        }
        proxy.clear()
        desk = DeskProcess(tenant, desk_dir).start()
        with httpx.Client(base_url=desk.url, headers=bearer(admin), timeout=10) as client:
            entries = {
                u: client.get("/api/audit", params={"target": u}).json()["entries"] for u in users
            }
    finally:
        desk.stop()

    gone = [u for u in users if not user_exists(tenant, management, u)]
    assert gone, "no delete reached the tenant before the kill: the test proved nothing"
    assert not any(results.get(u) == 204 for u in users), "the kill came after the burst"
    for user_id in set(gone) | reached:
        outcomes = [e["outcome"] for e in entries[user_id] if e["action"] == "users.delete"]
        assert outcomes, f"{user_id} was deleted at the tenant but is not in the audit log"
        assert set(outcomes) <= {"attempted", "succeeded"}, (user_id, outcomes)
    # Each audit entry is for a delete that was really asked for, and none is duplicated.
    for user_id, found in entries.items():
        assert len(found) <= 1, (user_id, found)
