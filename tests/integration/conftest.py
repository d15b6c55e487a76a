"""Fixtures shared by the integration tests."""

from __future__ import annotations

import os
import random
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis

from data.store import set_backend
from data.store.sql_backend import SQLBackend
from data.store.sqlite_backend import SQLiteBackend
from tests.metrics_support import seed_team
from tests.postgres_support import (  # noqa: F401 - fixtures for team-mode tests
    postgres_backend,
    postgres_url,
)


@pytest.fixture
def seeded(backend: SQLiteBackend) -> SQLiteBackend:
    """The backend with profile 'team' and its query 'q' holding the five hand-checked issues."""
    return seed_team(backend)


@pytest.fixture(params=["sqlite", "postgresql"])
def both_engines(request: pytest.FixtureRequest, db_path: Path) -> Iterator[SQLBackend]:
    """The process-wide store on the SQLite file or on a fresh PostgreSQL database, for the
    suites that must hold on both engines (a module uses it as its ``backend``)."""
    if request.param == "sqlite":
        store: SQLBackend = SQLiteBackend(db_path)
    else:
        store = request.getfixturevalue("postgres_backend")
    set_backend(store)
    yield store
    set_backend(None)


@pytest.fixture
def redis_url() -> Iterator[str]:
    """A Redis database of its own (1–15, emptied before and after) on the machine's Redis 7."""
    url = f"redis://127.0.0.1:6379/{random.randint(1, 15)}"
    try:
        redis.Redis.from_url(url).flushdb()
    except redis.ConnectionError as exc:
        message = f"Redis is not reachable at {url} ({exc}); start Redis 7 on 127.0.0.1:6379."
        if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    yield url
    redis.Redis.from_url(url).flushdb()
