"""Run ASGI apps under uvicorn: several in one process and one event loop, or one app in
several worker processes.

Either way the servers run on uvloop and httptools when installed (``uvicorn[standard]``),
without uvicorn's access log: a log line per request costs more CPU than a cached answer, and
the desk's audit log records what staff did.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import uvicorn
from fastapi import FastAPI


@dataclass
class Served:
    app: FastAPI
    host: str
    port: int
    certfile: Path | None = None
    keyfile: Path | None = None


def _options(host: str, port: int, certfile: Path | None, keyfile: Path | None) -> dict[str, Any]:
    return {
        "host": host,
        "port": port,
        "log_level": "info",
        "access_log": False,
        "http": "auto",
        "loop": "auto",
        "proxy_headers": False,
        "server_header": False,
        "ssl_certfile": str(certfile) if certfile else None,
        "ssl_keyfile": str(keyfile) if keyfile else None,
    }


async def serve_all(apps: list[Served]) -> None:
    servers = [
        uvicorn.Server(uvicorn.Config(s.app, **_options(s.host, s.port, s.certfile, s.keyfile)))
        for s in apps
    ]
    await asyncio.gather(*(server.serve() for server in servers))


def _loop_factory() -> Callable[[], asyncio.AbstractEventLoop] | None:
    try:
        import uvloop
    except ImportError:  # pragma: no cover - uvicorn[standard] brings it
        return None
    return uvloop.new_event_loop


def run_loop(main: Coroutine[Any, Any, None]) -> None:
    with asyncio.Runner(loop_factory=_loop_factory()) as runner:
        runner.run(main)


def run(apps: list[Served]) -> None:
    run_loop(serve_all(apps))


def run_workers(
    factory: str,
    environment: dict[str, str],
    *,
    host: str,
    port: int,
    workers: int,
    certfile: Path | None = None,
    keyfile: Path | None = None,
) -> None:
    """Serve ``factory`` ("module:function" returning the app) in ``workers`` processes.

    uvicorn starts each worker afresh and has it import and call the factory, so settings
    reach the workers through ``environment``, which is where they read them from anyway.
    """
    os.environ.update(environment)
    uvicorn.run(factory, factory=True, workers=workers, **_options(host, port, certfile, keyfile))
