"""Never create twice: the desk's Management client, the only code that will create users, must
not repeat a POST the tenant may already have acted on, whatever fault hides its answer.

The desk has no create route yet, so these drive ``ManagementClient.post`` directly over real
HTTP, through the fault proxy, with the desk's own token source; when a create route lands it
inherits exactly this behaviour.
"""

from __future__ import annotations

import asyncio
import secrets
from typing import Any

import httpx
import pytest

from tests.hardening.conftest import PAST_TIMEOUT, UPSTREAM_TIMEOUT, Proxied
from tests.support.faultproxy import Fault
from tests.support.forge import bearer
from userdesk.desk.directory.client import ManagementClient
from userdesk.desk.directory.tokens import ClientCredentials, TokenSource
from userdesk.desk.errors import DeskError

CREATE = r"/api/v2/users"


async def create_through_desk_client(faults: Proxied, email: str) -> Any:
    config = faults.tenant.config
    origin = config["domain"]
    async with httpx.AsyncClient(timeout=httpx.Timeout(UPSTREAM_TIMEOUT)) as http:
        tokens = TokenSource(
            http,
            ClientCredentials(
                token_url=f"{origin}/oauth/token",
                client_id=config["backend"]["client_id"],
                client_secret=config["backend"]["client_secret"],
                audience=config["management_audience"],
            ),
        )
        client = ManagementClient(http, f"{origin}/api/v2", tokens)
        return await client.post(
            "/users",
            {
                "connection": "Username-Password-Authentication",
                "email": email,
                "password": "Create-once-password-1",
            },
        )


def users_with_email(faults: Proxied, email: str) -> int:
    found = httpx.get(
        f"{faults.tenant.url}/api/v2/users-by-email",
        params={"email": email},
        headers=bearer(faults.machine_token),
        timeout=10,
    )
    found.raise_for_status()
    return len(found.json())


@pytest.mark.slow
@pytest.mark.parametrize(
    "fault",
    [
        Fault.server_error(503, after_forward=True),
        Fault.server_error(500, after_forward=True),
        Fault.reset(after_forward=True),
        Fault.slow(PAST_TIMEOUT, after_forward=True),
    ],
    ids=["503-after-create", "500-after-create", "reset-after-create", "timeout-after-create"],
)
def test_fault_hiding_a_create_never_repeats_it(faults: Proxied, fault: Fault) -> None:
    email = f"once-{secrets.token_hex(4)}@create.test"
    faults.proxy.inject("POST", CREATE, fault)
    with pytest.raises(DeskError) as raised:
        asyncio.run(create_through_desk_client(faults, email))
    assert raised.value.status_code in (502, 503)
    assert len(faults.proxy.requests("POST", CREATE)) == 1, "the create was sent again"
    assert users_with_email(faults, email) == 1


def test_fault_rate_limited_create_is_not_sent_again(faults: Proxied) -> None:
    email = f"limited-{secrets.token_hex(4)}@create.test"
    faults.proxy.inject("POST", CREATE, Fault.rate_limited(retry_after=30))
    with pytest.raises(DeskError) as raised:
        asyncio.run(create_through_desk_client(faults, email))
    assert raised.value.status_code == 429
    assert len(faults.proxy.requests("POST", CREATE)) == 1
    assert users_with_email(faults, email) == 0


def test_fault_free_create_creates_once(faults: Proxied) -> None:
    email = f"plain-{secrets.token_hex(4)}@create.test"
    created = asyncio.run(create_through_desk_client(faults, email))
    assert created["email"] == email
    assert faults.proxy.reached_tenant("POST", CREATE) == 1
    assert users_with_email(faults, email) == 1
