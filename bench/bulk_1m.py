"""Bulk export and import of a million users: time, CPU and peak memory of each.

Exports the million-user tenant (``bench/_million.py``, built once into /tmp/bench-1m) as
NDJSON and as CSV, then imports the NDJSON into a fresh tenant. Each step runs in its own
process so that its peak resident memory (VmHWM) is its own.

    .venv/bin/python bench/bulk_1m.py [--data-dir /tmp/bench-1m] [--work /tmp/bench-bulk]
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

from _million import DATA_DIR, ensure, peak_rss_mb


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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, default=DATA_DIR)
    parser.add_argument("--work", type=Path, default=Path("/tmp/bench-bulk"))
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()
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
