"""The user page against a real desk and tenant: profile, metadata, block, roles, logs, create."""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable
from typing import Any
from urllib.parse import quote

import httpx
import pytest
from playwright.sync_api import Browser, Page, expect

from tests.e2e.conftest import PHONE, Staff, new_page, sign_in
from tests.e2e.pages import (
    ConfirmDialog,
    NewUserDialog,
    UserPage,
    UsersPage,
    assert_accessible,
    screenshot,
)
from tests.e2e.stack import Stack
from tests.support.tokens import CONNECTION, password_token

pytestmark = pytest.mark.e2e

PASSWORD = "Subject-password-for-tests-1"
_numbers = itertools.count(1)


def tenant_user(management: httpx.Client, user_id: str) -> dict[str, Any]:
    answer = management.get(f"/users/{quote(user_id, safe='')}")
    answer.raise_for_status()
    body: dict[str, Any] = answer.json()
    return body


def tenant_roles(management: httpx.Client, user_id: str) -> list[str]:
    answer = management.get(f"/users/{quote(user_id, safe='')}/roles")
    answer.raise_for_status()
    return sorted(role["name"] for role in answer.json())


@pytest.fixture
def make_user(management: httpx.Client) -> Callable[..., dict[str, Any]]:
    """A fresh user per call, so tests that change one never meet each other's changes."""

    def make(**fields: Any) -> dict[str, Any]:
        n = next(_numbers)
        body = {
            "connection": CONNECTION,
            "email": f"subject{n}@user-page-e2e.example",
            "password": PASSWORD,
            "name": f"Subject Number{n}",
            **fields,
        }
        created = management.post("/users", json=body)
        assert created.status_code == 201, created.text
        user: dict[str, Any] = created.json()
        return user

    return make


def test_open_a_user_from_the_table(
    admin_page: Page, stack: Stack, make_user: Callable[..., dict[str, Any]]
) -> None:
    user = make_user(name="Opal Tablerow")
    users = UsersPage(admin_page, stack.desk_url).open()
    users.wait_loaded()
    users.search(user["email"])
    users.row(user["email"]).get_by_role("link", name="Opal Tablerow").click()

    admin_page.wait_for_url(f"{stack.desk_url}/users/{quote(user['user_id'], safe='')}")
    page = UserPage(admin_page, stack.desk_url)
    expect(page.title).to_have_text("Opal Tablerow")
    expect(admin_page.get_by_test_id("user-email")).to_have_text(user["email"])
    expect(page.status).to_have_text("Active")
    expect(page.profile_value("email")).to_have_text(user["email"])
    expect(admin_page).to_have_title("User · Userdesk")
    # An admin may do everything here, except on their own account.
    for name in ("Block", "Send password reset", "Delete", "Edit profile"):
        expect(page.button(name)).to_be_visible()


def test_the_user_page_is_accessible_on_a_desk_and_a_phone(
    browser: Browser, admin: Staff, stack: Stack, make_user: Callable[..., dict[str, Any]]
) -> None:
    user = make_user(
        name="Ada Accessible",
        app_metadata={"plan": "pro"},
        user_metadata={"theme": "dark"},
    )
    for viewport, label in ((None, "desk"), (PHONE, "phone")):
        context, browser_page = new_page(browser, admin.state, viewport)
        try:
            page = UserPage(browser_page, stack.desk_url).open(user["user_id"])
            browser_page.wait_for_load_state("networkidle")
            screenshot(browser_page, f"user-{label}")
            assert_accessible(browser_page)
            page.tab("Metadata")
            page.metadata_box("App metadata").fill('{"plan": "team", "seats": 5}')
            expect(
                page.metadata_section("App metadata").get_by_test_id("metadata-preview")
            ).to_be_visible()
            screenshot(browser_page, f"user-metadata-{label}")
            assert_accessible(browser_page)
            page.tab("Raw JSON")
            expect(browser_page.get_by_test_id("raw-json")).to_contain_text(user["user_id"])
            assert_accessible(browser_page)
            page.button("Block").click()
            expect(ConfirmDialog(browser_page, "Block user").root).to_be_visible()
            assert_accessible(browser_page)
            screenshot(browser_page, f"user-block-dialog-{label}")
        finally:
            context.close()


def test_an_unknown_user_says_so(admin_page: Page, stack: Stack) -> None:
    admin_page.goto(f"{stack.desk_url}/users/auth0%7Cno-such-user")
    expect(admin_page.get_by_role("heading", level=1)).to_have_text("User not found")
    expect(admin_page.get_by_test_id("user-error")).to_contain_text("may have been deleted")


def test_edit_the_name(
    admin_page: Page,
    stack: Stack,
    management: httpx.Client,
    make_user: Callable[..., dict[str, Any]],
) -> None:
    user = make_user(name="Before Rename")
    page = UserPage(admin_page, stack.desk_url).open(user["user_id"])
    with admin_page.expect_response(lambda r: r.request.method == "PATCH") as answer:
        page.edit_profile(name="After Rename", nickname="renamed")
    assert answer.value.request.post_data_json == {"name": "After Rename", "nickname": "renamed"}
    expect(page.title).to_have_text("After Rename")
    expect(page.profile_value("nickname")).to_have_text("renamed")
    page.expect_announced("Profile saved")
    stored = tenant_user(management, user["user_id"])
    assert (stored["name"], stored["nickname"]) == ("After Rename", "renamed")


def test_edit_metadata_merges_and_deletes_keys(
    admin_page: Page,
    stack: Stack,
    management: httpx.Client,
    make_user: Callable[..., dict[str, Any]],
) -> None:
    user = make_user(app_metadata={"plan": "free", "legacy": True, "seats": 3})
    page = UserPage(admin_page, stack.desk_url).open(user["user_id"])
    page.tab("Metadata")
    section = page.metadata_section("App metadata")
    box = page.metadata_box("App metadata")

    box.fill('{"plan": "pro", "seats": 3,')
    expect(section.get_by_test_id("metadata-invalid")).to_contain_text("not valid JSON")
    expect(section.get_by_role("button", name="Save app metadata")).to_be_disabled()

    box.fill('{"plan": "pro", "seats": 3, "team": "blue"}')
    preview = section.get_by_test_id("metadata-preview")
    expect(preview.get_by_test_id("will-merge")).to_have_count(2)
    expect(preview.get_by_test_id("will-merge").first).to_contain_text("plan")
    expect(preview.get_by_test_id("will-delete")).to_have_text(["Delete legacy: true"])
    with admin_page.expect_response(lambda r: r.request.method == "PATCH") as answer:
        section.get_by_role("button", name="Save app metadata").click()
    assert answer.value.ok, answer.value.status
    assert answer.value.request.post_data_json == {
        "app_metadata": {"plan": "pro", "team": "blue", "legacy": None}
    }
    page.expect_announced("App metadata saved")
    expect(section.get_by_text("No changes.")).to_be_visible()
    assert tenant_user(management, user["user_id"])["app_metadata"] == {
        "plan": "pro",
        "seats": 3,
        "team": "blue",
    }


def test_block_and_unblock(
    admin_page: Page,
    stack: Stack,
    management: httpx.Client,
    make_user: Callable[..., dict[str, Any]],
) -> None:
    user = make_user(name="Blocky McBlock")
    page = UserPage(admin_page, stack.desk_url).open(user["user_id"])

    confirm = page.act("Block", "Block user")
    expect(confirm.root).to_contain_text("cannot sign in until someone unblocks them")
    confirm.cancel()
    expect(page.status).to_have_text("Active")

    page.act("Block", "Block user").confirm()
    expect(page.status).to_have_text("Blocked")
    page.expect_announced("User blocked")
    assert tenant_user(management, user["user_id"])["blocked"] is True

    page.act("Unblock", "Unblock user").confirm()
    expect(page.status).to_have_text("Active")
    page.expect_announced("User unblocked")
    assert tenant_user(management, user["user_id"])["blocked"] is False


def test_assign_and_remove_a_role(
    admin_page: Page,
    stack: Stack,
    management: httpx.Client,
    make_user: Callable[..., dict[str, Any]],
) -> None:
    user = make_user()
    page = UserPage(admin_page, stack.desk_url).open(user["user_id"])
    page.tab("Roles")
    expect(admin_page.get_by_test_id("no-roles")).to_be_visible()

    page.assign_role("Viewer")
    expect(page.role_names).to_have_text(["Viewer"])
    page.expect_announced("Role assigned")
    screenshot(admin_page, "user-roles")
    assert_accessible(admin_page)
    assert tenant_roles(management, user["user_id"]) == ["Viewer"]

    page.remove_role("Viewer")
    expect(page.role_names).to_have_count(0)
    page.expect_announced("Role removed")
    assert tenant_roles(management, user["user_id"]) == []


def test_logs_show_events_in_words(
    admin_page: Page,
    stack: Stack,
    management: httpx.Client,
    make_user: Callable[..., dict[str, Any]],
) -> None:
    user = make_user()
    password_token(stack.tenant, user["email"], PASSWORD)
    logs = management.get(f"/users/{quote(user['user_id'], safe='')}/logs")
    logs.raise_for_status()
    code = logs.json()[0]["type"]
    page = UserPage(admin_page, stack.desk_url).open(user["user_id"])
    page.tab("Logs")
    events = admin_page.get_by_role("table", name="Events")
    first = events.get_by_test_id("log-type").first
    # The provider's code ("seacft"...) in words, newest first.
    expect(first).to_have_text(re.compile(r"^[A-Z][a-z]+( [a-z]+)+"))
    expect(first).not_to_have_text(code)
    expect(admin_page.get_by_test_id("logs-summary")).to_contain_text("newest first")
    screenshot(admin_page, "user-logs")
    assert_accessible(admin_page)


def test_delete_from_the_user_page(
    admin_page: Page,
    stack: Stack,
    management: httpx.Client,
    make_user: Callable[..., dict[str, Any]],
) -> None:
    user = make_user(name="Doomed Dora")
    page = UserPage(admin_page, stack.desk_url).open(user["user_id"])
    confirm = page.act("Delete", "Delete user")
    expect(confirm.root).to_contain_text("cannot be undone")
    confirm.confirm()
    admin_page.wait_for_url(f"{stack.desk_url}/users")
    assert management.get(f"/users/{quote(user['user_id'], safe='')}").status_code == 404


def test_no_delete_on_ones_own_page(
    admin_page: Page, stack: Stack, management: httpx.Client
) -> None:
    found = management.get("/users-by-email", params={"email": stack.admin["email"]})
    own_id = found.json()[0]["user_id"]
    page = UserPage(admin_page, stack.desk_url).open(own_id)
    expect(page.button("Block")).to_be_visible()
    expect(page.button("Delete")).to_have_count(0)


@pytest.fixture
def can_create(management: httpx.Client) -> None:
    """The desk creates users in a database connection it finds with GET /api/v2/connections."""
    if management.get("/connections", params={"strategy": "auth0"}).status_code == 404:
        pytest.skip("the tenant answers 404 for GET /api/v2/connections")


@pytest.mark.usefixtures("can_create")
def test_create_a_user_who_then_signs_in(browser: Browser, admin_page: Page, stack: Stack) -> None:
    email, password = "newcomer@user-page-e2e.example", "Newcomer-password-for-tests-1"
    users = UsersPage(admin_page, stack.desk_url).open()
    users.wait_loaded()
    dialog = NewUserDialog(admin_page).open()
    assert_accessible(admin_page)
    screenshot(admin_page, "new-user-dialog")
    dialog.fill(email, password, name="Nina Newcomer", verified=True)
    dialog.submit()
    admin_page.wait_for_url(re.compile(re.escape(f"{stack.desk_url}/users/") + r".+"))
    page = UserPage(admin_page, stack.desk_url)
    expect(page.title).to_have_text("Nina Newcomer")
    expect(admin_page.get_by_test_id("email-verified")).to_have_text("Verified")

    context, newcomer = new_page(browser)
    try:
        sign_in(newcomer, stack, email, password)
    finally:
        context.close()


@pytest.mark.usefixtures("can_create")
def test_create_explains_duplicates_and_weak_passwords(
    admin_page: Page, stack: Stack, make_user: Callable[..., dict[str, Any]]
) -> None:
    existing = make_user()
    UsersPage(admin_page, stack.desk_url).open().wait_loaded()
    dialog = NewUserDialog(admin_page).open()
    dialog.fill(existing["email"], "Another-password-for-tests-1")
    dialog.submit()
    expect(dialog.email_error).to_contain_text("already exists")

    dialog.fill("weakling@user-page-e2e.example", "abc")
    dialog.submit()
    expect(dialog.password_error).to_contain_text("too weak")
    expect(dialog.root).to_be_visible()


def test_support_edits_and_blocks_but_sees_no_create_delete_or_role_controls(
    support_page: Page,
    stack: Stack,
    management: httpx.Client,
    make_user: Callable[..., dict[str, Any]],
) -> None:
    user = make_user(name="Supported Sue")
    # A role held, so that a Remove button would show if Support were wrongly offered one.
    roles = management.get("/roles", params={"name_filter": "Viewer"}).json()
    viewer = next(role["id"] for role in roles if role["name"] == "Viewer")
    assigned = management.post(
        f"/users/{quote(user['user_id'], safe='')}/roles", json={"roles": [viewer]}
    )
    assert assigned.status_code in (200, 201, 204), assigned.text
    users = UsersPage(support_page, stack.desk_url).open()
    users.wait_loaded()
    expect(support_page.get_by_role("button", name="New user")).to_have_count(0)
    expect(users.delete_buttons()).to_have_count(0)
    expect(support_page.get_by_role("link", name="Audit")).to_have_count(0)

    page = UserPage(support_page, stack.desk_url).open(user["user_id"])
    expect(page.button("Edit profile")).to_be_visible()
    expect(page.button("Block")).to_be_visible()
    expect(page.button("Delete")).to_have_count(0)
    expect(support_page.get_by_role("tab", name="History")).to_have_count(0)
    page.tab("Roles")
    expect(support_page.get_by_test_id("user-roles")).to_contain_text("Viewer")
    expect(support_page.get_by_test_id("assign-role")).to_have_count(0)
    expect(support_page.get_by_role("button", name=re.compile("^Remove "))).to_have_count(0)

    page.act("Block", "Block user").confirm()
    expect(page.status).to_have_text("Blocked")
