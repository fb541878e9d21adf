"""The rules of user management: search, create, update, delete, brute-force blocks."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Row
from sqlalchemy.orm import Session

from userdesk.tenant import ids
from userdesk.tenant.clock import utcnow
from userdesk.tenant.management.audit import ApiCall, ApiCallLog
from userdesk.tenant.management.connections.service import ConnectionService
from userdesk.tenant.management.errors import (
    BadRequest,
    InvalidQuery,
    ManagementError,
    UserExists,
    UserNotFound,
)
from userdesk.tenant.management.logs.repository import LogRepository
from userdesk.tenant.management.paging import SEARCH_CAP, Paging, parse_sort
from userdesk.tenant.management.query import QuerySyntaxError
from userdesk.tenant.management.users.fields import USER_SORT
from userdesk.tenant.management.users.repository import (
    WALK,
    FailedLoginRepository,
    UserQuery,
    UserRepository,
    WalkBudget,
)
from userdesk.tenant.management.users.schemas import UserCreate, UserUpdate
from userdesk.tenant.management.users.validation import check_profile
from userdesk.tenant.oidc.repository import ConnectionRepository
from userdesk.tenant.passwords import hash_password
from userdesk.tenant.store.models import User

_USER_ID = re.compile(r"^[^|\s]+\|\S+$")


def merge_metadata(current: dict[str, Any], patch: dict[str, Any]) -> dict[str, Any]:
    """Auth0's metadata PATCH: root keys merge, nested values are replaced, null deletes.

    An empty object clears the whole document.
    """
    if not patch:
        return {}
    merged = dict(current)
    for key, value in patch.items():
        if value is None:
            merged.pop(key, None)
        else:
            merged[key] = value
    return merged


def check_user_id(user_id: str) -> str:
    if not _USER_ID.match(user_id):
        raise ManagementError(
            f"Path validation error: 'Object didn't pass validation for format user-id: "
            f"{user_id}' on property id (ID of the user).",
            error_code="invalid_uri",
        )
    return user_id


def _domain(email: str | None) -> str | None:
    return email.rsplit("@", 1)[1].lower() if email and "@" in email else None


@dataclass
class SearchResult:
    # Plain rows of the repository's LISTED_COLUMNS, attributes named as User's.
    users: list[Row[Any]]
    paging: Paging
    total: int | None


class UserService:
    def __init__(self, session: Session, walk: WalkBudget = WALK) -> None:
        self.session = session
        self.users = UserRepository(session, walk)
        self.failures = FailedLoginRepository(session)
        self.connections = ConnectionRepository(session)
        self.logs = LogRepository(session)
        self.calls = ApiCallLog(session)
        self.policies = ConnectionService(session)

    @staticmethod
    def lists_plainly(*, q: str | None, connection: str | None, sort: str | None) -> bool:
        """Whether a search is a listing of every user in no order or along an index, whose
        cost is bounded whatever the number of users (``UserRepository.plain``)."""
        try:
            query = UserQuery(q=q, connection=connection or None, sort=parse_sort(sort, USER_SORT))
        except ManagementError:
            return False  # the search itself answers the error
        return UserRepository.plain(query)

    def search(
        self,
        *,
        q: str | None,
        page: int | None,
        per_page: int | None,
        sort: str | None,
        connection: str | None,
        with_total: bool,
        columns: Sequence[str] | None = None,
    ) -> SearchResult:
        paging = Paging.of(page, per_page).capped()
        query = UserQuery(q=q, connection=connection or None, sort=parse_sort(sort, USER_SORT))
        try:
            found, total = self.users.find(
                query,
                paging.start,
                paging.limit,
                cap=SEARCH_CAP,
                with_total=with_total,
                columns=columns,
            )
        except QuerySyntaxError as exc:
            raise InvalidQuery(f"Invalid query: {exc}") from None
        return SearchResult(found, paging, total)

    def get(self, user_id: str) -> User:
        user = self.users.by_user_id(check_user_id(user_id))
        if user is None:
            raise UserNotFound()
        return user

    def by_email(self, email: str) -> list[User]:
        return self.users.by_email(email)

    def create(self, data: UserCreate, call: ApiCall) -> User:
        check_profile(email=data.email, username=data.username, picture=data.picture)
        connection = self.connections.by_name(data.connection)
        if connection is None:
            raise BadRequest("The connection does not exist.", error_code="inexistent_connection")
        if not data.email:
            raise BadRequest("Payload validation error: 'Missing required property: email'.")
        if not data.password:
            raise BadRequest("Payload validation error: 'Missing required property: password'.")
        provider = connection.strategy or "auth0"
        if data.user_id:
            user_id = data.user_id if "|" in data.user_id else f"{provider}|{data.user_id}"
        else:
            user_id = f"{provider}|{ids.local_user_id()}"
        if self.users.by_user_id(user_id) is not None:
            raise UserExists()
        if self.users.email_taken(connection.name, data.email):
            raise UserExists()
        self.policies.check_password(connection.name, data.password)
        now = utcnow()
        user = User(
            user_id=user_id,
            connection=connection.name,
            provider=provider,
            email=data.email,
            email_domain=_domain(data.email),
            email_verified=data.email_verified,
            username=data.username,
            name=data.name or data.email,
            nickname=data.nickname or data.email.split("@", 1)[0],
            given_name=data.given_name,
            family_name=data.family_name,
            picture=data.picture,
            password_hash=hash_password(data.password),
            blocked=data.blocked,
            created_at=now,
            updated_at=now,
            logins_count=0,
            app_metadata=data.app_metadata or {},
            user_metadata=data.user_metadata or {},
        )
        self.users.add(user)
        self.session.flush()
        self.calls.record(call, "Create a User", 201, user.user_id)
        return user

    def update(self, user_id: str, data: UserUpdate, call: ApiCall) -> User:
        check_profile(email=data.email, username=data.username, picture=data.picture)
        user = self.get(user_id)
        changes = data.model_dump(exclude_unset=True)
        if changes.get("password"):
            self.policies.check_password(user.connection, changes["password"])
        if "email" in changes and changes["email"] != user.email:
            email = changes["email"]
            if email and self.users.email_taken(user.connection, email, except_pk=user.pk):
                raise UserExists()
            user.email = email
            user.email_domain = _domain(email)
        for name in ("email_verified", "blocked"):
            if changes.get(name) is not None:
                setattr(user, name, changes[name])
        for name in ("username", "name", "nickname", "given_name", "family_name", "picture"):
            if name in changes:
                setattr(user, name, changes[name])
        if changes.get("password"):
            user.password_hash = hash_password(changes["password"])
            user.last_password_reset = utcnow()
            # A password change lifts brute-force blocks, as it does at Auth0.
            self.failures.clear(user.user_id)
        if changes.get("app_metadata") is not None:
            user.app_metadata = merge_metadata(user.app_metadata or {}, changes["app_metadata"])
        if changes.get("user_metadata") is not None:
            user.user_metadata = merge_metadata(user.user_metadata or {}, changes["user_metadata"])
        user.updated_at = utcnow()
        self.session.flush()
        self.calls.record(call, "Update a User", user_id=user.user_id)
        return user

    def delete(self, user_id: str, call: ApiCall) -> None:
        self._delete(check_user_id(user_id), call.client_id)
        self.calls.record(call, "Delete a User", 204, user_id)

    def _delete(self, user_id: str, client_id: str) -> None:
        deleted = self.users.delete_by_user_id(user_id)
        if deleted is None:
            # Deleting twice is not an error at Auth0 (nor losing a race to another delete,
            # which logged the deletion).
            return
        self.logs.record(
            "du",
            user_id=user_id,
            user_name=deleted.email or deleted.username or deleted.name,
            connection=deleted.connection,
            client_id=client_id,
        )

    def blocks_of(self, user_id: str) -> list[dict[str, str]]:
        user = self.get(user_id)
        identifier = user.email or user.username or user.user_id
        return [
            {"identifier": identifier, "ip": row.ip} for row in self.failures.blocks(user.user_id)
        ]

    def unblock(self, user_id: str, call: ApiCall) -> None:
        user = self.get(user_id)
        self.failures.clear(user.user_id)
        self.calls.record(call, "Unblock a User", 204, user_id)

    def blocks_by_identifier(self, identifier: str) -> list[dict[str, str]]:
        return [
            {"identifier": identifier, "ip": row.ip}
            for user in self.users.by_identifier(identifier)
            for row in self.failures.blocks(user.user_id)
        ]

    def unblock_identifier(self, identifier: str, call: ApiCall) -> None:
        for user in self.users.by_identifier(identifier):
            self.failures.clear(user.user_id)
        self.calls.record(call, "Unblock a User by identifier", 204)
