"""Page objects: what a staff member sees and does, so tests read as the steps they take."""

from __future__ import annotations

import json
import re
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, quote, urlparse

from playwright.sync_api import Locator, Page, expect

from tests.e2e.stack import AXE

SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-output" / "screenshots"


def screenshot(page: Page, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True, animations="disabled")
    return path


@lru_cache(maxsize=1)
def _axe_source() -> str:
    return AXE.read_text(encoding="utf-8")


def serious_violations(page: Page) -> list[dict[str, Any]]:
    """axe-core's serious and critical findings on the page as it is now."""
    # Evaluated through the debugging protocol: the desk's CSP rightly refuses inline scripts.
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(_axe_source())
    results = page.evaluate(
        "async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
    )
    return [
        {
            "id": v["id"],
            "impact": v["impact"],
            "help": v["help"],
            "nodes": [n["target"] for n in v["nodes"]][:5],
        }
        for v in results
        if v["impact"] in ("serious", "critical")
    ]


def settle_animations(page: Page) -> None:
    """Wait out finite CSS transitions: axe measures contrast on what is painted now."""
    page.evaluate(
        """() => Promise.all(document.getAnimations()
            .filter((a) => a.effect && a.effect.getTiming().iterations !== Infinity)
            .map((a) => a.finished.catch(() => null)))"""
    )


def assert_accessible(page: Page) -> None:
    settle_animations(page)
    found = serious_violations(page)
    assert not found, json.dumps(found, indent=2)


class TenantLoginPage:
    """The embedded tenant's /authorize login form."""

    def __init__(self, page: Page) -> None:
        self.page = page

    def expect_shown(self) -> None:
        expect(self.page.get_by_role("heading", name="Sign in")).to_be_visible()

    def sign_in(self, email: str, password: str) -> None:
        self.expect_shown()
        self.page.get_by_label("Email address").fill(email)
        self.page.get_by_label("Password").fill(password)
        self.page.get_by_role("button", name="Continue").click()


class Header:
    def __init__(self, page: Page) -> None:
        self.page = page
        self.root = page.locator("header.app-header")
        self.log_in = self.root.get_by_role("button", name="Log in")
        self.log_out = self.root.get_by_role("button", name="Log out")
        self.signed_in_as = self.root.get_by_test_id("signed-in-as")

        self.permissions_button = self.root.get_by_test_id("show-permissions")
        # PrimeVue puts the popover at the end of <body>, outside the header.
        self.permissions_popover = page.get_by_role("dialog", name="Your permissions")

    def open_permissions(self) -> Locator:
        self.permissions_button.click()
        expect(self.permissions_popover).to_be_visible()
        return self.permissions_popover

    def permissions(self) -> list[str]:
        """The effective permissions, read from the popover (closed again afterwards)."""
        popover = self.open_permissions()
        found = [t.strip() for t in popover.get_by_test_id("permission").all_inner_texts()]
        self.page.keyboard.press("Escape")
        expect(self.permissions_popover).to_be_hidden()
        return found

    @property
    def roles(self) -> Locator:
        return self.root.get_by_test_id("role")


class UsersPage:
    def __init__(self, page: Page, desk_url: str) -> None:
        self.page = page
        self.url = f"{desk_url}/users"
        self.search_box = page.get_by_label("Search users")
        self.rows = page.locator("tbody tr").filter(has=page.get_by_test_id("user-email"))
        self.summary = page.get_by_test_id("users-summary")
        self.empty = page.get_by_test_id("users-empty")
        self.dialog = page.get_by_role("dialog", name="Delete user")
        self.table = page.get_by_role("table", name="Users")
        self.search_mode = page.get_by_test_id("search-mode")
        self.error = page.get_by_test_id("users-error")

    def open(self) -> UsersPage:
        self.page.goto(self.url)
        return self

    def wait_loaded(self, summary: re.Pattern[str] | str = re.compile(r"^\d+ users?$")) -> None:
        expect(self.page.get_by_role("heading", name="Users", level=1)).to_be_visible()
        expect(self.table).to_have_attribute("aria-busy", "false")
        expect(self.summary).to_have_text(summary)

    def emails(self) -> list[str]:
        return [e.strip() for e in self.rows.get_by_test_id("user-email").all_inner_texts()]

    def total(self) -> int:
        match = re.match(r"(\d+)", self.summary.inner_text())
        assert match, self.summary.inner_text()
        return int(match.group(1))

    def search(self, text: str) -> str:
        """Type ``text`` and wait for the list; the ``q`` the page sent for it."""
        with self.page.expect_response(lambda r: "/api/users?" in r.url) as answer:
            self.search_box.fill(text)
        assert answer.value.ok, answer.value.status
        self.wait_loaded()
        return parse_qs(urlparse(answer.value.url).query).get("q", [""])[0]

    def row(self, email: str) -> Locator:
        return self.rows.filter(has=self.page.get_by_text(email, exact=True))

    def sort_by(self, header: str) -> None:
        with self.page.expect_response(lambda r: "/api/users?" in r.url and "sort=" in r.url):
            self.page.get_by_role("columnheader", name=header).click()
        self.wait_loaded()

    def next_page(self) -> None:
        with self.page.expect_response(lambda r: "/api/users?" in r.url):
            self.page.get_by_role("button", name="Next Page").click()
        self.wait_loaded()

    def choose_page_size(self, size: int) -> None:
        sizes = self.page.get_by_role("combobox", name=re.compile("Rows per page", re.I))
        with self.page.expect_response(lambda r: f"per_page={size}" in r.url):
            sizes.select_option(str(size))
        self.wait_loaded()

    def delete_buttons(self) -> Locator:
        return self.page.get_by_role("button", name=re.compile(r"^Delete "))

    def ask_delete(self, email: str) -> Locator:
        self.row(email).get_by_role("button", name=re.compile(r"^Delete ")).click()
        expect(self.dialog).to_be_visible()
        return self.dialog


class ConfirmDialog:
    """The question a write asks first (PrimeVue Dialog): what will happen, Cancel or go."""

    def __init__(self, page: Page, title: str) -> None:
        self.page = page
        self.root = page.get_by_role("dialog", name=title)

    def confirm(self) -> None:
        expect(self.root).to_be_visible()
        self.root.get_by_test_id("confirm-action").click()
        expect(self.root).to_be_hidden()

    def cancel(self) -> None:
        self.root.get_by_role("button", name="Cancel").click()
        expect(self.root).to_be_hidden()


class UserPage:
    """One user at /users/{id}: header, actions and tabs."""

    def __init__(self, page: Page, desk_url: str) -> None:
        self.page = page
        self.desk_url = desk_url
        self.title = page.get_by_test_id("user-title")
        self.status = page.locator("[data-testid=blocked], [data-testid=active]")
        self.actions = page.get_by_role("group", name="Actions")
        self.announcement = page.get_by_test_id("announcement")

    def open(self, user_id: str) -> UserPage:
        self.page.goto(f"{self.desk_url}/users/{quote(user_id, safe='')}")
        self.wait_loaded()
        return self

    def wait_loaded(self) -> None:
        expect(self.title).to_be_visible()

    def tab(self, name: str) -> None:
        self.page.get_by_role("tab", name=name, exact=True).click()
        expect(self.page.get_by_role("tab", name=name, exact=True)).to_have_attribute(
            "aria-selected", "true"
        )

    def button(self, name: str) -> Locator:
        return self.page.get_by_role("button", name=name, exact=True)

    def act(self, button: str, dialog: str) -> ConfirmDialog:
        """Press an action and answer its confirmation."""
        self.button(button).click()
        confirm = ConfirmDialog(self.page, dialog)
        expect(confirm.root).to_be_visible()
        return confirm

    def expect_announced(self, text: str | re.Pattern[str]) -> None:
        expect(self.announcement).to_contain_text(text)

    # Profile
    def edit_profile(self, **fields: str) -> None:
        labels = {
            "name": "Name",
            "nickname": "Nickname",
            "given_name": "Given name",
            "family_name": "Family name",
            "picture": "Picture URL",
            "email": "Email",
        }
        self.button("Edit profile").click()
        form = self.page.get_by_role("form", name="Edit profile")
        for field, value in fields.items():
            form.get_by_label(labels[field], exact=True).fill(value)
        form.get_by_role("button", name="Save").click()
        expect(form).to_be_hidden()

    def profile_value(self, field: str) -> Locator:
        return self.page.get_by_test_id(f"profile-{field}")

    # Metadata
    def metadata_box(self, which: str) -> Locator:
        """``which`` is "App metadata" or "User metadata"."""
        return self.page.get_by_label(f"{which} as JSON")

    def metadata_section(self, which: str) -> Locator:
        return self.page.get_by_role("region", name=which, exact=True)

    # Roles
    @property
    def role_names(self) -> Locator:
        return self.page.get_by_test_id("user-role").get_by_test_id("role-name")

    def assign_role(self, name: str) -> None:
        self.page.get_by_role("combobox", name="Assign a role").click()
        self.page.get_by_role("option", name=name, exact=True).click()
        self.page.get_by_test_id("assign-role").get_by_role("button", name="Assign").click()

    def remove_role(self, name: str) -> None:
        self.button(f"Remove {name}").click()
        ConfirmDialog(self.page, "Remove role").confirm()


class NewUserDialog:
    def __init__(self, page: Page) -> None:
        self.page = page
        self.root = page.get_by_role("dialog", name="New user")
        self.email_error = self.root.get_by_test_id("email-error")
        self.password_error = self.root.get_by_test_id("password-error")

    def open(self) -> NewUserDialog:
        self.page.get_by_role("button", name="New user").click()
        expect(self.root).to_be_visible()
        return self

    def fill(self, email: str, password: str, name: str = "", verified: bool = False) -> None:
        self.root.get_by_label("Email", exact=True).fill(email)
        self.root.get_by_label("Password", exact=True).fill(password)
        if name:
            self.root.get_by_label("Name (optional)").fill(name)
        if verified:
            self.root.get_by_label("Email already verified").check()

    def submit(self) -> None:
        self.root.get_by_role("button", name="Create user").click()


class AuditPage:
    def __init__(self, page: Page, desk_url: str) -> None:
        self.page = page
        self.url = f"{desk_url}/audit"
        self.heading = page.get_by_role("heading", name="Audit log", level=1)
        self.table = page.get_by_role("table", name="Audit entries")
        self.rows = self.table.locator("tbody > tr").filter(has=page.get_by_test_id("audit-action"))
        self.summary = page.get_by_test_id("audit-summary")

    def open(self, **filters: str) -> AuditPage:
        query = "&".join(f"{k}={quote(v, safe='')}" for k, v in filters.items())
        self.page.goto(f"{self.url}{'?' + query if query else ''}")
        expect(self.heading).to_be_visible()
        return self

    def wait_loaded(self) -> None:
        expect(self.summary).to_have_text(re.compile(r"^\d+ entr(y|ies), newest first$"))
        expect(self.table.locator(".p-datatable-mask")).to_have_count(0)

    def filter(self, label: str, value: str) -> None:
        self.page.get_by_label(label, exact=True).fill(value)

    def apply(self) -> None:
        with self.page.expect_response(lambda r: "/api/audit?" in r.url):
            self.page.get_by_role("button", name="Apply filters").click()
        self.wait_loaded()

    def expand(self, index: int = 0) -> Locator:
        self.rows.nth(index).get_by_role("button").first.click()
        details = self.page.get_by_test_id("audit-details").first
        expect(details).to_be_visible()
        return details
