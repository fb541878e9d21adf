"""Requests per second of the users list, tenant and desk, one and two workers, side by side.

Starts in one temporary data directory a tenant with N demo users (default 10,000) served by
one worker and the same tenant served by two (one SQLite database, WAL), then a desk of one
worker pointed at the first and a desk of two workers pointed at the second, each configured
through AUTH0_* variables as for any Auth0 tenant. Each endpoint is loaded in turn by ``wrk``
(Debian's package: ``apt-get install wrk``), so the load generator costs the servers nothing
and measures nothing of Python's own. For each run it prints requests/s, p50 and p99 latency
and the CPU each server process (its workers included) spent per request, read from
``/proc/<pid>/stat`` before and after: on a shared, busy machine wall-clock rates move with
the neighbours, CPU per request does not.

    .venv/bin/python bench/throughput.py [--seconds 10] [--connections 10] [--users 10000]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from _stack import (
    Servers,
    base_env,
    cpu_seconds,
    free_port,
    machine_token,
    staff_token,
    wait_until_up,
    wrk_figures,
)

PER_PAGE = 50


@dataclass
class Result:
    name: str
    requests: int
    rate: float
    p50_ms: float
    p99_ms: float
    errors: int
    cpu_ms: dict[str, float]


def wrk(
    url: str, token: str, seconds: float, connections: int
) -> tuple[int, float, float, float, int]:
    command = [
        "wrk",
        f"-t{min(2, connections)}",
        f"-c{connections}",
        f"-d{seconds:.0f}s",
        "--latency",
        "-H",
        f"Authorization: Bearer {token}",
        url,
    ]
    out = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    return wrk_figures(out)


def measure(
    name: str, url: str, token: str, watched: dict[str, int], args: argparse.Namespace
) -> Result:
    # Warm up: JWKS, the Management token, keep-alive connections, caches.
    wrk(url, token, 2, args.connections)
    before = {label: cpu_seconds(pid) for label, pid in watched.items()}
    requests, rate, p50, p99, errors = wrk(url, token, args.seconds, args.connections)
    after = {label: cpu_seconds(pid) for label, pid in watched.items()}
    per_request = {
        label: (after[label] - before[label]) * 1000 / max(requests, 1) for label in watched
    }
    return Result(name, requests, rate, p50, p99, errors, per_request)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--connections", type=int, default=10)
    parser.add_argument("--users", type=int, default=10_000, help="demo users in the tenant")
    parser.add_argument("--workers", type=int, default=2, help="workers of the second stack")
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        sys.exit("wrk is missing: apt-get install wrk")

    data_dir = Path(tempfile.mkdtemp(prefix="userdesk-throughput-"))
    # The Management API's per-client limit would measure itself, not the servers (the
    # variable, not `--management-rate-limit off`, so versions that predate it still start).
    env = base_env(
        USERDESK_TENANT_DEMO_USERS=str(args.users), USERDESK_TENANT_RATE_LIMIT_BURST="off"
    )
    running = Servers(data_dir)
    try:
        deadline = time.monotonic() + 300
        stacks = [
            start_stack(running, data_dir / f"w{workers}", workers, env, deadline)
            for workers in sorted({1, args.workers})
        ]
        run(args, stacks)
    finally:
        running.stop()
        shutil.rmtree(data_dir, ignore_errors=True)


@dataclass
class Stack:
    """A tenant and a desk pointed at it, each served by ``workers`` processes."""

    workers: int
    tenant: str
    desk: str
    tenant_pid: int
    desk_pid: int
    staff: str
    machine: str


def start_stack(
    running: Servers, data_dir: Path, workers: int, env: dict[str, str], deadline: float
) -> Stack:
    tenant_port, desk_port = free_port(), free_port()
    tenant = f"http://127.0.0.1:{tenant_port}"
    desk = f"http://127.0.0.1:{desk_port}"
    running.start(
        [
            "tenant",
            "serve",
            "--port",
            str(tenant_port),
            "--data-dir",
            str(data_dir),
            *worker_option(workers),
        ],
        env,
    )
    tenant_pid = running.processes[-1].pid
    wait_until_up(f"{tenant}/.well-known/jwks.json", deadline)
    config = json.loads((data_dir / "tenant.json").read_text())
    desk_env = {
        **env,
        "AUTH0_DOMAIN": config["domain"],
        "AUTH0_AUDIENCE": config["api_audience"],
        "CLIENT_ID": config["backend"]["client_id"],
        "CLIENT_SECRET": config["backend"]["client_secret"],
        "AUTH0_SPA_CLIENT_ID": config["spa_client_id"],
        "USERDESK_DATA_DIR": str(data_dir / "desk"),
    }
    running.start(["serve", "--port", str(desk_port), *worker_option(workers)], desk_env)
    desk_pid = running.processes[-1].pid
    wait_until_up(f"{desk}/api/health", deadline)
    return Stack(
        workers,
        tenant,
        desk,
        tenant_pid,
        desk_pid,
        staff_token(tenant, config),
        machine_token(tenant, config),
    )


def worker_option(workers: int) -> list[str]:
    # Without the option, so the script also measures a version that predates it.
    return [] if workers == 1 else ["--workers", str(workers)]


def run(args: argparse.Namespace, stacks: list[Stack]) -> None:
    tenant_path = f"/api/v2/users?page=0&per_page={PER_PAGE}&include_totals=true"
    desk_path = f"/api/users?page=1&per_page={PER_PAGE}"
    print(
        f"GET users, {PER_PAGE} a page with totals, {args.users:,} users, wrk "
        f"{args.connections} connections, {args.seconds:.0f} s each; {os.cpu_count()} CPUs"
    )
    print(f"{'run':<26} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'errors':>6}  CPU ms/request")
    for stack in stacks:
        workers = f"{stack.workers} worker" + ("s" if stack.workers > 1 else "")
        tenant = {"tenant": stack.tenant_pid}
        runs = [
            (f"tenant, {workers}", stack.tenant + tenant_path, stack.machine, tenant),
            (
                f"desk, {workers}",
                stack.desk + desk_path,
                stack.staff,
                {"desk": stack.desk_pid, **tenant},
            ),
        ]
        for name, url, token, watched in runs:
            result = measure(name, url, token, watched, args)
            cpu = "  ".join(f"{label} {ms:.2f}" for label, ms in result.cpu_ms.items())
            print(
                f"{result.name:<26} {result.rate:8.1f} {result.p50_ms:8.1f} "
                f"{result.p99_ms:8.1f} {result.errors:6d}  {cpu}",
                flush=True,
            )


if __name__ == "__main__":
    main()
