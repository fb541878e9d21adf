"""One tenant and desk per test module, one Chromium for the session, one sign-in per role."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect, sync_playwright

from tests.e2e.pages import Header, TenantLoginPage
from tests.e2e.stack import CHROMIUM, CHROMIUM_ARGS, Stack, start_stack
from tests.support.tokens import CONNECTION, create_user_with_role, machine_token

TIMEOUT_MS = 15_000


@dataclass
class Staff:
    email: str
    password: str
    state: dict[str, Any]


@pytest.fixture(scope="package")
def browser() -> Iterator[Browser]:
    # Package scope, not session: Playwright's sync API keeps an event loop running in the
    # main thread while it is open, which breaks every later test that calls asyncio.run().
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    running = start_stack(tmp_path_factory.mktemp("e2e"), demo_users=45)
    yield running
    running.stop()


@pytest.fixture(scope="module")
def management(stack: Stack) -> Iterator[httpx.Client]:
    """The tenant's Management API, to check that the tenant agrees with what the UI shows."""
    token = machine_token(stack.tenant)
    with httpx.Client(
        base_url=f"{stack.tenant.url}/api/v2",
        headers={"Authorization": f"Bearer {token}"},
        timeout=10,
    ) as client:
        yield client


PHONE = {"width": 390, "height": 844}


def new_page(
    browser: Browser, state: dict[str, Any] | None = None, viewport: dict[str, int] | None = None
) -> tuple[BrowserContext, Page]:
    context = browser.new_context(
        storage_state=state,  # type: ignore[arg-type]
        viewport=viewport or {"width": 1280, "height": 900},  # type: ignore[arg-type]
    )
    context.set_default_timeout(TIMEOUT_MS)
    return context, context.new_page()


def sign_in(page: Page, stack: Stack, email: str, password: str, path: str = "/") -> None:
    """From the desk, through the tenant's login page, and back signed in.

    From the welcome page (``/``), staff land on Users.
    """
    page.goto(f"{stack.desk_url}{path}")
    if path == "/":
        Header(page).log_in.click()
    TenantLoginPage(page).sign_in(email, password)
    page.wait_for_url(f"{stack.desk_url}{'/users' if path == '/' else path}")
    expect(Header(page).signed_in_as).to_contain_text(email)


def signed_in_state(browser: Browser, stack: Stack, email: str, password: str) -> dict[str, Any]:
    context, page = new_page(browser)
    try:
        sign_in(page, stack, email, password)
        state: dict[str, Any] = context.storage_state()  # type: ignore[assignment]
        return state
    finally:
        context.close()


@pytest.fixture(scope="module")
def admin(browser: Browser, stack: Stack) -> Staff:
    email, password = stack.admin["email"], stack.admin["password"]
    return Staff(email, password, signed_in_state(browser, stack, email, password))


@pytest.fixture(scope="module")
def viewer(browser: Browser, stack: Stack) -> Staff:
    email, password = "vera.viewer@staff.example", "Viewer-password-for-tests-1"
    create_user_with_role(stack.tenant, email, password, "Viewer")
    return Staff(email, password, signed_in_state(browser, stack, email, password))


@pytest.fixture(scope="module")
def support(browser: Browser, stack: Stack) -> Staff:
    email, password = "sam.support@staff.example", "Support-password-for-tests-1"
    create_user_with_role(stack.tenant, email, password, "Support")
    return Staff(email, password, signed_in_state(browser, stack, email, password))


@pytest.fixture(scope="module")
def auditor(browser: Browser, stack: Stack) -> Staff:
    email, password = "aude.auditor@staff.example", "Auditor-password-for-tests-1"
    create_user_with_role(stack.tenant, email, password, "Auditor")
    return Staff(email, password, signed_in_state(browser, stack, email, password))


@pytest.fixture(scope="module")
def no_role(browser: Browser, stack: Stack, management: httpx.Client) -> Staff:
    """A staff member who can sign in but holds no role, so no permission at all."""
    email, password = "nora.norole@staff.example", "No-role-password-for-tests-1"
    created = management.post(
        "/users", json={"connection": CONNECTION, "email": email, "password": password}
    )
    assert created.status_code == 201, created.text
    return Staff(email, password, signed_in_state(browser, stack, email, password))


@pytest.fixture
def admin_page(browser: Browser, admin: Staff) -> Iterator[Page]:
    context, page = new_page(browser, admin.state)
    yield page
    context.close()


@pytest.fixture
def viewer_page(browser: Browser, viewer: Staff) -> Iterator[Page]:
    context, page = new_page(browser, viewer.state)
    yield page
    context.close()


@pytest.fixture
def support_page(browser: Browser, support: Staff) -> Iterator[Page]:
    context, page = new_page(browser, support.state)
    yield page
    context.close()


@pytest.fixture
def auditor_page(browser: Browser, auditor: Staff) -> Iterator[Page]:
    context, page = new_page(browser, auditor.state)
    yield page
    context.close()


@pytest.fixture
def anonymous_page(browser: Browser) -> Iterator[Page]:
    context, page = new_page(browser)
    yield page
    context.close()
