"""GET /api/v2/users: Auth0's paging, totals, the 1000-result cap, sort, fields and q."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from sqlalchemy import select

from tests.support.servers import RunningTenant, tenant_on
from tests.tenant.management.conftest import auth0_error, client_credentials_token

CAP_MESSAGE = (
    "You can only page through the first 1000 records. "
    "See https://auth0.com/docs/users/search/v3/view-search-results-by-page#limitation"
)

pytestmark = pytest.mark.both_stores


@pytest.fixture(scope="module")
def crowd(store: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningTenant]:
    """A tenant with more users than Auth0's search cap."""
    with tenant_on(store, tmp_path_factory.mktemp("crowd"), demo_users=1200) as running:
        yield running


@pytest.fixture(scope="module")
def people(crowd: RunningTenant) -> list[dict[str, Any]]:
    """Ground truth, read straight from the tenant's database."""
    from userdesk.tenant.store.models import User

    with crowd.app.state.tenant.sessions() as session:
        rows = session.scalars(select(User).order_by(User.pk)).all()
        return [
            {
                "user_id": u.user_id,
                "email": u.email,
                "name": u.name,
                "domain": u.email_domain,
                "logins_count": u.logins_count,
                "plan": (u.app_metadata or {}).get("plan"),
                "blocked": u.blocked,
                "last_login": u.last_login,
            }
            for u in rows
        ]


@pytest.fixture(scope="module")
def users_api(crowd: RunningTenant) -> Iterator[httpx.Client]:
    token = client_credentials_token(crowd)
    with httpx.Client(
        base_url=f"{crowd.url}/api/v2", headers={"Authorization": f"Bearer {token}"}, timeout=30
    ) as client:
        yield client


def ids(answer: httpx.Response) -> list[str]:
    body = answer.json()
    users = body["users"] if isinstance(body, dict) else body
    return [u["user_id"] for u in users]


def test_without_page_answers_a_bare_array_of_at_most_50(users_api: httpx.Client) -> None:
    answer = users_api.get("/users")
    assert answer.status_code == 200
    assert isinstance(answer.json(), list)
    assert len(answer.json()) == 50


def test_include_totals_answers_the_envelope_with_total_capped_at_1000(
    users_api: httpx.Client, people: list[dict[str, Any]]
) -> None:
    assert len(people) > 1000
    body = users_api.get(
        "/users", params={"include_totals": "true", "per_page": 7, "page": 2}
    ).json()
    assert set(body) == {"start", "limit", "length", "total", "users"}
    assert (body["start"], body["limit"], body["length"], body["total"]) == (14, 7, 7, 1000)


def test_total_is_exact_under_the_cap(
    users_api: httpx.Client, people: list[dict[str, Any]]
) -> None:
    expected = sum(1 for p in people if p["domain"] == "acme.io")
    body = users_api.get(
        "/users", params={"q": "email.domain:acme.io", "include_totals": "true"}
    ).json()
    assert body["total"] == expected


@pytest.mark.parametrize("per_page", [0, 1, 100])
def test_per_page_between_0_and_100_is_accepted(users_api: httpx.Client, per_page: int) -> None:
    answer = users_api.get("/users", params={"per_page": per_page, "page": 0})
    assert answer.status_code == 200
    assert len(answer.json()) == per_page


@pytest.mark.parametrize(
    "params",
    [{"per_page": 101}, {"per_page": -1}, {"page": -1}, {"page": "two"}, {"search_engine": "v9"}],
)
def test_bad_paging_parameters_are_400_invalid_query_string(
    users_api: httpx.Client, params: dict[str, Any]
) -> None:
    body = auth0_error(users_api.get("/users", params=params), 400, "invalid_query_string")
    assert next(iter(params)) in body["message"]


def test_per_page_101_names_the_limit(users_api: httpx.Client) -> None:
    body = auth0_error(
        users_api.get("/users", params={"per_page": 101}), 400, "invalid_query_string"
    )
    assert "101" in body["message"] and "100" in body["message"]


@pytest.mark.parametrize(("page", "per_page"), [(10, 100), (20, 50), (1000, 1)])
def test_paging_past_the_first_1000_results_is_refused_with_auth0s_message(
    users_api: httpx.Client, page: int, per_page: int
) -> None:
    answer = users_api.get("/users", params={"page": page, "per_page": per_page})
    body = auth0_error(answer, 400, "invalid_paging")
    assert body["message"] == CAP_MESSAGE


def test_the_last_page_under_the_cap_is_served(users_api: httpx.Client) -> None:
    answer = users_api.get("/users", params={"page": 9, "per_page": 100})
    assert answer.status_code == 200
    assert len(answer.json()) == 100


def test_past_the_end_under_the_cap_is_an_empty_page(users_api: httpx.Client) -> None:
    body = users_api.get(
        "/users",
        params={"q": "email.domain:acme.io", "page": 5, "per_page": 50, "include_totals": "true"},
    ).json()
    assert body["users"] == []
    assert body["length"] == 0
    assert body["total"] < 250


def test_pages_are_disjoint_and_stable(users_api: httpx.Client) -> None:
    seen: list[str] = []
    for page in range(6):
        seen += ids(
            users_api.get("/users", params={"page": page, "per_page": 40, "sort": "name:1"})
        )
    assert len(seen) == len(set(seen)) == 240
    again = ids(users_api.get("/users", params={"page": 0, "per_page": 40, "sort": "name:1"}))
    assert again == seen[:40]


def test_sort_by_logins_count_descending(
    users_api: httpx.Client, people: list[dict[str, Any]]
) -> None:
    answer = users_api.get("/users", params={"sort": "logins_count:-1", "per_page": 20, "page": 0})
    counts = [u["logins_count"] for u in answer.json()]
    assert counts == sorted((p["logins_count"] for p in people), reverse=True)[:20]


def test_sort_by_email_ascending_ignores_case(users_api: httpx.Client) -> None:
    emails = [u["email"] for u in users_api.get("/users", params={"sort": "email:1"}).json()]
    assert emails == sorted(emails, key=str.lower)


@pytest.mark.parametrize("sort", ["email", "email:2", "app_metadata.plan:1", "password:1"])
def test_bad_sort_is_400(users_api: httpx.Client, sort: str) -> None:
    auth0_error(users_api.get("/users", params={"sort": sort}), 400, "invalid_query_string")


def test_fields_include_and_exclude(users_api: httpx.Client) -> None:
    only = users_api.get("/users", params={"fields": "user_id,email", "per_page": 3, "page": 0})
    assert all(set(u) == {"user_id", "email"} for u in only.json())
    without = users_api.get(
        "/users",
        params={"fields": "identities,app_metadata", "include_fields": "false", "per_page": 3},
    )
    for user in without.json():
        assert "identities" not in user and "app_metadata" not in user and "email" in user


@pytest.mark.parametrize("engine", ["v1", "v2", "v3"])
def test_every_search_engine_version_is_accepted(users_api: httpx.Client, engine: str) -> None:
    answer = users_api.get("/users", params={"q": "email.domain:acme.io", "search_engine": engine})
    assert answer.status_code == 200 and answer.json()


def matching(users_api: httpx.Client, q: str, sort: str = "email:1") -> list[str]:
    """Every user_id a query matches, paging through like a client would."""
    found: list[str] = []
    for page in range(10):
        batch = ids(
            users_api.get("/users", params={"q": q, "page": page, "per_page": 100, "sort": sort})
        )
        found += batch
        if len(batch) < 100:
            break
    return found


def expect(people: list[dict[str, Any]], keep: Any) -> set[str]:
    return {p["user_id"] for p in people if keep(p)}


def test_q_email_prefix_is_case_insensitive(
    users_api: httpx.Client, people: list[dict[str, Any]]
) -> None:
    found = matching(users_api, "email:ADA*")
    assert set(found) == expect(people, lambda p: (p["email"] or "").startswith("ada"))
    assert found


def test_q_email_domain_and_name_phrase(
    users_api: httpx.Client, people: list[dict[str, Any]]
) -> None:
    target = next(p for p in people if p["domain"] == "globex.com")
    q = f'email.domain:globex.com AND name:"{target["name"].upper()}"'
    assert set(matching(users_api, q)) == expect(
        people, lambda p: p["domain"] == "globex.com" and p["name"] == target["name"]
    )


def test_q_app_metadata_or_and_not(users_api: httpx.Client, people: list[dict[str, Any]]) -> None:
    q = "(app_metadata.plan:enterprise OR app_metadata.plan:pro) AND NOT blocked:true"
    assert set(matching(users_api, q)) == expect(
        people, lambda p: p["plan"] in {"enterprise", "pro"} and not p["blocked"]
    )


def test_q_logins_count_ranges(users_api: httpx.Client, people: list[dict[str, Any]]) -> None:
    assert set(matching(users_api, "logins_count:[100 TO *]")) == expect(
        people, lambda p: p["logins_count"] >= 100
    )
    assert set(matching(users_api, "logins_count:{10 TO 20}")) == expect(
        people, lambda p: 10 < p["logins_count"] < 20
    )


def test_q_exists_and_last_login_sort(
    users_api: httpx.Client, people: list[dict[str, Any]]
) -> None:
    never = expect(people, lambda p: p["last_login"] is None)
    assert set(matching(users_api, "NOT _exists_:last_login")) == never
    first = users_api.get("/users", params={"sort": "last_login:-1", "per_page": 5, "page": 0})
    newest = sorted((p for p in people if p["last_login"]), key=lambda p: p["last_login"])[-1]
    assert first.json()[0]["user_id"] == newest["user_id"]


def test_q_bare_term_searches_the_profile(
    users_api: httpx.Client, people: list[dict[str, Any]]
) -> None:
    email = people[3]["email"]
    assert matching(users_api, f'"{email}"') == [people[3]["user_id"]]


@pytest.mark.parametrize(
    ("q", "names"),
    [
        ("email:(", "ended"),
        ('name:"unterminated', "unterminated"),
        ("logins_count:many", "not an integer"),
        ("shoe_size:42", "shoe_size"),
        ("name:*ab", "3 literal"),
        ("user_metadata.locale:e*", "user_metadata"),
        ("a AND", "ended"),
        ("(a OR b", "')'"),
    ],
)
def test_malformed_q_is_400_naming_the_problem(users_api: httpx.Client, q: str, names: str) -> None:
    body = auth0_error(users_api.get("/users", params={"q": q}), 400, "invalid_query_string")
    assert names in body["message"]


@pytest.mark.parametrize(("sort", "key"), [(None, None), ("logins_count:-1", "logins_count")])
def test_broad_searches_keep_the_order_when_walking_an_index(
    users_api: httpx.Client, people: list[dict[str, Any]], sort: str | None, key: str | None
) -> None:
    # More than 1000 matches: the tenant reads in index order instead of sorting matches.
    kept = [(n, p) for n, p in enumerate(people) if not p["blocked"]]
    assert len(kept) >= 1000
    if key is not None:
        kept.sort(key=lambda item: (item[1][key], item[0]), reverse=True)
    expected = [p["user_id"] for _n, p in kept[:300]]
    params: dict[str, Any] = {"q": "NOT blocked:true", "per_page": 100}
    if sort:
        params["sort"] = sort
    found = []
    for page in range(3):
        found += ids(users_api.get("/users", params={**params, "page": page}))
    assert found == expected


# The last two have no index in their order: every user is sorted.
SORTS = [None, "email:1", "name:-1", "created_at:-1", "last_login:1", "logins_count:-1"]
SORTS += ["updated_at:1", "given_name:-1"]


@pytest.mark.parametrize("sort", SORTS)
def test_a_listing_of_every_user_answers_what_a_search_matching_everyone_does(
    users_api: httpx.Client, sort: str | None
) -> None:
    # A listing of every user takes its own way (the event loop, statements built once); a
    # search whose q matches every user takes the search's. Both must agree page for page.
    listing = {"sort": sort} if sort else {}
    everyone = {**listing, "q": "_exists_:user_id"}
    for page, per_page in [(0, 7), (3, 7), (0, 100), (9, 100)]:
        paging = {"page": page, "per_page": per_page, "include_totals": "true"}
        listed = users_api.get("/users", params={**listing, **paging})
        searched = users_api.get("/users", params={**everyone, **paging})
        assert listed.status_code == searched.status_code == 200, searched.text
        assert ids(listed) == ids(searched), (sort, page, per_page)
        assert listed.json()["total"] == searched.json()["total"] == 1000
    fields = {"fields": "email,created_at", "include_fields": "true"}
    assert users_api.get("/users", params={**listing, **fields}).json() == (
        users_api.get("/users", params={**everyone, **fields}).json()
    )


@pytest.mark.parametrize(
    ("params", "plain"),
    [
        ({}, True),
        ({"sort": "email:-1"}, True),
        ({"q": "  "}, True),
        ({"sort": "updated_at:1"}, False),  # no index in that order: every user sorted
        ({"q": "email:a*"}, False),
        ({"connection": "Username-Password-Authentication"}, False),
        ({"sort": "shoe:1"}, False),  # the search itself answers the error
    ],
)
def test_which_searches_count_as_a_listing_of_every_user(
    params: dict[str, str], plain: bool
) -> None:
    from userdesk.tenant.management.users.service import UserService

    arguments = {"q": None, "connection": None, "sort": None, **params}
    assert UserService.lists_plainly(**arguments) is plain
