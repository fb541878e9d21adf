"""The desk's Content-Security-Policy in a real browser: signing in through the tenant, loading
the users page, reloading (the session restores from the tenant) and searching must not trip a
single CSP violation. A policy too tight breaks the SPA silently; this is where it would show.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.e2e.stack import CHROMIUM, CHROMIUM_ARGS, Stack, start_stack

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Chromium is missing: make browser"),
]

# Reported by the page itself, whichever directive refused what.
LISTEN = """() => {
  window.__csp = [];
  document.addEventListener('securitypolicyviolation', (e) =>
    window.__csp.push(`${e.violatedDirective} refused ${e.blockedURI}`));
}"""


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    running = start_stack(tmp_path_factory.mktemp("csp"), demo_users=12)
    yield running
    running.stop()


def test_sign_in_reload_and_search_trip_no_csp_violation(stack: Stack) -> None:
    from playwright.sync_api import expect, sync_playwright

    from tests.e2e.pages import Header, TenantLoginPage, UsersPage

    console: list[str] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            context = browser.new_context()
            context.set_default_timeout(20_000)
            context.add_init_script(script=f"({LISTEN})()")
            page = context.new_page()
            page.on(
                "console",
                lambda m: console.append(m.text) if "Content Security Policy" in m.text else None,
            )
            page.goto(stack.desk_url)
            Header(page).log_in.click()
            TenantLoginPage(page).sign_in(stack.admin["email"], stack.admin["password"])
            page.wait_for_url(f"{stack.desk_url}/")
            expect(Header(page).signed_in_as).to_contain_text(stack.admin["email"])
            violations = list(page.evaluate("() => window.__csp"))

            users = UsersPage(page, stack.desk_url).open()
            users.wait_loaded()
            page.reload()
            users.wait_loaded()
            users.search("a")
            users.wait_loaded()
            violations += page.evaluate("() => window.__csp")
            policy = page.evaluate(
                "async () => (await fetch('/api/health')).headers.get('content-security-policy')"
            )
        finally:
            browser.close()

    assert "frame-ancestors 'none'" in policy
    assert violations == [], violations
    assert console == [], console


@pytest.mark.parametrize(
    ("path", "rendered"), [("/docs", ".swagger-ui .info .title"), ("/redoc", "h1")]
)
def test_api_docs_render_offline_under_the_desks_policy(
    stack: Stack, path: str, rendered: str
) -> None:
    from playwright.sync_api import Route, expect, sync_playwright

    desk_origin = stack.desk_url.rstrip("/")
    elsewhere: list[str] = []

    def only_the_desk(route: Route) -> None:
        url = route.request.url
        if url.startswith(f"{desk_origin}/") or url.startswith(("data:", "blob:")):
            route.continue_()
        else:  # what a machine without internet would see
            elsewhere.append(url)
            route.abort()

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            context = browser.new_context()
            context.set_default_timeout(20_000)
            context.add_init_script(script=f"({LISTEN})()")
            context.route("**/*", only_the_desk)
            page = context.new_page()
            page.goto(f"{desk_origin}{path}")
            expect(page.locator(rendered).first).to_contain_text("Userdesk API")
            violations = list(page.evaluate("() => window.__csp"))
        finally:
            browser.close()
    # ReDoc's footer badge points at an image on its vendor's CDN; the desk's policy refusing
    # it is the point (nothing leaves for another origin), so it is the one refusal expected.
    badge = "img-src refused https://cdn.redoc.ly/"
    assert [v for v in violations if not v.startswith(badge)] == [], violations
    assert elsewhere == [], elsewhere
