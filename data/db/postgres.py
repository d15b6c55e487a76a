"""The single import point for PostgreSQL (team mode, issue 14).

``FLOWCAST_DATABASE_URL=postgresql://user@host:port/dbname`` (or a command's ``--database-url``)
names a team database; unset means the local SQLite file, as always. psycopg 3 is imported only
when a URL is used, so the local app and the CLI's start-up never load it; it comes with the
``team`` extra (``pip install 'flowcast[team]'``).

Connections are in autocommit mode, like the SQLite ones (``isolation_level=None``): a
transaction is always explicit (``with conn.transaction():``), never one psycopg opened silently.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit, urlunsplit

from data.errors import ConfigError, DatabaseError

if TYPE_CHECKING:
    import psycopg

DATABASE_URL_ENV = "FLOWCAST_DATABASE_URL"
SCHEMES = ("postgresql", "postgres")
CONNECT_TIMEOUT_S = 5


def configured_url() -> str | None:
    """The team database's URL from the environment, or None for the local SQLite file."""
    return os.environ.get(DATABASE_URL_ENV) or None


def check_url(url: str) -> str:
    """``url`` if it names a PostgreSQL database, else a ConfigError saying what to give."""
    parts = urlsplit(url)
    if parts.scheme not in SCHEMES or not parts.path.strip("/"):
        raise ConfigError(
            f"The database URL {redact(url)!r} is not a PostgreSQL database URL; give "
            "postgresql://user@host:5432/dbname, or unset FLOWCAST_DATABASE_URL to use the local "
            "SQLite file."
        )
    return url


def redact(url: str) -> str:
    """``url`` without its password, for messages and logs."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    host = parts.hostname or ""
    netloc = f"{parts.username}:***@{host}" + (f":{parts.port}" if parts.port else "")
    return urlunsplit(parts._replace(netloc=netloc))


def describe(url: str) -> str:
    """'database test on 127.0.0.1:5432' for messages."""
    parts = urlsplit(url)
    return (
        f"database {parts.path.strip('/')} on {parts.hostname or 'localhost'}:{parts.port or 5432}"
    )


def _driver() -> Any:
    try:
        import psycopg
    except ImportError as exc:  # pragma: no cover - the team extra is part of the test install
        raise ConfigError(
            "A PostgreSQL database needs the psycopg driver; install it with "
            "pip install 'flowcast[team]'."
        ) from exc
    return psycopg


def connect(url: str) -> psycopg.Connection[Any]:
    """A new autocommit connection to the team database, or one sentence saying why not."""
    psycopg = _driver()
    check_url(url)
    try:
        return psycopg.connect(url, autocommit=True, connect_timeout=CONNECT_TIMEOUT_S)
    except psycopg.OperationalError as exc:
        reason = " ".join(str(exc).split()) or type(exc).__name__
        raise DatabaseError(
            f"PostgreSQL ({describe(url)}) refused the connection: {reason}; start PostgreSQL or "
            "fix FLOWCAST_DATABASE_URL."
        ) from exc


@contextmanager
def postgres_connection(url: str) -> Iterator[psycopg.Connection[Any]]:
    """A connection for one command, closed at the end of the block."""
    conn = connect(url)
    try:
        yield conn
    finally:
        conn.close()


def is_postgres(conn: object) -> bool:
    """Whether ``conn`` is a psycopg connection (without importing psycopg to find out)."""
    return type(conn).__module__.split(".", 1)[0] == "psycopg"
