"""The API documentation pages, served offline and under the desk's own CSP.

FastAPI's default pages load Swagger UI and ReDoc from a CDN and start them with an inline
script: blank without internet, and only viewable under a looser policy. Here the assets come
from the ``fastapi-offline`` distribution installed with the desk, and Swagger UI starts from
a small script file of ours, so the pages need nothing the SPA's policy does not allow.
"""

from __future__ import annotations

from html import escape
from importlib.resources import files
from pathlib import Path

from fastapi import FastAPI
from fastapi.responses import FileResponse, HTMLResponse
from fastapi.staticfiles import StaticFiles

ASSETS_URL = "/docs/assets"
OWN = Path(__file__).parent


def _page(title: str, head: str, body: str) -> HTMLResponse:
    return HTMLResponse(
        "<!doctype html>\n"
        f'<html lang="en"><head><meta charset="utf-8"><title>{escape(title)}</title>'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"{head}</head><body>{body}</body></html>",
        headers={"Cache-Control": "no-cache"},
    )


def install(app: FastAPI) -> None:
    """Add ``/docs`` and ``/redoc``; build the app with ``docs_url=None, redoc_url=None``."""
    title = f"{app.title}: API documentation"
    openapi_url = app.openapi_url or "/openapi.json"
    assets = str(files("fastapi_offline") / "static")
    app.mount(ASSETS_URL, StaticFiles(directory=assets), name="docs-assets")

    @app.get("/docs", include_in_schema=False)
    async def swagger_ui() -> HTMLResponse:
        return _page(
            title,
            f'<link rel="stylesheet" href="{ASSETS_URL}/swagger-ui.css">',
            f'<div id="swagger-ui" data-openapi-url="{escape(openapi_url)}"></div>'
            f'<script src="{ASSETS_URL}/swagger-ui-bundle.js"></script>'
            '<script src="/docs/start.js"></script>',
        )

    @app.get("/docs/start.js", include_in_schema=False)
    async def swagger_start() -> FileResponse:
        return FileResponse(OWN / "start.js", media_type="text/javascript")

    @app.get("/redoc", include_in_schema=False)
    async def redoc() -> HTMLResponse:
        return _page(
            title,
            "",
            f'<redoc spec-url="{escape(openapi_url)}" hide-download-button></redoc>'
            f'<script src="{ASSETS_URL}/redoc.standalone.js"></script>',
        )
