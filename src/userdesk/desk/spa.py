"""The built SPA, served from the package's ``static`` folder.

History-mode routing: any GET outside ``/api`` that names no file gets ``index.html``, so a
reload on ``/users/auth0|123`` works. Vite's hashed assets never change under a name, so they
are cached for a year; ``index.html`` is revalidated on every load so a new build shows up.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.responses import FileResponse, Response

from userdesk.desk.errors import error_response

STATIC_DIR = Path(__file__).parent / "static"
IMMUTABLE = "public, max-age=31536000, immutable"


def install(app: FastAPI, static_dir: Path | None = None) -> bool:
    """Serve the SPA; without a build, the same routes say how to make one. True if built."""
    root = (static_dir or STATIC_DIR).resolve()
    index = root / "index.html"
    built = index.is_file()

    def _file(path: Path) -> FileResponse:
        cache = IMMUTABLE if path.is_relative_to(root / "assets") else "no-cache"
        return FileResponse(path, headers={"Cache-Control": cache})

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
            return _file(candidate)
        if path.startswith("assets/"):
            # A missing hashed asset must not turn into index.html with a year of caching.
            return error_response(404, "not_found", f"No asset {request.url.path}")
        return _file(index)

    return built
