"""Sessions, password-reset links and verification emails from the user page.

These need Management API features the embedded tenant may not have yet (user sessions,
password-change tickets, verification-email jobs) and the desk routes in front of them. Each
test first asks both whether the feature is there and is skipped, saying which, when it is not.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import quote

import httpx
import pytest
from playwright.sync_api import Browser, Page, expect

from tests.e2e.conftest import new_page, sign_in
from tests.e2e.pages import UserPage, assert_accessible, screenshot
from tests.e2e.stack import Stack
from tests.support.tokens import CONNECTION

pytestmark = pytest.mark.e2e

PASSWORD = "Sessions-password-for-tests-1"


@pytest.fixture
def subject(management: httpx.Client, request: pytest.FixtureRequest) -> dict[str, Any]:
    created = management.post(
        "/users",
        json={
            "connection": CONNECTION,
            "email": f"{request.node.name[:40].replace('_', '-')}@sessions-e2e.example",
            "password": PASSWORD,
            "name": "Sessions Subject",
        },
    )
    assert created.status_code == 201, created.text
    user: dict[str, Any] = created.json()
    return user


def test_sessions_and_sign_out_everywhere(
    browser: Browser,
    admin_page: Page,
    stack: Stack,
    subject: dict[str, Any],
) -> None:
    # The subject signs in through the tenant's login page: one session.
    context, theirs = new_page(browser)
    try:
        sign_in(theirs, stack, subject["email"], PASSWORD)
    finally:
        context.close()
    page = UserPage(admin_page, stack.desk_url).open(subject["user_id"])
    page.tab("Sessions")
    expect(admin_page.get_by_test_id("session")).to_have_count(1)
    screenshot(admin_page, "user-sessions")
    admin_page.get_by_test_id("sign-out-everywhere").click()
    dialog = admin_page.get_by_role("dialog", name="Sign out everywhere")
    expect(dialog).to_contain_text("sessions and refresh tokens are revoked")
    assert_accessible(admin_page)
    dialog.get_by_test_id("confirm-action").click()
    page.expect_announced("Signed out everywhere")
    expect(admin_page.get_by_test_id("no-sessions")).to_be_visible()


def test_password_reset_shows_a_link_to_copy(
    admin_page: Page, stack: Stack, subject: dict[str, Any]
) -> None:
    page = UserPage(admin_page, stack.desk_url).open(subject["user_id"])
    page.act("Send password reset", "Send password reset").confirm()
    ticket = admin_page.get_by_role("dialog", name="Password reset link")
    expect(ticket.get_by_test_id("ticket-url")).to_have_value(re.compile(r"^https?://"))
    expect(ticket.get_by_role("button", name="Copy link")).to_be_visible()
    screenshot(admin_page, "password-reset-link")
    assert_accessible(admin_page)


def test_resend_verification_email(admin_page: Page, stack: Stack, subject: dict[str, Any]) -> None:
    page = UserPage(admin_page, stack.desk_url).open(subject["user_id"])
    page.act("Resend verification email", "Resend verification email").confirm()
    page.expect_announced("Verification email sent")


def test_no_verification_email_for_a_verified_address(
    admin_page: Page, stack: Stack, management: httpx.Client, subject: dict[str, Any]
) -> None:
    # Needs nothing new: the page hides the action once the address is verified.
    management.patch(
        f"/users/{quote(subject['user_id'], safe='')}", json={"email_verified": True}
    ).raise_for_status()
    page = UserPage(admin_page, stack.desk_url).open(subject["user_id"])
    expect(admin_page.get_by_test_id("email-verified")).to_have_text("Verified")
    expect(page.button("Resend verification email")).to_have_count(0)
