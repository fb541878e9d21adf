"""Run one or more ASGI apps under uvicorn in one process and one event loop."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from pathlib import Path

import uvicorn
from fastapi import FastAPI


@dataclass
class Served:
    app: FastAPI
    host: str
    port: int
    certfile: Path | None = None
    keyfile: Path | None = None
    # Proxies whose X-Forwarded-For/-Proto are believed ("10.0.0.1,10.0.0.2", "*"); None: none.
    forwarded_allow_ips: str | None = None


def _config(s: Served) -> uvicorn.Config:
    return uvicorn.Config(
        s.app,
        host=s.host,
        port=s.port,
        log_level="info",
        proxy_headers=s.forwarded_allow_ips is not None,
        forwarded_allow_ips=s.forwarded_allow_ips,
        server_header=False,
        ssl_certfile=str(s.certfile) if s.certfile else None,
        ssl_keyfile=str(s.keyfile) if s.keyfile else None,
    )


async def serve_all(apps: list[Served]) -> None:
    servers = [uvicorn.Server(_config(s)) for s in apps]
    await asyncio.gather(*(server.serve() for server in servers))


def run(apps: list[Served]) -> None:
    asyncio.run(serve_all(apps))
