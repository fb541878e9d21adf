"""Soak: 50 concurrent staff sessions against the desk and its embedded tenant.

Starts ``userdesk serve`` (desk and embedded tenant) on free ports in a temporary data
directory with demo users, and signs in 50 staff sessions (password grant, a token each). The
sessions then work the desk for the whole run, each doing one kind of action, as a support
team does: 20 list pages, 15 search with ``q``, 10 view a user and 5 delete users (each user
is deleted once only, so every answer has one right status). Each kind is driven by its own
``wrk`` (Debian's package) with a Lua script that rotates the sessions' tokens and picks the
page, the search or the user: the load generator is not Python, so it takes nothing from the
two cores of the server under test and adds no queueing of its own to the latencies. Prints
requests, errors (must be 0) and p50/p99 per action and overall, and the CPU time ``userdesk
serve`` (all its processes, from ``/proc``) and the load generators spent per answered
request; exits 1 on any error.

    .venv/bin/python bench/soak.py [--seconds 60] [--users 10000] [--workers 1]

``--workers N`` serves the desk and the embedded tenant with N processes each.
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx

from _stack import (
    base_env,
    cpu_seconds,
    free_port,
    machine_token,
    servers,
    staff_token,
    wait_until_up,
    wrk_figures,
)

# Sessions per kind of action: mostly reads, as a support desk's day is (50 staff in all).
SESSIONS = {"list": 20, "search": 15, "view": 10, "delete": 5}
NAMES = ["ada", "alan", "ben", "chen", "dara", "elena", "felix", "grace", "hugo", "ivan", "kai"]

# One wrk script per kind of action. ``paths`` are picked at random for every request; a
# delete takes the next user of ``paths`` instead, and its thread stops when none are left.
SCRIPT = """
local tokens = {%(tokens)s}
local paths = {%(paths)s}
local method = "%(method)s"
local once = %(once)s
local next_path = 0
math.randomseed(%(seed)d)

function request()
  local path
  if once then
    next_path = next_path + 1
    if next_path > #paths then
      wrk.thread:stop()
      next_path = #paths
    end
    path = paths[next_path]
  else
    path = paths[math.random(#paths)]
  end
  local token = tokens[math.random(#tokens)]
  return wrk.format(method, path, {["Authorization"] = "Bearer " .. token})
end
"""


@dataclass
class Targets:
    """Users to view (never deleted) and users to delete (each handed out once)."""

    view: list[str]
    delete: list[str]


def targets(tenant: str, config: dict[str, Any]) -> Targets:
    machine = machine_token(tenant, config)
    found: set[str] = set()
    with httpx.Client(headers={"Authorization": f"Bearer {machine}"}, timeout=30) as client:
        # Auth0 pages through the first 1000 results of a listing only: the listing in both
        # directions of a few orders reaches enough users for a whole run's deletes.
        for sort in ("created_at", "email", "name", "nickname"):
            for direction in ("1", "-1"):
                for page in range(10):
                    answer = client.get(
                        f"{tenant}/api/v2/users",
                        params={
                            "page": page,
                            "per_page": 100,
                            "sort": f"{sort}:{direction}",
                            "fields": "user_id,email",
                        },
                    )
                    answer.raise_for_status()
                    users = answer.json()
                    # Staff sign in as the admin: deleting it would end every session.
                    found.update(
                        u["user_id"] for u in users if u.get("email") != config["admin"]["email"]
                    )
                    if len(users) < 100:
                        break
    ids = sorted(found)
    random.shuffle(ids)
    return Targets(view=ids[:100], delete=ids[100:])


def user_path(user_id: str) -> str:
    return "/api/users/" + quote(user_id, safe="")


def paths(action: str, pool: Targets) -> tuple[str, list[str]]:
    if action == "list":
        return "GET", [f"/api/users?page={page}&per_page=50" for page in range(1, 6)]
    if action == "search":
        return "GET", [f"/api/users?q=name%3A{name}%2A&per_page=20" for name in NAMES]
    if action == "view":
        return "GET", [user_path(user_id) for user_id in pool.view]
    return "DELETE", [user_path(user_id) for user_id in pool.delete]


def lua_strings(values: list[str]) -> str:
    return ",".join(json.dumps(value) for value in values)


def soak(
    desk: str, tokens: list[str], pool: Targets, seconds: float, scripts: Path
) -> tuple[dict[str, tuple[int, float, float, float, int]], float]:
    """Every action's wrk at once; their figures, and the CPU seconds the wrks spent."""
    before = _children_cpu()
    running: dict[str, subprocess.Popen[str]] = {}
    for number, (action, sessions) in enumerate(SESSIONS.items()):
        method, chosen = paths(action, pool)
        script = scripts / f"{action}.lua"
        script.write_text(
            SCRIPT
            % {
                "tokens": lua_strings(tokens),
                "paths": lua_strings(chosen),
                "method": method,
                "once": "true" if action == "delete" else "false",
                "seed": 1000 + number,
            }
        )
        running[action] = subprocess.Popen(
            [
                "wrk",
                "-t1",
                f"-c{sessions}",
                f"-d{seconds:.0f}s",
                "--timeout",
                "30s",
                "--latency",
                "-s",
                str(script),
                desk,
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
    figures = {}
    for action, process in running.items():
        out, _ = process.communicate()
        if process.returncode != 0:
            raise RuntimeError(f"wrk for {action} failed:\n{out}")
        figures[action] = wrk_figures(out)
    return figures, _children_cpu() - before


def _children_cpu() -> float:
    """CPU seconds of this script's children that ended and were waited for (the wrks)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def report(figures: dict[str, tuple[int, float, float, float, int]]) -> tuple[int, int]:
    total, errors = 0, 0
    for action, (requests, rate, p50, p99, failed) in figures.items():
        total += requests
        errors += failed
        print(
            f"  {action:<7} {requests:7d} answers {rate:7.1f}/s  {failed:4d} errors   "
            f"p50 {p50:7.1f} ms   p99 {p99:7.1f} ms"
        )
    return total, errors


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--users", type=int, default=10_000, help="demo users in the tenant")
    parser.add_argument("--workers", type=int, default=1, help="processes of desk and tenant")
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        sys.exit("wrk is missing: apt-get install wrk")

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
            deadline = time.monotonic() + 180
            desk = f"http://127.0.0.1:{desk_port}"
            tenant = f"http://127.0.0.1:{tenant_port}"
            wait_until_up(f"{desk}/api/health", deadline)
            wait_until_up(f"{tenant}/.well-known/jwks.json", deadline)
            config = json.loads((data_dir / "tenant.json").read_text())
            sessions = sum(SESSIONS.values())
            tokens = [staff_token(tenant, config) for _ in range(sessions)]
            pool = targets(tenant, config)
            print(
                f"soak: {sessions} staff sessions ("
                + ", ".join(f"{n} {a}" for a, n in SESSIONS.items())
                + f"), {args.workers} worker(s), {args.seconds:.0f} s, {args.users:,} users, "
                f"{len(pool.delete):,} of them to delete"
            )
            served_by = running.processes[-1].pid
            server_cpu = cpu_seconds(served_by)
            figures, generators = soak(desk, tokens, pool, args.seconds, data_dir)
            server_cpu = cpu_seconds(served_by) - server_cpu
            answered, errors = report(figures)
            print(
                f"answers {answered}   errors {errors}   {answered / args.seconds:.1f}/s   "
                f"deletes {figures['delete'][0] * 100 / max(answered, 1):.1f}% of them"
            )
            # From /proc: desk and tenant (every worker) together, and the wrks.
            print(
                f"CPU ms/answer: userdesk serve {server_cpu * 1000 / max(answered, 1):.2f}, "
                f"load generators (wrk) {generators * 1000 / max(answered, 1):.2f}"
            )
    finally:
        shutil.rmtree(data_dir, ignore_errors=True)
    sys.exit(1 if errors else 0)


if __name__ == "__main__":
    main()
