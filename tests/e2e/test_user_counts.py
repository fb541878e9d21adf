"""More users than Auth0 counts: the Users page never passes the cap off as a total."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.pages import UsersPage, assert_accessible, screenshot
from tests.e2e.stack import Stack, start_stack

pytestmark = pytest.mark.e2e

CAPPED = "More than 1,000 users match; refine the search, or export them all"


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    running = start_stack(tmp_path_factory.mktemp("e2e-capped"), demo_users=1100)
    yield running
    running.stop()


def test_more_users_than_the_cap_are_counted_honestly(admin_page: Page, stack: Stack) -> None:
    users = UsersPage(admin_page, stack.desk_url).open()
    users.wait_loaded(CAPPED)
    expect(users.rows).to_have_count(10)
    expect(admin_page.get_by_text("1 to 10 of more than 1,000", exact=True)).to_be_visible()
    expect(admin_page.get_by_text(re.compile(r"^1,?000 users$"))).to_have_count(0)
    screenshot(admin_page, "users-capped")
    assert_accessible(admin_page)

    # A narrower search is counted exactly again.
    users.search("@globex.com")
    assert 0 < users.total() < 1000


def test_a_page_past_the_cap_says_so_in_the_pages_words(admin_page: Page, stack: Stack) -> None:
    admin_page.goto(f"{stack.desk_url}/users?page=101")
    users = UsersPage(admin_page, stack.desk_url)
    expect(users.error).to_contain_text("Only the first 1,000 matching users can be listed")
    expect(users.error).to_contain_text("refine the search, or export them all")
    expect(users.error).not_to_contain_text(re.compile(r"\bq\b"))
    # Only the error: no "no users" line beside it.
    expect(users.empty).to_have_count(0)
    expect(admin_page.get_by_text(re.compile("No users"))).to_have_count(0)
    screenshot(admin_page, "users-past-cap")
    assert_accessible(admin_page)

    with admin_page.expect_response(lambda r: "/api/users?" in r.url):
        users.error.get_by_role("button", name="Go to the first page").click()
    users.wait_loaded(CAPPED)
    expect(users.rows).to_have_count(10)
    assert admin_page.url.endswith("/users")
