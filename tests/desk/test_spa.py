"""The built SPA: files, history-mode fallback, and cache headers."""

from __future__ import annotations

import gzip
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.support.desk import start_desk
from tests.support.servers import RunningTenant

INDEX = "<!doctype html><title>Userdesk</title><div id=app></div>"
SCRIPT = "console.log('app')"


@pytest.fixture(scope="module")
def spa(
    desk_tenant: RunningTenant, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[httpx.Client]:
    static: Path = tmp_path_factory.mktemp("static")
    (static / "index.html").write_text(INDEX)
    (static / "assets").mkdir()
    (static / "assets" / "index-3f9a1c.js").write_text(SCRIPT)
    # What the build writes beside a compressible asset: the same bytes, precompressed.
    (static / "assets" / "index-3f9a1c.js.gz").write_bytes(gzip.compress(SCRIPT.encode()))
    (static / "assets" / "index-3f9a1c.js.br").write_bytes(b"brotli bytes")
    (static / "favicon.ico").write_bytes(b"\x00\x00\x01\x00")
    desk = start_desk(desk_tenant, static_dir=static)
    with httpx.Client(base_url=desk.url, timeout=10) as client:
        yield client
    desk.stop()


def test_root_serves_index_without_caching(spa: httpx.Client) -> None:
    response = spa.get("/")
    assert response.status_code == 200
    assert response.text == INDEX
    assert response.headers["cache-control"] == "no-cache"


def test_head_is_answered_like_get(spa: httpx.Client) -> None:
    # Load balancers and uptime checks probe with HEAD.
    response = spa.head("/")
    assert response.status_code == 200
    assert response.headers["cache-control"] == "no-cache"


def test_client_side_routes_fall_back_to_index(spa: httpx.Client) -> None:
    response = spa.get("/users/auth0|123")
    assert response.status_code == 200
    assert response.text == INDEX


def test_hashed_assets_are_immutable(spa: httpx.Client) -> None:
    response = spa.get("/assets/index-3f9a1c.js")
    assert response.status_code == 200
    assert response.headers["cache-control"] == "public, max-age=31536000, immutable"


def test_a_missing_asset_is_404_not_index(spa: httpx.Client) -> None:
    assert spa.get("/assets/gone-000000.js").status_code == 404


def test_other_files_are_served(spa: httpx.Client) -> None:
    assert spa.get("/favicon.ico").content == b"\x00\x00\x01\x00"


def test_api_paths_never_fall_back(spa: httpx.Client) -> None:
    response = spa.get("/api/nope")
    assert response.status_code == 404
    assert response.json()["error"] == "not_found"
    assert spa.get("/api/health").json() == {"status": "ok"}


def test_paths_cannot_escape_the_static_folder(spa: httpx.Client) -> None:
    response = spa.get("/..%2f..%2fetc/passwd")
    assert response.status_code == 200
    assert response.text == INDEX


def test_without_a_build_there_is_no_spa(desk_tenant: RunningTenant, tmp_path: Path) -> None:
    desk = start_desk(desk_tenant, static_dir=tmp_path)
    try:
        with httpx.Client(base_url=desk.url, timeout=10) as client:
            response = client.get("/")
            assert response.status_code == 404
            assert set(response.json()) == {"error", "message"}
    finally:
        desk.stop()


def test_without_a_build_the_same_routes_say_how_to_make_one(
    desk_tenant: RunningTenant, tmp_path: Path
) -> None:
    desk = start_desk(desk_tenant, static_dir=tmp_path)  # an empty folder: nothing built
    try:
        paths = {getattr(route, "path", None) for route in desk.app.routes}
        assert "/{path:path}" in paths  # the route set, and so the authorization matrix, is one
        with httpx.Client(base_url=desk.url, timeout=10) as client:
            page = client.get("/users/auth0|123")
            api = client.get("/api/nothing-here")
        assert page.status_code == 404
        assert "make web" in page.json()["message"]
        assert api.status_code == 404
        assert api.json()["error"] == "not_found"
    finally:
        desk.stop()


def test_assets_are_sent_precompressed_when_the_browser_accepts_it(spa: httpx.Client) -> None:
    response = spa.get("/assets/index-3f9a1c.js", headers={"Accept-Encoding": "gzip, deflate"})
    assert response.status_code == 200
    assert response.headers["content-encoding"] == "gzip"
    assert response.headers["vary"] == "Accept-Encoding"
    assert response.headers["content-type"].startswith("text/javascript")
    # Compression keeps the year of caching a hashed asset has.
    assert response.headers["cache-control"] == "public, max-age=31536000, immutable"
    assert response.text == SCRIPT  # httpx decodes the gzip body


def test_brotli_is_preferred_when_accepted(spa: httpx.Client) -> None:
    headers = {"Accept-Encoding": "gzip, deflate, br, zstd"}
    # Streamed and never read: the fixture's Brotli file holds placeholder bytes.
    with spa.stream("GET", "/assets/index-3f9a1c.js", headers=headers) as response:
        assert response.headers["content-encoding"] == "br"
        assert response.headers["cache-control"] == "public, max-age=31536000, immutable"


def test_identity_when_compression_is_not_accepted(spa: httpx.Client) -> None:
    for accept in ("identity", "gzip;q=0, br;q=0"):
        response = spa.get("/assets/index-3f9a1c.js", headers={"Accept-Encoding": accept})
        assert "content-encoding" not in response.headers
        assert response.headers["vary"] == "Accept-Encoding"
        assert response.text == SCRIPT
