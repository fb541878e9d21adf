"""Soak: 50 concurrent staff sessions against the desk and its embedded tenant.

Starts ``userdesk serve`` (desk and embedded tenant, one process, as in production) on free
ports in a temporary data directory with a few thousand demo users. Each session signs in
(password grant, its own access token) and then, until time is up, picks an action at random:
list a page, search with ``q``, view a user, or delete one (each user is deleted once only, so
every answer has one right status). Prints requests, errors (must be 0) and p50/p99 per action
and overall, and the CPU time ``userdesk serve`` (all its processes, from ``/proc``) and this
script's own client spent per answered request; exits 1 on any error.

    .venv/bin/python bench/soak.py [--seconds 60] [--sessions 50] [--users 5000] [--workers 1]

``--workers N`` serves the desk and the embedded tenant with N processes each.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import shutil
import sys
import tempfile
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from _stack import (
    base_env,
    cpu_seconds,
    free_port,
    machine_token,
    servers,
    staff_token,
    wait_until_up,
)

# Weights of the mix: mostly reads, as a support desk's day is.
ACTIONS = {"list": 40, "search": 30, "view": 20, "delete": 10}
EXPECTED = {"list": 200, "search": 200, "view": 200, "delete": 204}
NAMES = ["ada", "alan", "ben", "chen", "dara", "elena", "felix", "grace", "hugo", "ivan", "kai"]


@dataclass
class Tally:
    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: Counter[str] = field(default_factory=Counter)
    samples: list[str] = field(default_factory=list)

    def error(self, action: str, what: str) -> None:
        self.errors[action] += 1
        if len(self.samples) < 5:
            self.samples.append(f"{action}: {what}")


@dataclass
class Targets:
    """Users to view (never deleted) and users to delete (each handed out once)."""

    view: list[str]
    delete: list[str]


def targets(tenant: str, config: dict[str, Any]) -> Targets:
    machine = machine_token(tenant, config)
    ids: list[str] = []
    with httpx.Client(headers={"Authorization": f"Bearer {machine}"}, timeout=30) as client:
        # Auth0 pages through the first 1000 results only; that is plenty to delete from.
        for page in range(10):
            answer = client.get(
                f"{tenant}/api/v2/users",
                params={"page": page, "per_page": 100, "fields": "user_id,email"},
            )
            answer.raise_for_status()
            users = answer.json()
            if not users:
                break
            # Staff sign in as the admin: deleting it would end every session.
            ids += [u["user_id"] for u in users if u.get("email") != config["admin"]["email"]]
    random.shuffle(ids)
    return Targets(view=ids[:100], delete=ids[100:])


async def session(
    client: httpx.AsyncClient, targets: Targets, tally: Tally, stop_at: float
) -> None:
    actions, weights = list(ACTIONS), list(ACTIONS.values())
    while time.perf_counter() < stop_at:
        action = random.choices(actions, weights)[0]
        if action == "delete" and not targets.delete:
            action = "view"
        if action == "list":
            request = client.build_request(
                "GET", "/api/users", params={"page": random.randint(1, 5), "per_page": 50}
            )
        elif action == "search":
            q = f"name:{random.choice(NAMES)}*"
            request = client.build_request("GET", "/api/users", params={"q": q, "per_page": 20})
        elif action == "view":
            request = client.build_request("GET", f"/api/users/{random.choice(targets.view)}")
        else:
            request = client.build_request("DELETE", f"/api/users/{targets.delete.pop()}")
        started = time.perf_counter()
        try:
            response = await client.send(request)
        except httpx.HTTPError as exc:
            tally.error(action, f"{type(exc).__name__} on {request.url.path}")
            continue
        elapsed = time.perf_counter() - started
        if response.status_code != EXPECTED[action]:
            tally.error(action, f"{response.status_code} {response.text[:200]}")
            continue
        tally.latencies[action].append(elapsed)


async def soak(desk: str, tokens: list[str], targets: Targets, seconds: float) -> Tally:
    tally = Tally()
    stop_at = time.perf_counter() + seconds
    clients = [
        httpx.AsyncClient(base_url=desk, headers={"Authorization": f"Bearer {t}"}, timeout=30)
        for t in tokens
    ]
    try:
        await asyncio.gather(*(session(c, targets, tally, stop_at) for c in clients))
    finally:
        await asyncio.gather(*(c.aclose() for c in clients))
    return tally


def percentile(ordered: list[float], share: float) -> float:
    return ordered[min(len(ordered) - 1, int(len(ordered) * share))] * 1000


def report(tally: Tally, seconds: float) -> int:
    everything = sorted(x for values in tally.latencies.values() for x in values)
    errors = sum(tally.errors.values())
    for action in ACTIONS:
        ordered = sorted(tally.latencies[action])
        if ordered:
            print(
                f"  {action:<7} {len(ordered):7d} ok  {tally.errors[action]:4d} errors   "
                f"p50 {percentile(ordered, 0.5):7.1f} ms   p99 {percentile(ordered, 0.99):7.1f} ms"
            )
    if everything:
        print(
            f"requests {len(everything) + errors}   errors {errors}   "
            f"{len(everything) / seconds:.1f} req/s   "
            f"p50 {percentile(everything, 0.5):.1f} ms   p99 {percentile(everything, 0.99):.1f} ms"
        )
    for sample in tally.samples:
        print(f"  error: {sample}")
    return errors


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--sessions", type=int, default=50)
    parser.add_argument("--users", type=int, default=5000, help="demo users in the tenant")
    parser.add_argument("--workers", type=int, default=1, help="processes of desk and tenant")
    args = parser.parse_args()

    data_dir = Path(tempfile.mkdtemp(prefix="userdesk-soak-"))
    desk_port, tenant_port = free_port(), free_port()
    env = base_env(USERDESK_TENANT_DEMO_USERS=str(args.users))
    # The Management API's per-client limit would measure itself, not the desk.
    command = [
        "serve",
        "--port",
        str(desk_port),
        "--tenant-port",
        str(tenant_port),
        "--management-rate-limit",
        "off",
    ]
    if args.workers > 1:
        command += ["--workers", str(args.workers)]
    try:
        with servers(data_dir) as running:
            running.start([*command, "--data-dir", str(data_dir)], env)
            deadline = time.monotonic() + 120
            desk = f"http://127.0.0.1:{desk_port}"
            tenant = f"http://127.0.0.1:{tenant_port}"
            wait_until_up(f"{desk}/api/health", deadline)
            wait_until_up(f"{tenant}/.well-known/jwks.json", deadline)
            config = json.loads((data_dir / "tenant.json").read_text())
            tokens = [staff_token(tenant, config) for _ in range(args.sessions)]
            pool = targets(tenant, config)
            print(
                f"soak: {args.sessions} staff sessions, {args.workers} worker(s), "
                f"{args.seconds:.0f} s, mix "
                + ", ".join(f"{a} {w}%" for a, w in ACTIONS.items())
                + f"; {len(pool.delete)} users available to delete"
            )
            served_by = running.processes[-1].pid
            server_cpu, client_cpu = cpu_seconds(served_by), time.process_time()
            tally = asyncio.run(soak(desk, tokens, pool, args.seconds))
            server_cpu = cpu_seconds(served_by) - server_cpu
            client_cpu = time.process_time() - client_cpu
            errors = report(tally, args.seconds)
            answered = max(1, sum(len(v) for v in tally.latencies.values()))
            # From /proc: desk and tenant (every worker) together, and this script's client.
            print(
                f"CPU ms/request: userdesk serve {server_cpu * 1000 / answered:.2f}, "
                f"soak client {client_cpu * 1000 / answered:.2f}"
            )
    finally:
        shutil.rmtree(data_dir, ignore_errors=True)
    sys.exit(1 if errors else 0)


if __name__ == "__main__":
    main()
