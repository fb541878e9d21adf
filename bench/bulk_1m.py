"""Bulk export and import of a million users: time, CPU and peak memory of each.

Exports the million-user tenant (``bench/_million.py``, built once into /tmp/bench-1m) as
NDJSON and as CSV, then imports the NDJSON into a fresh tenant. Each step runs in its own
process so that its peak resident memory (VmHWM) is its own.

    .venv/bin/python bench/bulk_1m.py [--data-dir /tmp/bench-1m] [--work /tmp/bench-bulk]

``--via-api`` measures the Management API's export job instead: a tenant served in its own
process (``tenant serve``), ``POST /api/v2/jobs/users-exports`` (NDJSON, then CSV), polled to
the end and its gzip downloaded from ``location``; it prints the job's wall time, the
tenant's CPU time from /proc and the file's size. ``--users N`` seeds a tenant of N users
(``--data-dir``, default /tmp/bench-100k for the API run) instead of the million.

    .venv/bin/python bench/bulk_1m.py --via-api [--users 100000]
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx

from _million import (
    DATA_DIR,
    config,
    cpu_seconds,
    ensure,
    machine_token,
    peak_rss_mb,
    serve_tenant,
    stop,
)

API_DATA_DIR = Path("/tmp/bench-100k")
API_PORT = 18603


def _store(data_dir: Path) -> Any:
    from userdesk.tenant.provisioning.first_start import provision
    from userdesk.tenant.settings import TenantSettings

    settings = TenantSettings(
        data_dir=data_dir,
        public_url="http://localhost:18602",
        demo_users=0,
        admin_password="Bench-admin-password-1",
    )
    return provision(settings, require_domain=False)


def export_step(data_dir: Path, out: Path, fmt: str) -> dict[str, Any]:
    from userdesk.tenant.bulk.exporter import export_users, parse_fields
    from userdesk.tenant.store.db import transaction

    boot = _store(data_dir)
    started, cpu = time.perf_counter(), time.process_time()
    with transaction(boot.sessions) as session, out.open("w", encoding="utf-8") as stream:
        count = export_users(session, stream, fmt=fmt, fields=parse_fields(None, fmt))
    return {"users": count, "wall": time.perf_counter() - started, "cpu": time.process_time() - cpu}


def import_step(data_dir: Path, source: Path) -> dict[str, Any]:
    from userdesk.tenant.bulk.importer import import_users
    from userdesk.tenant.bulk.reader import entries

    boot = _store(data_dir)
    started, cpu = time.perf_counter(), time.process_time()
    with source.open(encoding="utf-8") as stream:
        report = import_users(boot.sessions, entries(stream))
    return {
        "users": report.inserted,
        "failed": report.failed,
        "wall": time.perf_counter() - started,
        "cpu": time.process_time() - cpu,
    }


def run_child(*args: str) -> dict[str, Any]:
    answer = subprocess.run(
        [sys.executable, __file__, "--child", *args], capture_output=True, text=True, check=True
    )
    result: dict[str, Any] = json.loads(answer.stdout.strip().splitlines()[-1])
    return result


def export_job(base: str, token: str, fmt: str, pid: int, out: Path) -> dict[str, Any]:
    headers = {"Authorization": f"Bearer {token}"}
    cpu = cpu_seconds(pid)
    started = time.perf_counter()
    job = httpx.post(f"{base}/api/v2/jobs/users-exports", json={"format": fmt}, headers=headers)
    job.raise_for_status()
    while True:
        read = httpx.get(f"{base}/api/v2/jobs/{job.json()['id']}", headers=headers).json()
        if read["status"] in ("completed", "failed"):
            break
        time.sleep(0.2)
    finished = time.perf_counter() - started
    if read["status"] != "completed":
        raise SystemExit(f"the job failed: {read.get('status_details')}")
    with httpx.stream("GET", read["location"]) as answer, out.open("wb") as sink:
        answer.raise_for_status()
        for chunk in answer.iter_raw():
            sink.write(chunk)
    return {
        "job_wall": finished,
        "total_wall": time.perf_counter() - started,
        "tenant_cpu": cpu_seconds(pid) - cpu,
        "gz_mb": out.stat().st_size / 1e6,
    }


def via_api(data_dir: Path, users: int, work: Path) -> None:
    ensure(data_dir, users=users, port=API_PORT)
    work.mkdir(parents=True, exist_ok=True)
    server = serve_tenant(data_dir, API_PORT)
    try:
        base = f"http://127.0.0.1:{API_PORT}"
        token = machine_token(base, config(data_dir))
        print(
            f"{'export job':<14} {'job wall s':>10} {'+download s':>11} {'tenant CPU s':>12} "
            f"{'gzip MB':>8}"
        )
        for fmt in ("json", "csv"):
            r = export_job(base, token, fmt, server.pid, work / f"users.{fmt}.gz")
            print(
                f"{fmt:<14} {r['job_wall']:>10.1f} {r['total_wall'] - r['job_wall']:>11.1f} "
                f"{r['tenant_cpu']:>12.1f} {r['gz_mb']:>8.1f}",
                flush=True,
            )
        print(f"tenant peak RSS {peak_rss_mb(server.pid):.0f} MB")
    finally:
        stop(server)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, default=None)
    parser.add_argument("--work", type=Path, default=Path("/tmp/bench-bulk"))
    parser.add_argument("--via-api", action="store_true", help="the export job over HTTP")
    parser.add_argument("--users", type=int, default=100_000, help="tenant size for --via-api")
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.via_api:
        via_api(args.data_dir or API_DATA_DIR, args.users, args.work)
        return
    args.data_dir = args.data_dir or DATA_DIR
    if args.child:
        step, *rest = args.child
        if step == "export":
            result = export_step(Path(rest[0]), Path(rest[1]), rest[2])
        else:
            result = import_step(Path(rest[0]), Path(rest[1]))
        result["rss_mb"] = peak_rss_mb()
        result["maxrss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(json.dumps(result))
        return
    ensure(args.data_dir)
    args.work.mkdir(parents=True, exist_ok=True)
    ndjson, csv = args.work / "users.ndjson", args.work / "users.csv"
    print(f"{'step':<28} {'users':>9} {'wall s':>7} {'CPU s':>7} {'peak RSS MB':>12}")
    for label, fmt, path in (("export NDJSON", "json", ndjson), ("export CSV", "csv", csv)):
        r = run_child("export", str(args.data_dir), str(path), fmt)
        size = path.stat().st_size / 1e6
        print(
            f"{label + f' ({size:,.0f} MB)':<28} {r['users']:>9,} {r['wall']:>7.1f} "
            f"{r['cpu']:>7.1f} {r['rss_mb']:>12.0f}",
            flush=True,
        )
    target = args.work / "import-tenant"
    shutil.rmtree(target, ignore_errors=True)
    r = run_child("import", str(target), str(ndjson))
    print(
        f"{'import NDJSON':<28} {r['users']:>9,} {r['wall']:>7.1f} {r['cpu']:>7.1f} "
        f"{r['rss_mb']:>12.0f}   ({r['failed']} refused: the source's admin is already there)"
    )


if __name__ == "__main__":
    main()
