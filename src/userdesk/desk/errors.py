"""Domain errors of the desk and the one place that turns them into HTTP answers.

Services raise these; they know nothing of HTTP. Every error body is
``{"error": "<code>", "message": "<text>"}``, validation errors and unknown routes included.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from sqlalchemy.exc import DBAPIError, SQLAlchemyError
from starlette.exceptions import HTTPException as StarletteHTTPException

log = logging.getLogger("userdesk.desk")


class ErrorRead(BaseModel):
    error: str
    message: str


# Every route with parameters documents its 422 with the desk's own shape, not FastAPI's.
INVALID_REQUEST: dict[int | str, dict[str, object]] = {
    422: {"model": ErrorRead, "description": "Invalid parameters"}
}


# What any route that calls the identity provider may also answer.
UPSTREAM_ERRORS: dict[int | str, dict[str, object]] = {
    **INVALID_REQUEST,
    401: {"model": ErrorRead},
    403: {"model": ErrorRead},
    429: {"model": ErrorRead, "description": "Rate limited by the identity provider"},
    502: {"model": ErrorRead, "description": "The identity provider failed"},
    503: {"model": ErrorRead, "description": "The identity provider is unreachable"},
}


class DeskError(Exception):
    status_code = 500
    code = "internal_error"
    # What the identity provider answered, when this error stands for one of its answers.
    upstream_status: int | None = None

    def __init__(self, message: str, *, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.headers = headers or {}


class InvalidToken(DeskError):
    status_code = 401
    code = "invalid_token"

    def __init__(self, message: str, *, missing: bool = False) -> None:
        # RFC 6750: a request without credentials gets the bare challenge, no error code.
        challenge = (
            'Bearer realm="userdesk"'
            if missing
            else f'Bearer realm="userdesk", error="invalid_token", '
            f'error_description="{_quote(message)}"'
        )
        super().__init__(message, headers={"WWW-Authenticate": challenge})


class MissingPermission(DeskError):
    status_code = 403
    code = "insufficient_permissions"

    def __init__(self, permission: str) -> None:
        super().__init__(f"This action needs the {permission} permission")
        self.headers = {
            "WWW-Authenticate": f'Bearer realm="userdesk", error="insufficient_scope", '
            f'scope="{permission}"'
        }


class NotFound(DeskError):
    status_code = 404
    code = "not_found"


class Conflict(DeskError):
    """The change would leave the directory in a state the desk refuses to create."""

    status_code = 409
    code = "conflict"


class UpstreamConflict(DeskError):
    """The provider refused a write as conflicting with what it holds (HTTP 409)."""

    status_code = 409
    code = "conflict"

    def __init__(self, message: str, *, reason: str | None = None) -> None:
        super().__init__(message)
        self.reason = reason or message


class UserExists(DeskError):
    status_code = 409
    code = "user_exists"


class WeakPassword(DeskError):
    status_code = 400
    code = "weak_password"


class BadQuery(DeskError):
    status_code = 400
    code = "bad_request"

    def __init__(self, message: str, *, reason: str | None = None) -> None:
        super().__init__(message)
        # The provider's own words, for callers that recognise a particular refusal.
        self.reason = reason or message


class SearchCapReached(DeskError):
    status_code = 400
    code = "search_cap_reached"


class UpstreamRateLimited(DeskError):
    status_code = 429
    code = "rate_limited"

    def __init__(self, retry_after: int) -> None:
        super().__init__(
            f"The identity provider is rate limiting the desk; retry in {retry_after} s",
            headers={"Retry-After": str(retry_after)},
        )
        self.retry_after = retry_after


class UpstreamUnavailable(DeskError):
    """The identity provider cannot be reached, timed out or refused the desk's credentials."""

    status_code = 503
    code = "upstream_unavailable"


class UpstreamFailed(DeskError):
    """The identity provider answered, but with an error the desk cannot pass on as is."""

    status_code = 502
    code = "upstream_error"


def _quote(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', "'")


def error_response(
    status_code: int, code: str, message: str, headers: Mapping[str, str] | None = None
) -> JSONResponse:
    return JSONResponse(
        ErrorRead(error=code, message=message).model_dump(),
        status_code=status_code,
        headers=headers,
    )


_HTTP_CODES = {
    400: "bad_request",
    401: "invalid_token",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
}


def _database_summary(exc: SQLAlchemyError) -> str:
    """Type and the database's own words: a statement error's text would carry the SQL."""
    original = exc.orig if isinstance(exc, DBAPIError) else None
    if original is None:
        return type(exc).__name__
    reason = str(original).splitlines()[0][:200] if str(original) else ""
    return f"{type(exc).__name__} ({type(original).__name__}: {reason})"


def install(app: FastAPI) -> None:
    @app.exception_handler(DeskError)
    async def _desk_error(_request: Request, exc: DeskError) -> JSONResponse:
        if exc.status_code >= 500:
            log.warning("%s: %s", exc.code, exc.message)
        return error_response(exc.status_code, exc.code, exc.message, exc.headers)

    @app.exception_handler(RequestValidationError)
    async def _invalid(_request: Request, exc: RequestValidationError) -> JSONResponse:
        problems = []
        in_body = False
        for error in exc.errors():
            location = error.get("loc", ())
            in_body = in_body or (bool(location) and location[0] == "body")
            where = ".".join(str(p) for p in location if p != "body")
            problems.append(f"{where}: {error.get('msg', 'invalid')}")
        # A malformed body is a bad request (400); 422 stays for query and path parameters.
        return error_response(
            400 if in_body else 422, "invalid_request", "; ".join(problems) or "Invalid request"
        )

    @app.exception_handler(StarletteHTTPException)
    async def _http(_request: Request, exc: StarletteHTTPException) -> JSONResponse:
        code = _HTTP_CODES.get(exc.status_code, "http_error")
        return error_response(exc.status_code, code, str(exc.detail), exc.headers)

    @app.exception_handler(SQLAlchemyError)
    async def _database(request: Request, exc: SQLAlchemyError) -> JSONResponse:
        # Answered here, so no traceback (which would print the statement) reaches the log.
        log.error(
            "database error on %s %s: %s",
            request.method,
            request.url.path,
            _database_summary(exc),
        )
        return error_response(500, "internal_error", "The desk failed to handle this request")

    @app.exception_handler(Exception)
    async def _unexpected(_request: Request, exc: Exception) -> JSONResponse:
        # The trace goes to the log, never to the client.
        log.error("unexpected error", exc_info=exc)
        return error_response(500, "internal_error", "The desk failed to handle this request")
