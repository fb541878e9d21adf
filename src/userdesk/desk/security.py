"""HTTP security headers and CORS for the desk.

The desk serves an SPA that holds staff access tokens in memory, so the page must run only
its own scripts, talk only to itself and the tenant, and never sit inside another site's frame.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from fastapi import FastAPI
from starlette.middleware.cors import CORSMiddleware
from starlette.types import ASGIApp, Message, Receive, Scope, Send

# A host name or IP literal and an optional port: nothing that could end or add a directive.
_NETLOC = re.compile(r"(?:[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*|\[[0-9A-Fa-f:.]+\])(?::[0-9]{1,5})?")


def origin_of(url: str) -> str:
    """``scheme://host[:port]`` of a tenant URL or bare Auth0 domain, refusing anything else.

    The value ends up inside a header, so a stray quote, space or semicolon must not pass.
    """
    candidate = url.strip()
    if "://" not in candidate:
        # Auth0 domains are configured bare ("your-app.auth0.com"); SDKs assume https.
        candidate = f"https://{candidate}"
    parts = urlsplit(candidate)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(f"not an http(s) origin: {url!r}")
    netloc = parts.netloc
    if not _NETLOC.fullmatch(netloc) or parts.query or parts.fragment:
        raise ValueError(f"not an http(s) origin: {url!r}")
    return f"{parts.scheme}://{netloc}".lower()


def content_security_policy(tenant_origin: str, *, remote_images: bool = False) -> str:
    directives = {
        "default-src": "'self'",
        "script-src": "'self'",
        # Component libraries inject <style> elements at run time; styles cannot run code.
        "style-src": "'self' 'unsafe-inline'",
        # Avatars hosted elsewhere (Gravatar, identity providers' CDNs) tell a third party who
        # a staff member looked at: allowed only when the operator turned remote avatars on.
        "img-src": "'self' data: https:" if remote_images else "'self' data:",
        "font-src": "'self' data:",
        # The SPA calls the desk API and the tenant's /oauth/token.
        "connect-src": f"'self' {tenant_origin}",
        # Silent authentication runs /authorize?prompt=none in a hidden iframe.
        "frame-src": tenant_origin,
        # auth0-spa-js keeps refresh tokens in a Web Worker it starts from a blob: URL.
        "worker-src": "'self' blob:",
        "object-src": "'none'",
        "base-uri": "'self'",
        "form-action": "'self'",
        "frame-ancestors": "'none'",
    }
    return "; ".join(f"{name} {value}" for name, value in directives.items())


class SecurityHeaders:
    """Pure ASGI middleware (not BaseHTTPMiddleware) so streamed answers stay streamed."""

    def __init__(self, app: ASGIApp, *, policy: str) -> None:
        self.app = app
        self.policy = policy.encode()
        self.fixed = [
            (b"x-content-type-options", b"nosniff"),
            (b"referrer-policy", b"no-referrer"),
            # For browsers that predate frame-ancestors.
            (b"x-frame-options", b"DENY"),
        ]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        added = [*self.fixed, (b"content-security-policy", self.policy)]
        if scope.get("scheme") == "https":
            added.append((b"strict-transport-security", b"max-age=31536000"))

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = [
                    (k, v)
                    for k, v in message.get("headers", [])
                    if k.lower() not in {name for name, _ in added}
                ]
                message["headers"] = headers + added
            await send(message)

        await self.app(scope, receive, send_with_headers)


def install_security_headers(
    app: FastAPI, *, tenant_origin: str, cors_origins: list[str], remote_images: bool = False
) -> None:
    """Add the desk's Content-Security-Policy and companion headers, and CORS if configured.

    ``tenant_origin`` is the tenant's URL or bare Auth0 domain. With no ``cors_origins`` the
    desk answers no cross-origin request (the SPA is served by the desk itself, same origin).
    Call it once, after the routes are added; it must wrap every other middleware.
    """
    policy = content_security_policy(origin_of(tenant_origin), remote_images=remote_images)
    if cors_origins:
        if "*" in cors_origins:
            raise ValueError("CORS origins must be listed explicitly; '*' is refused")
        app.add_middleware(
            CORSMiddleware,
            allow_origins=[origin_of(o) for o in cors_origins],
            allow_methods=["GET", "POST", "PATCH", "PUT", "DELETE"],
            allow_headers=["Authorization", "Content-Type"],
            # Bearer tokens, not cookies: credentials are never needed cross-origin.
            allow_credentials=False,
            max_age=600,
        )
    app.add_middleware(SecurityHeaders, policy=policy)
