"""Fixtures shared by every test: a private data directory with a fresh database per test."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from data.db.connection import initialize_database
from data.locations import DATA_DIR_ENV
from data.store import set_backend
from data.store.sqlite_backend import SQLiteBackend


@pytest.fixture(autouse=True)
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """Every test gets its own data directory; nothing touches the checkout or the user's data."""
    directory = tmp_path / "data"
    directory.mkdir()
    monkeypatch.setenv(DATA_DIR_ENV, str(directory))
    set_backend(None)
    yield directory
    set_backend(None)


@pytest.fixture
def db_path(data_dir: Path) -> Path:
    """A fresh, fully migrated database file at the data directory's standard location."""
    return initialize_database(data_dir / "profiles" / "burndown.db")


@pytest.fixture
def backend(db_path: Path) -> SQLiteBackend:
    """The SQLite backend on ``db_path``, installed as the process-wide backend."""
    instance = SQLiteBackend(db_path)
    set_backend(instance)
    return instance
