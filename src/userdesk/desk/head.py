"""HEAD on the desk API answers as GET does, without the body.

FastAPI routes declared with GET take no HEAD, so a HEAD on ``/api/users`` fell through to
the SPA's catch-all (or a 405) and answered 404 where GET answers 401: a probe could not tell
a protected route from a missing one the way the HTTP semantics promise (RFC 9110 9.3.2).
"""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

API_PREFIX = "/api/"


class HeadAsGet:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (
            scope["type"] != "http"
            or scope["method"] != "HEAD"
            or not (scope["path"] + "/").startswith(API_PREFIX)
        ):
            await self.app(scope, receive, send)
            return

        async def send_without_body(message: Message) -> None:
            if message["type"] == "http.response.body":
                message = {**message, "body": b""}
            await send(message)

        await self.app({**scope, "method": "GET"}, receive, send_without_body)
