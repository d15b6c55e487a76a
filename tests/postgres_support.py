"""A fresh PostgreSQL database per test, on the server the project's machines run (issue 14).

The server is ``FLOWCAST_TEST_POSTGRES_URL`` (default postgresql://postgres@127.0.0.1:5432/test,
trust auth). Each test gets a database of its own, created from that one and dropped after it.
Without a server a test of team mode is skipped with the reason on a developer's machine and
fails under ``CI=true``: CI never passes by skipping it.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from urllib.parse import urlsplit, urlunsplit

import psycopg
import pytest

from data.store.postgres_backend import PostgresBackend

SERVER_URL_ENV = "FLOWCAST_TEST_POSTGRES_URL"
DEFAULT_SERVER_URL = "postgresql://postgres@127.0.0.1:5432/test"
START_HINT = (
    "start PostgreSQL 15 on 127.0.0.1:5432 with trust auth for local connections "
    "(Debian: apt-get install postgresql && service postgresql start), or point "
    f"{SERVER_URL_ENV} at one"
)


def server_url() -> str:
    return os.environ.get(SERVER_URL_ENV) or DEFAULT_SERVER_URL


def _unavailable(reason: str) -> None:
    message = f"PostgreSQL is not reachable at {server_url()} ({reason}); {START_HINT}."
    if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
        pytest.fail(message, pytrace=False)
    pytest.skip(message)


def with_database(url: str, name: str) -> str:
    return urlunsplit(urlsplit(url)._replace(path=f"/{name}"))


@pytest.fixture
def postgres_url() -> Iterator[str]:
    """The URL of an empty database that exists for this test only."""
    try:
        admin = psycopg.connect(server_url(), autocommit=True, connect_timeout=5)
    except psycopg.OperationalError as exc:
        _unavailable(" ".join(str(exc).split()))
    name = f"flowcast_test_{uuid.uuid4().hex[:12]}"
    with admin:
        admin.execute(f'CREATE DATABASE "{name}"')
        try:
            yield with_database(server_url(), name)
        finally:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def postgres_backend(postgres_url: str) -> Iterator[PostgresBackend]:
    """The app's store on a fresh team database (schema migrated), its pool closed after."""
    backend = PostgresBackend(postgres_url)
    yield backend
    backend.close()


def index_plan(pg: psycopg.Connection, sql: str, params: tuple = ()) -> str:
    """PostgreSQL's plan for ``sql`` (one line) with sequential scans off, so a small test table
    still shows whether an index matches the statement at all."""
    with pg.transaction():
        pg.execute("SET LOCAL enable_seqscan = off")
        return " ".join(r[0] for r in pg.execute(f"EXPLAIN {sql}", params))
