"""The Users page against a real desk and tenant: search, paging, sorting and delete."""

from __future__ import annotations

import re
from typing import Any

import httpx
import pytest
from playwright.sync_api import Page, Request, expect

from tests.e2e.pages import UsersPage, assert_accessible, screenshot
from tests.e2e.stack import Stack

pytestmark = pytest.mark.e2e


def tenant_users(management: httpx.Client, **params: Any) -> dict[str, Any]:
    answer = management.get("/users", params={"include_totals": "true", **params})
    answer.raise_for_status()
    body: dict[str, Any] = answer.json()
    return body


@pytest.fixture
def users(admin_page: Page, stack: Stack) -> UsersPage:
    page = UsersPage(admin_page, stack.desk_url).open()
    page.wait_loaded()
    return page


def test_the_table_shows_the_tenants_users(users: UsersPage, management: httpx.Client) -> None:
    listed = tenant_users(management, per_page=10, page=0)
    assert users.total() == listed["total"]
    expect(users.rows).to_have_count(10)
    assert users.emails() == [u["email"] for u in listed["users"]]
    blocked = [u["email"] for u in listed["users"] if u.get("blocked")]
    for email in blocked:
        expect(users.row(email).get_by_test_id("blocked")).to_have_text("Blocked")
    # Pictures are external URLs, unreachable here: none may show as a broken image.
    users.page.wait_for_load_state("networkidle")
    broken = users.page.evaluate(
        "() => [...document.querySelectorAll('tbody img')]"
        ".filter((img) => img.complete && img.naturalWidth === 0).length"
    )
    assert broken == 0
    screenshot(users.page, "users")


def test_plain_text_searches_names_and_emails_by_prefix(
    users: UsersPage, management: httpx.Client
) -> None:
    someone = tenant_users(management, per_page=1, page=3)["users"][0]
    prefix = someone["email"].split("@")[0][:-1]

    users.search(prefix)
    assert f"search={prefix}" in users.page.url

    expected = tenant_users(management, q=f"name:{prefix}* OR email:{prefix}*", per_page=10)
    assert users.total() == expected["total"] >= 1
    assert someone["email"] in users.emails()
    assert all(e.startswith(prefix) for e in users.emails()), users.emails()
    expect(users.page.get_by_test_id("search-mode")).to_contain_text("start of a name or email")


def test_a_lucene_query_passes_through_as_typed(users: UsersPage, management: httpx.Client) -> None:
    domain = tenant_users(management, per_page=1, page=2)["users"][0]["email"].split("@")[1]
    expected = tenant_users(management, q=f'email.domain:"{domain}"', per_page=10)

    users.search(f'email.domain:"{domain}"')

    expect(users.page.get_by_test_id("search-mode")).to_contain_text("Lucene")
    assert users.total() == expected["total"] >= 1
    assert all(e.endswith(f"@{domain}") for e in users.emails())


def test_a_search_that_matches_nobody_says_so(users: UsersPage) -> None:
    users.search("zzqx-nobody")
    expect(users.empty).to_have_text("No users match this search.")
    assert users.total() == 0


def test_paging_and_page_size(users: UsersPage, management: httpx.Client) -> None:
    first = users.emails()
    users.next_page()
    second = users.emails()
    assert len(second) == 10
    assert not set(first) & set(second)
    assert second == [u["email"] for u in tenant_users(management, per_page=10, page=1)["users"]]
    # The address keeps the page: a reload (or a shared link) shows the same users.
    assert users.page.url.endswith("/users?page=2")
    users.page.reload()
    users.wait_loaded()
    assert users.emails() == second

    users.choose_page_size(25)
    expect(users.rows).to_have_count(25)
    expect(users.page.get_by_text(re.compile(r"^1 to 25 of \d+$"))).to_be_visible()


def test_sorting_by_a_column_asks_the_desk(users: UsersPage, management: httpx.Client) -> None:
    users.sort_by("Email")
    ascending = users.emails()
    assert ascending == sorted(ascending)
    assert ascending[0] == tenant_users(management, sort="email:1", per_page=1)["users"][0]["email"]
    expect(users.page.get_by_role("columnheader", name="Email")).to_have_attribute(
        "aria-sort", "ascending"
    )

    users.sort_by("Email")
    descending = users.emails()
    assert descending == sorted(descending, reverse=True)
    expect(users.page.get_by_role("columnheader", name="Email")).to_have_attribute(
        "aria-sort", "descending"
    )


def test_delete_asks_first_then_removes_only_that_row(
    users: UsersPage, management: httpx.Client
) -> None:
    target_email = users.emails()[3]
    target = management.get("/users-by-email", params={"email": target_email}).json()[0]
    total = users.total()

    dialog = users.ask_delete(target_email)
    expect(dialog).to_contain_text(f"Delete {target['name']} ({target_email})?")
    screenshot(users.page, "users-delete-dialog")
    dialog.get_by_role("button", name="Cancel").click()
    expect(dialog).to_be_hidden()
    expect(users.row(target_email)).to_have_count(1)
    # Focus goes back where the staff member was.
    expect(
        users.row(target_email).get_by_role("button", name=re.compile("^Delete "))
    ).to_be_focused()
    assert management.get(f"/users/{target['user_id']}").status_code == 200

    reloads: list[Request] = []
    users.page.on("request", lambda r: reloads.append(r) if "/api/users?" in r.url else None)
    dialog = users.ask_delete(target_email)
    with users.page.expect_response(lambda r: r.request.method == "DELETE") as deleted:
        dialog.get_by_role("button", name="Delete", exact=True).click()
    assert deleted.value.status == 204

    expect(users.page.get_by_text(f"{target['name']} was deleted.")).to_be_visible()
    assert_accessible(users.page)
    expect(users.row(target_email)).to_have_count(0)
    expect(users.rows).to_have_count(9)
    # The button that opened the dialog left with its row: focus lands on the search box.
    expect(users.search_box).to_be_focused()
    expect(users.summary).to_have_text(f"{total - 1} users")
    assert reloads == []
    assert management.get(f"/users/{target['user_id']}").status_code == 404
