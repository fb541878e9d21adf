"""The real desk app over HTTP for tests: uvicorn on an ephemeral loopback port, in a thread.

``start_desk(tenant)`` configures the desk from a ``RunningTenant``'s ``tenant.json`` exactly as
``userdesk serve`` does; ``start_desk(settings)`` takes any ``Settings``. The browser tests reuse
it to serve the built SPA next to a real tenant.
"""

from __future__ import annotations

import socket
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
from fastapi import FastAPI

from tests.support.servers import RunningTenant, ServerThread, bind_loopback


@dataclass
class RunningDesk:
    url: str
    app: FastAPI
    thread: ServerThread
    settings: Any

    @property
    def context(self) -> Any:
        """The running desk's parts (token source, Management client...), for inspection."""
        return self.app.state.desk

    def client(self, token: str | None = None, **kwargs: Any) -> httpx.Client:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        return httpx.Client(base_url=self.url, headers=headers, timeout=30, **kwargs)

    def stop(self) -> None:
        self.thread.stop()


def desk_settings(tenant: RunningTenant, **overrides: Any) -> Any:
    """Settings for a desk in front of ``tenant``, its audit database in the tenant's data dir.

    ``database_url`` and ``redis_url`` go through the settings' own validation (a plain
    ``postgresql://`` URL gets its async driver as it does from the environment).
    """
    from userdesk.desk.settings import Settings

    read = {k: overrides.pop(k) for k in ("database_url", "redis_url") if k in overrides}
    base = Settings(_env_file=None, data_dir=tenant.data_dir, **read)  # type: ignore[call-arg]
    settings = base.for_embedded_tenant(tenant.config)
    return settings.model_copy(update=overrides) if overrides else settings


def start_desk(
    tenant_or_settings: RunningTenant | Any,
    *,
    port: int = 0,
    sock: socket.socket | None = None,
    host_name: str = "127.0.0.1",
    static_dir: Path | None = None,
    **app_options: Any,
) -> RunningDesk:
    """Serve the desk on ``port`` (0: any free port), or on ``sock``, until ``stop()``.

    Pass ``sock`` when the desk's URL must be known before the tenant starts (the tenant seeds
    the SPA's callback URLs from it); ``host_name`` is the name put in ``url`` (``localhost``
    for browsers). ``app_options`` go to ``create_app`` (``clock``, ``retry``,
    ``upstream_timeout``) for tests of expiry and faults.
    """
    from userdesk.desk.app import create_app

    settings = (
        desk_settings(tenant_or_settings)
        if isinstance(tenant_or_settings, RunningTenant)
        else tenant_or_settings
    )
    migrate_audit(settings.audit_database_url)
    sock = sock or bind_loopback(port)
    app = create_app(settings, static_dir=static_dir, **app_options)
    thread = ServerThread(app, sock).start()
    return RunningDesk(
        url=f"http://{host_name}:{thread.port}", app=app, thread=thread, settings=settings
    )


def migrate_audit(url: str) -> None:
    """What ``userdesk migrate`` does for the audit database, before a desk starts on it."""
    import asyncio
    from concurrent.futures import ThreadPoolExecutor

    from userdesk.desk.audit import db as audit_db

    async def run() -> None:
        engine = audit_db.make_engine(url)
        try:
            await audit_db.migrate(engine)
        finally:
            await engine.dispose()

    # In a thread of its own: browser tests hold an event loop in this one (Playwright's).
    with ThreadPoolExecutor(max_workers=1) as worker:
        worker.submit(asyncio.run, run()).result()
