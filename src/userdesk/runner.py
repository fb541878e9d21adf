"""Run one or more ASGI apps under uvicorn in one process and one event loop."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import h11
import uvicorn
from fastapi import FastAPI
from uvicorn.protocols.http.h11_impl import H11Protocol

# The request line and headers together. uvicorn's default parser (httptools) has no limit,
# and took a 1 MB header; 64 KiB is four times what browsers and proxies send at most.
MAX_HEAD_BYTES = 64 * 1024


class _Connection(h11.Connection):
    """h11's connection with a bound on the whole request head.

    h11's own bound holds only while a head is incomplete: one that arrives whole in a single
    read is parsed whatever its size. So a parsed head is measured too.
    """

    refused_with = 400

    def next_event(self) -> Any:
        try:
            event = super().next_event()
        except h11.RemoteProtocolError as exc:
            self.refused_with = exc.error_status_hint
            raise
        if isinstance(event, h11.Request) and _head_size(event) > MAX_HEAD_BYTES:
            self.refused_with = 431
            raise h11.RemoteProtocolError("Request head too large", error_status_hint=431)
        return event


def _head_size(request: h11.Request) -> int:
    line = len(request.method) + len(request.target) + 11
    return line + sum(len(name) + len(value) + 4 for name, value in request.headers.raw_items())


class BoundedH11Protocol(H11Protocol):
    """uvicorn's h11 protocol, answering 431 (not 400) to a request head past the limit."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.conn = _Connection(h11.SERVER, MAX_HEAD_BYTES)

    def send_400_response(self, msg: str) -> None:
        if not isinstance(self.conn, _Connection) or self.conn.refused_with != 431:
            super().send_400_response(msg)
            return
        self.logger.info("Refused a request head over %d bytes", MAX_HEAD_BYTES)
        body = b"Request header fields too large"
        for event in (
            h11.Response(
                status_code=431,
                headers=[
                    (b"content-type", b"text/plain; charset=utf-8"),
                    (b"connection", b"close"),
                ],
                reason=b"Request Header Fields Too Large",
            ),
            h11.Data(data=body),
            h11.EndOfMessage(),
        ):
            self.transport.write(self.conn.send(event) or b"")
        self.transport.close()


def protocol_options() -> dict[str, Any]:
    """uvicorn.Config options every Userdesk server uses (tests' servers too)."""
    return {"http": BoundedH11Protocol, "h11_max_incomplete_event_size": MAX_HEAD_BYTES}


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
        **protocol_options(),
        ssl_certfile=str(s.certfile) if s.certfile else None,
        ssl_keyfile=str(s.keyfile) if s.keyfile else None,
    )


async def serve_all(apps: list[Served]) -> None:
    servers = [uvicorn.Server(_config(s)) for s in apps]
    await asyncio.gather(*(server.serve() for server in servers))


def run(apps: list[Served]) -> None:
    asyncio.run(serve_all(apps))
