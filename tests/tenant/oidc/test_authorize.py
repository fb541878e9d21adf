"""Checklist: /authorize allow-lists, PKCE S256 only, response modes, prompt=none, login page."""

from __future__ import annotations

from collections.abc import Callable

import httpx

from tests.support.servers import RunningTenant
from tests.tenant.oidc.flow import SPA_CALLBACK, Browser, form_fields, query_of, web_message_of

MakeUser = Callable[..., tuple[str, str, str]]


def test_checklist_unknown_client_is_shown_on_an_error_page(browser: Browser) -> None:
    answer = browser.authorize(client_id="no-such-client")
    assert answer.status_code == 400
    assert "location" not in answer.headers
    assert "Unknown application" in answer.text


def test_checklist_redirect_uri_must_match_exactly_and_is_never_followed(
    browser: Browser,
) -> None:
    for uri in ("http://evil.example/cb", f"{SPA_CALLBACK}/callback", "http://localhost:8000/x"):
        answer = browser.authorize(redirect_uri=uri)
        assert answer.status_code == 400, uri
        assert "location" not in answer.headers
        assert "Callback URL mismatch" in answer.text


def test_checklist_pkce_is_required_for_public_clients(browser: Browser) -> None:
    answer = browser.authorize(code_challenge="", code_challenge_method="")
    assert answer.status_code == 302
    query = query_of(answer.headers["location"])
    assert query["error"] == "invalid_request" and query["state"] == browser.state


def test_checklist_pkce_plain_is_refused(browser: Browser) -> None:
    answer = browser.authorize(code_challenge_method="plain")
    assert answer.status_code == 302
    assert query_of(answer.headers["location"])["error"] == "invalid_request"


def test_unknown_audience_is_access_denied_on_the_redirect(browser: Browser) -> None:
    answer = browser.authorize(audience="https://not-an-api/")
    query = query_of(answer.headers["location"])
    assert query["error"] == "access_denied"
    assert query["error_description"] == "Service not found: https://not-an-api/"


def test_checklist_prompt_none_without_session_is_login_required_by_query(
    browser: Browser,
) -> None:
    answer = browser.authorize(prompt="none")
    assert answer.status_code == 302
    location = answer.headers["location"]
    assert location.startswith(f"{SPA_CALLBACK}?")
    query = query_of(location)
    assert query["error"] == "login_required"
    assert query["state"] == browser.state  # echoed byte for byte, + / = included


def test_checklist_prompt_none_web_message_is_frameable_and_posts_to_the_origin(
    browser: Browser,
) -> None:
    answer = browser.authorize(prompt="none", response_mode="web_message")
    assert answer.status_code == 200
    assert "x-frame-options" not in answer.headers
    assert "frame-ancestors" not in answer.headers.get("content-security-policy", "")
    message, origin = web_message_of(answer.text)
    assert origin == "http://localhost:8000"
    assert message == {
        "type": "authorization_response",
        "response": {
            "error": "login_required",
            "error_description": "Login required",
            "state": browser.state,
        },
    }


def test_checklist_login_page_is_not_frameable_and_has_a_csrf_token(browser: Browser) -> None:
    page = browser.authorize()
    assert page.status_code == 200
    assert "frame-ancestors 'none'" in page.headers["content-security-policy"]
    assert page.headers["x-frame-options"] == "DENY"
    assert form_fields(page.text)["csrf_token"]
    assert '<label for="email">' in page.text and '<label for="password">' in page.text


def test_wrong_password_is_shown_on_the_login_page(
    browser: Browser, make_user: MakeUser, log_count: Callable[..., int]
) -> None:
    email, _, user_id = make_user()
    page = browser.authorize()
    answer = browser.submit(page, email, "wrong-password")
    assert answer.status_code == 401
    assert "Wrong email or password." in answer.text
    assert 'role="alert"' in answer.text
    assert log_count("fp", user_id=user_id) == 1
    # The same form can be submitted again.
    assert form_fields(answer.text) == form_fields(page.text)


def test_login_form_without_the_csrf_cookie_is_refused(
    tenant: RunningTenant, browser: Browser, make_user: MakeUser
) -> None:
    email, password, _ = make_user()
    page = browser.authorize()
    with httpx.Client(base_url=tenant.url) as other_browser:
        answer = other_browser.post(
            "/login", data={**form_fields(page.text), "email": email, "password": password}
        )
    assert answer.status_code == 400
    assert "CSRF" in answer.text
    assert "userdesk_session" not in answer.headers.get("set-cookie", "")


def test_login_form_with_a_wrong_csrf_token_is_refused(
    browser: Browser, make_user: MakeUser
) -> None:
    email, password, _ = make_user()
    page = browser.authorize()
    fields = {**form_fields(page.text), "csrf_token": "forged"}
    answer = browser.http.post("/login", data={**fields, "email": email, "password": password})
    assert answer.status_code == 400


def test_popup_login_with_web_message_posts_the_code(browser: Browser, make_user: MakeUser) -> None:
    email, password, _ = make_user()
    page = browser.authorize(response_mode="web_message")
    answer = browser.submit(page, email, password)
    assert answer.status_code == 200
    message, origin = web_message_of(answer.text)
    assert origin == SPA_CALLBACK
    assert set(message["response"]) == {"code", "state"}
    assert browser.exchange(message["response"]["code"]).status_code == 200


def test_prompt_login_shows_the_form_even_with_a_session(
    browser: Browser, make_user: MakeUser
) -> None:
    email, password, _ = make_user()
    browser.tokens(email, password)
    assert browser.authorize(prompt="login").status_code == 200


def test_unsupported_response_type_is_sent_back(browser: Browser) -> None:
    answer = browser.authorize(response_type="token")
    assert query_of(answer.headers["location"])["error"] == "unsupported_response_type"


def test_signing_in_again_replaces_the_previous_session(
    tenant: RunningTenant, browser: Browser, make_user: MakeUser
) -> None:
    from sqlalchemy import func, select

    from userdesk.tenant.store.models import LoginSession

    email, password, user_id = make_user()
    browser.tokens(email, password)
    browser.submit(browser.authorize(prompt="login"), email, password)
    with tenant.app.state.tenant.sessions() as session:
        count = session.scalar(
            select(func.count()).select_from(LoginSession).where(LoginSession.user_id == user_id)
        )
    assert count == 1


def test_login_hint_prefills_the_email_escaped(browser: Browser) -> None:
    page = browser.authorize(login_hint='someone@example.com"><script>')
    assert 'value="someone@example.com&#34;&gt;&lt;script&gt;"' in page.text
    assert "<script>" not in page.text


def test_web_message_cannot_be_broken_out_of_by_the_state(browser: Browser) -> None:
    browser.state = "</script><script>alert(1)</script>"
    answer = browser.authorize(prompt="none", response_mode="web_message")
    assert answer.text.count("</script>") == 1
    message, _ = web_message_of(answer.text)
    assert message["response"]["state"] == browser.state


def test_a_blocked_users_session_no_longer_signs_in_silently(
    tenant: RunningTenant, browser: Browser, make_user: MakeUser
) -> None:
    from sqlalchemy import update

    from userdesk.tenant.store.models import User

    email, password, user_id = make_user()
    browser.tokens(email, password)
    with tenant.app.state.tenant.sessions() as session, session.begin():
        session.execute(update(User).where(User.user_id == user_id).values(blocked=True))
    silent = browser.authorize(prompt="none")
    assert query_of(silent.headers["location"])["error"] == "login_required"
