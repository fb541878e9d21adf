"""A fault-injecting HTTP proxy between the desk and the tenant, for the faults no real tenant
produces on demand: rate limits, 5xx, slow answers, reset connections, malformed JSON.

It speaks HTTP/1.1 itself (h11 on asyncio streams, in a background thread) rather than running
as an ASGI app, because an ASGI server cannot drop a connection without answering and a reset
is one of the faults. Everything else is forwarded to the real tenant with httpx. Each request
is recorded, with whether it reached the tenant, so tests can count deletes and creates there.

Tests that use it are fakes by design and say "fault" or "injected" in their names.
"""

from __future__ import annotations

import asyncio
import re
import socket
import struct
import threading
import time
from dataclasses import dataclass, field
from typing import Literal

import h11
import httpx

FaultKind = Literal["status", "slow", "reset", "malformed_json"]
HOP_BY_HOP = {
    "connection",
    "keep-alive",
    "transfer-encoding",
    "content-length",
    "content-encoding",
    "host",
    "upgrade",
    "proxy-connection",
    "te",
    "trailer",
}


@dataclass(frozen=True)
class Fault:
    kind: FaultKind
    status: int = 0
    headers: tuple[tuple[str, str], ...] = ()
    body: bytes = b""
    delay: float = 0.0
    # When true the request reaches the tenant first, and the fault replaces its answer: the
    # write happened upstream but the desk cannot know it.
    after_forward: bool = False

    @classmethod
    def rate_limited(
        cls, retry_after: int = 1, *, after_forward: bool = False, send_retry_after: bool = True
    ) -> Fault:
        """Auth0's 429; without ``send_retry_after`` only ``x-ratelimit-reset`` says when."""
        reset = int(time.time()) + retry_after
        body = (
            b'{"statusCode":429,"error":"Too Many Requests",'
            b'"message":"Global limit has been reached","errorCode":"too_many_requests"}'
        )
        headers = [
            ("content-type", "application/json"),
            ("x-ratelimit-limit", "10"),
            ("x-ratelimit-remaining", "0"),
            ("x-ratelimit-reset", str(reset)),
        ]
        if send_retry_after:
            headers.append(("retry-after", str(retry_after)))
        return cls("status", 429, tuple(headers), body, after_forward=after_forward)

    @classmethod
    def server_error(cls, status: int = 500, *, after_forward: bool = False) -> Fault:
        reason = {500: "Internal Server Error", 502: "Bad Gateway", 503: "Service Unavailable"}
        text = reason.get(status, "Error")
        body = f'{{"statusCode":{status},"error":"{text}","message":"injected fault"}}'.encode()
        headers = (("content-type", "application/json"),)
        return cls("status", status, headers, body, after_forward=after_forward)

    @classmethod
    def slow(cls, seconds: float, *, after_forward: bool = False) -> Fault:
        """Answer after ``seconds``; with ``after_forward`` the tenant acts at once."""
        return cls("slow", delay=seconds, after_forward=after_forward)

    @classmethod
    def reset(cls, *, after_forward: bool = False) -> Fault:
        return cls("reset", after_forward=after_forward)

    @classmethod
    def malformed_json(cls, status: int = 200, *, after_forward: bool = False) -> Fault:
        headers = (("content-type", "application/json"),)
        return cls(
            "malformed_json", status, headers, b'{"users": [{"user_id": ', 0.0, after_forward
        )


@dataclass
class Rule:
    method: str
    path: re.Pattern[str]
    fault: Fault
    # How many matching requests get the fault; None: all of them.
    times: int | None = None
    used: int = 0

    def matches(self, method: str, path: str) -> bool:
        if self.times is not None and self.used >= self.times:
            return False
        return (self.method in ("*", method)) and bool(self.path.fullmatch(path))


@dataclass
class Seen:
    method: str
    path: str
    query: str
    fault: Fault | None
    reached_tenant: bool
    upstream_status: int | None = None


@dataclass
class FaultProxy:
    """``upstream`` may be set after ``start()``: a tenant whose public URL is the proxy's
    own must know that URL before it starts, so the proxy listens first."""

    upstream: str
    rules: list[Rule] = field(default_factory=list)
    seen: list[Seen] = field(default_factory=list)
    port: int = 0

    def __post_init__(self) -> None:
        self._lock = threading.Lock()
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)
        self._server: asyncio.AbstractServer | None = None
        self._client: httpx.AsyncClient | None = None
        self._handlers: set[asyncio.Task[None]] = set()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    # -- scripting -------------------------------------------------------------------------

    def inject(self, method: str, path: str, fault: Fault, *, times: int | None = None) -> Rule:
        """Give ``fault`` to requests whose method and path (a regex, full match) fit."""
        rule = Rule(method.upper(), re.compile(path), fault, times)
        with self._lock:
            self.rules.append(rule)
        return rule

    def clear(self) -> None:
        with self._lock:
            self.rules.clear()
            self.seen.clear()

    def requests(self, method: str = "*", path: str = ".*") -> list[Seen]:
        pattern = re.compile(path)
        with self._lock:
            return [
                s
                for s in self.seen
                if method.upper() in ("*", s.method) and pattern.fullmatch(s.path)
            ]

    def reached_tenant(self, method: str = "*", path: str = ".*") -> int:
        return sum(1 for s in self.requests(method, path) if s.reached_tenant)

    def _pick(self, method: str, path: str) -> Fault | None:
        with self._lock:
            for rule in self.rules:
                if rule.matches(method, path):
                    rule.used += 1
                    return rule.fault
        return None

    def _record(self, seen: Seen) -> None:
        with self._lock:
            self.seen.append(seen)

    # -- lifecycle -------------------------------------------------------------------------

    def start(self) -> FaultProxy:
        self._thread.start()
        asyncio.run_coroutine_threadsafe(self._start(), self._loop).result(timeout=10)
        return self

    async def _start(self) -> None:
        self._client = httpx.AsyncClient(timeout=30)
        self._server = await asyncio.start_server(self._connection, "127.0.0.1", self.port)
        self.port = self._server.sockets[0].getsockname()[1]

    def stop(self) -> None:
        async def _stop() -> None:
            if self._server:
                self._server.close()
            # Idle keep-alive connections would otherwise outlive the loop.
            for task in list(self._handlers):
                task.cancel()
            await asyncio.gather(*self._handlers, return_exceptions=True)
            if self._client:
                await self._client.aclose()

        asyncio.run_coroutine_threadsafe(_stop(), self._loop).result(timeout=10)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=10)
        self._loop.close()

    def __enter__(self) -> FaultProxy:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- HTTP ------------------------------------------------------------------------------

    async def _connection(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        conn = h11.Connection(h11.SERVER)
        task = asyncio.current_task()
        assert task is not None
        self._handlers.add(task)
        try:
            while True:
                request = await self._read_request(conn, reader)
                if request is None:
                    return
                head, body = request
                keep = await self._answer(conn, writer, head, body)
                if not keep or conn.our_state is not h11.DONE:
                    return
                conn.start_next_cycle()
        except (ConnectionError, h11.ProtocolError, asyncio.IncompleteReadError):
            return
        finally:
            self._handlers.discard(task)
            if not writer.is_closing():
                writer.close()

    async def _read_request(
        self, conn: h11.Connection, reader: asyncio.StreamReader
    ) -> tuple[h11.Request, bytes] | None:
        head: h11.Request | None = None
        body = bytearray()
        while True:
            event = conn.next_event()
            if event is h11.NEED_DATA:
                data = await reader.read(65536)
                conn.receive_data(data)
                if not data and head is None:
                    return None
                continue
            if isinstance(event, h11.Request):
                head = event
            elif isinstance(event, h11.Data):
                body.extend(event.data)
            elif isinstance(event, h11.EndOfMessage):
                assert head is not None
                return head, bytes(body)
            elif isinstance(event, h11.ConnectionClosed):
                return None

    async def _answer(
        self, conn: h11.Connection, writer: asyncio.StreamWriter, head: h11.Request, body: bytes
    ) -> bool:
        method = head.method.decode()
        target = head.target.decode()
        path, _, query = target.partition("?")
        fault = self._pick(method, path)
        seen = Seen(method, path, query, fault, reached_tenant=False)
        self._record(seen)

        upstream: tuple[int, list[tuple[str, str]], bytes] | None = None
        if fault is None or fault.after_forward or fault.kind == "slow":
            if fault is not None and fault.kind == "slow" and not fault.after_forward:
                await asyncio.sleep(fault.delay)
            upstream = await self._forward(method, target, head.headers, body)
            seen.reached_tenant = True
            seen.upstream_status = upstream[0]

        if fault is None or (fault.kind == "slow" and not fault.after_forward):
            assert upstream is not None
            status, headers, content = upstream
        elif fault.kind == "slow":
            await asyncio.sleep(fault.delay)
            assert upstream is not None
            status, headers, content = upstream
        elif fault.kind == "reset":
            _abort(writer)
            return False
        else:
            status, headers, content = fault.status, list(fault.headers), fault.body

        headers = [*headers, ("content-length", str(len(content)))]
        writer.write(conn.send(h11.Response(status_code=status, headers=headers)) or b"")
        writer.write(conn.send(h11.Data(data=content)) or b"")
        writer.write(conn.send(h11.EndOfMessage()) or b"")
        await writer.drain()
        return True

    async def _forward(
        self, method: str, target: str, raw_headers: list[tuple[bytes, bytes]], body: bytes
    ) -> tuple[int, list[tuple[str, str]], bytes]:
        assert self._client is not None
        headers = [
            (k.decode(), v.decode()) for k, v in raw_headers if k.decode().lower() not in HOP_BY_HOP
        ]
        url = f"{self.upstream.rstrip('/')}{target}"
        response = await self._client.request(method, url, headers=headers, content=body)
        kept = [(k, v) for k, v in response.headers.multi_items() if k.lower() not in HOP_BY_HOP]
        return response.status_code, kept, response.content


def _abort(writer: asyncio.StreamWriter) -> None:
    """Close with a TCP reset (SO_LINGER 0), as a crashed upstream or load balancer would."""
    sock = writer.get_extra_info("socket")
    if sock is not None:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    transport = writer.transport
    transport.abort()
