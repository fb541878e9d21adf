"""A million-user tenant built once and reused by the benchmarks, and timing helpers.

The tenant lives in ``/tmp/bench-1m`` (``--data-dir`` elsewhere) and is served at the one URL
it was made for, ``http://localhost:18601``. With a ``postgresql://`` database URL its store is
that database instead (its keys and ``tenant.json`` still in the data directory, by default
``/tmp/bench-1m-pg``). CPU time is read from ``/proc`` next to wall time: on a shared machine
the wall clock mostly measures the other processes.
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

from _stack import postgres_backends, processes_cpu

DATA_DIR = Path("/tmp/bench-1m")
PG_DATA_DIR = Path("/tmp/bench-1m-pg")
PORT = 18601
USERS = 1_000_000


def data_dir_for(data_dir: Path | None, database: str | None) -> Path:
    """The data directory asked for, or the default one for that kind of store."""
    if data_dir is not None:
        return data_dir
    return PG_DATA_DIR if database else DATA_DIR


def ensure(
    data_dir: Path = DATA_DIR, users: int = USERS, port: int = PORT, database: str | None = None
) -> None:
    """Seed the tenant unless a previous run did (``database``: its store, default SQLite in
    ``data_dir``)."""
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
        database_url=database,
    )
    boot = provision(settings)
    started, cpu = time.perf_counter(), time.process_time()
    with transaction(boot.sessions) as session:
        seed_users(session, users)
    print(
        f"seeded {users:,} users in {time.perf_counter() - started:.1f} s wall, "
        f"{time.process_time() - cpu:.1f} s CPU"
    )
    if boot.engine.dialect.name == "postgresql":
        # What autovacuum does in time: statistics, and the visibility map index-only scans
        # need (a benchmark should not measure the minutes before it has run).
        started = time.perf_counter()
        with boot.engine.connect() as db:
            db.execution_options(isolation_level="AUTOCOMMIT").exec_driver_sql("VACUUM ANALYZE")
        print(f"vacuumed in {time.perf_counter() - started:.1f} s")
    boot.engine.dispose()
    (data_dir / "seeded").write_text(str(users))


def cpu_seconds(pid: int) -> float:
    """User plus system CPU time of a process and its waited-for children, from /proc."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    ticks = sum(int(v) for v in fields[11:15])
    return ticks / os.sysconf("SC_CLK_TCK")


def serve_tenant(
    data_dir: Path = DATA_DIR,
    port: int = PORT,
    database: str | None = None,
    rate_limit: bool = True,
) -> subprocess.Popen[bytes]:
    """``rate_limit=False``: the Management API's per-client limit off (a benchmark's
    back-to-back requests would otherwise measure 429s)."""
    try:
        httpx.get(f"http://127.0.0.1:{port}/", timeout=2)
    except httpx.TransportError:
        pass
    else:
        raise SystemExit(f"port {port} is taken: another tenant would be measured")
    userdesk = Path(sys.executable).with_name("userdesk")
    command = [str(userdesk), "tenant", "serve", "--port", str(port), "--data-dir", str(data_dir)]
    env = dict(os.environ)
    env.pop("TENANT_DATABASE_URL", None)
    if database:
        env["TENANT_DATABASE_URL"] = database
    if not rate_limit:
        env["USERDESK_TENANT_RATE_LIMIT_BURST"] = "off"
    server = subprocess.Popen(
        command,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
        env=env,
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


def database_cpu_seconds(database: str | None) -> float:
    """CPU time of the PostgreSQL backends serving ``database`` (0 for SQLite, whose work is
    done inside the tenant's process), from /proc: the server must run on this machine."""
    if not database:
        return 0.0
    from userdesk.tenant.store.db import database_url

    url = database_url(database).replace("postgresql+psycopg://", "postgresql://")
    return sum(processes_cpu(postgres_backends(url)).values())


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
