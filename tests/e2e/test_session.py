"""Signing in through the tenant, staying signed in, signing out, and what each role sees."""

from __future__ import annotations

import re

import httpx
import pytest
from playwright.sync_api import Browser, Page, expect

from tests.e2e.conftest import Staff, new_page, sign_in
from tests.e2e.pages import Header, TenantLoginPage, UsersPage, screenshot
from tests.e2e.stack import STATIC, Stack
from tests.support.desk import desk_settings, start_desk

pytestmark = pytest.mark.e2e


def test_sign_in_through_the_tenant_login_page_returns_to_the_page_asked_for(
    browser: Browser, stack: Stack
) -> None:
    context, page = new_page(browser)
    try:
        page.goto(f"{stack.desk_url}/users")
        page.wait_for_url(re.compile(re.escape(stack.tenant.url)))
        login = TenantLoginPage(page)
        login.expect_shown()
        screenshot(page, "tenant-login")
        login.sign_in(stack.admin["email"], stack.admin["password"])

        page.wait_for_url(f"{stack.desk_url}/users")
        header = Header(page)
        expect(header.signed_in_as).to_contain_text(stack.admin["email"])
        # Role names and the effective permissions both come from the desk's /api/me.
        expect(header.roles).to_have_text(["Admin"])
        expect(header.permissions_button).to_have_text("7 permissions")
        popover = header.open_permissions()
        expect(popover).to_contain_text("delete:users: delete users")
        # Last: a full-page screenshot resizes the viewport, and a resize closes the popover.
        screenshot(page, "header-permissions")
        page.keyboard.press("Escape")
        expect(popover).to_be_hidden()
        assert {"read:users", "delete:users", "read:audit", "manage:users"} <= set(
            header.permissions()
        )
        users = UsersPage(page, stack.desk_url)
        users.wait_loaded()
        expect(users.rows).to_have_count(10)
    finally:
        context.close()


def test_a_reload_keeps_the_staff_member_signed_in(admin_page: Page, stack: Stack) -> None:
    users = UsersPage(admin_page, stack.desk_url).open()
    users.wait_loaded()
    first_emails = users.emails()
    tenant_requests: list[str] = []
    admin_page.on(
        "request",
        lambda r: tenant_requests.append(r.url) if r.url.startswith(stack.tenant.url) else None,
    )

    admin_page.reload()

    users.wait_loaded()
    assert admin_page.url == users.url
    assert users.emails() == first_emails
    expect(Header(admin_page).log_out).to_be_visible()
    assert not [url for url in tenant_requests if "/authorize" in url], tenant_requests


def test_sign_out_ends_the_session_at_the_desk_and_the_tenant(
    browser: Browser, stack: Stack
) -> None:
    context, page = new_page(browser)
    try:
        sign_in(page, stack, stack.admin["email"], stack.admin["password"])
        header = Header(page)
        header.log_out.click()

        page.wait_for_url(re.compile(rf"^{re.escape(stack.desk_url)}/?$"))
        expect(header.log_in).to_be_visible()
        expect(header.signed_in_as).to_have_count(0)
        keys = page.evaluate("() => Object.keys(localStorage)")
        assert not [key for key in keys if key.startswith("@@auth0spajs@@")], keys
        # The tenant's session went too: a signed-in page asks for the password again.
        page.goto(f"{stack.desk_url}/users")
        page.wait_for_url(re.compile(re.escape(stack.tenant.url)))
        TenantLoginPage(page).expect_shown()
    finally:
        context.close()


def test_a_viewer_sees_no_delete_button_and_a_forced_delete_is_refused(
    viewer_page: Page, viewer: Staff, stack: Stack, management: httpx.Client
) -> None:
    users = UsersPage(viewer_page, stack.desk_url).open()
    users.wait_loaded()
    expect(users.rows).to_have_count(10)
    assert Header(viewer_page).permissions() == ["read:users"]
    expect(Header(viewer_page).roles).to_have_text(["Viewer"])
    expect(users.delete_buttons()).to_have_count(0)
    expect(viewer_page.get_by_role("columnheader", name="Actions")).to_have_count(0)
    screenshot(viewer_page, "users-viewer")

    listed = management.get("/users", params={"per_page": 5, "page": 1}).json()
    victim = next(u for u in listed if u["email"] not in (viewer.email, stack.admin["email"]))
    status = viewer_page.evaluate(
        """async (userId) => {
            // auth0-spa-js's cache: one entry per audience and scope, beside the ID token's.
            const token = Object.keys(localStorage)
                .filter((k) => k.startsWith("@@auth0spajs@@::"))
                .map((k) => JSON.parse(localStorage.getItem(k)).body?.access_token)
                .find(Boolean);
            const answer = await fetch(`/api/users/${encodeURIComponent(userId)}`, {
                method: "DELETE",
                headers: { Authorization: `Bearer ${token}` },
            });
            return answer.status;
        }""",
        victim["user_id"],
    )
    assert status == 403
    assert management.get(f"/users/{victim['user_id']}").status_code == 200


def test_staff_without_read_users_are_told_what_is_missing(
    browser: Browser, no_role: Staff, stack: Stack
) -> None:
    context, page = new_page(browser, no_role.state)
    try:
        page.goto(f"{stack.desk_url}/users")
        note = page.get_by_test_id("missing-permission")
        expect(note).to_contain_text("You need the read:users permission")
        expect(page.get_by_role("table")).to_have_count(0)
        expect(Header(page).root.get_by_role("link", name="Users")).to_have_count(0)
        screenshot(page, "users-missing-permission")
    finally:
        context.close()


def test_signing_in_from_the_welcome_page_lands_on_users(browser: Browser, stack: Stack) -> None:
    context, page = new_page(browser)
    try:
        page.goto(stack.desk_url)
        expect(page.get_by_role("heading", level=1)).to_have_text("Userdesk")
        screenshot(page, "welcome")
        page.get_by_test_id("welcome-log-in").click()
        TenantLoginPage(page).sign_in(stack.admin["email"], stack.admin["password"])
        page.wait_for_url(f"{stack.desk_url}/users")
        UsersPage(page, stack.desk_url).wait_loaded()
        # Signed in, the desk's address opens Users too.
        page.goto(stack.desk_url)
        page.wait_for_url(f"{stack.desk_url}/users")
        expect(Header(page).root.get_by_role("link", name="Events")).to_have_attribute(
            "href", "/events"
        )
    finally:
        context.close()


def test_the_not_found_page_offers_users(anonymous_page: Page, stack: Stack) -> None:
    anonymous_page.goto(f"{stack.desk_url}/no/such/page")
    expect(anonymous_page.get_by_role("heading", level=1)).to_have_text("Page not found")
    expect(anonymous_page.get_by_role("link", name="Go to Users")).to_have_attribute(
        "href", "/users"
    )
    expect(anonymous_page.get_by_text("Go to the events")).to_have_count(0)


def test_events_are_public_and_an_event_needs_sign_in(anonymous_page: Page, stack: Stack) -> None:
    anonymous_page.goto(f"{stack.desk_url}/events")
    events = anonymous_page.get_by_test_id("events")
    expect(events.get_by_role("link")).to_have_count(2)
    screenshot(anonymous_page, "home")
    events.get_by_role("link").first.click()
    anonymous_page.wait_for_url(re.compile(re.escape(stack.tenant.url)))
    TenantLoginPage(anonymous_page).expect_shown()


def test_a_signed_in_staff_member_reads_an_event(admin_page: Page, stack: Stack) -> None:
    admin_page.goto(f"{stack.desk_url}/events/1")
    expect(admin_page.get_by_role("heading", level=1)).to_have_text("Charity Ball")
    expect(admin_page.get_by_text("1234 Fancy Ave")).to_be_visible()
    screenshot(admin_page, "event")

    admin_page.goto(f"{stack.desk_url}/events/999")
    expect(admin_page.get_by_role("alert")).to_contain_text("No event with id 999")


def test_a_forged_sign_in_callback_is_refused_and_explained(
    anonymous_page: Page, stack: Stack
) -> None:
    anonymous_page.goto(f"{stack.desk_url}/?code=stolen&state=forged")
    expect(anonymous_page.get_by_test_id("session-error")).to_contain_text(
        "Signing in did not work"
    )
    anonymous_page.wait_for_url(re.compile(rf"^{re.escape(stack.desk_url)}/$"))
    expect(Header(anonymous_page).log_in).to_be_visible()


def test_a_desk_without_the_spa_client_id_says_which_setting_is_missing(
    anonymous_page: Page, stack: Stack
) -> None:
    desk = start_desk(desk_settings(stack.tenant, spa_client_id=None), static_dir=STATIC)
    try:
        anonymous_page.goto(desk.url)
        alert = anonymous_page.get_by_role("alert")
        expect(alert).to_contain_text("Userdesk could not start")
        expect(alert).to_contain_text("clientId (set AUTH0_SPA_CLIENT_ID)")
    finally:
        desk.stop()
