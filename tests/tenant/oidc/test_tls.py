"""TLS mode smoke test: discovery over https, trusted through the tenant's own local CA."""

from __future__ import annotations

import ssl
from pathlib import Path

import httpx

from tests.support.servers import tls_tenant


def test_discovery_over_https_with_the_local_ca_and_secure_cookies(tmp_path: Path) -> None:
    with tls_tenant(tmp_path) as tenant:
        origin, files, app = tenant.origin, tenant.files, tenant.app
        trust = ssl.create_default_context(cafile=str(files.ca_cert))
        with httpx.Client(base_url=origin, verify=trust, timeout=10) as http:
            doc = http.get("/.well-known/openid-configuration").json()
            assert doc["issuer"] == f"{origin}/"
            assert doc["jwks_uri"] == f"{origin}/.well-known/jwks.json"
            spa = app.state.tenant.sessions
            with spa() as session:
                from sqlalchemy import select

                from userdesk.tenant.store.models import Client

                client_id = session.scalars(
                    select(Client.client_id).where(Client.app_type == "spa")
                ).one()
            page = http.get(
                "/authorize",
                params={
                    "client_id": client_id,
                    "redirect_uri": "http://localhost:8000",
                    "response_type": "code",
                    "code_challenge": "x" * 43,
                    "code_challenge_method": "S256",
                },
            )
            assert page.status_code == 200
            assert "Secure" in page.headers["set-cookie"]
        # Without the CA the certificate is not trusted.
        with httpx.Client(base_url=origin, timeout=10) as untrusted:
            try:
                untrusted.get("/.well-known/jwks.json")
            except httpx.ConnectError:
                pass
            else:
                raise AssertionError("the local certificate was trusted without its CA")
