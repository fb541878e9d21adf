"""/api/v2/users/{id}/refresh-tokens: a user's refresh tokens."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Response

from userdesk.tenant.context import DbSession
from userdesk.tenant.management.audit import ApiCall, RequireWriteScope
from userdesk.tenant.management.auth import Caller, RequireScope
from userdesk.tenant.management.params import Take
from userdesk.tenant.management.refresh_tokens.schemas import RefreshTokensCheckpoint
from userdesk.tenant.management.refresh_tokens.service import RefreshTokenService

router = APIRouter(tags=["refresh-tokens"])

ReadRefreshTokens = Annotated[Caller, Depends(RequireScope("read:refresh_tokens"))]
DeleteRefreshTokens = Annotated[ApiCall, Depends(RequireWriteScope("delete:refresh_tokens"))]


@router.get("/users/{user_id}/refresh-tokens", response_model_exclude_none=True)
def user_refresh_tokens(
    user_id: str,
    session: DbSession,
    _caller: ReadRefreshTokens,
    take: Take = None,
    from_: Annotated[str | None, Query(alias="from")] = None,
) -> RefreshTokensCheckpoint:
    found, next_cursor = RefreshTokenService(session).of_user(user_id, from_, take or 50)
    return RefreshTokensCheckpoint.model_validate({"tokens": found, "next": next_cursor})


@router.delete("/users/{user_id}/refresh-tokens", status_code=202)
def delete_user_refresh_tokens(
    user_id: str, session: DbSession, call: DeleteRefreshTokens
) -> Response:
    """Revokes every refresh token of the user; /oauth/token then refuses each one."""
    RefreshTokenService(session).revoke_all(user_id, call)
    return Response(status_code=202)
