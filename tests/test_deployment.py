"""A deployment of replicas, as README's "Running several replicas" describes it, over real HTTP.

Two tenant replicas (``userdesk tenant serve`` processes) keep the embedded tenant's store in
one PostgreSQL database and sit behind one public URL, a round-robin TCP proxy; two desk
replicas (``userdesk serve`` processes) point at that URL, keep the audit log in another
PostgreSQL database, and share a Redis under a key prefix of their own. Nothing is shared
between processes but PostgreSQL and Redis: each has a data directory of its own.
"""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
import redis

from tests.support.databases import fresh_postgres_database, query
from tests.support.redis_servers import SHARED_URL, free_port, run_prefix
from tests.support.roundrobin import RoundRobinProxy
from tests.support.tokens import PASSWORD_GRANT

pytestmark = pytest.mark.slow

USERDESK = str(Path(sys.executable).with_name("userdesk"))
ADMIN_PASSWORD = "Deployment-admin-password-1"
USER_PASSWORD = "Deployment-user-password-1"


@dataclass
class Process:
    url: str
    popen: subprocess.Popen[bytes]
    log: Path

    def stop(self) -> None:
        if self.popen.poll() is None:
            self.popen.send_signal(signal.SIGINT)
            try:
                self.popen.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.popen.kill()
                self.popen.wait()


@dataclass
class Deployment:
    public_url: str
    proxy: RoundRobinProxy
    tenants: list[Process]
    desks: list[Process]
    config: dict[str, Any]
    audit_url: str
    redis_prefix: str
    _machine: str | None = field(default=None, repr=False)

    def machine_token(self) -> str:
        """A Management API token of the desk's backend client (one exchange, once)."""
        if self._machine is None:
            backend = self.config["backend"]
            answer = httpx.post(
                f"{self.public_url}/oauth/token",
                data={
                    "grant_type": "client_credentials",
                    "client_id": backend["client_id"],
                    "client_secret": backend["client_secret"],
                    "audience": self.config["management_audience"],
                },
                timeout=30,
            )
            answer.raise_for_status()
            self._machine = str(answer.json()["access_token"])
        return self._machine

    def management(self) -> httpx.Client:
        return httpx.Client(
            base_url=f"{self.public_url}/api/v2",
            headers={"Authorization": f"Bearer {self.machine_token()}"},
            timeout=30,
        )

    def staff_token(self) -> str:
        """The admin's token for the desk API: a real password grant of the script client."""
        answer = httpx.post(
            f"{self.public_url}/oauth/token",
            data=password_form(self.config, self.config["admin"]["email"], ADMIN_PASSWORD)
            | {"audience": self.config["api_audience"]},
            timeout=30,
        )
        answer.raise_for_status()
        return str(answer.json()["access_token"])

    def exchanges(self) -> int:
        """Client-credentials exchanges the tenant has logged (``seccft``), all replicas."""
        with self.management() as client:
            answer = client.get(
                "/logs", params={"q": "type:seccft", "include_totals": "true", "per_page": 1}
            )
        answer.raise_for_status()
        return int(answer.json()["total"])

    def create_users(self, count: int) -> list[str]:
        tag = uuid.uuid4().hex[:8]
        with self.management() as client:
            created = [
                client.post(
                    "/users",
                    json={
                        "connection": "Username-Password-Authentication",
                        "email": f"replica.{tag}.{n}@userdesk.test",
                        "password": USER_PASSWORD,
                    },
                )
                for n in range(count)
            ]
        for answer in created:
            assert answer.status_code == 201, answer.text
        return [str(answer.json()["user_id"]) for answer in created]

    def exists(self, user_id: str) -> bool:
        with self.management() as client:
            answer = client.get(f"/users/{user_id}")
        assert answer.status_code in (200, 404), answer.text
        return answer.status_code == 200


def password_form(config: dict[str, Any], email: str, password: str) -> dict[str, str]:
    return {
        "grant_type": PASSWORD_GRANT,
        "realm": "Username-Password-Authentication",
        "username": email,
        "password": password,
        "scope": "openid",
        **config["script_client"],
    }


def _environment(**extra: str) -> dict[str, str]:
    # Whatever tenant the machine's environment names, the processes see only this one.
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("AUTH0_", "CLIENT_", "USERDESK_", "TENANT_"))
        and k not in ("DATABASE_URL", "REDIS_URL")
    }
    return env | extra


def _start(args: list[str], env: dict[str, str], url: str, ready: str, log: Path) -> Process:
    with log.open("wb") as out:
        popen = subprocess.Popen([USERDESK, *args], env=env, stdout=out, stderr=subprocess.STDOUT)
    process = Process(url, popen, log)
    deadline = time.monotonic() + 90
    while True:
        try:
            if httpx.get(f"{url}{ready}", timeout=2).status_code == 200:
                return process
        except httpx.TransportError:
            pass
        if popen.poll() is not None or time.monotonic() > deadline:
            process.stop()
            raise RuntimeError(f"{args[:2]} did not start:\n{log.read_text()[-3000:]}")
        time.sleep(0.1)


@pytest.fixture(scope="module")
def deployment(
    postgresql_selected: None, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Deployment]:
    root = tmp_path_factory.mktemp("deployment")
    with (
        fresh_postgres_database("deploy_tenant") as store_url,
        fresh_postgres_database("deploy_audit") as audit_url,
        run_prefix() as prefix,
    ):
        shared = {"REDIS_URL": SHARED_URL, "USERDESK_REDIS_PREFIX": prefix}
        ports = [free_port(), free_port()]
        proxy = RoundRobinProxy([("127.0.0.1", port) for port in ports]).start()
        running: list[Process] = []
        try:
            tenant_env = _environment(
                TENANT_DATABASE_URL=store_url,
                USERDESK_ADMIN_PASSWORD=ADMIN_PASSWORD,
                USERDESK_TENANT_DEMO_USERS="0",
                # The Management API quota would count this file's bursts, not the replicas.
                USERDESK_TENANT_RATE_LIMIT_BURST="off",
                **shared,
            )
            # The first replica provisions the tenant; the second starts on what it made.
            for n, port in enumerate(ports, start=1):
                data_dir = root / f"tenant{n}"
                if n > 1:
                    # As README says for a replica on another machine: the first one's
                    # tenant.json (its clients' secrets) goes into its data directory.
                    data_dir.mkdir()
                    shutil.copy2(root / "tenant1" / "tenant.json", data_dir / "tenant.json")
                running.append(
                    _start(
                        ["tenant", "serve", "--port", str(port), "--public-url", proxy.url],
                        tenant_env | {"USERDESK_DATA_DIR": str(data_dir)},
                        f"http://127.0.0.1:{port}",
                        "/.well-known/jwks.json",
                        root / f"tenant{n}.log",
                    )
                )
            config = json.loads((root / "tenant1" / "tenant.json").read_text())
            desk_env = _environment(
                AUTH0_DOMAIN=proxy.url,
                AUTH0_AUDIENCE=config["api_audience"],
                CLIENT_ID=config["backend"]["client_id"],
                CLIENT_SECRET=config["backend"]["client_secret"],
                AUTH0_SPA_CLIENT_ID=config["spa_client_id"],
                DATABASE_URL=audit_url,
                **shared,
            )
            desks = []
            for n in (1, 2):
                port = free_port()
                desks.append(
                    _start(
                        ["serve", "--port", str(port)],
                        desk_env | {"USERDESK_DATA_DIR": str(root / f"desk{n}")},
                        f"http://127.0.0.1:{port}",
                        "/api/health",
                        root / f"desk{n}.log",
                    )
                )
                running.append(desks[-1])
            yield Deployment(
                public_url=proxy.url,
                proxy=proxy,
                tenants=running[:2],
                desks=desks,
                config=config,
                audit_url=audit_url,
                redis_prefix=prefix,
            )
        finally:
            for process in reversed(running):
                process.stop()
            proxy.stop()


async def _gather(calls: list[tuple[str, str]], token: str) -> list[int]:
    async with httpx.AsyncClient(
        headers={"Authorization": f"Bearer {token}"},
        timeout=60,
        limits=httpx.Limits(max_connections=len(calls)),
    ) as client:
        answers = await asyncio.gather(*(client.request(m, url) for m, url in calls))
    return [answer.status_code for answer in answers]


def test_a_cold_burst_over_both_desks_costs_one_exchange(deployment: Deployment) -> None:
    token = deployment.staff_token()
    before = deployment.exchanges()
    desks = [desk.url for desk in deployment.desks]
    calls = [("GET", f"{desks[n % 2]}/api/users?per_page=5") for n in range(100)]
    statuses = asyncio.run(_gather(calls, token))
    assert statuses == [200] * 100
    # The desks' own exchange, made once for both; the tenant logs it whichever replica
    # answered it, in the store they share.
    assert deployment.exchanges() == before + 1
    stored = redis.Redis.from_url(SHARED_URL).keys(
        f"{deployment.redis_prefix}:desk:management-token:*"
    )
    assert len(stored) == 1
    # Both tenant replicas took connections through the public URL.
    assert all(count > 0 for count in deployment.proxy.connections)


def test_a_user_deleted_through_one_desk_is_gone_from_the_other(deployment: Deployment) -> None:
    [user_id] = deployment.create_users(1)
    email = f"email:{json.dumps(_email_of(deployment, user_id))}"
    first, second = (desk.url for desk in deployment.desks)
    headers = {"Authorization": f"Bearer {deployment.staff_token()}"}
    with httpx.Client(headers=headers, timeout=30) as client:
        # The second desk has read the user: whatever it keeps, it must not keep this.
        assert client.get(f"{second}/api/users/{user_id}").status_code == 200
        found = client.get(f"{second}/api/users", params={"q": email}).json()["users"]
        assert [u["user_id"] for u in found] == [user_id]

        assert client.delete(f"{first}/api/users/{user_id}").status_code == 204

        assert client.get(f"{second}/api/users/{user_id}").status_code == 404
        assert client.get(f"{second}/api/users", params={"q": email}).json()["users"] == []
        listed = client.get(f"{second}/api/users", params={"per_page": 100}).json()["users"]
        assert user_id not in {u["user_id"] for u in listed}


def _email_of(deployment: Deployment, user_id: str) -> str:
    with deployment.management() as client:
        return str(client.get(f"/users/{user_id}").json()["email"])


def test_failed_sign_ins_on_both_tenant_replicas_block_the_user_and_ip_on_both(
    deployment: Deployment,
) -> None:
    [user_id] = deployment.create_users(1)
    email = _email_of(deployment, user_id)
    config = deployment.config
    replicas = [tenant.url for tenant in deployment.tenants]
    for n in range(10):
        answer = httpx.post(
            f"{replicas[n % 2]}/oauth/token",
            data=password_form(config, email, "not-the-password"),
            timeout=30,
        )
        assert answer.status_code == 403, answer.text
        assert answer.json()["error"] == "invalid_grant"
    for replica in replicas:
        right = httpx.post(
            f"{replica}/oauth/token", data=password_form(config, email, USER_PASSWORD), timeout=30
        )
        assert right.status_code == 429, right.text
        assert right.json()["error"] == "too_many_attempts"


def test_a_desk_killed_mid_burst_leaves_no_delete_unaudited(deployment: Deployment) -> None:
    victims = deployment.create_users(40)
    token = deployment.staff_token()
    first, second = deployment.desks
    answered: list[tuple[int, int | None]] = []

    async def burst() -> None:
        a_few_answered = asyncio.Event()
        async with httpx.AsyncClient(
            headers={"Authorization": f"Bearer {token}"},
            timeout=60,
            limits=httpx.Limits(max_connections=40),
        ) as client:

            async def delete(n: int) -> None:
                desk = (first, second)[n % 2]
                try:
                    answer = await client.delete(f"{desk.url}/api/users/{victims[n]}")
                    answered.append((n, answer.status_code))
                except httpx.TransportError:
                    answered.append((n, None))
                if len(answered) >= 4:
                    a_few_answered.set()

            async def kill_after_a_few() -> None:
                await a_few_answered.wait()
                first.popen.send_signal(signal.SIGKILL)

            await asyncio.gather(kill_after_a_few(), *(delete(n) for n in range(40)))

    asyncio.run(burst())
    first.popen.wait(timeout=10)
    assert first.popen.returncode == -signal.SIGKILL

    statuses = dict(answered)
    # The replica left standing answered every request it was given.
    assert all(statuses[n] == 204 for n in range(1, 40, 2))
    # The killed one left some unanswered (else the kill came too late to test anything).
    assert any(statuses[n] is None for n in range(0, 40, 2))

    gone = {victim for victim in victims if not deployment.exists(victim)}
    audited = dict(
        query(
            deployment.audit_url,
            "SELECT target, outcome FROM audit_entries WHERE action = 'users.delete'"
            " AND target = ANY(:targets)",
            {"targets": victims},
        )
    )
    # Every delete that reached the tenant was written down before it was sent.
    assert gone <= set(audited)
    # What a replica answered 204 for is recorded as done.
    for n, status in statuses.items():
        if status == 204:
            assert victims[n] in gone
            assert audited[victims[n]] == "succeeded"
    # And the desk left standing goes on answering.
    with httpx.Client(headers={"Authorization": f"Bearer {token}"}, timeout=30) as client:
        assert client.get(f"{second.url}/api/users", params={"per_page": 50}).status_code == 200
