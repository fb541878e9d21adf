"""The desk's users list served by 1, 2 and 4 desk processes on PostgreSQL and Redis.

A deployment as README's "Running several replicas" describes: the embedded tenant on a
PostgreSQL store of its own (N demo users, default 10,000, seeded in the database with
``generate_series``) served by 2 workers, and desks (``userdesk serve --workers N``) pointed at
it through AUTH0_* variables, their audit log in another PostgreSQL database, both sides
sharing Redis under a key prefix of this run's own (deleted afterwards). Each desk is loaded
by ``wrk`` with GET /api/users (50 a page) and a staff token; for each it prints requests/s,
p50 and p99, and CPU ms per request of the desk (every worker), the tenant (both workers) and
the PostgreSQL backends of the tenant's store, read from /proc before and after. Redis is
left out of the CPU figures: the machine's server is shared.

    .venv/bin/python bench/replicas.py [--seconds 10] [--connections 16] [--users 10000]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import sys
import tempfile
import time
from pathlib import Path

from _stack import (
    ROOT,
    Servers,
    base_env,
    cpu_seconds,
    cpu_spent,
    free_port,
    postgres_backends,
    processes_cpu,
    staff_token,
    wait_until_up,
)
from throughput import wrk

sys.path.insert(0, str(ROOT))

from tests.support.databases import fresh_postgres_database
from tests.support.redis_servers import SHARED_URL, run_prefix

PER_PAGE = 50


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--users", type=int, default=10_000, help="demo users in the tenant")
    parser.add_argument("--desks", default="1,2,4", help="desk process counts to measure")
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        sys.exit("wrk is missing: apt-get install wrk")

    root = Path(tempfile.mkdtemp(prefix="userdesk-replicas-"))
    running = Servers(root)
    try:
        with (
            fresh_postgres_database("bench_tenant") as store,
            fresh_postgres_database("bench_audit") as audit,
            run_prefix() as prefix,
        ):
            shared = {"REDIS_URL": SHARED_URL, "USERDESK_REDIS_PREFIX": prefix}
            env = base_env(**shared)
            for name in ("DATABASE_URL", "TENANT_DATABASE_URL"):
                env.pop(name, None)
            tenant_port = free_port()
            tenant = f"http://127.0.0.1:{tenant_port}"
            started = time.monotonic()
            running.start(
                ["tenant", "serve", "--port", str(tenant_port), "--workers", "2"],
                env
                | {
                    "TENANT_DATABASE_URL": store,
                    "USERDESK_DATA_DIR": str(root / "tenant"),
                    "USERDESK_TENANT_DEMO_USERS": str(args.users),
                    # The Management API quota would measure itself, not the servers.
                    "USERDESK_TENANT_RATE_LIMIT_BURST": "off",
                },
            )
            tenant_pid = running.processes[-1].pid
            wait_until_up(f"{tenant}/.well-known/jwks.json", time.monotonic() + 600)
            seeded = time.monotonic() - started
            config = json.loads((root / "tenant" / "tenant.json").read_text())
            desk_env = env | {
                "AUTH0_DOMAIN": config["domain"],
                "AUTH0_AUDIENCE": config["api_audience"],
                "CLIENT_ID": config["backend"]["client_id"],
                "CLIENT_SECRET": config["backend"]["client_secret"],
                "AUTH0_SPA_CLIENT_ID": config["spa_client_id"],
                "DATABASE_URL": audit,
            }
            token = staff_token(tenant, config)
            load = os.getloadavg()
            print(
                f"GET /api/users, {PER_PAGE} a page, {args.users:,} users (tenant up and seeded "
                f"in {seeded:.0f} s); tenant: 2 workers on PostgreSQL; desks on PostgreSQL + "
                f"Redis; wrk {args.connections} connections, {args.seconds:.0f} s each; "
                f"{os.cpu_count()} CPUs, load {load[0]:.1f} {load[1]:.1f} {load[2]:.1f}"
            )
            print(
                f"{'desk processes':<15} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} "
                f"{'errors':>6}  CPU ms/request: desk  tenant  postgres"
            )
            for count in (int(n) for n in args.desks.split(",")):
                measure_desks(running, root, desk_env, count, token, tenant_pid, store, args)
    finally:
        running.stop()
        shutil.rmtree(root, ignore_errors=True)


def measure_desks(
    running: Servers,
    root: Path,
    env: dict[str, str],
    count: int,
    token: str,
    tenant_pid: int,
    store: str,
    args: argparse.Namespace,
) -> None:
    port = free_port()
    desk = f"http://127.0.0.1:{port}"
    workers = [] if count == 1 else ["--workers", str(count)]
    running.start(
        ["serve", "--port", str(port), *workers],
        env | {"USERDESK_DATA_DIR": str(root / f"desk{count}")},
    )
    process = running.processes[-1]
    wait_until_up(f"{desk}/api/health", time.monotonic() + 120)
    url = f"{desk}/api/users?page=1&per_page={PER_PAGE}"
    # Warm up: JWKS, the Management token (from Redis after the first desk), connections.
    wrk(url, token, 2, args.connections)
    pids = postgres_backends(store)
    before = (cpu_seconds(process.pid), cpu_seconds(tenant_pid))
    backends_before = processes_cpu(pids)
    requests, rate, p50, p99, errors = wrk(url, token, args.seconds, args.connections)
    after = (cpu_seconds(process.pid), cpu_seconds(tenant_pid))
    pg_ms = cpu_spent(backends_before, processes_cpu(pids)) * 1000 / max(requests, 1)
    desk_ms, tenant_ms = (
        (later - earlier) * 1000 / max(requests, 1)
        for earlier, later in zip(before, after, strict=True)
    )
    print(
        f"{count:<15} {rate:8.1f} {p50:8.1f} {p99:8.1f} {errors:6d}  "
        f"{desk_ms:20.2f} {tenant_ms:7.2f} {pg_ms:9.2f}",
        flush=True,
    )
    # One desk at a time: the next count gets the cores to itself.
    process.send_signal(signal.SIGINT)
    process.wait(timeout=30)
    running.processes.remove(process)


if __name__ == "__main__":
    main()
