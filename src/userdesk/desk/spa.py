"""The built SPA, served from the package's ``static`` folder.

History-mode routing: any GET outside ``/api`` that names no file gets ``index.html``, so a
reload on ``/users/auth0|123`` works. Vite's hashed assets never change under a name, so they
are cached for a year; ``index.html`` is revalidated on every load so a new build shows up.

The build writes a Brotli (``.br``) and a gzip (``.gz``) copy beside every text file worth
compressing; a browser that accepts one gets it with ``Content-Encoding``, so nothing is
compressed per request and streamed API answers never pass through a compressing middleware.
"""

from __future__ import annotations

import mimetypes
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.responses import FileResponse, Response

from userdesk.desk.errors import error_response

STATIC_DIR = Path(__file__).parent / "static"
IMMUTABLE = "public, max-age=31536000, immutable"
# Preferred first: Brotli is some 15-20 % smaller than gzip on JavaScript.
ENCODINGS = (("br", ".br"), ("gzip", ".gz"))


def accepted_encodings(header: str) -> set[str]:
    """The content codings an ``Accept-Encoding`` header allows (``q=0`` refuses one)."""
    accepted: set[str] = set()
    for item in header.split(","):
        name, *params = (part.strip() for part in item.split(";"))
        quality = next((p[2:] for p in params if p.lower().startswith("q=")), "1")
        try:
            refused = float(quality) <= 0
        except ValueError:
            refused = False
        if name and not refused:
            accepted.add(name.lower())
    return accepted


def install(app: FastAPI, static_dir: Path | None = None) -> bool:
    """Serve the SPA; without a build, the same routes say how to make one. True if built."""
    root = (static_dir or STATIC_DIR).resolve()
    index = root / "index.html"
    built = index.is_file()

    def _file(path: Path, request: Request) -> FileResponse:
        cache = IMMUTABLE if path.is_relative_to(root / "assets") else "no-cache"
        headers = {"Cache-Control": cache}
        accepted = accepted_encodings(request.headers.get("accept-encoding", ""))
        for coding, suffix in ENCODINGS:
            packed = path.with_name(path.name + suffix)
            if coding in accepted and packed.is_file():
                media_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
                headers |= {"Content-Encoding": coding, "Vary": "Accept-Encoding"}
                return FileResponse(packed, media_type=media_type, headers=headers)
        if path.with_name(path.name + ".gz").is_file():
            headers["Vary"] = "Accept-Encoding"
        return FileResponse(path, headers=headers)

    @app.api_route("/{path:path}", methods=["GET", "HEAD"], include_in_schema=False)
    async def spa(path: str, request: Request) -> Response:
        if path == "api" or path.startswith("api/"):
            return error_response(404, "not_found", f"No API route {request.url.path}")
        if not built:
            return error_response(
                404, "not_found", "The web UI is not built here: run `make web` (the API works)"
            )
        candidate = (root / path).resolve()
        if path and candidate.is_relative_to(root) and candidate.is_file():
            return _file(candidate, request)
        if path.startswith("assets/"):
            # A missing hashed asset must not turn into index.html with a year of caching.
            return error_response(404, "not_found", f"No asset {request.url.path}")
        return _file(index, request)

    return built
