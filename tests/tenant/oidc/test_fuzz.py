"""Whatever a client sends, the Authentication API answers in its own terms, never with a 500."""

from __future__ import annotations

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.support.servers import RunningTenant

GRANTS = st.sampled_from(
    [
        "client_credentials",
        "password",
        "http://auth0.com/oauth/grant-type/password-realm",
        "authorization_code",
        "refresh_token",
        "",
        "urn:unknown",
    ]
)
KEYS = st.sampled_from(
    [
        "client_id",
        "client_secret",
        "audience",
        "scope",
        "code",
        "code_verifier",
        "redirect_uri",
        "refresh_token",
        "username",
        "password",
        "realm",
        "extra",
    ]
)
TEXT = st.text(max_size=40)
FUZZ = settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


def known_values(tenant: RunningTenant) -> st.SearchStrategy[str]:
    config = tenant.config
    return st.sampled_from(
        [
            config["spa_client_id"],
            config["backend"]["client_id"],
            config["script_client"]["client_id"],
            config["script_client"]["client_secret"],
            config["management_audience"],
            config["api_audience"],
            "http://localhost:8000",
        ]
    )


@pytest.mark.slow
@FUZZ
@given(data=st.data())
def test_token_endpoint_answers_oauth_errors_for_any_parameters(
    tenant: RunningTenant, http: httpx.Client, data: st.DataObject
) -> None:
    params = data.draw(st.dictionaries(KEYS, st.one_of(TEXT, known_values(tenant)), max_size=6))
    params["grant_type"] = data.draw(GRANTS)
    as_json = data.draw(st.booleans())
    answer = (
        http.post("/oauth/token", json=params)
        if as_json
        else http.post("/oauth/token", data=params)
    )
    assert answer.status_code in (200, 400, 401, 403, 429), answer.text
    body = answer.json()
    if answer.status_code != 200:
        assert set(body) == {"error", "error_description"}


@FUZZ
@given(data=st.data())
def test_authorize_never_fails_with_a_server_error(
    tenant: RunningTenant, http: httpx.Client, data: st.DataObject
) -> None:
    keys = st.sampled_from(
        [
            "client_id",
            "redirect_uri",
            "response_type",
            "response_mode",
            "state",
            "scope",
            "audience",
            "code_challenge",
            "code_challenge_method",
            "prompt",
            "max_age",
        ]
    )
    params = data.draw(st.dictionaries(keys, st.one_of(TEXT, known_values(tenant)), max_size=8))
    answer = http.get("/authorize", params=params)
    assert answer.status_code in (200, 302, 400), answer.text
    if answer.status_code == 302:
        assert answer.headers["location"].startswith("http://localhost:8000")
