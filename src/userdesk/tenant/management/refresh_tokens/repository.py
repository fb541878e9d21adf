"""A user's refresh tokens, one per rotation family, as the Management API shows them."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import select, update

from userdesk.tenant.store.models import RefreshToken
from userdesk.tenant.store.repository import Repository


class UserRefreshTokenRepository(Repository[RefreshToken]):
    model = RefreshToken

    def live_of(
        self, user_id: str, now: datetime, after: str | None, limit: int
    ) -> list[RefreshToken]:
        """The usable link of each family (rotation leaves one), ordered by family id."""
        query = (
            select(RefreshToken)
            .where(
                RefreshToken.user_id == user_id,
                RefreshToken.rotated_at.is_(None),
                RefreshToken.revoked_at.is_(None),
                RefreshToken.expires_at > now,
            )
            .order_by(RefreshToken.family_id)
            .limit(limit)
        )
        if after is not None:
            query = query.where(RefreshToken.family_id > after)
        return list(self.session.scalars(query))

    def first_links(self, family_ids: Iterable[str]) -> dict[str, RefreshToken]:
        """The token each family began with: where and when it was first issued."""
        # Newest first, so the oldest link of each family is the one the dict keeps.
        rows = self.session.scalars(
            select(RefreshToken)
            .where(RefreshToken.family_id.in_(list(family_ids)))
            .order_by(RefreshToken.created_at.desc())
        )
        return {row.family_id: row for row in rows}

    def revoke_of(self, user_id: str, now: datetime) -> None:
        self.session.execute(
            update(RefreshToken)
            .where(RefreshToken.user_id == user_id, RefreshToken.revoked_at.is_(None))
            .values(revoked_at=now)
        )
