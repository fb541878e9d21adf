"""The formats Auth0 checks on a user's profile fields, with its wording when they fail.

Without these checks an email such as ``"><svg/onload=alert(1)>@evil.test``, a username
holding markup and a ``javascript:`` picture were stored as given, for every app that shows
them to trust.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from email_validator import EmailNotValidError, validate_email

from userdesk.tenant.management.errors import BadRequest

USERNAME_MAX = 128
USERNAME_PATTERN = r"^[a-zA-Z0-9_+\-.!#$'^`~@]*$"
_USERNAME = re.compile(USERNAME_PATTERN)
_SPACE_OR_CONTROL = re.compile(r"[\s\x00-\x1f\x7f]")

DESCRIPTIONS = {
    "email": "The user's email address",
    "username": "The user's username. Only valid if the connection requires a username",
    "picture": "A URI pointing to the user's picture",
}


def _invalid(prop: str, problem: str) -> BadRequest:
    return BadRequest(
        f"Payload validation error: '{problem}' on property {prop} ({DESCRIPTIONS[prop]})."
    )


def check_email(value: str) -> None:
    # email-validator refuses reserved names (.local, .test, localhost) because mail cannot be
    # delivered there; Auth0 takes them, and the embedded tenant's admin is admin@userdesk.local.
    # Only the syntax is checked, so a neutral label after the domain keeps that rule out.
    local, at, domain = value.rpartition("@")
    try:
        validate_email(
            f"{local}{at}{domain}.com" if at and domain else value,
            check_deliverability=False,
            allow_quoted_local=False,
            allow_domain_literal=False,
        )
    except EmailNotValidError:
        raise _invalid(
            "email", f"Object didn't pass validation for format email: {value}"
        ) from None


def check_username(value: str) -> None:
    if not value:
        raise _invalid("username", "String is too short (0 chars), minimum 1")
    if len(value) > USERNAME_MAX:
        raise _invalid(
            "username", f"String is too long ({len(value)} chars), maximum {USERNAME_MAX}"
        )
    if not _USERNAME.match(value):
        raise _invalid("username", f"String does not match pattern {USERNAME_PATTERN}: {value}")


def check_picture(value: str) -> None:
    parts = urlsplit(value)
    if (
        parts.scheme.lower() not in ("http", "https")
        or not parts.hostname
        or _SPACE_OR_CONTROL.search(value)
    ):
        raise _invalid("picture", f"Object didn't pass validation for format uri: {value}")


def check_profile(*, email: str | None, username: str | None, picture: str | None) -> None:
    """Raise ``BadRequest`` in Auth0's words for the first field that is not valid."""
    if email is not None:
        check_email(email)
    if username is not None:
        check_username(username)
    if picture is not None:
        check_picture(picture)
