"""The desk's Management API transport (aiohttp) trusts what httpx trusts: a tenant served over
HTTPS with its own local CA is reached once SSL_CERT_FILE names that CA, and refused before."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import pytest

from tests.support.servers import tls_tenant
from userdesk.desk.directory.transport import AiohttpTransport, NotSent, new_session
from userdesk.tenant.tls import TlsFiles


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, TlsFiles]]:
    with tls_tenant(tmp_path_factory.mktemp("tls-tenant")) as tenant:
        yield tenant.origin, tenant.files


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
    served: tuple[str, TlsFiles], monkeypatch: pytest.MonkeyPatch
) -> None:
    origin, files = served
    monkeypatch.setenv("SSL_CERT_FILE", str(files.ca_cert))
    assert fetch_jwks(origin) == 200


def test_an_unknown_ca_is_refused_before_anything_is_sent(
    served: tuple[str, TlsFiles], monkeypatch: pytest.MonkeyPatch
) -> None:
    origin, _ = served
    monkeypatch.delenv("SSL_CERT_FILE", raising=False)
    monkeypatch.delenv("SSL_CERT_DIR", raising=False)
    with pytest.raises(NotSent):
        fetch_jwks(origin)
