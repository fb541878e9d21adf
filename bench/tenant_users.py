"""Seed the embedded tenant with many users, then time typical Management API searches.

Seeds N demo users (default 1,000,000) into a fresh tenant in a temporary data directory,
prints the seed rate, starts ``userdesk tenant serve`` on a free port, fetches a real
client-credentials token, and prints p50/p99 latency of typical list and search queries
over HTTP (one client, sequential requests).

    .venv/bin/python bench/tenant_users.py [--users 1000000] [--requests 30] [--keep]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx

from userdesk.tenant.provisioning.demo import seed_users
from userdesk.tenant.provisioning.first_start import provision
from userdesk.tenant.settings import TenantSettings
from userdesk.tenant.store.db import transaction

QUERIES: list[tuple[str, dict[str, Any]]] = [
    ("first page, no q", {}),
    ("q email prefix", {"q": "email:ada.chen*"}),
    ("q email.domain + totals", {"q": "email.domain:acme.io", "include_totals": "true"}),
    ("q name phrase", {"q": 'name:"Ada Chen"'}),
    ("q app_metadata.plan", {"q": "app_metadata.plan:enterprise"}),
    ("q logins_count range", {"q": "logins_count:[150 TO 200]"}),
    ("sort last_login:-1", {"sort": "last_login:-1"}),
    (
        "q domain, sort last_login, totals",
        {"q": "email.domain:gmail.com", "sort": "last_login:-1", "include_totals": "true"},
    ),
    ("page 9 x 100, sort email", {"page": 9, "per_page": 100, "sort": "email:1"}),
]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def seed(data_dir: Path, users: int, port: int) -> None:
    settings = TenantSettings(
        data_dir=data_dir,
        # The URL `tenant serve --port` gives it: a tenant is served at the domain it was made for.
        public_url=f"http://localhost:{port}",
        demo_users=0,
        admin_password="Bench-admin-password-1",
    )
    boot = provision(settings)
    started, cpu = time.perf_counter(), time.process_time()
    with transaction(boot.sessions) as session:
        seed_users(session, users)
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
    boot.engine.dispose()
    # CPU time next to wall time: on a busy machine the wall clock mostly measures the others.
    print(
        f"seeded {users:,} users in {elapsed:.1f} s wall, {cpu:.1f} s CPU "
        f"({users / elapsed:,.0f} users/s wall)"
    )


def serve(data_dir: Path, port: int) -> subprocess.Popen[bytes]:
    userdesk = Path(sys.executable).with_name("userdesk")
    command = [str(userdesk), "tenant", "serve", "--port", str(port), "--data-dir", str(data_dir)]
    # The Management API's per-client limit would measure itself, not the tenant.
    command += ["--management-rate-limit", "off"]
    server = subprocess.Popen(
        command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            httpx.get(f"http://127.0.0.1:{port}/.well-known/jwks.json", timeout=2)
            return server
        except httpx.TransportError:
            time.sleep(0.2)
    server.kill()
    raise SystemExit("the tenant did not start")


def token(base: str, config: dict[str, Any]) -> str:
    answer = httpx.post(
        f"{base}/oauth/token",
        data={
            "grant_type": "client_credentials",
            "client_id": config["backend"]["client_id"],
            "client_secret": config["backend"]["client_secret"],
            "audience": config["management_audience"],
        },
    )
    answer.raise_for_status()
    return str(answer.json()["access_token"])


def measure(
    client: httpx.Client, params: dict[str, Any], requests: int
) -> tuple[float, float, int]:
    for _ in range(2):
        client.get("/users", params=params).raise_for_status()
    timings = []
    for _ in range(requests):
        started = time.perf_counter()
        answer = client.get("/users", params=params)
        timings.append((time.perf_counter() - started) * 1000)
        answer.raise_for_status()
    body = answer.json()
    found = len(body["users"]) if isinstance(body, dict) else len(body)
    cuts = statistics.quantiles(timings, n=100, method="inclusive")
    return statistics.median(timings), cuts[98], found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=1_000_000)
    parser.add_argument("--requests", type=int, default=30)
    parser.add_argument("--keep", action="store_true", help="keep the data directory")
    parser.add_argument(
        "--data-dir", type=Path, help="reuse a directory a previous --keep run left (no seeding)"
    )
    args = parser.parse_args()
    reuse = args.data_dir is not None
    data_dir = args.data_dir or Path(tempfile.mkdtemp(prefix="userdesk-bench-"))
    port = free_port()
    server: subprocess.Popen[bytes] | None = None
    try:
        if not reuse:
            seed(data_dir, args.users, port)
        size = sum(f.stat().st_size for f in data_dir.glob("tenant.sqlite3*"))
        print(f"database: {size / 1e6:,.0f} MB")
        server = serve(data_dir, port)
        base = f"http://127.0.0.1:{port}"
        config = json.loads((data_dir / "tenant.json").read_text())
        headers = {"Authorization": f"Bearer {token(base, config)}"}
        print(f"\n{'query':<36} {'p50 ms':>8} {'p99 ms':>8} {'rows':>5}")
        with httpx.Client(base_url=f"{base}/api/v2", headers=headers, timeout=120) as client:
            for label, params in QUERIES:
                p50, p99, found = measure(client, params, args.requests)
                print(f"{label:<36} {p50:>8.1f} {p99:>8.1f} {found:>5}")
    finally:
        if server is not None:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=30)
        if args.keep or reuse:
            print(f"data kept in {data_dir}")
        else:
            shutil.rmtree(data_dir, ignore_errors=True)


if __name__ == "__main__":
    main()
