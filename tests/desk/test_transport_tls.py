"""The desk's Management API transport (aiohttp) trusts what httpx trusts: a tenant served over
HTTPS with its own local CA is reached once SSL_CERT_FILE names that CA, and refused before."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path

import pytest
import uvicorn

from tests.support.servers import ServerThread, bind_loopback
from userdesk.desk.directory.transport import AiohttpTransport, NotSent, new_session
from userdesk.tenant.app import create_app
from userdesk.tenant.settings import TenantSettings
from userdesk.tenant.tls import TlsFiles, ensure_certificates


@pytest.fixture(scope="module")
def tls_tenant(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, TlsFiles]]:
    data_dir: Path = tmp_path_factory.mktemp("tls-tenant")
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
    yield origin, files
    thread.stop()


def fetch_jwks(origin: str) -> int:
    async def go() -> int:
        async with new_session(timeout=10, connect_timeout=5, user_agent="tests") as session:
            transport = AiohttpTransport(session, origin)
            answer = await transport.send(
                "GET", f"{origin}/.well-known/jwks.json", params=None, json=None, headers={}
            )
            return answer.status

    return asyncio.run(go())


def test_the_ca_named_by_ssl_cert_file_is_trusted(
    tls_tenant: tuple[str, TlsFiles], monkeypatch: pytest.MonkeyPatch
) -> None:
    origin, files = tls_tenant
    monkeypatch.setenv("SSL_CERT_FILE", str(files.ca_cert))
    assert fetch_jwks(origin) == 200


def test_an_unknown_ca_is_refused_before_anything_is_sent(
    tls_tenant: tuple[str, TlsFiles], monkeypatch: pytest.MonkeyPatch
) -> None:
    origin, _ = tls_tenant
    monkeypatch.delenv("SSL_CERT_FILE", raising=False)
    monkeypatch.delenv("SSL_CERT_DIR", raising=False)
    with pytest.raises(NotSent):
        fetch_jwks(origin)
