"""Query parameters the list routes share, with Auth0's bounds."""

from __future__ import annotations

from typing import Annotated

from fastapi import Query

# No client pages this far; the bound keeps page * per_page inside SQLite's 64-bit OFFSET.
MAX_PAGE = 1_000_000_000

Page = Annotated[int | None, Query(ge=0, le=MAX_PAGE)]
PerPage = Annotated[int | None, Query(ge=0, le=100)]
Take = Annotated[int | None, Query(ge=1, le=100)]
