"""The browser's side of the code flow, without a browser: httpx keeps the cookies."""

from __future__ import annotations

import base64
import hashlib
import json
import re
import secrets
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx

from tests.support.servers import RunningTenant

SPA_CALLBACK = "http://localhost:8000"


def pkce_pair() -> tuple[str, str]:
    verifier = secrets.token_urlsafe(48)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest())
    return verifier, challenge.rstrip(b"=").decode()


def form_fields(html: str) -> dict[str, str]:
    fields = dict(re.findall(r'name="(transaction|csrf_token)" value="([^"]*)"', html))
    assert set(fields) == {"transaction", "csrf_token"}, html
    return fields


def query_of(location: str) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlsplit(location).query).items()}


def web_message_of(html: str) -> tuple[dict[str, Any], str]:
    """The message and target origin a web_message answer posts."""
    found = re.search(r"postMessage\((.*), (\"[^\"]*\")\);", html)
    assert found, html
    return json.loads(found.group(1)), json.loads(found.group(2))


@dataclass
class Browser:
    """One browser (cookie jar) running spa-js's side of the code flow against the tenant."""

    tenant: RunningTenant
    http: httpx.Client
    client_id: str = ""
    verifier: str = ""
    state: str = field(default_factory=lambda: base64.b64encode(secrets.token_bytes(12)).decode())
    nonce: str = field(default_factory=lambda: base64.b64encode(secrets.token_bytes(12)).decode())

    def __post_init__(self) -> None:
        self.client_id = self.client_id or self.tenant.config["spa_client_id"]

    def authorize_params(self, **overrides: str) -> dict[str, str]:
        self.verifier, challenge = pkce_pair()
        params = {
            "client_id": self.client_id,
            "redirect_uri": SPA_CALLBACK,
            "response_type": "code",
            "response_mode": "query",
            "state": self.state,
            "nonce": self.nonce,
            "scope": "openid profile email offline_access",
            "audience": self.tenant.config["api_audience"],
            "code_challenge": challenge,
            "code_challenge_method": "S256",
            "auth0Client": base64.b64encode(b'{"name":"auth0-spa-js","version":"2.24.1"}').decode(),
        }
        params.update(overrides)
        return params

    def authorize(self, **overrides: str) -> httpx.Response:
        return self.http.get("/authorize", params=self.authorize_params(**overrides))

    def submit(self, page: httpx.Response, email: str, password: str) -> httpx.Response:
        return self.http.post(
            "/login", data={**form_fields(page.text), "email": email, "password": password}
        )

    def login_for_code(self, email: str, password: str, **overrides: str) -> str:
        page = self.authorize(**overrides)
        assert page.status_code == 200, page.text
        answer = self.submit(page, email, password)
        assert answer.status_code == 302, answer.text
        query = query_of(answer.headers["location"])
        assert query["state"] == self.state
        return query["code"]

    def exchange(self, code: str, **overrides: str) -> httpx.Response:
        # What spa-js sends: no audience, no scope.
        data = {
            "grant_type": "authorization_code",
            "client_id": self.client_id,
            "code": code,
            "code_verifier": self.verifier,
            "redirect_uri": SPA_CALLBACK,
        }
        data.update(overrides)
        return self.http.post("/oauth/token", data=data)

    def refresh(self, refresh_token: str) -> httpx.Response:
        return self.http.post(
            "/oauth/token",
            data={
                "grant_type": "refresh_token",
                "client_id": self.client_id,
                "refresh_token": refresh_token,
                "redirect_uri": SPA_CALLBACK,
            },
        )

    def tokens(self, email: str, password: str) -> dict[str, Any]:
        answer = self.exchange(self.login_for_code(email, password))
        assert answer.status_code == 200, answer.text
        tokens: dict[str, Any] = answer.json()
        return tokens
