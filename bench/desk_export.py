"""A desk export of a search matching 100,000 of a million users, through real HTTP.

Serves the million-user tenant (``bench/_million.py``, built once into /tmp/bench-1m) and a
desk in front of it, starts ``POST /api/exports`` for ``email.domain:acme.io`` (one user in
ten), polls it to the end and prints wall time, each server's CPU time (from /proc), the
desk's peak memory and how many requests the slices took.

    .venv/bin/python bench/desk_export.py [--q "email.domain:acme.io"] [--format csv]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import tempfile
import time
from pathlib import Path

import httpx

from _million import DATA_DIR, PORT, config, cpu_seconds, ensure, peak_rss_mb, serve_tenant, stop
from _stack import USERDESK, base_env, free_port, staff_token, wait_until_up


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--q", default="email.domain:acme.io")
    parser.add_argument("--format", default="csv", choices=["csv", "json"])
    parser.add_argument("--data-dir", type=Path, default=DATA_DIR)
    args = parser.parse_args()
    ensure(args.data_dir)
    document = config(args.data_dir)
    tenant = serve_tenant(args.data_dir)
    tenant_url = f"http://localhost:{PORT}"
    port = free_port()
    with tempfile.TemporaryDirectory(prefix="userdesk-export-bench-") as work:
        env = base_env(
            AUTH0_DOMAIN=tenant_url,
            AUTH0_AUDIENCE=document["api_audience"],
            CLIENT_ID=document["backend"]["client_id"],
            CLIENT_SECRET=document["backend"]["client_secret"],
            AUTH0_SPA_CLIENT_ID=document["spa_client_id"],
            USERDESK_DATA_DIR=work,
        )
        desk = subprocess.Popen(
            [USERDESK, "serve", "--port", str(port)],
            cwd=work,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        try:
            wait_until_up(f"http://127.0.0.1:{port}/api/health", time.monotonic() + 60)
            token = staff_token(tenant_url, document)
            headers = {"Authorization": f"Bearer {token}"}
            with httpx.Client(
                base_url=f"http://127.0.0.1:{port}", headers=headers, timeout=60
            ) as http:
                cpu_desk, cpu_tenant = cpu_seconds(desk.pid), cpu_seconds(tenant.pid)
                started = time.perf_counter()
                answer = http.post("/api/exports", json={"q": args.q, "format": args.format})
                answer.raise_for_status()
                export_id = answer.json()["id"]
                while True:
                    body = http.get(f"/api/exports/{export_id}").json()
                    if body["status"] in ("completed", "failed"):
                        break
                    time.sleep(0.5)
                wall = time.perf_counter() - started
                cpu_desk = cpu_seconds(desk.pid) - cpu_desk
                cpu_tenant = cpu_seconds(tenant.pid) - cpu_tenant
                rss = peak_rss_mb(desk.pid)
                file = http.get(f"/api/exports/{export_id}/file")
            rows = file.text.count("\n") - (1 if args.format == "csv" else 0)
            print(json.dumps(body, indent=1))
            print(
                f"q={args.q!r} format={args.format}: {body['exported']:,} users "
                f"({rows:,} rows in the file) in {wall:.1f} s wall; "
                f"CPU {cpu_desk:.1f} s desk, {cpu_tenant:.1f} s tenant; desk peak RSS {rss:.0f} MB"
            )
        finally:
            desk.terminate()
            desk.wait(timeout=30)
            stop(tenant)


if __name__ == "__main__":
    main()
