"""Every form of ``q`` and every sort at a million users, through real HTTP.

Builds the million-user tenant once (``bench/_million.py``, kept in /tmp/bench-1m), adds a few
hundred users with rare metadata (a search that matches few users must not scan the table),
serves it, and prints p50/p95/p99 of each query for the first page and for page 9 at 100 per
page, include_totals on. The tenant's CPU time (from /proc) is printed next to the wall time,
and on PostgreSQL the CPU time of the database's backends too.

    .venv/bin/python bench/search_1m.py [--requests 20] [--data-dir /tmp/bench-1m]
    .venv/bin/python bench/search_1m.py --database postgresql://postgres@127.0.0.1/bench1m

The PostgreSQL database must exist and be empty the first time (the tenant migrates it and
seeds it); its data directory defaults to /tmp/bench-1m-pg.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path
from typing import Any

import httpx

from _million import (
    PORT,
    USERS,
    config,
    cpu_seconds,
    data_dir_for,
    database_cpu_seconds,
    ensure,
    machine_token,
    peak_rss_mb,
    percentiles,
    serve_tenant,
    stop,
)
from userdesk.tenant.provisioning.demo_users import user_values
from userdesk.tenant.store.db import MMAP_BYTES

RARE = 300
FORMS: list[tuple[str, str | None]] = [
    ("no q", None),
    ("exact email", f"email:{user_values(123_457)['email']}"),
    ("email prefix", "email:ada.ch*"),
    ("name prefix", "name:ada*"),
    ("email.domain", "email.domain:acme.io"),
    ("app_metadata common", "app_metadata.plan:enterprise"),
    ("app_metadata rare", "app_metadata.tier:platinum"),
    ("app_metadata nested rare", "app_metadata.billing.country:IS"),
    ("user_metadata common", "user_metadata.locale:ja"),
    ("user_metadata rare", 'user_metadata.team:"core ops"'),
    ("_exists_ rare metadata", "_exists_:app_metadata.tier"),
    ("logins_count range", "logins_count:[150 TO 200]"),
    ("created_at range", "created_at:[2024-03-01 TO 2024-03-31]"),
    ("last_login range", "last_login:[2025-12-01 TO *]"),
    ("blocked:true", "blocked:true"),
    ("_exists_:last_login", "_exists_:last_login"),
    ("name phrase", 'name:"Ada Chen"'),
    ("AND", "email.domain:acme.io AND app_metadata.plan:pro"),
    ("OR", "name:ada* OR name:zoe*"),
    ("NOT", "email.domain:acme.io AND NOT user_metadata.locale:en"),
]
SORTS = ["created_at:1", "last_login:-1", "email:1", "name:1", "logins_count:-1"]
SORTED_FORMS = ["no q", "email.domain", "app_metadata common", "app_metadata rare"]
CONNECTION = "Username-Password-Authentication"
# ``--extra``: searches whose matches are few, far apart or late in the sort order, sorts
# without an index, the connection parameter: (label, q, sort, connection).
EXTRA: list[tuple[str, str | None, str | None, str | None]] = [
    ("connection only", None, None, CONNECTION),
    ("connection + email.domain", "email.domain:acme.io", None, CONNECTION),
    ("connection, sort email:1", None, "email:1", CONNECTION),
    (
        "identities.connection, sort created_at:-1",
        f"identities.connection:{CONNECTION}",
        "created_at:-1",
        None,
    ),
    ("email_verified:false", "email_verified:false", None, None),
    ("email_verified:false, sort name:1", "email_verified:false", "name:1", None),
    ("logins_count:0", "logins_count:0", None, None),
    ("logins_count:0, sort last_login:-1", "logins_count:0", "last_login:-1", None),
    ("bare word ada", "ada", None, None),
    ("bare word chen, sort email:1", "chen", "email:1", None),
    ("name:*chen*", "name:*chen*", None, None),
    ("given_name:Ada, sort family_name:1", "given_name:Ada", "family_name:1", None),
    ("last_login since 2025-12-31", "last_login:[2025-12-31 TO *]", None, None),
    ("last_login since 2025-12-31, sort email:1", "last_login:[2025-12-31 TO *]", "email:1", None),
    ("logins_count >= 250", "logins_count:[250 TO *]", None, None),
    ("logins_count >= 250, sort created_at:1", "logins_count:[250 TO *]", "created_at:1", None),
    ("NOT blocked:true, sort updated_at:-1", "NOT blocked:true", "updated_at:-1", None),
    ("email.domain, sort username:1", "email.domain:acme.io", "username:1", None),
]


def add_rare_users(data_dir: Path, database: str | None) -> None:
    """A few hundred users with metadata nobody else has, imported once."""
    marker = data_dir / "rare-users"
    if marker.exists():
        return
    from userdesk.tenant.bulk.importer import import_users
    from userdesk.tenant.provisioning.first_start import open_store
    from userdesk.tenant.settings import TenantSettings

    settings = TenantSettings(
        data_dir=data_dir, public_url=f"http://localhost:{PORT}", database_url=database
    )
    engine, sessions = open_store(settings)
    entries = [
        {
            "email": f"rare{i}@rare.example",
            "app_metadata": {"tier": "platinum", "billing": [{"country": "IS"}]},
            "user_metadata": {"team": "core ops"},
        }
        for i in range(RARE)
    ]
    report = import_users(sessions, entries)
    engine.dispose()
    print(f"added {report.inserted} users with rare metadata")
    marker.write_text(str(RARE))


def measure(
    client: httpx.Client, params: dict[str, Any], requests: int, pid: int, database: str | None
) -> tuple[Any, ...]:
    client.get("/users", params=params).raise_for_status()
    timings = []
    cpu = cpu_seconds(pid)
    db_cpu = database_cpu_seconds(database)
    for _ in range(requests):
        started = time.perf_counter()
        answer = client.get("/users", params=params)
        timings.append((time.perf_counter() - started) * 1000)
        answer.raise_for_status()
    cpu_ms = (cpu_seconds(pid) - cpu) * 1000 / requests
    db_cpu_ms = (database_cpu_seconds(database) - db_cpu) * 1000 / requests
    body = answer.json()
    return (*percentiles(timings), cpu_ms, db_cpu_ms, len(body["users"]), body["total"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=20)
    parser.add_argument("--data-dir", type=Path, default=None)
    parser.add_argument(
        "--database", help="the tenant's store, e.g. postgresql://... (default: SQLite)"
    )
    parser.add_argument("--users", type=int, default=USERS, help="users to seed (first run)")
    parser.add_argument("--only", help="run only the forms whose label contains this")
    parser.add_argument("--extra", action="store_true", help="also the searches of EXTRA")
    args = parser.parse_args()
    data_dir = data_dir_for(args.data_dir, args.database)
    ensure(data_dir, args.users, database=args.database)
    started = time.perf_counter()
    server = serve_tenant(data_dir, database=args.database, rate_limit=False)
    print(f"tenant up in {time.perf_counter() - started:.1f} s (migrations included)")
    add_rare_users(data_dir, args.database)
    print(f"store: {'PostgreSQL' if args.database else 'SQLite'}")
    base = f"http://127.0.0.1:{PORT}"
    headers = {"Authorization": f"Bearer {machine_token(base, config(data_dir))}"}
    forms = dict(FORMS)
    runs: list[tuple[str, str | None, str | None, str | None]] = [
        (label, q, None, None) for label, q in FORMS
    ]
    runs += [(f"{label}, sort {s}", forms[label], s, None) for s in SORTS for label in SORTED_FORMS]
    if args.extra:
        runs += EXTRA
    if args.only:
        runs = [r for r in runs if args.only in r[0]]
    print(
        f"\n{'query (wall ms; tenant CPU ms per request)':<48} {'page':>4} {'p50':>7} "
        f"{'p95':>7} {'p99':>7} {'cpu':>6} {'db cpu':>6} {'rows':>5} {'total':>6}"
    )
    cpu_before, wall_before = cpu_seconds(server.pid), time.perf_counter()
    try:
        with httpx.Client(base_url=f"{base}/api/v2", headers=headers, timeout=120) as client:
            for label, q, sort, connection in runs:
                for page in (0, 9):
                    params: dict[str, Any] = {
                        "page": page,
                        "per_page": 100,
                        "include_totals": "true",
                    }
                    if q:
                        params["q"] = q
                    if sort:
                        params["sort"] = sort
                    if connection:
                        params["connection"] = connection
                    p50, p95, p99, cpu, db_cpu, rows, total = measure(
                        client, params, args.requests, server.pid, args.database
                    )
                    print(
                        f"{label:<48} {page:>4} {p50:>7.1f} {p95:>7.1f} {p99:>7.1f} "
                        f"{cpu:>6.1f} {db_cpu:>6.1f} {rows:>5} {total:>6}",
                        flush=True,
                    )
        wall = time.perf_counter() - wall_before
        cpu = cpu_seconds(server.pid) - cpu_before
        print(f"\ntenant: {cpu:.1f} s CPU over {wall:.1f} s wall for the runs above")
        print(
            f"tenant peak RSS (VmHWM): {peak_rss_mb(server.pid):.0f} MB; "
            f"SQLite mmap {MMAP_BYTES // 1024**2} MiB"
        )
    finally:
        stop(server)


if __name__ == "__main__":
    main()
