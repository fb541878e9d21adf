"""The Audit page and who sees it: Auditors read it and change nothing; Viewers never see it."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import quote

import httpx
import pytest
from playwright.sync_api import Browser, Page, expect

from tests.e2e.conftest import PHONE, Staff, new_page
from tests.e2e.pages import AuditPage, UserPage, UsersPage, assert_accessible, screenshot
from tests.e2e.stack import Stack
from tests.support.tokens import CONNECTION, password_token

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def desk(stack: Stack) -> Iterator[httpx.Client]:
    """The desk API as the admin, to leave entries in the audit log."""
    admin = stack.admin
    token = password_token(
        stack.tenant,
        admin["email"],
        admin["password"],
        audience=stack.tenant.config["api_audience"],
    )["access_token"]
    with httpx.Client(
        base_url=f"{stack.desk_url}/api", headers={"Authorization": f"Bearer {token}"}, timeout=10
    ) as client:
        yield client


def create(management: httpx.Client, email: str, **fields: Any) -> str:
    created = management.post(
        "/users",
        json={"connection": CONNECTION, "email": email, "password": "Audit-password-1!", **fields},
    )
    assert created.status_code == 201, created.text
    user_id: str = created.json()["user_id"]
    return user_id


@pytest.fixture(scope="module")
def history(desk: httpx.Client, management: httpx.Client) -> dict[str, str]:
    """One user renamed through the desk and one deleted through it."""
    kept = create(management, "kept@audit-e2e.example", name="Kept Before")
    gone = create(management, "gone@audit-e2e.example", name="Gone Soon")
    renamed = desk.patch(f"/users/{quote(kept, safe='')}", json={"name": "Kept After"})
    assert renamed.status_code == 200, renamed.text
    deleted = desk.delete(f"/users/{quote(gone, safe='')}")
    assert deleted.status_code == 204, deleted.text
    return {"kept": kept, "gone": gone}


def test_auditor_reads_the_audit_log(
    browser: Browser, auditor: Staff, stack: Stack, history: dict[str, str]
) -> None:
    for viewport, label in ((None, "desk"), (PHONE, "phone")):
        context, page = new_page(browser, auditor.state, viewport)
        try:
            page.goto(f"{stack.desk_url}/users")
            page.get_by_role("link", name="Audit", exact=True).click()
            audit = AuditPage(page, stack.desk_url)
            expect(audit.heading).to_be_visible()
            audit.wait_loaded()
            expect(audit.rows.first.get_by_test_id("audit-action")).to_be_visible()
            # Newest first: the delete came last.
            expect(audit.rows.first.get_by_test_id("audit-action")).to_have_text("users.delete")
            details = audit.expand(0)
            expect(
                details.get_by_test_id("audit-snapshot").or_(
                    details.get_by_test_id("audit-redacted")
                )
            ).to_be_visible()
            page.wait_for_load_state("networkidle")
            screenshot(page, f"audit-{label}")
            assert_accessible(page)
        finally:
            context.close()


def test_filters_and_links_to_targets(
    admin_page: Page, stack: Stack, history: dict[str, str]
) -> None:
    audit = AuditPage(admin_page, stack.desk_url).open()
    audit.wait_loaded()
    audit.filter("Target", history["gone"])
    audit.apply()
    assert "target=" in admin_page.url
    expect(audit.rows).to_have_count(1)
    # The user is gone: its id is shown, not linked.
    expect(audit.rows.first.get_by_test_id("audit-target")).to_contain_text("(deleted)")
    expect(audit.rows.first.get_by_role("link")).to_have_count(0)

    audit.open(target=history["kept"])
    audit.wait_loaded()
    row = audit.rows.first
    expect(row.get_by_test_id("audit-action")).to_have_text(re.compile(r"^users\.update"))
    link = row.get_by_role("link", name=history["kept"])
    expect(link).to_be_visible()
    details = audit.expand(0)
    changes = details.get_by_test_id("audit-changes")
    expect(changes.get_by_role("row", name=re.compile("^name"))).to_contain_text("Kept Before")
    expect(changes.get_by_role("row", name=re.compile("^name"))).to_contain_text("Kept After")
    screenshot(admin_page, "audit-before-after")
    assert_accessible(admin_page)
    link.click()
    expect(UserPage(admin_page, stack.desk_url).title).to_have_text("Kept After")


def test_auditor_changes_nothing(auditor_page: Page, stack: Stack, history: dict[str, str]) -> None:
    users = UsersPage(auditor_page, stack.desk_url).open()
    users.wait_loaded()
    expect(auditor_page.get_by_role("button", name="New user")).to_have_count(0)
    expect(users.delete_buttons()).to_have_count(0)

    page = UserPage(auditor_page, stack.desk_url).open(history["kept"])
    expect(page.actions).to_have_count(0)
    expect(page.button("Edit profile")).to_have_count(0)
    page.tab("Metadata")
    expect(auditor_page.locator("textarea")).to_have_count(0)
    page.tab("Roles")
    # Once the roles have loaded (the form would be drawn only then), no way to assign one.
    expect(
        auditor_page.get_by_test_id("no-roles").or_(auditor_page.get_by_test_id("user-roles"))
    ).to_be_visible()
    expect(auditor_page.get_by_test_id("assign-role")).to_have_count(0)
    page.tab("Sessions")
    expect(auditor_page.get_by_test_id("sign-out-everywhere")).to_have_count(0)
    page.tab("History")
    expect(auditor_page.get_by_role("table", name="Audit entries")).to_be_visible()
    assert_accessible(auditor_page)


def test_viewer_does_not_see_the_audit_page(viewer_page: Page, stack: Stack) -> None:
    UsersPage(viewer_page, stack.desk_url).open().wait_loaded()
    expect(viewer_page.get_by_role("link", name="Audit", exact=True)).to_have_count(0)
    viewer_page.goto(f"{stack.desk_url}/audit")
    expect(viewer_page.get_by_test_id("missing-permission")).to_contain_text("read:audit")
    expect(viewer_page.get_by_role("table", name="Audit entries")).to_have_count(0)


def test_the_unfiltered_count_is_every_entry(
    admin_page: Page, stack: Stack, desk: httpx.Client, history: dict[str, str]
) -> None:
    listed = desk.get("/audit", params={"per_page": 100}).json()
    audit = AuditPage(admin_page, stack.desk_url).open()
    audit.wait_loaded()
    n = len(listed["entries"])
    assert n >= 2
    expect(audit.summary).to_have_text(f"{n} entries, newest first")


def test_filter_by_action_outcome_time_and_text(
    admin_page: Page, stack: Stack, history: dict[str, str]
) -> None:
    audit = AuditPage(admin_page, stack.desk_url).open()
    audit.wait_loaded()
    audit.filter("Action", "users.delete")
    admin_page.get_by_role("combobox", name="Outcome").click()
    admin_page.get_by_role("option", name="Succeeded", exact=True).click()
    audit.filter("From", "2000-01-01T00:00")
    # The search reads the actor, target and action: part of the deleted user's id.
    fragment = history["gone"][-8:]
    audit.filter("Search", fragment)
    audit.apply()
    for name in ("action=users.delete", "outcome=succeeded", "since=", f"q={fragment}"):
        assert name in admin_page.url, admin_page.url
    expect(audit.rows).to_have_count(1)
    expect(audit.rows.first.get_by_test_id("audit-target")).to_contain_text(history["gone"])

    # Nothing happened before 2000: an empty page that says so.
    audit.filter("From", "")
    audit.filter("Until", "2000-01-01T00:00")
    audit.apply()
    expect(admin_page.get_by_test_id("audit-empty")).to_be_visible()
    # The filters live in the address: a reload keeps them.
    admin_page.reload()
    expect(admin_page.get_by_label("Action", exact=True)).to_have_value("users.delete")
    expect(admin_page.get_by_test_id("audit-empty")).to_be_visible()
