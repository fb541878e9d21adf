"""A request head past 64 KiB is refused with 431 by the desk and by the tenant, over HTTP.

uvicorn's default parser took a 1 MB header; every Userdesk server (``userdesk serve``,
``userdesk tenant serve``, and the test servers through the same options) parses with h11 and
a 64 KiB bound instead.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest
from fastapi import FastAPI, Request

from tests.support.desk import RunningDesk
from tests.support.servers import RunningTenant, ServerThread, bind_loopback

USERDESK = str(Path(sys.executable).with_name("userdesk"))


def free_port() -> int:
    sock = bind_loopback()
    port = int(sock.getsockname()[1])
    sock.close()
    return port


def raw_get(url: str, path: str, header_bytes: int) -> bytes:
    """The status line of a GET carrying one header of ``header_bytes`` bytes."""
    parts = urlsplit(url)
    request = (
        f"GET {path} HTTP/1.1\r\nHost: {parts.netloc}\r\n"
        f"X-Padding: {'a' * header_bytes}\r\nConnection: close\r\n\r\n"
    ).encode()
    with socket.create_connection((parts.hostname, parts.port), timeout=30) as sock:
        sock.sendall(request)
        answer = b""
        while chunk := sock.recv(65536):
            answer += chunk
    return answer.split(b"\r\n", 1)[0]


@pytest.fixture(params=["desk", "tenant"])
def server(request: pytest.FixtureRequest) -> tuple[str, str]:
    if request.param == "desk":
        desk: RunningDesk = request.getfixturevalue("hard_desk")
        return desk.url, "/api/health"
    tenant: RunningTenant = request.getfixturevalue("hard_tenant")
    return tenant.url, "/.well-known/openid-configuration"


def test_a_100_kb_header_gets_431(server: tuple[str, str]) -> None:
    url, path = server
    assert raw_get(url, path, 100 * 1024) == b"HTTP/1.1 431 Request Header Fields Too Large"
    with httpx.Client(base_url=url, timeout=30) as http:
        answer = http.get(path, headers={"X-Padding": "a" * 100 * 1024})
    assert answer.status_code == 431


def test_a_header_within_the_limit_is_served(server: tuple[str, str]) -> None:
    url, path = server
    assert raw_get(url, path, 32 * 1024) == b"HTTP/1.1 200 OK"


def test_userdesk_serve_uses_the_bounded_parser() -> None:
    from userdesk.runner import MAX_HEAD_BYTES, BoundedHttpToolsProtocol, Served, _config

    config = _config(Served(app=None, host="127.0.0.1", port=0))  # type: ignore[arg-type]
    assert config.http is BoundedHttpToolsProtocol
    assert MAX_HEAD_BYTES <= 64 * 1024


def test_userdesk_serve_refuses_a_100_kb_header_on_both_ports(tmp_path: Path) -> None:
    desk_port, tenant_port = free_port(), free_port()
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("AUTH0_", "CLIENT_", "DATABASE_URL", "USERDESK_"))
    }
    env["USERDESK_TENANT_DEMO_USERS"] = "0"
    process = subprocess.Popen(
        [
            USERDESK,
            "serve",
            "--port",
            str(desk_port),
            "--tenant-port",
            str(tenant_port),
            "--data-dir",
            str(tmp_path / "data"),
        ],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    desk, tenant = f"http://127.0.0.1:{desk_port}", f"http://127.0.0.1:{tenant_port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"{desk}/api/health", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert process.poll() is None and time.monotonic() < deadline, "serve did not start"
            time.sleep(0.1)
        for url, path in ((desk, "/api/health"), (tenant, "/.well-known/jwks.json")):
            assert raw_get(url, path, 100 * 1024).startswith(b"HTTP/1.1 431 "), url
            assert raw_get(url, path, 16 * 1024) == b"HTTP/1.1 200 OK", url
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def test_a_large_body_sent_with_a_small_head_is_not_taken_for_a_large_head() -> None:
    # Uploads (user imports) send a small head and a large body, often in the same read.
    app = FastAPI()

    @app.post("/echo")
    async def echo(request: Request) -> dict[str, int]:
        return {"received": len(await request.body())}

    server = ServerThread(app, bind_loopback()).start()
    try:
        body = b"x" * (300 * 1024)
        request = (
            f"POST /echo HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: {len(body)}\r\n"
            "Connection: close\r\n\r\n"
        ).encode() + body
        with socket.create_connection(("127.0.0.1", server.port), timeout=30) as sock:
            sock.sendall(request)
            answer = b""
            while chunk := sock.recv(65536):
                answer += chunk
    finally:
        server.stop()
    assert answer.split(b"\r\n", 1)[0] == b"HTTP/1.1 200 OK"
    assert answer.endswith(b'{"received":307200}')


def test_each_request_on_a_kept_alive_connection_is_bounded(server: tuple[str, str]) -> None:
    url, path = server
    with httpx.Client(base_url=url, timeout=30) as http:
        assert http.get(path).status_code == 200
        answer = http.get(path, headers={"X-Padding": "a" * 100 * 1024})
    assert answer.status_code == 431
