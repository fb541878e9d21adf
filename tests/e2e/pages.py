"""Page objects: what a staff member sees and does, so tests read as the steps they take."""

from __future__ import annotations

import json
import re
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlparse

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
        expect(self.table.locator(".p-datatable-mask")).to_have_count(0)
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
        self.page.get_by_role("combobox", name=re.compile("Rows per page", re.I)).click()
        with self.page.expect_response(lambda r: f"per_page={size}" in r.url):
            self.page.get_by_role("option", name=str(size), exact=True).click()
        self.wait_loaded()

    def delete_buttons(self) -> Locator:
        return self.page.get_by_role("button", name=re.compile(r"^Delete "))

    def ask_delete(self, email: str) -> Locator:
        self.row(email).get_by_role("button", name=re.compile(r"^Delete ")).click()
        expect(self.dialog).to_be_visible()
        return self.dialog
