"""msgspec twins (desk/rows.py) read and write JSON exactly as their pydantic models do."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from userdesk.desk.directory.users import PageReader
from userdesk.desk.errors import UpstreamFailed
from userdesk.desk.rows import ENCODER, struct_of
from userdesk.desk.users.schemas import USER_PAGE, UserList, UserRead


def read(body: bytes, reader: PageReader = USER_PAGE) -> Any:
    """One user's JSON read as the desk reads a page of them (a provider's bare array)."""
    return reader.read(b"[" + body + b"]", 0, 1).users[0]


text = st.text(max_size=20)
optional_text = st.none() | text


@st.composite
def instants(draw: st.DrawFn) -> str:
    moment = draw(
        st.datetimes(min_value=datetime(1970, 1, 1), max_value=datetime(2100, 1, 1))
    ).replace(microsecond=draw(st.sampled_from([0, 1, 843000, 999999])))
    offset = draw(st.sampled_from([None, UTC, timezone(timedelta(hours=5, minutes=30))]))
    if offset is None:
        return moment.isoformat()
    written = moment.replace(tzinfo=offset).isoformat()
    return written.replace("+00:00", "Z") if draw(st.booleans()) else written


json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**53), 2**53) | text,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(text, inner, max_size=3),
    max_leaves=8,
)
identities = st.fixed_dictionaries(
    {"connection": text, "user_id": text, "provider": text},
    optional={"isSocial": st.booleans()},
)
# Every UserRead field, each present or not, with values a provider sends, and fields the
# desk does not model.
users = st.fixed_dictionaries(
    {"user_id": text},
    optional={
        "email": optional_text,
        "email_verified": st.none() | st.booleans(),
        "username": optional_text,
        "phone_number": optional_text,
        "name": optional_text,
        "nickname": optional_text,
        "given_name": optional_text,
        "family_name": optional_text,
        "picture": optional_text,
        "created_at": st.none() | instants(),
        "updated_at": st.none() | instants(),
        "last_login": st.none() | instants(),
        "last_ip": optional_text,
        "logins_count": st.none() | st.integers(0, 2**53),
        "blocked": st.booleans(),
        "identities": st.lists(identities, max_size=2),
        "app_metadata": st.dictionaries(text, json_values, max_size=3),
        "user_metadata": st.dictionaries(text, json_values, max_size=3),
        "multifactor": st.lists(text, max_size=1),
        "unmodelled": json_values,
    },
)


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(users)
def test_a_user_is_written_byte_for_byte_as_userread_writes_it(user: dict[str, Any]) -> None:
    body = json.dumps(user).encode()
    twin = ENCODER.encode(read(body))
    model = UserRead.model_validate_json(body).model_dump_json(by_alias=True).encode()
    assert twin == model


# Values of the wrong type for a field, each refused by UserRead (pydantic's lax mode).
WRONG = {
    "user_id": [None, 5, [], {}],
    "email": [5, True, ["a"], {"a": 1}],
    "email_verified": ["maybe", [], 2],
    "created_at": ["yesterday", "2024-13-01T00:00:00Z", [], True],
    "logins_count": ["many", 1.5, []],
    "blocked": ["maybe", None, {}],
    "identities": ["one", [{"connection": "c"}], [5], None],
    "app_metadata": ["x", [], None],
}


@pytest.mark.parametrize(
    ("field", "value"), [(field, value) for field, values in WRONG.items() for value in values]
)
def test_a_value_userread_refuses_is_refused_by_its_twin(field: str, value: Any) -> None:
    body = json.dumps({"user_id": "auth0|1", field: value}).encode()
    with pytest.raises(ValidationError):
        UserRead.model_validate_json(body)
    with pytest.raises(UpstreamFailed):
        read(body)


@pytest.mark.parametrize(
    ("field", "lax", "value"),
    [("logins_count", "5", 5), ("email_verified", "true", True), ("blocked", "false", False)],
)
def test_the_twin_is_as_lenient_as_pydantic(field: str, lax: str, value: Any) -> None:
    body = json.dumps({"user_id": "auth0|1", field: lax}).encode()
    assert getattr(UserRead.model_validate_json(body), field) == value
    assert getattr(read(body), field) == value


def test_the_list_answer_is_written_as_userlist_writes_it() -> None:
    identity = {"connection": "github", "user_id": "1", "provider": "github", "isSocial": True}
    user = {"user_id": "github|1", "identities": [identity]}
    rows = [read(json.dumps(user).encode())]
    twin = struct_of(UserList)(users=rows, total=1, total_is_capped=False, page=1, per_page=50)
    model = UserList.model_validate(
        {"users": [user], "total": 1, "total_is_capped": False, "page": 1, "per_page": 50}
    )
    assert ENCODER.encode(twin) == model.model_dump_json(by_alias=True).encode()


class Constrained(BaseModel):
    count: int = Field(ge=0)


class Validated(BaseModel):
    name: str

    @field_validator("name")
    @classmethod
    def _upper(cls, value: str) -> str:
        return value.upper()


class Open(BaseModel):
    model_config = ConfigDict(extra="allow")

    name: str


class TwoNames(BaseModel):
    name: str = Field(validation_alias="in", serialization_alias="out")


class Closed(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str


@pytest.mark.parametrize("model", [Constrained, Validated, Open, TwoNames])
def test_a_model_whose_rules_a_struct_cannot_carry_has_no_twin(model: type[BaseModel]) -> None:
    with pytest.raises(TypeError):
        struct_of(model)


def test_a_model_that_forbids_extra_fields_has_a_twin_that_does_too() -> None:
    with pytest.raises(ValidationError):
        Closed.model_validate_json(b'{"name": "a", "other": 1}')
    closed = PageReader(Closed)
    with pytest.raises(UpstreamFailed):
        read(b'{"name": "a", "other": 1}', closed)
    assert read(b'{"name": "a"}', closed).name == "a"
