"""Fixtures shared by the integration tests."""

from __future__ import annotations

import pytest

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
