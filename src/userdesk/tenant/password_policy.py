"""The database connection's password policy, as Auth0's password-sheriff "fair" level.

One function, ``check_password_policy``, so the connection-aware policy check can replace its
body without touching its callers: at least 8 characters, with lower case, upper case and
digits. The refusal names every rule the password misses, in password-sheriff's words.
"""

from __future__ import annotations

import re

MIN_LENGTH = 8
_RULES = (
    (re.compile(r"[a-z]"), "Lower case letters (a-z)"),
    (re.compile(r"[A-Z]"), "Upper case letters (A-Z)"),
    (re.compile(r"\d"), "Numbers (i.e. 0-9)"),
)


class PasswordStrengthError(Exception):
    """The password misses rules of the policy; ``rules`` names them."""

    def __init__(self, rules: list[str]) -> None:
        super().__init__("Password is too weak")
        self.message = "Password is too weak"
        self.rules = rules


def check_password_policy(password: str, connection: str | None = None) -> None:
    """Raise ``PasswordStrengthError`` unless ``password`` meets the connection's policy."""
    missed = []
    if len(password) < MIN_LENGTH:
        missed.append(f"At least {MIN_LENGTH} characters in length")
    missed.extend(label for pattern, label in _RULES if not pattern.search(password))
    if missed:
        raise PasswordStrengthError(missed)
