"""Queries over roles, their permissions and members, and users' direct permissions."""

from __future__ import annotations

from sqlalchemy import delete, func, select

from userdesk.tenant.store.models import (
    Role,
    RolePermission,
    User,
    UserPermission,
    UserRole,
)
from userdesk.tenant.store.repository import Repository

Grant = tuple[str, str]  # (resource_server_identifier, permission_name)


class RoleRepository(Repository[Role]):
    model = Role

    def by_name(self, name: str) -> Role | None:
        return self.session.scalar(select(Role).where(func.lower(Role.name) == name.lower()))

    def matching(self, name_filter: str | None, offset: int, limit: int | None) -> list[Role]:
        query = select(Role).order_by(Role.name, Role.id)
        if name_filter:
            query = query.where(
                func.lower(Role.name).contains(name_filter.lower(), autoescape=True)
            )
        if limit is not None:
            query = query.offset(offset).limit(limit)
        return list(self.session.scalars(query))

    def count(self, name_filter: str | None) -> int:
        query = select(func.count(Role.id))
        if name_filter:
            query = query.where(
                func.lower(Role.name).contains(name_filter.lower(), autoescape=True)
            )
        return int(self.session.scalar(query) or 0)

    def existing(self, role_ids: list[str]) -> set[str]:
        return set(self.session.scalars(select(Role.id).where(Role.id.in_(role_ids))))

    def permissions(self, role_id: str) -> list[RolePermission]:
        query = (
            select(RolePermission)
            .where(RolePermission.role_id == role_id)
            .order_by(RolePermission.resource_server_identifier, RolePermission.permission_name)
        )
        return list(self.session.scalars(query))

    def add_permissions(self, role_id: str, grants: list[Grant]) -> None:
        have = {
            (p.resource_server_identifier, p.permission_name) for p in self.permissions(role_id)
        }
        for identifier, name in dict.fromkeys(grants):
            if (identifier, name) not in have:
                self.session.add(
                    RolePermission(
                        role_id=role_id, resource_server_identifier=identifier, permission_name=name
                    )
                )

    def remove_permissions(self, role_id: str, grants: list[Grant]) -> None:
        for identifier, name in grants:
            self.session.execute(
                delete(RolePermission).where(
                    RolePermission.role_id == role_id,
                    RolePermission.resource_server_identifier == identifier,
                    RolePermission.permission_name == name,
                )
            )

    def members(
        self, role_id: str, offset: int, limit: int, after: str | None = None
    ) -> list[User]:
        query = (
            select(User)
            .join(UserRole, UserRole.user_id == User.user_id)
            .where(UserRole.role_id == role_id)
            .order_by(User.user_id)
        )
        if after is not None:
            query = query.where(User.user_id > after)
        return list(self.session.scalars(query.offset(offset).limit(limit)))

    def member_count(self, role_id: str) -> int:
        query = select(func.count()).select_from(UserRole).where(UserRole.role_id == role_id)
        return int(self.session.scalar(query) or 0)

    def roles_of(self, user_id: str) -> list[Role]:
        query = (
            select(Role)
            .join(UserRole, UserRole.role_id == Role.id)
            .where(UserRole.user_id == user_id)
            .order_by(Role.name, Role.id)
        )
        return list(self.session.scalars(query))

    def assign(self, user_id: str, role_ids: list[str]) -> None:
        have = {r.id for r in self.roles_of(user_id)}
        for role_id in dict.fromkeys(role_ids):
            if role_id not in have:
                self.session.add(UserRole(user_id=user_id, role_id=role_id))

    def unassign(self, user_id: str, role_ids: list[str]) -> None:
        self.session.execute(
            delete(UserRole).where(UserRole.user_id == user_id, UserRole.role_id.in_(role_ids))
        )

    def direct_permissions(self, user_id: str) -> list[UserPermission]:
        query = select(UserPermission).where(UserPermission.user_id == user_id)
        return list(self.session.scalars(query))

    def add_direct(self, user_id: str, grants: list[Grant]) -> None:
        have = {
            (p.resource_server_identifier, p.permission_name)
            for p in self.direct_permissions(user_id)
        }
        for identifier, name in dict.fromkeys(grants):
            if (identifier, name) not in have:
                self.session.add(
                    UserPermission(
                        user_id=user_id, resource_server_identifier=identifier, permission_name=name
                    )
                )

    def remove_direct(self, user_id: str, grants: list[Grant]) -> None:
        for identifier, name in grants:
            self.session.execute(
                delete(UserPermission).where(
                    UserPermission.user_id == user_id,
                    UserPermission.resource_server_identifier == identifier,
                    UserPermission.permission_name == name,
                )
            )

    def permissions_of(self, user_id: str, audience: str) -> list[str]:
        """A user's effective permissions for one API: direct ones and those of its roles."""
        via_roles = select(RolePermission.permission_name).where(
            RolePermission.role_id.in_(select(UserRole.role_id).where(UserRole.user_id == user_id)),
            RolePermission.resource_server_identifier == audience,
        )
        direct = select(UserPermission.permission_name).where(
            UserPermission.user_id == user_id,
            UserPermission.resource_server_identifier == audience,
        )
        names = set(self.session.scalars(via_roles)) | set(self.session.scalars(direct))
        return sorted(names)
