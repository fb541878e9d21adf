"""Real servers for tests: uvicorn on an ephemeral loopback port, in a background thread."""

from __future__ import annotations

import asyncio
import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import uvicorn
from fastapi import FastAPI

from tests.support.databases import store_url
from userdesk.runner import protocol_options

if TYPE_CHECKING:
    from userdesk.tenant.tls import TlsFiles


def bind_loopback(port: int = 0) -> socket.socket:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", port))
    sock.listen(2048)
    sock.set_inheritable(True)
    return sock


class ServerThread:
    """Serve an app on an already-bound socket until ``stop()``."""

    def __init__(
        self, app: FastAPI, sock: socket.socket, *, forwarded_allow_ips: str | None = None
    ) -> None:
        self.sock = sock
        self.port: int = sock.getsockname()[1]
        # As `userdesk serve` runs them: X-Forwarded-For believed only from the named proxies.
        self.server = uvicorn.Server(
            uvicorn.Config(
                app,
                log_level="warning",
                lifespan="on",
                server_header=False,
                proxy_headers=forwarded_allow_ips is not None,
                forwarded_allow_ips=forwarded_allow_ips,
                **protocol_options(),
            )
        )
        # Signals belong to pytest, not to the server thread.
        self.server.install_signal_handlers = lambda: None  # type: ignore[method-assign]
        self.thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        asyncio.run(self.server.serve(sockets=[self.sock]))

    def start(self) -> ServerThread:
        self.thread.start()
        deadline = time.monotonic() + 30
        while not self.server.started:
            if not self.thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("test server did not start")
            time.sleep(0.01)
        return self

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=15)


@dataclass
class RunningTenant:
    """A real embedded tenant over HTTP, with its ``tenant.json`` as ``config``."""

    url: str
    data_dir: Path
    config: dict[str, Any]
    app: FastAPI
    thread: ServerThread
    env: dict[str, str] = field(default_factory=dict)

    @property
    def issuer(self) -> str:
        return self.config["issuer"]

    def stop(self) -> None:
        self.thread.stop()


def start_tenant(
    data_dir: Path,
    *,
    host_name: str = "127.0.0.1",
    port: int = 0,
    demo_users: int = 50,
    configure: Callable[[dict[str, Any]], None] | None = None,
    admin_password: str = "Admin-password-for-tests-1",
    forwarded_allow_ips: str | None = None,
    database_url: str | None = None,
) -> RunningTenant:
    """Bootstrap a tenant in ``data_dir`` and serve it on ``port`` (0: any free port).

    ``database_url``: its store (default: SQLite in ``data_dir``)."""
    from userdesk.tenant.app import create_app
    from userdesk.tenant.settings import TenantSettings

    sock = bind_loopback(port)
    bound = sock.getsockname()[1]
    url = f"http://{host_name}:{bound}"
    options: dict[str, Any] = {
        "data_dir": data_dir,
        "public_url": url,
        "demo_users": demo_users,
        "admin_password": admin_password,
        # Tests fetch many tokens a minute from one IP; the tests of the per-IP limit turn it
        # back on with their own value.
        "auth_rate_limit_per_minute": None,
        # Likewise the Management API's per-client limit (on by default): its tests set it.
        "rate_limit_burst": None,
        "database_url": database_url,
    }
    if configure:
        configure(options)
    settings = TenantSettings(**options)
    app = create_app(settings)
    thread = ServerThread(app, sock, forwarded_allow_ips=forwarded_allow_ips).start()
    import json

    config = json.loads((data_dir / "tenant.json").read_text())
    return RunningTenant(url=url, data_dir=data_dir, config=config, app=app, thread=thread)


@contextmanager
def tenant_on(store: str, data_dir: Path, **options: Any) -> Iterator[RunningTenant]:
    """A tenant keeping its data in a fresh store ("sqlite" or "postgresql"), stopped after."""
    with store_url(store, data_dir) as url:
        running = start_tenant(data_dir, database_url=url, **options)
        try:
            yield running
        finally:
            running.stop()


@dataclass
class TlsTenant:
    origin: str
    files: TlsFiles
    app: FastAPI
    thread: ServerThread


@contextmanager
def tls_tenant(data_dir: Path) -> Iterator[TlsTenant]:
    """A tenant served over HTTPS with its own local CA (``tenant.tls``), as ``--tls`` does."""
    from userdesk.tenant.app import create_app
    from userdesk.tenant.settings import TenantSettings
    from userdesk.tenant.tls import ensure_certificates

    files = ensure_certificates(data_dir)
    sock = bind_loopback()
    origin = f"https://localhost:{sock.getsockname()[1]}"
    settings = TenantSettings(
        data_dir=data_dir,
        public_url=origin,
        demo_users=0,
        admin_password="Admin-password-for-tests-1",
    )
    app = create_app(settings)
    thread = ServerThread(app, sock)
    thread.server = uvicorn.Server(
        uvicorn.Config(
            app,
            log_level="warning",
            lifespan="on",
            ssl_certfile=str(files.cert),
            ssl_keyfile=str(files.key),
        )
    )
    thread.server.install_signal_handlers = lambda: None  # type: ignore[method-assign]
    thread.start()
    try:
        yield TlsTenant(origin, files, app, thread)
    finally:
        thread.stop()
