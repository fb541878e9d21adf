"""Management API errors and the handlers that answer them in Auth0's body.

Every /api/v2 error reads ``{"statusCode", "error", "message", "errorCode"}``: node-auth0 and
auth0-python build their exceptions from those four keys. The handlers for FastAPI's own
errors (validation, unknown route) only reshape /api/v2 answers and hand anything else to
the handler that was installed before them.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Awaitable, Callable
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exception_handlers import (
    http_exception_handler,
    request_validation_exception_handler,
)
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from sqlalchemy.exc import DBAPIError, SQLAlchemyError
from starlette.exceptions import HTTPException as StarletteHTTPException

PREFIX = "/api/v2"

log = logging.getLogger("userdesk.tenant")

# What SQLite says when a statement is beyond its limits, not broken: a search that asked too
# much. The query parser bounds searches well inside these; this is the backstop.
_TOO_COMPLEX = re.compile(r"too (large|many|complex|big)|stack overflow|at most \d+ tables")
# PostgreSQL's text and jsonb cannot hold the NUL character (SQLite's can): psycopg refuses
# such a value before sending it, the server refuses "\u0000" in jsonb.
_NUL = re.compile(r"cannot contain NUL|unsupported Unicode escape sequence")

Handler = Callable[[Request, Any], Awaitable[Response]]


class ManagementError(Exception):
    status_code = 400
    error_code = "invalid_body"

    def __init__(
        self,
        message: str,
        *,
        error_code: str | None = None,
        status_code: int | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        if error_code is not None:
            self.error_code = error_code
        if status_code is not None:
            self.status_code = status_code
        self.headers = headers or {}


class BadRequest(ManagementError):
    pass


class InvalidQuery(ManagementError):
    error_code = "invalid_query_string"


class Unauthorized(ManagementError):
    status_code = 401
    error_code = "invalid_token"

    def __init__(self, message: str, error_code: str | None = None) -> None:
        super().__init__(message, error_code=error_code, headers={"WWW-Authenticate": "Bearer"})


class InsufficientScope(ManagementError):
    status_code = 403
    error_code = "insufficient_scope"

    def __init__(self, expected: list[str]) -> None:
        super().__init__(f"Insufficient scope, expected any of: {','.join(expected)}")


class NotFound(ManagementError):
    status_code = 404
    error_code = "inexistent_resource"


class UserNotFound(NotFound):
    error_code = "inexistent_user"

    def __init__(self) -> None:
        super().__init__("The user does not exist.")


class ConnectionNotFound(NotFound):
    error_code = "inexistent_connection"

    def __init__(self) -> None:
        super().__init__("The connection does not exist.")


class PasswordTooWeak(BadRequest):
    """Auth0 answers this one without an ``errorCode`` (community.auth0.com/t/79241)."""

    error_code = ""

    def __init__(self) -> None:
        super().__init__("PasswordStrengthError: Password is too weak")


class RoleNotFound(NotFound):
    error_code = "inexistent_role"

    def __init__(self) -> None:
        super().__init__("The role does not exist.")


class Conflict(ManagementError):
    status_code = 409
    error_code = "conflict"


class UserExists(Conflict):
    error_code = "auth0_idp_error"

    def __init__(self) -> None:
        super().__init__("The user already exists.")


class RateLimited(ManagementError):
    status_code = 429
    error_code = "too_many_requests"

    def __init__(self, retry_after: int) -> None:
        super().__init__(
            "Global limit has been reached", headers={"Retry-After": str(max(retry_after, 1))}
        )


def error_body(status_code: int, message: str, error_code: str) -> dict[str, Any]:
    body: dict[str, Any] = {
        "statusCode": status_code,
        "error": HTTPStatus(status_code).phrase,
        "message": message,
    }
    if error_code:
        body["errorCode"] = error_code
    return body


def error_response(exc: ManagementError) -> JSONResponse:
    return JSONResponse(
        error_body(exc.status_code, exc.message, exc.error_code),
        status_code=exc.status_code,
        headers=exc.headers,
    )


def _is_management(request: Request) -> bool:
    return request.url.path.startswith(PREFIX)


_TYPE_NAMES = {
    "int": "integer",
    "bool": "boolean",
    "string": "string",
    "dict": "object",
    "list": "array",
    "float": "number",
}


def _describe(error: dict[str, Any]) -> str:
    kind = str(error.get("type", ""))
    ctx = error.get("ctx") or {}
    found = type(error.get("input")).__name__
    found = {
        "str": "string",
        "int": "integer",
        "dict": "object",
        "list": "array",
        "NoneType": "null",
    }.get(found, found)
    if kind == "missing" and tuple(error.get("loc", ())) == ("body",):
        return "Expected type object but found type null"
    if kind == "missing":
        return f"Missing required property: {error['loc'][-1]}"
    if kind in {"model_attributes_type", "dict_type"}:
        return f"Expected type object but found type {found}"
    if kind == "too_short":
        return f"Array is too short ({ctx.get('actual_length')}), minimum {ctx.get('min_length')}"
    if kind == "extra_forbidden":
        return f"Additional properties not allowed: {error['loc'][-1]}"
    if kind in {"less_than_equal", "less_than"}:
        limit = ctx.get("le", ctx.get("lt"))
        return f"Too big: {error.get('input')} (maximum {limit})"
    if kind in {"greater_than_equal", "greater_than"}:
        limit = ctx.get("ge", ctx.get("gt"))
        return f"Too small: {error.get('input')} (minimum {limit})"
    for suffix, name in _TYPE_NAMES.items():
        if kind.startswith(f"{suffix}_"):
            return f"Expected type {name} but found type {found}"
    if kind == "json_invalid":
        return "Invalid request payload JSON format"
    return str(error.get("msg", "Invalid value"))


def validation_error(exc: RequestValidationError) -> ManagementError:
    errors = list(exc.errors())
    first = errors[0] if errors else {"loc": ("body",), "msg": "invalid"}
    where = first["loc"][0] if first.get("loc") else "body"
    message = _describe(first)
    prop = ".".join(str(p) for p in first["loc"][1:]) if len(first["loc"]) > 1 else ""
    on = f" on property {prop}" if prop and not message.endswith(f": {prop}") else ""
    if where == "query":
        return InvalidQuery(f"Query validation error: '{message}'{on}.")
    if where == "path":
        return ManagementError(f"Path validation error: '{message}'{on}.", error_code="invalid_uri")
    if first.get("type") == "json_invalid":
        return BadRequest(message)
    return BadRequest(f"Payload validation error: '{message}'{on}.")


def database_error_summary(exc: SQLAlchemyError) -> str:
    """The error's type and the database's own words: never the statement, never parameters."""
    original = exc.orig if isinstance(exc, DBAPIError) else None
    if original is None:
        return type(exc).__name__
    reason = str(original).splitlines()[0][:200] if str(original) else ""
    return f"{type(exc).__name__} ({type(original).__name__}: {reason})"


def _too_complex(exc: SQLAlchemyError) -> bool:
    return isinstance(exc, DBAPIError) and bool(_TOO_COMPLEX.search(str(exc.orig)))


def _holds_nul(exc: SQLAlchemyError) -> bool:
    return isinstance(exc, DBAPIError) and bool(_NUL.search(str(exc.orig)))


def install_handlers(app: FastAPI) -> None:
    previous_validation: Handler = app.exception_handlers.get(  # type: ignore[assignment]
        RequestValidationError, request_validation_exception_handler
    )
    previous_http: Handler = app.exception_handlers.get(  # type: ignore[assignment]
        StarletteHTTPException, http_exception_handler
    )

    async def on_management_error(_request: Request, exc: Exception) -> Response:
        assert isinstance(exc, ManagementError)
        return error_response(exc)

    async def on_validation(request: Request, exc: Exception) -> Response:
        if not _is_management(request):
            return await previous_validation(request, exc)
        assert isinstance(exc, RequestValidationError)
        return error_response(validation_error(exc))

    async def on_http(request: Request, exc: Exception) -> Response:
        if not _is_management(request):
            return await previous_http(request, exc)
        assert isinstance(exc, StarletteHTTPException)
        code = exc.status_code
        message = exc.detail if isinstance(exc.detail, str) else HTTPStatus(code).phrase
        if code == 404:
            message = "Not Found"
        return error_response(
            ManagementError(
                message,
                status_code=code,
                error_code={404: "not_found", 405: "method_not_allowed"}.get(code, "http_error"),
                headers=dict(exc.headers or {}),
            )
        )

    async def on_database_error(request: Request, exc: Exception) -> Response:
        # Handled here rather than left to the server: its traceback would print the statement.
        assert isinstance(exc, SQLAlchemyError)
        if _too_complex(exc):
            log.info("query refused by the database: %s", database_error_summary(exc))
            if _is_management(request):
                return error_response(
                    InvalidQuery("Invalid query: the query is too complex; use fewer terms")
                )
        if _holds_nul(exc):
            log.info("value refused by the database: %s", database_error_summary(exc))
            if _is_management(request):
                message = "text cannot contain the NUL character (\\u0000) in this tenant's store"
                if request.method == "GET":
                    return error_response(InvalidQuery(f"Invalid query: {message}"))
                return error_response(BadRequest(f"Payload validation error: {message}"))
            return JSONResponse(
                {"error": "invalid_request", "error_description": "NUL character in a value"},
                status_code=400,
            )
        log.error(
            "database error on %s %s: %s",
            request.method,
            request.url.path,
            database_error_summary(exc),
        )
        if _is_management(request):
            return error_response(
                ManagementError(
                    "Internal error", status_code=500, error_code="internal_server_error"
                )
            )
        return JSONResponse(
            {"error": "server_error", "error_description": "Internal error"}, status_code=500
        )

    app.add_exception_handler(SQLAlchemyError, on_database_error)
    app.add_exception_handler(ManagementError, on_management_error)
    app.add_exception_handler(RequestValidationError, on_validation)
    app.add_exception_handler(StarletteHTTPException, on_http)
