"""What the benchmark scripts share: free ports, servers started and stopped, tokens.

Not a benchmark itself (``make bench`` skips files starting with ``_``).
"""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx

USERDESK = str(Path(sys.executable).with_name("userdesk"))
TICKS = os.sysconf("SC_CLK_TCK")
# The repository: the benchmarks reuse the tests' helpers (databases, Redis, browsers).
ROOT = Path(__file__).resolve().parents[1]


def process_tree(pid: int) -> list[int]:
    """``pid`` and every process below it (uvicorn's workers are its children)."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        children.setdefault(ppid, []).append(int(entry.name))
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        todo += children.get(current, [])
    return found


def cpu_seconds(pid: int) -> float:
    """utime + stime of ``pid`` and its descendants, in seconds."""
    total = 0
    for member in process_tree(pid):
        try:
            fields = Path(f"/proc/{member}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        # After the command name: state is field 0, utime field 11, stime field 12.
        total += int(fields[11]) + int(fields[12])
    return total / TICKS


_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def _ms(text: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s)", text).groups()  # type: ignore[union-attr]
    return float(number) * _UNITS[unit]


def wrk_figures(out: str) -> tuple[int, float, float, float, int]:
    """From what ``wrk --latency`` printed: requests, requests/s, p50 and p99 in ms, and
    errors (answers other than 2xx/3xx, and socket errors: connect, read, write, timeout)."""
    requests = int(re.search(r"(\d+) requests in", out).group(1))  # type: ignore[union-attr]
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    p50 = _ms(re.search(r"^\s+50%\s+(\S+)", out, re.M).group(1))  # type: ignore[union-attr]
    p99 = _ms(re.search(r"^\s+99%\s+(\S+)", out, re.M).group(1))  # type: ignore[union-attr]
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    errors = int(bad.group(1)) if bad else 0
    socket_errors = re.search(r"Socket errors: (.*)", out)
    if socket_errors:
        errors += sum(int(n) for n in re.findall(r"\d+", socket_errors.group(1)))
    return requests, rate, p50, p99, errors


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def base_env(**extra: str) -> dict[str, str]:
    """This environment without any real tenant's settings, plus ``extra``."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AUTH0_", "CLIENT_"))}
    env.update(extra)
    return env


def wait_until_up(url: str, deadline: float) -> None:
    while time.monotonic() < deadline:
        try:
            if httpx.get(url, timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    raise RuntimeError(f"{url} did not come up")


class Servers:
    """``userdesk`` processes that stop (SIGINT, then SIGKILL) when the block ends."""

    def __init__(self, cwd: Path) -> None:
        self.cwd = cwd
        self.processes: list[subprocess.Popen[bytes]] = []

    def start(self, args: list[str], env: dict[str, str]) -> None:
        self.processes.append(
            subprocess.Popen(
                [USERDESK, *args],
                cwd=self.cwd,
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
        )

    def stop(self) -> None:
        for process in self.processes:
            process.send_signal(signal.SIGINT)
        for process in self.processes:
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


@contextmanager
def servers(cwd: Path) -> Iterator[Servers]:
    running = Servers(cwd)
    try:
        yield running
    finally:
        running.stop()


def _token(tenant: str, form: dict[str, str]) -> str:
    answer = httpx.post(f"{tenant}/oauth/token", data=form, timeout=30)
    answer.raise_for_status()
    token: str = answer.json()["access_token"]
    return token


def staff_token(tenant: str, config: dict[str, Any]) -> str:
    """The admin's access token for the desk API (password grant of the script client)."""
    script = config["script_client"]
    return _token(
        tenant,
        {
            "grant_type": "password",
            "client_id": script["client_id"],
            "client_secret": script["client_secret"],
            "username": config["admin"]["email"],
            "password": config["admin"]["password"],
            "audience": config["api_audience"],
            "scope": "openid",
        },
    )


def machine_token(tenant: str, config: dict[str, Any]) -> str:
    """A Management API token for the desk's backend client (client credentials)."""
    backend = config["backend"]
    return _token(
        tenant,
        {
            "grant_type": "client_credentials",
            "client_id": backend["client_id"],
            "client_secret": backend["client_secret"],
            "audience": config["management_audience"],
        },
    )


def postgres_backends(url: str) -> list[int]:
    """The pids of the PostgreSQL backends connected to the database at ``url`` (a plain
    ``postgresql://`` URL), other than the one asking: the servers' pools."""
    import psycopg

    with psycopg.connect(url) as db:
        rows = db.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
            "AND pid <> pg_backend_pid()"
        ).fetchall()
    return [int(row[0]) for row in rows]


def processes_cpu(pids: list[int]) -> dict[int, float]:
    """utime + stime of each of ``pids`` still running, in seconds."""
    found: dict[int, float] = {}
    for pid in pids:
        try:
            found[pid] = cpu_seconds(pid)
        except OSError:
            continue
    return found


def cpu_spent(before: dict[int, float], after: dict[int, float]) -> float:
    """Seconds of CPU the processes seen both times spent in between (one that ended in
    between is left out rather than counted as negative time)."""
    return sum(after[pid] - before[pid] for pid in before.keys() & after.keys())
