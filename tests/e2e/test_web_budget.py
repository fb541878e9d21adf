"""Each page's first-visit JavaScript, gzipped, against its budget (read from Vite's manifest).

Sizes, not times: the same build always weighs the same, so this fails on the change that
makes a page heavier, whatever the machine. What a first visit loads is the entry chunk and
everything it imports statically, the page's chunk and its static imports, for staff pages
the sign-in SDK and the header's identity block (loaded once signed in), and the small route
preload module every page runs first. Toasts, dialogs and the user page's other tabs load
when used, not on a first visit. ``bench/web.py`` measures the same in Chromium, with timings.
"""

from __future__ import annotations

import gzip
import json
import re
from functools import cache

import pytest
from playwright.sync_api import Page

from tests.e2e.stack import STATIC, Stack, ensure_built

KIB = 1024
SIGNED_IN = ["src/session/auth0Start.ts", "src/session/StaffIdentity.vue"]

# Gzip bytes (level 9) of the JavaScript a cold first visit downloads. Public pages stay
# within 100 KiB; staff pages are held a little above what they weigh (targets: Users
# 180 KiB, a user's page 200 KiB; the sign-in SDK alone is some 64 KiB of each). The audit
# page is still on PrimeVue's DataTable.
BUDGETS: dict[str, tuple[list[str], int]] = {
    "home": (["src/pages/WelcomePage.vue"], 100 * KIB),
    "events": (["src/events/EventsPage.vue"], 100 * KIB),
    "about": (["src/pages/AboutPage.vue"], 100 * KIB),
    "users": (["src/users/UsersPage.vue", *SIGNED_IN], 176 * KIB),
    "user": (["src/users/detail/UserPage.vue", *SIGNED_IN], 190 * KIB),
    "audit": (["src/audit/AuditPage.vue", *SIGNED_IN], 258 * KIB),
}


@cache
def manifest() -> dict[str, dict[str, object]]:
    ensure_built()
    path = STATIC / ".vite" / "manifest.json"
    if not path.is_file():
        pytest.fail("The build wrote no .vite/manifest.json (vite.config.ts: build.manifest)")
    loaded: dict[str, dict[str, object]] = json.loads(path.read_text())
    return loaded


def manifest_key(source: str) -> str:
    """The manifest's key for a page's source file.

    A page whose chunk its lazy tabs import from (the user page) is listed under its chunk's
    name (``_UserPage-<hash>.js``) rather than its source path.
    """
    chunks = manifest()
    if source in chunks:
        return source
    stem = source.rsplit("/", 1)[-1].split(".")[0]
    found = [k for k, c in chunks.items() if c.get("isDynamicEntry") and k.startswith(f"_{stem}-")]
    if len(found) != 1:
        pytest.fail(f"{source} is not in the Vite manifest: was it renamed?")
    return found[0]


def route_preload() -> str:
    """The file name of the module ``index.html`` runs first (``vite.config.ts``)."""
    found = re.findall(r'src="/(assets/routes-[\w-]+\.js)"', (STATIC / "index.html").read_text())
    if len(found) != 1:
        pytest.fail("index.html runs no route preload module")
    return str(found[0])


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
        chunk = chunks[manifest_key(key)]
        file = str(chunk["file"])
        if file.endswith(".js"):
            files.add(file)
        todo.extend(str(name) for name in chunk.get("imports", []))  # type: ignore[attr-defined]
    return files


def gzip_size(file: str) -> int:
    return len(gzip.compress((STATIC / file).read_bytes(), compresslevel=9, mtime=0))


def first_visit(page: str) -> int:
    modules, _ = BUDGETS[page]
    files = static_closure(["index.html", *modules]) | {route_preload()}
    return sum(gzip_size(file) for file in files)


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


def test_the_route_preload_names_each_staff_page_s_code() -> None:
    text = (STATIC / route_preload()).read_text()
    routes = dict(json.loads(re.search(r"const routes=(\[.*?\]\]\]),", text).group(1)))  # type: ignore[union-attr]
    signed_in = json.loads(re.search(r"signedIn=(\[.*?\]);", text).group(1))  # type: ignore[union-attr]
    entry = static_closure(["index.html"])
    assert static_closure(SIGNED_IN) - entry <= set(signed_in)
    for pattern, page in (
        ("^/users/?$", "src/users/UsersPage.vue"),
        ("^/users/[^/]+/?$", "src/users/detail/UserPage.vue"),
        ("^/audit/?$", "src/audit/AuditPage.vue"),
    ):
        wanted = static_closure([page]) - entry
        assert wanted <= set(routes[pattern]), pattern
        # Only the page's own code: nothing the entry already brought, no other page.
        assert not set(routes[pattern]) & entry


@pytest.mark.e2e
def test_a_signed_in_visit_fetches_the_page_code_beside_the_entry(
    admin_page: Page, anonymous_page: Page, stack: Stack
) -> None:
    users_chunk = manifest()[manifest_key("src/users/UsersPage.vue")]["file"]
    preloaded = "() => [...document.querySelectorAll('link[rel=modulepreload]')].map(l => l.href)"
    admin_page.goto(f"{stack.desk_url}/users")
    admin_page.get_by_test_id("user-email").first.wait_for()
    assert any(href.endswith(f"/{users_chunk}") for href in admin_page.evaluate(preloaded))
    # Nobody signed in in this browser: the welcome page loads no staff code early.
    anonymous_page.goto(f"{stack.desk_url}/")
    anonymous_page.get_by_test_id("welcome-log-in").wait_for()
    sdk_chunk = manifest()["src/session/auth0Start.ts"]["file"]
    early = anonymous_page.evaluate(preloaded)
    assert not [href for href in early if href.endswith((f"/{users_chunk}", f"/{sdk_chunk}"))]


def _print_sizes() -> None:  # pragma: no cover - `python -m tests.e2e.test_web_budget`
    for page in sorted(BUDGETS):
        print(f"{page:8s} {first_visit(page) / KIB:6.1f} KiB of {BUDGETS[page][1] / KIB:.0f}")


if __name__ == "__main__":
    _print_sizes()
