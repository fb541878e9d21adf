"""A tenant that rate-limits the desk: the Users page says how long to wait, then recovers."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.e2e.conftest import new_page, sign_in
from tests.e2e.pages import UsersPage, assert_accessible, screenshot
from tests.e2e.stack import Stack, start_stack

pytestmark = pytest.mark.e2e

# Management API calls the tenant allows the desk per minute: a handful of searches.
LIMIT = 4


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    running = start_stack(
        tmp_path_factory.mktemp("e2e-limited"), demo_users=20, rate_limit_per_minute=LIMIT
    )
    yield running
    running.stop()


@pytest.fixture
def page(browser: Browser, stack: Stack) -> Iterator[Page]:
    context, page = new_page(browser)
    yield page
    context.close()


def test_a_rate_limited_search_says_when_to_try_again(page: Page, stack: Stack) -> None:
    sign_in(page, stack, stack.admin["email"], stack.admin["password"], path="/users")
    users = UsersPage(page, stack.desk_url)
    error = page.get_by_test_id("users-error")
    statuses: list[int] = []
    for attempt in range(LIMIT * 3):
        with page.expect_response(lambda r: "/api/users?" in r.url) as answer:
            users.search_box.fill(f"nobody{attempt}")
        statuses.append(answer.value.status)
        if answer.value.status == 429:
            break
    assert statuses[-1] == 429, statuses
    retry_after = int(answer.value.headers["retry-after"])

    expect(error).to_contain_text(re.compile(rf"try again in {retry_after} s"))
    expect(users.rows).to_have_count(0)
    expect(error.get_by_role("button", name="Try again")).to_be_visible()
    screenshot(page, "users-rate-limited")
    assert_accessible(page)
