"""GET /api/users through the desk next to the same page straight from the tenant.

Starts ``userdesk tenant serve`` and, pointed at it through the AUTH0_* variables as at any
Auth0 tenant, ``userdesk serve``, on free ports in a temporary data directory; then runs 10
concurrent clients for a bounded time
against each endpoint, 50 users per page, and prints requests per second and p50/p99 latency.
The difference is the desk's own overhead: token verification, the Management call, reshaping.

    .venv/bin/python bench/desk_users.py [--seconds 5] [--clients 10]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import shutil
import statistics
import tempfile
import time
from pathlib import Path

import httpx

from _stack import base_env, free_port, machine_token, servers, staff_token, wait_until_up

PER_PAGE = 50


async def load(
    url: str, params: dict[str, str | int], token: str, clients: int, seconds: float
) -> list[float]:
    latencies: list[float] = []
    failures = 0
    stop_at = time.perf_counter() + seconds

    async def one_client(client: httpx.AsyncClient) -> None:
        nonlocal failures
        while time.perf_counter() < stop_at:
            started = time.perf_counter()
            response = await client.get(url, params=params)
            if response.status_code != 200:
                failures += 1
                continue
            latencies.append(time.perf_counter() - started)

    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    async with httpx.AsyncClient(
        headers={"Authorization": f"Bearer {token}"}, limits=limits, timeout=30
    ) as client:
        # Warm up: JWKS, the Management token, connections.
        await client.get(url, params=params)
        await asyncio.gather(*(one_client(client) for _ in range(clients)))
    if failures:
        print(f"  ({failures} non-200 answers left out)")
    return latencies


def report(name: str, latencies: list[float], seconds: float) -> None:
    ordered = sorted(latencies)
    p50 = statistics.median(ordered) * 1000
    p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))] * 1000
    print(f"{name:<34} {len(ordered) / seconds:8.1f} req/s   p50 {p50:7.1f} ms   p99 {p99:7.1f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--clients", type=int, default=10)
    args = parser.parse_args()

    data_dir = Path(tempfile.mkdtemp(prefix="userdesk-bench-"))
    desk_port, tenant_port = free_port(), free_port()
    env = base_env(USERDESK_TENANT_DEMO_USERS="200")
    # Two processes, the desk configured like any Auth0 tenant through AUTH0_* variables, so
    # the desk's figures are its own and not shared with the tenant's event loop.
    try:
        with servers(data_dir) as running:
            deadline = time.monotonic() + 60
            desk = f"http://127.0.0.1:{desk_port}"
            tenant = f"http://127.0.0.1:{tenant_port}"
            running.start(
                # The Management API's per-client limit would measure itself, not the desk.
                [
                    "tenant",
                    "serve",
                    "--port",
                    str(tenant_port),
                    "--data-dir",
                    str(data_dir),
                    "--management-rate-limit",
                    "off",
                ],
                env,
            )
            wait_until_up(f"{tenant}/.well-known/jwks.json", deadline)
            config = json.loads((data_dir / "tenant.json").read_text())
            desk_env = {
                **env,
                "AUTH0_DOMAIN": config["domain"],
                "AUTH0_AUDIENCE": config["api_audience"],
                "CLIENT_ID": config["backend"]["client_id"],
                "CLIENT_SECRET": config["backend"]["client_secret"],
                "AUTH0_SPA_CLIENT_ID": config["spa_client_id"],
            }
            running.start(
                ["serve", "--port", str(desk_port), "--data-dir", str(data_dir)], desk_env
            )
            wait_until_up(f"{desk}/api/health", deadline)
            run(args, desk, tenant, staff_token(tenant, config), machine_token(tenant, config))
    finally:
        shutil.rmtree(data_dir, ignore_errors=True)


def run(args: argparse.Namespace, desk: str, tenant: str, staff: str, machine: str) -> None:
    print(
        f"GET users, {PER_PAGE} per page, {args.clients} concurrent clients, "
        f"{args.seconds:.0f} s each; desk and tenant in separate processes"
    )
    direct = asyncio.run(
        load(
            f"{tenant}/api/v2/users",
            {"page": 0, "per_page": PER_PAGE, "include_totals": "true"},
            machine,
            args.clients,
            args.seconds,
        )
    )
    report("tenant GET /api/v2/users", direct, args.seconds)
    through = asyncio.run(
        load(
            f"{desk}/api/users",
            {"page": 1, "per_page": PER_PAGE},
            staff,
            args.clients,
            args.seconds,
        )
    )
    report("desk   GET /api/users", through, args.seconds)


if __name__ == "__main__":
    main()
