"""Roles (RBAC): the roles themselves, their permissions, their members, user permissions."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from userdesk.tenant import ids
from userdesk.tenant.management.audit import ApiCall, ApiCallLog
from userdesk.tenant.management.errors import BadRequest, Conflict, NotFound, RoleNotFound
from userdesk.tenant.management.roles.repository import Grant, RoleRepository
from userdesk.tenant.management.roles.schemas import PermissionRef, RoleCreate, RoleUpdate
from userdesk.tenant.management.users.service import UserService
from userdesk.tenant.oidc.repository import ResourceServerRepository
from userdesk.tenant.store.models import Role, User


@dataclass
class Listing:
    items: list[Any]
    start: int
    limit: int
    total: int


def role_json(role: Role) -> dict[str, Any]:
    return {"id": role.id, "name": role.name, "description": role.description or ""}


def member_json(user: User) -> dict[str, Any]:
    document = {
        "user_id": user.user_id,
        "email": user.email,
        "name": user.name,
        "picture": user.picture,
    }
    return {k: v for k, v in document.items() if v is not None}


def window(items: list[Any], page: int | None, per_page: int | None) -> Listing:
    """Page a short in-memory list the way Auth0 pages roles and permissions (50 a page)."""
    limit = 50 if per_page is None else per_page
    start = (page or 0) * limit
    return Listing(items[start : start + limit], start, limit, len(items))


class RoleService:
    def __init__(self, session: Session) -> None:
        self.session = session
        self.roles = RoleRepository(session)
        self.users = UserService(session)
        self.calls = ApiCallLog(session)
        self.apis = ResourceServerRepository(session)

    def get(self, role_id: str) -> Role:
        role = self.roles.get(role_id)
        if role is None:
            raise RoleNotFound()
        return role

    def list_roles(
        self, name_filter: str | None, page: int | None, per_page: int | None
    ) -> Listing:
        roles = [role_json(r) for r in self.roles.matching(name_filter, 0, None)]
        return window(roles, page, per_page)

    def create(self, data: RoleCreate, call: ApiCall) -> Role:
        if self.roles.by_name(data.name) is not None:
            raise Conflict("A role with this name already exists.", error_code="role_exists")
        role = Role(id=ids.prefixed("rol_"), name=data.name, description=data.description)
        self.roles.add(role)
        self.session.flush()
        self.calls.record(call, "Create a role")
        return role

    def update(self, role_id: str, data: RoleUpdate, call: ApiCall) -> Role:
        role = self.get(role_id)
        if data.name is not None and data.name != role.name:
            other = self.roles.by_name(data.name)
            if other is not None and other.id != role.id:
                raise Conflict("A role with this name already exists.", error_code="role_exists")
            role.name = data.name
        if data.description is not None:
            role.description = data.description
        self.session.flush()
        self.calls.record(call, "Update a role")
        return role

    def delete(self, role_id: str, call: ApiCall) -> None:
        self.roles.delete(self.get(role_id))
        self.calls.record(call, "Delete a role", 204)

    def _grants(self, refs: list[PermissionRef]) -> list[Grant]:
        servers = self.apis.by_identifiers()
        grants = []
        for ref in refs:
            server = servers.get(ref.resource_server_identifier)
            if server is None:
                raise NotFound(
                    f"Resource server {ref.resource_server_identifier} does not exist.",
                    error_code="inexistent_resource_server",
                )
            if ref.permission_name not in {s.get("value") for s in server.scopes or []}:
                raise BadRequest(
                    f"Permission {ref.permission_name} is not defined by "
                    f"{ref.resource_server_identifier}."
                )
            grants.append((ref.resource_server_identifier, ref.permission_name))
        return grants

    def _describe(self, grants: list[Grant]) -> list[dict[str, Any]]:
        servers = self.apis.by_identifiers()
        described = []
        for identifier, name in grants:
            server = servers.get(identifier)
            scopes = (
                {s.get("value"): s.get("description", "") for s in (server.scopes or [])}
                if server
                else {}
            )
            described.append(
                {
                    "resource_server_identifier": identifier,
                    "permission_name": name,
                    "resource_server_name": server.name if server else identifier,
                    "description": scopes.get(name) or "",
                }
            )
        return described

    def permissions(self, role_id: str, page: int | None, per_page: int | None) -> Listing:
        self.get(role_id)
        rows = self.roles.permissions(role_id)
        grants = [(p.resource_server_identifier, p.permission_name) for p in rows]
        return window(self._describe(grants), page, per_page)

    def add_permissions(self, role_id: str, refs: list[PermissionRef], call: ApiCall) -> None:
        self.get(role_id)
        self.roles.add_permissions(role_id, self._grants(refs))
        self.calls.record(call, "Associate permissions with a role", 201)

    def remove_permissions(self, role_id: str, refs: list[PermissionRef], call: ApiCall) -> None:
        self.get(role_id)
        self.roles.remove_permissions(
            role_id, [(r.resource_server_identifier, r.permission_name) for r in refs]
        )
        self.calls.record(call, "Remove permissions from a role", 204)

    def members(self, role_id: str, page: int | None, per_page: int | None) -> Listing:
        self.get(role_id)
        limit = 50 if per_page is None else per_page
        start = (page or 0) * limit
        users = [member_json(u) for u in self.roles.members(role_id, start, limit)]
        return Listing(users, start, limit, self.roles.member_count(role_id))

    def members_after(
        self, role_id: str, after: str | None, take: int
    ) -> tuple[list[Any], str | None]:
        """Checkpoint paging: members after the ``from`` cursor, and the next cursor if any."""
        self.get(role_id)
        users = self.roles.members(role_id, 0, take + 1, after=after or None)
        more = len(users) > take
        users = users[:take]
        return [member_json(u) for u in users], users[-1].user_id if more and users else None

    def add_members(self, role_id: str, user_ids: list[str], call: ApiCall) -> None:
        self.get(role_id)
        for user_id in dict.fromkeys(user_ids):
            self.roles.assign(self.users.get(user_id).user_id, [role_id])
        self.calls.record(call, "Assign users to a role", 201)

    def roles_of(self, user_id: str, page: int | None, per_page: int | None) -> Listing:
        user = self.users.get(user_id)
        return window([role_json(r) for r in self.roles.roles_of(user.user_id)], page, per_page)

    def _known_roles(self, role_ids: list[str]) -> list[str]:
        missing = set(role_ids) - self.roles.existing(role_ids)
        if missing:
            raise RoleNotFound()
        return role_ids

    def assign(self, user_id: str, role_ids: list[str], call: ApiCall) -> None:
        user = self.users.get(user_id)
        self.roles.assign(user.user_id, self._known_roles(role_ids))
        self.calls.record(call, "Assign roles to a user", 204, user_id)

    def unassign(self, user_id: str, role_ids: list[str], call: ApiCall) -> None:
        user = self.users.get(user_id)
        self.roles.unassign(user.user_id, role_ids)
        self.calls.record(call, "Remove roles from a user", 204, user_id)

    def user_permissions(self, user_id: str, page: int | None, per_page: int | None) -> Listing:
        """Direct permissions and those inherited from roles, each with its sources."""
        user = self.users.get(user_id)
        sources: dict[Grant, list[dict[str, str]]] = {}
        for p in self.roles.direct_permissions(user.user_id):
            key = (p.resource_server_identifier, p.permission_name)
            sources.setdefault(key, []).append(
                {"source_id": "", "source_name": "", "source_type": "DIRECT"}
            )
        for role in self.roles.roles_of(user.user_id):
            for rp in self.roles.permissions(role.id):
                key = (rp.resource_server_identifier, rp.permission_name)
                sources.setdefault(key, []).append(
                    {"source_id": role.id, "source_name": role.name, "source_type": "ROLE"}
                )
        grants = sorted(sources)
        described = self._describe(grants)
        for document, grant in zip(described, grants, strict=True):
            document["sources"] = sources[grant]
        return window(described, page, per_page)

    def grant(self, user_id: str, refs: list[PermissionRef], call: ApiCall) -> None:
        user = self.users.get(user_id)
        self.roles.add_direct(user.user_id, self._grants(refs))
        self.calls.record(call, "Assign permissions to a user", 201, user_id)

    def revoke(self, user_id: str, refs: list[PermissionRef], call: ApiCall) -> None:
        user = self.users.get(user_id)
        self.roles.remove_direct(
            user.user_id, [(r.resource_server_identifier, r.permission_name) for r in refs]
        )
        self.calls.record(call, "Remove permissions from a user", 204, user_id)
