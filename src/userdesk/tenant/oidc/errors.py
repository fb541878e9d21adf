"""Domain errors of the Authentication API, mapped to Auth0's ``{error, error_description}``."""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse


class OAuthError(Exception):
    """An error the token, revoke and userinfo endpoints answer as OAuth JSON.

    Raising it still commits the request's transaction (see ``deps.get_oidc_db``): failures
    leave records behind (log events, brute-force counters, revoked token families).
    """

    status_code = 400

    def __init__(
        self,
        error: str,
        description: str,
        status_code: int | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(description)
        self.error = error
        self.description = description
        if status_code is not None:
            self.status_code = status_code
        self.headers = headers or {}


class InvalidRequest(OAuthError):
    def __init__(self, description: str) -> None:
        super().__init__("invalid_request", description, 400)


class InvalidGrant(OAuthError):
    def __init__(self, description: str, status_code: int = 403) -> None:
        super().__init__("invalid_grant", description, status_code)


class AccessDenied(OAuthError):
    def __init__(self, description: str, status_code: int = 403) -> None:
        super().__init__("access_denied", description, status_code)


class UnauthorizedClient(OAuthError):
    def __init__(self, description: str) -> None:
        super().__init__("unauthorized_client", description, 403)


class InvalidClient(OAuthError):
    def __init__(self, description: str = "Client authentication failed") -> None:
        super().__init__("invalid_client", description, 401)


class UserBlocked(OAuthError):
    # spa-js matches "user is blocked" in error_description to force a logout.
    def __init__(self) -> None:
        super().__init__("unauthorized", "user is blocked", 401)


class TooManyAttempts(OAuthError):
    def __init__(self) -> None:
        super().__init__(
            "too_many_attempts",
            "Your account has been blocked after multiple consecutive login attempts.",
            429,
        )


class RateLimited(OAuthError):
    def __init__(self, retry_after: int) -> None:
        super().__init__(
            "too_many_requests",
            "Too many requests. Try again later.",
            429,
            {"Retry-After": str(retry_after)},
        )


async def oauth_error_handler(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, OAuthError)
    headers = {"Cache-Control": "no-store", "Pragma": "no-cache", **exc.headers}
    return JSONResponse(
        {"error": exc.error, "error_description": exc.description},
        status_code=exc.status_code,
        headers=headers,
    )


def install_handlers(app: FastAPI) -> None:
    app.add_exception_handler(OAuthError, oauth_error_handler)
