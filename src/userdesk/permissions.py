"""The staff permission vocabulary, shared by the desk and the embedded tenant's first start.

The desk checks these in staff access tokens; the embedded tenant defines the desk API's
permissions and seeds the staff roles from the same table, so the two cannot drift apart.
``manage:users`` is the permission the original Express/Vue admin-dashboard design used for
everything: it implies every other desk permission, audit and roles included.
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum


class Permission(StrEnum):
    READ_USERS = "read:users"
    UPDATE_USERS = "update:users"
    CREATE_USERS = "create:users"
    DELETE_USERS = "delete:users"
    UPDATE_ROLES = "update:roles"
    READ_AUDIT = "read:audit"
    MANAGE_USERS = "manage:users"


DESCRIPTIONS: dict[Permission, str] = {
    Permission.READ_USERS: "List, search and view users",
    Permission.UPDATE_USERS: "Block, unblock and edit users",
    Permission.CREATE_USERS: "Create users",
    Permission.DELETE_USERS: "Delete users",
    Permission.UPDATE_ROLES: "Assign and remove roles",
    Permission.READ_AUDIT: "Read the audit log",
    Permission.MANAGE_USERS: "All user administration (the original design's permission)",
}

# What a granted permission brings with it.
IMPLIES: dict[Permission, frozenset[Permission]] = {
    Permission.MANAGE_USERS: frozenset(p for p in Permission if p is not Permission.MANAGE_USERS),
}


def effective(granted: Iterable[str]) -> frozenset[str]:
    """``granted`` with every implied permission added; unknown strings are kept as they are."""
    permissions = set(granted)
    for permission, implied in IMPLIES.items():
        if permission in permissions:
            permissions |= implied
    return frozenset(permissions)


# The staff roles the embedded tenant creates at first start: name -> (description, permissions).
STAFF_ROLES: dict[str, tuple[str, tuple[Permission, ...]]] = {
    "Admin": ("Every desk permission", tuple(Permission)),
    "Support": (
        "Finds users and fixes their accounts",
        (Permission.READ_USERS, Permission.UPDATE_USERS),
    ),
    "Auditor": ("Reads users and the audit log", (Permission.READ_USERS, Permission.READ_AUDIT)),
    "Viewer": ("Reads users", (Permission.READ_USERS,)),
}
