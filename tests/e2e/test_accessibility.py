"""axe-core finds no serious or critical violation on any page, signed in or not."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.e2e.conftest import PHONE, Staff, new_page
from tests.e2e.pages import Header, TenantLoginPage, UsersPage, assert_accessible, screenshot
from tests.e2e.stack import Stack

pytestmark = pytest.mark.e2e


@pytest.mark.parametrize(
    ("path", "ready"),
    [
        ("/", "Userdesk"),
        ("/events", "Events"),
        ("/about", "About Userdesk"),
        ("/no/such/page", "Page not found"),
    ],
)
def test_public_pages(anonymous_page: Page, stack: Stack, path: str, ready: str) -> None:
    anonymous_page.goto(f"{stack.desk_url}{path}")
    expect(anonymous_page.get_by_role("heading", level=1)).to_have_text(ready)
    anonymous_page.wait_for_load_state("networkidle")
    screenshot(anonymous_page, f"public-{ready.lower().replace(' ', '-')}")
    assert_accessible(anonymous_page)


def test_tenant_login_page(anonymous_page: Page, stack: Stack) -> None:
    anonymous_page.goto(f"{stack.desk_url}/users")
    anonymous_page.wait_for_url(re.compile(re.escape(stack.tenant.url)))
    TenantLoginPage(anonymous_page).expect_shown()
    assert_accessible(anonymous_page)


def test_event_page(admin_page: Page, stack: Stack) -> None:
    admin_page.goto(f"{stack.desk_url}/events/2")
    expect(admin_page.get_by_role("heading", level=1)).to_have_text("Rescue Center Goods Drive")
    assert_accessible(admin_page)


def test_users_page_and_delete_dialog(admin_page: Page, stack: Stack) -> None:
    users = UsersPage(admin_page, stack.desk_url).open()
    users.wait_loaded()
    admin_page.wait_for_load_state("networkidle")
    assert_accessible(admin_page)

    # Not the admin's own row: it offers no delete.
    dialog = users.ask_delete(next(e for e in users.emails() if e != stack.admin["email"]))
    # Keyboard users land inside the dialog, on the safe choice, and Escape backs out.
    expect(dialog.get_by_role("button", name="Cancel")).to_be_focused()
    assert_accessible(admin_page)
    admin_page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()


def test_users_page_is_usable_from_the_keyboard(admin_page: Page, stack: Stack) -> None:
    users = UsersPage(admin_page, stack.desk_url).open()
    users.wait_loaded()
    admin_page.keyboard.press("Tab")
    expect(admin_page.get_by_role("link", name="Skip to content")).to_be_focused()
    admin_page.keyboard.press("Enter")
    expect(admin_page.locator("main#main")).to_be_focused()
    users.search_box.focus()
    admin_page.keyboard.type("zzqx-nobody")
    expect(users.empty).to_have_text("No users match this search.")
    admin_page.keyboard.press("Control+A")
    admin_page.keyboard.press("Backspace")
    expect(users.rows).to_have_count(10)
    # Sorting from the keyboard: focus the column header and press Enter.
    header = admin_page.get_by_role("columnheader", name="Logins")
    header.focus()
    with admin_page.expect_response(lambda r: "sort=logins_count" in r.url):
        admin_page.keyboard.press("Enter")
    expect(header).to_have_attribute("aria-sort", "ascending")


def test_viewer_and_missing_permission_pages(
    browser: Browser, viewer: Staff, no_role: Staff, stack: Stack
) -> None:
    for staff in (viewer, no_role):
        context, page = new_page(browser, staff.state)
        try:
            page.goto(f"{stack.desk_url}/users")
            if staff is viewer:
                UsersPage(page, stack.desk_url).wait_loaded()
            else:
                expect(page.get_by_test_id("missing-permission")).to_be_visible()
            page.wait_for_load_state("networkidle")
            assert_accessible(page)
        finally:
            context.close()


def test_the_permissions_popover_works_from_the_keyboard(admin_page: Page, stack: Stack) -> None:
    users = UsersPage(admin_page, stack.desk_url).open()
    users.wait_loaded()
    header = Header(admin_page)
    header.permissions_button.focus()
    expect(header.permissions_button).to_have_attribute("aria-expanded", "false")
    admin_page.keyboard.press("Enter")
    popover = header.permissions_popover
    expect(popover).to_be_visible()
    expect(header.permissions_button).to_have_attribute("aria-expanded", "true")
    # Focus moves into the popover, and Escape brings it back to the button.
    expect(popover.get_by_role("heading", name="Your permissions")).to_be_focused()
    assert_accessible(admin_page)
    admin_page.keyboard.press("Escape")
    expect(popover).to_be_hidden()
    expect(header.permissions_button).to_be_focused()


def test_phone_sized_pages_fit_and_stay_accessible(
    browser: Browser, admin: Staff, stack: Stack
) -> None:
    for state, path, ready in (
        (None, "/", "Userdesk"),
        (None, "/events", "Events"),
        (None, "/no/such/page", "Page not found"),
        (admin.state, "/users", "Users"),
    ):
        context, page = new_page(browser, state, viewport=PHONE)
        try:
            page.goto(f"{stack.desk_url}{path}")
            expect(page.get_by_role("heading", level=1)).to_have_text(ready)
            page.wait_for_load_state("networkidle")
            name = ready.lower().replace(" ", "-")
            screenshot(page, f"phone-{name}")
            assert page.evaluate("() => document.scrollingElement.scrollWidth") <= PHONE["width"]
            assert_accessible(page)
            if state is not None:
                Header(page).open_permissions()
                assert (
                    page.evaluate("() => document.scrollingElement.scrollWidth") <= PHONE["width"]
                )
                assert_accessible(page)
                # Last: the full-page screenshot's resize closes the popover.
                screenshot(page, f"phone-{name}-permissions")
        finally:
            context.close()
