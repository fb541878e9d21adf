"""A million-user tenant built once and reused by the benchmarks, and timing helpers.

The tenant lives in ``/tmp/bench-1m`` (``--data-dir`` elsewhere) and is served at the one URL
it was made for, ``http://localhost:18601``. CPU time is read from ``/proc`` next to wall time:
on a shared machine the wall clock mostly measures the other processes.
"""

from __future__ import annotations

import json
import os
import signal
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx

DATA_DIR = Path("/tmp/bench-1m")
PORT = 18601
USERS = 1_000_000


def ensure(data_dir: Path = DATA_DIR, users: int = USERS, port: int = PORT) -> None:
    """Seed the tenant unless a previous run did."""
    from userdesk.tenant.provisioning.demo import seed_users
    from userdesk.tenant.provisioning.first_start import provision
    from userdesk.tenant.settings import TenantSettings
    from userdesk.tenant.store.db import transaction

    if (data_dir / "seeded").exists():
        return
    settings = TenantSettings(
        data_dir=data_dir,
        public_url=f"http://localhost:{port}",
        demo_users=0,
        admin_password="Bench-admin-password-1",
    )
    boot = provision(settings)
    started, cpu = time.perf_counter(), time.process_time()
    with transaction(boot.sessions) as session:
        seed_users(session, users)
    boot.engine.dispose()
    print(
        f"seeded {users:,} users in {time.perf_counter() - started:.1f} s wall, "
        f"{time.process_time() - cpu:.1f} s CPU"
    )
    (data_dir / "seeded").write_text(str(users))


def cpu_seconds(pid: int) -> float:
    """User plus system CPU time of a process and its waited-for children, from /proc."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    ticks = sum(int(v) for v in fields[11:15])
    return ticks / os.sysconf("SC_CLK_TCK")


def serve_tenant(data_dir: Path = DATA_DIR, port: int = PORT) -> subprocess.Popen[bytes]:
    userdesk = Path(sys.executable).with_name("userdesk")
    # The benchmarks measure the search, not the per-client limit a fast server meets.
    command = [
        str(userdesk),
        "tenant",
        "serve",
        "--port",
        str(port),
        "--data-dir",
        str(data_dir),
        "--management-rate-limit",
        "off",
    ]
    server = subprocess.Popen(
        command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True
    )
    deadline = time.monotonic() + 600  # a first start may migrate a million rows
    while time.monotonic() < deadline:
        try:
            httpx.get(f"http://127.0.0.1:{port}/.well-known/jwks.json", timeout=2)
            return server
        except httpx.TransportError:
            time.sleep(0.5)
    server.kill()
    raise SystemExit("the tenant did not start")


def stop(server: subprocess.Popen[bytes]) -> None:
    os.killpg(server.pid, signal.SIGTERM)
    server.wait(timeout=30)


def config(data_dir: Path = DATA_DIR) -> dict[str, Any]:
    document: dict[str, Any] = json.loads((data_dir / "tenant.json").read_text())
    return document


def machine_token(base: str, document: dict[str, Any]) -> str:
    answer = httpx.post(
        f"{base}/oauth/token",
        data={
            "grant_type": "client_credentials",
            "client_id": document["backend"]["client_id"],
            "client_secret": document["backend"]["client_secret"],
            "audience": document["management_audience"],
        },
    )
    answer.raise_for_status()
    return str(answer.json()["access_token"])


def percentiles(timings: list[float]) -> tuple[float, float, float]:
    cuts = statistics.quantiles(timings, n=100, method="inclusive")
    return statistics.median(timings), cuts[94], cuts[98]


def peak_rss_mb(pid: int | None = None) -> float:
    """VmHWM: the process's peak resident memory."""
    status = Path(f"/proc/{pid or 'self'}/status").read_text()
    for line in status.splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0
