"""The Users page against a real desk and tenant: search, paging, sorting and delete."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from playwright.sync_api import Browser, Page, Request, expect

from tests.e2e.conftest import PHONE, Staff, new_page
from tests.e2e.pages import UsersPage, assert_accessible, screenshot
from tests.e2e.stack import Stack
from tests.support.tokens import CONNECTION

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


SEEDED = {
    "given_name": "Ximena",
    "family_name": "Quintara",
    "name": "Ximena Quintara",
    "email": "ximena.q@quintara-e2e.example",
}


@pytest.fixture(scope="module")
def seeded(management: httpx.Client) -> dict[str, Any]:
    """One user the demo data cannot resemble, created through the Management API."""
    created = management.post(
        "/users",
        json={**SEEDED, "connection": CONNECTION, "password": "Seeded-password-for-tests-1"},
    )
    assert created.status_code == 201, created.text
    user: dict[str, Any] = created.json()
    return user


@pytest.mark.parametrize(
    ("typed", "meaning"),
    [
        ("Ximena Quintara", "name is Ximena Quintara"),
        ("quintara", "a name or email starts with quintara"),
        ("quint", "a name or email starts with quint"),
        ("quintara-e2e.example", "email domain is quintara-e2e.example"),
        ("@quintara-e2e.example", "email domain is quintara-e2e.example"),
        ("ximena.q@quintara-e2e.example", "email is ximena.q@quintara-e2e.example"),
        ("{user_id}", "user id is {user_id}"),
    ],
)
def test_typed_text_finds_the_user_and_says_how_it_was_read(
    users: UsersPage, seeded: dict[str, Any], management: httpx.Client, typed: str, meaning: str
) -> None:
    typed = typed.format(user_id=seeded["user_id"])
    q = users.search(typed)

    expect(users.search_mode).to_contain_text(meaning.format(user_id=seeded["user_id"]))
    assert SEEDED["email"] in users.emails()
    if typed == "Ximena Quintara":
        screenshot(users.page, "users-search-full-name")
    # The page shows what the tenant finds for the query it sent.
    expected = tenant_users(management, q=q, per_page=10)
    assert users.total() == expected["total"]
    if typed.startswith(("auth0|", "@", "ximena.q@")):
        assert users.emails() == [SEEDED["email"]]


def test_a_phone_number_is_searched_as_one(users: UsersPage) -> None:
    with users.page.expect_response(lambda r: "/api/users?" in r.url) as answer:
        users.search_box.fill("+1 415 555 0100")
    expect(users.search_mode).to_contain_text("phone number is +1 415 555 0100")
    assert 'phone_number:"+14155550100"' in parse_qs(urlsplit(answer.value.url).query)["q"]
    if answer.value.ok:
        users.wait_loaded()
    else:
        # A directory without phone numbers (the embedded tenant) refuses the field.
        expect(users.error).to_contain_text("This directory cannot search by phone number")
        expect(users.empty).to_have_count(0)


def test_a_name_part_is_not_mistaken_for_the_start_of_the_whole_name(
    users: UsersPage, management: httpx.Client
) -> None:
    someone = tenant_users(management, per_page=1, page=3)["users"][0]
    family = someone["family_name"]
    # Auth0's name:Santos* misses "Grace Santos"; the page asks for the name parts.
    assert someone["email"] not in [
        u["email"] for u in tenant_users(management, q=f"name:{family}*", per_page=100)["users"]
    ]
    q = users.search(family.lower())
    assert "family_name:" in q
    expected = tenant_users(management, q=q, per_page=10)
    assert users.total() == expected["total"] >= 1
    assert users.emails() == [u["email"] for u in expected["users"]]


def test_a_lucene_query_passes_through_as_typed(users: UsersPage, management: httpx.Client) -> None:
    domain = tenant_users(management, per_page=1, page=2)["users"][0]["email"].split("@")[1]
    expected = tenant_users(management, q=f'email.domain:"{domain}"', per_page=10)

    q = users.search(f'email.domain:"{domain}"')

    assert q == f'email.domain:"{domain}"'
    expect(users.search_mode).to_contain_text("Lucene query, sent as written")
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


def origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def test_by_default_no_request_leaves_for_another_origin(
    browser: Browser, admin: Staff, stack: Stack
) -> None:
    """Avatars on Gravatar or a CDN would tell a third party whom staff look at."""
    context, page = new_page(browser, admin.state)
    requested: list[str] = []
    page.on("request", lambda r: requested.append(r.url))
    try:
        users = UsersPage(page, stack.desk_url).open()
        users.wait_loaded()
        expect(users.rows).to_have_count(10)
        users.next_page()
        page.wait_for_load_state("networkidle")
        expect(page.locator("tbody [data-testid=avatar-initials]")).to_have_count(10)
        expect(page.locator("img")).to_have_count(0)
    finally:
        context.close()
    allowed = {origin(stack.desk_url), origin(stack.tenant.url)}
    elsewhere = [url for url in requested if origin(url) not in allowed]
    assert requested and not elsewhere, elsewhere


def relative_luminance(css_color: str) -> float:
    red, green, blue = (int(c) / 255 for c in re.findall(r"\d+", css_color)[:3])

    def linear(c: float) -> float:
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    return 0.2126 * linear(red) + 0.7152 * linear(green) + 0.0722 * linear(blue)


def contrast(one: str, other: str) -> float:
    high, low = sorted((relative_luminance(one), relative_luminance(other)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_on_a_phone_every_row_fits_with_its_status_and_delete_button(
    browser: Browser, admin: Staff, stack: Stack
) -> None:
    context, page = new_page(browser, admin.state, viewport=PHONE)
    try:
        users = UsersPage(page, stack.desk_url).open()
        users.wait_loaded()
        expect(users.rows).to_have_count(10)
        page.wait_for_load_state("networkidle")
        screenshot(page, "users-phone")
        assert page.evaluate("() => document.scrollingElement.scrollWidth") <= PHONE["width"]
        for row in users.rows.all():
            delete = row.get_by_role("button", name=re.compile(r"^Delete "))
            if row.get_by_text(stack.admin["email"], exact=True).count():
                # One's own row offers no delete: the desk would refuse it (409).
                expect(delete).to_have_count(0)
                delete = row.get_by_role("link")
            for control in (delete, row.get_by_text(re.compile(r"^(Active|Blocked)$"))):
                # Rows below the fold are scrolled to vertically; nothing may need sideways.
                control.scroll_into_view_if_needed()
                expect(control).to_be_in_viewport()
                box = control.bounding_box()
                assert box is not None
                assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], box
        assert_accessible(page)
    finally:
        context.close()


def test_the_delete_buttons_focus_ring_is_thick_and_contrasting(users: UsersPage) -> None:
    button = users.delete_buttons().first
    users.search_box.focus()
    # Tab through to the button so the browser shows its keyboard focus (:focus-visible).
    for _ in range(40):
        users.page.keyboard.press("Tab")
        if button.evaluate("(el) => el === document.activeElement"):
            break
    expect(button).to_be_focused()
    ring = button.evaluate(
        """(el) => {
            const style = getComputedStyle(el);
            return {width: parseFloat(style.outlineWidth), style: style.outlineStyle,
                    color: style.outlineColor};
        }"""
    )
    assert ring["style"] != "none" and ring["width"] >= 2, ring
    # The ring sits outside the button, on the row's white background.
    assert contrast(ring["color"], "rgb(255, 255, 255)") >= 3, ring
    screenshot(users.page, "users-delete-focus")
