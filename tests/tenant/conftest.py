"""Fixtures of the tenant's tests that work on its store directly."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import Engine

from tests.support.databases import store_url
from userdesk.tenant.store.db import make_engine, migrate


@pytest.fixture(scope="module")
def store_engine(store: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    """An empty, migrated tenant store of the kind ``store`` names, for one module."""
    with store_url(store, tmp_path_factory.mktemp(f"store-{store}")) as url:
        engine = make_engine(url)
        migrate(engine)
        yield engine
        engine.dispose()
