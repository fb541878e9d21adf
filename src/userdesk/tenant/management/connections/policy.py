"""Auth0's password strength levels (password-sheriff's rules), applied per connection.

A connection's ``options`` name a ``passwordPolicy`` (none, low, fair, good, excellent; a
missing policy means none, as at Auth0) and may override the level's minimum length with
``password_complexity_options.min_length``.
"""

from __future__ import annotations

import re
import secrets
import string
from dataclasses import dataclass
from typing import Any, Literal

from userdesk.tenant.passwords import MAX_BYTES

Level = Literal["none", "low", "fair", "good", "excellent"]
LEVELS: tuple[Level, ...] = ("none", "low", "fair", "good", "excellent")

# password-sheriff's "special characters": space and ASCII punctuation.
SPECIAL = " " + string.punctuation
_CLASSES = (
    re.compile(r"[a-z]"),
    re.compile(r"[A-Z]"),
    re.compile(r"\d"),
    re.compile("[" + re.escape(SPECIAL) + "]"),
)
_MIN_LENGTH: dict[Level, int] = {"none": 1, "low": 6, "fair": 8, "good": 8, "excellent": 10}
_TRIPLE = re.compile(r"(.)\1\1", re.DOTALL)


@dataclass(frozen=True)
class PasswordPolicy:
    level: Level
    min_length: int

    @classmethod
    def of(cls, options: dict[str, Any] | None) -> PasswordPolicy:
        options = options or {}
        named = options.get("passwordPolicy") or "none"
        level: Level = next((lvl for lvl in LEVELS if lvl == named), "none")
        complexity = options.get("password_complexity_options") or {}
        override = complexity.get("min_length") if isinstance(complexity, dict) else None
        min_length = override if isinstance(override, int) and override > 0 else None
        return cls(level, min_length or _MIN_LENGTH[level])

    def rules(self) -> list[str]:
        """What the policy asks for, in password-sheriff's words."""
        rules = [
            f"At least {self.min_length} characters in length",
            f"At most {MAX_BYTES} bytes (about {MAX_BYTES} letters, fewer with accents)",
        ]
        if self.level == "fair":
            rules += ["Lower case letters (a-z)", "Upper case letters (A-Z)", "Numbers (i.e. 0-9)"]
        elif self.level in ("good", "excellent"):
            rules.append(
                "At least 3 of the following 4 types of characters: lower case letters (a-z), "
                "upper case letters (A-Z), numbers (i.e. 0-9), special characters (e.g. !@#$%^&*)"
            )
        if self.level == "excellent":
            rules.append("No more than 2 identical characters in a row")
        return rules

    def accepts(self, password: str) -> bool:
        # Auth0 counts the minimum in characters; the 72-byte bcrypt bound is the upper one.
        if len(password) < self.min_length or len(password.encode()) > MAX_BYTES:
            return False
        classes = [bool(pattern.search(password)) for pattern in _CLASSES]
        if self.level == "fair":
            return all(classes[:3])
        if self.level in ("good", "excellent") and sum(classes) < 3:
            return False
        return not (self.level == "excellent" and _TRIPLE.search(password))


STRONGEST = PasswordPolicy("excellent", 10)


def generate_password() -> str:
    """A random password that every level accepts, for passwords the tenant makes itself."""
    while True:
        candidate = secrets.token_urlsafe(18)
        if STRONGEST.accepts(candidate) and PasswordPolicy("fair", 8).accepts(candidate):
            return candidate
