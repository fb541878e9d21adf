"""Run one or more ASGI apps under uvicorn in one process and one event loop."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import uvicorn
from fastapi import FastAPI
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

# The request line and headers together. uvicorn's httptools parser has no limit of its own
# and took a 1 MB header; 64 KiB is four times what browsers and proxies send at most.
MAX_HEAD_BYTES = 64 * 1024


class BoundedHttpToolsProtocol(HttpToolsProtocol):
    """uvicorn's httptools protocol (the fast C parser) with a bound on the request head.

    httptools itself buffers a request head of any size; this counts the bytes that arrive
    between the start of a request and the end of its headers, and past ``MAX_HEAD_BYTES``
    answers 431 and closes the connection before the head is parsed any further.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._head_bytes = 0
        self._in_head = True
        self._tail = b""

    def data_received(self, data: bytes) -> None:
        if self._in_head:
            # Count only up to the blank line that ends the head: a body may share the read.
            seen = self._tail + data
            end = seen.find(b"\r\n\r\n")
            counted = len(data) if end < 0 else end + 4 - len(self._tail)
            self._head_bytes += max(counted, 0)
            self._tail = seen[-3:]
            if self._head_bytes > MAX_HEAD_BYTES:
                self._refuse_head()
                return
        super().data_received(data)

    def on_message_complete(self) -> None:
        super().on_message_complete()
        # On a kept-alive connection, the next bytes are the next request's head.
        self._in_head = True

    def on_headers_complete(self) -> None:
        self._in_head = False
        self._head_bytes = 0
        self._tail = b""
        super().on_headers_complete()

    def _refuse_head(self) -> None:
        self.logger.info("Refused a request head over %d bytes", MAX_HEAD_BYTES)
        body = b"Request header fields too large"
        self.transport.write(
            b"HTTP/1.1 431 Request Header Fields Too Large\r\n"
            b"content-type: text/plain; charset=utf-8\r\n"
            b"content-length: " + str(len(body)).encode("ascii") + b"\r\n"
            b"connection: close\r\n\r\n" + body
        )
        self.transport.close()


def protocol_options() -> dict[str, Any]:
    """uvicorn.Config options every Userdesk server uses (tests' servers too)."""
    return {"http": BoundedHttpToolsProtocol}


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
