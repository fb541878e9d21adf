"""Each page's first-visit JavaScript, gzipped, against its budget (read from Vite's manifest).

Sizes, not times: the same build always weighs the same, so this fails on the change that
makes a page heavier, whatever the machine. What a first visit loads is the entry chunk and
everything it imports statically, the page's chunk and its static imports, and for staff
pages the sign-in SDK, the header's identity block and the toasts (loaded once signed in).
``bench/web.py`` measures the same in Chromium, with timings.
"""

from __future__ import annotations

import gzip
import json
from functools import cache

import pytest

from tests.e2e.stack import STATIC, ensure_built

KIB = 1024
SIGNED_IN = [
    "src/session/auth0Start.ts",
    "src/session/StaffIdentity.vue",
    "node_modules/primevue/toast/index.mjs",
]

# Gzip bytes (level 9) of the JavaScript a cold first visit downloads. Public pages stay
# within 100 KiB; staff pages are held where they are until the DataTable and the sign-in
# SDK shrink (targets: Users 180 KiB, a user's page 200 KiB).
BUDGETS: dict[str, tuple[list[str], int]] = {
    "home": (["src/pages/WelcomePage.vue"], 100 * KIB),
    "events": (["src/events/EventsPage.vue"], 100 * KIB),
    "about": (["src/pages/AboutPage.vue"], 100 * KIB),
    "users": (["src/users/UsersPage.vue", *SIGNED_IN], 272 * KIB),
    "user": (["src/users/detail/UserPage.vue", *SIGNED_IN], 285 * KIB),
    "audit": (["src/audit/AuditPage.vue", *SIGNED_IN], 262 * KIB),
}


@cache
def manifest() -> dict[str, dict[str, object]]:
    ensure_built()
    path = STATIC / ".vite" / "manifest.json"
    if not path.is_file():
        pytest.fail("The build wrote no .vite/manifest.json (vite.config.ts: build.manifest)")
    loaded: dict[str, dict[str, object]] = json.loads(path.read_text())
    return loaded


def static_closure(keys: list[str]) -> set[str]:
    """The JavaScript files these manifest entries load, with their static imports."""
    chunks = manifest()
    files: set[str] = set()
    todo = list(keys)
    seen: set[str] = set()
    while todo:
        key = todo.pop()
        if key in seen:
            continue
        seen.add(key)
        if key not in chunks:
            pytest.fail(f"{key} is not in the Vite manifest: was it renamed?")
        chunk = chunks[key]
        file = str(chunk["file"])
        if file.endswith(".js"):
            files.add(file)
        todo.extend(str(name) for name in chunk.get("imports", []))  # type: ignore[attr-defined]
    return files


def gzip_size(file: str) -> int:
    return len(gzip.compress((STATIC / file).read_bytes(), compresslevel=9, mtime=0))


def first_visit(page: str) -> int:
    modules, _ = BUDGETS[page]
    return sum(gzip_size(file) for file in static_closure(["index.html", *modules]))


@pytest.mark.parametrize("page", sorted(BUDGETS))
def test_first_visit_javascript_stays_within_budget(page: str) -> None:
    _, budget = BUDGETS[page]
    weight = first_visit(page)
    assert weight <= budget, (
        f"A first visit to {page} downloads {weight / KIB:.1f} KiB of gzipped JavaScript, "
        f"over its {budget / KIB:.0f} KiB budget: `npm run report` in web/ shows what grew."
    )


def test_public_pages_do_not_load_the_sign_in_sdk() -> None:
    # By content, not by chunk name: a static import of the SDK would move its code into
    # whatever chunk imports it. auth0-spa-js names itself in every request it sends.
    for page in ("home", "events", "about"):
        modules, _ = BUDGETS[page]
        loaded = static_closure(["index.html", *modules])
        carrying = [f for f in loaded if "auth0-spa-js" in (STATIC / f).read_text()]
        assert carrying == [], f"{page} loads the sign-in SDK in {carrying}"
    sdk = static_closure(["src/session/auth0Start.ts"])
    assert any("auth0-spa-js" in (STATIC / f).read_text() for f in sdk)  # the marker holds


def _print_sizes() -> None:  # pragma: no cover - `python -m tests.e2e.test_web_budget`
    for page in sorted(BUDGETS):
        print(f"{page:8s} {first_visit(page) / KIB:6.1f} KiB of {BUDGETS[page][1] / KIB:.0f}")


if __name__ == "__main__":
    _print_sizes()
