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

from data.db.dialect import POSTGRESQL_DIALECT, bind, translate
from data.errors import ConfigError, DatabaseError

if TYPE_CHECKING:
    import psycopg

DATABASE_URL_ENV = "FLOWCAST_DATABASE_URL"
SCHEMES = ("postgresql", "postgres")
CONNECT_TIMEOUT_S = 5


def configured_url() -> str | None:
    """The team database's URL from the environment, or None for the local SQLite file."""
    return os.environ.get(DATABASE_URL_ENV) or None


def refuse_file_tool(tool: str, instead: str) -> None:
    """One sentence when ``FLOWCAST_DATABASE_URL`` names a team database and ``tool`` only
    works on the local SQLite file (it would otherwise create and use that file unseen)."""
    url = configured_url()
    if url:
        raise ConfigError(
            f"{tool} works on the local SQLite file, not on the team database ({describe(url)}) "
            f"that FLOWCAST_DATABASE_URL names; {instead}."
        )


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


# The app's store on a team database --------------------------------------------------------------
POOL_SIZE_ENV = "FLOWCAST_DATABASE_POOL_SIZE"
DEFAULT_POOL_SIZE = 10


class PostgresRow(tuple):  # type: ignore[type-arg]
    """A result row readable by position and by column name, as ``sqlite3.Row``."""

    def __new__(cls, values: Any, names: tuple[str, ...]) -> PostgresRow:
        row = super().__new__(cls, values)
        row._names = names  # type: ignore[attr-defined]
        return row

    def keys(self) -> list[str]:
        return list(self._names)  # type: ignore[attr-defined]

    def __getitem__(self, key: Any) -> Any:
        if isinstance(key, str):
            return tuple.__getitem__(self, self._names.index(key))  # type: ignore[attr-defined]
        return tuple.__getitem__(self, key)


def _row_factory(cursor: Any) -> Any:
    names = tuple(column.name for column in cursor.description or ())
    return lambda values: PostgresRow(values, names)


class PostgresConnection:
    """A pooled psycopg connection with the interface the store modules use on SQLite's
    (``execute``, ``executemany``, ``in_transaction``, rows by position or name): statements are
    written once with ``?`` placeholders (``data.db.dialect.translate``) and a unique or foreign
    key violation raises the ``IntegrityError`` the store catches on SQLite too."""

    def __init__(self, raw: psycopg.Connection[Any]):
        self.raw = raw
        self.dialect = POSTGRESQL_DIALECT

    def execute(self, sql: str, params: Any = None) -> Any:
        cursor = self.raw.cursor(row_factory=_row_factory)
        text, named = translate(sql, bool(params))
        self._call(cursor.execute, text, bind(params, named) if params else None)
        return cursor

    def executemany(self, sql: str, seq_of_params: Any) -> Any:
        cursor = self.raw.cursor(row_factory=_row_factory)
        text, named = translate(sql, True)
        self._call(cursor.executemany, text, [bind(params, named) for params in seq_of_params])
        return cursor

    def _call(self, method: Any, text: str, params: Any) -> None:
        psycopg = _driver()
        try:
            method(text, params)
        except psycopg.IntegrityError as exc:
            from data.db.sqlite import IntegrityError

            raise IntegrityError(" ".join(str(exc).split())) from exc
        except psycopg.errors.LockNotAvailable:
            raise DatabaseError(
                "The team database stayed locked by another Flowcast process for 10 s; retry when "
                "it has finished."
            ) from None
        except psycopg.OperationalError as exc:
            if not connection_lost(self.raw, exc):
                raise  # a statement timeout, a deadlock, a full disk…: what it is, not a restart
            # The server closed the connection under the statement (a restart, an admin's
            # pg_terminate_backend, a lost network): the pool drops this connection when it is
            # given back and opens a new one, so the next request works once PostgreSQL answers.
            raise lost_connection(self.raw, exc) from None

    @property
    def in_transaction(self) -> bool:
        psycopg = _driver()
        status = self.raw.info.transaction_status
        # UNKNOWN: the connection is gone, and with it any transaction (nothing to roll back).
        return status not in (
            psycopg.pq.TransactionStatus.IDLE,
            psycopg.pq.TransactionStatus.UNKNOWN,
        )

    def commit(self) -> None:
        self.execute("COMMIT")

    def rollback(self) -> None:
        self.execute("ROLLBACK")


# SQLSTATEs of a connection the server ended: class 08 (connection exception) and the
# administrator / crash / cannot-connect-now shutdowns (57P01-57P03).
_CONNECTION_ENDED = ("57P01", "57P02", "57P03")


def connection_lost(raw: psycopg.Connection[Any], exc: Exception) -> bool:
    """Whether ``exc`` means the connection is gone (rather than one statement failed)."""
    state = getattr(exc, "sqlstate", None) or ""
    return (
        raw.closed
        or raw.info.transaction_status == _driver().pq.TransactionStatus.UNKNOWN
        or state.startswith("08")
        or state in _CONNECTION_ENDED
    )


def lost_connection(raw: psycopg.Connection[Any], exc: Exception) -> DatabaseError:
    """The one sentence for a statement the server cut off (``raw``: the connection it ran on)."""
    info = raw.info
    where = f"database {info.dbname} on {info.host}:{info.port}"
    reason = " ".join(str(exc).split()).rstrip(".") or type(exc).__name__
    return DatabaseError(
        f"The team database ({where}) closed the connection mid-request ({reason}); try again "
        "in a moment (PostgreSQL may be restarting), or ask your admin if it keeps happening."
    )


def _configure(raw: psycopg.Connection[Any]) -> None:
    """Every pooled connection returns documents as JSON text, as SQLite's ``json(col)`` does."""
    from psycopg.types.string import TextLoader

    for name in ("json", "jsonb"):
        raw.adapters.register_loader(name, TextLoader)


def pool_size() -> int:
    value = os.environ.get(POOL_SIZE_ENV, "")
    if not value:
        return DEFAULT_POOL_SIZE
    if not value.isdigit() or not 1 <= int(value) <= 200:
        raise ConfigError(
            f"{POOL_SIZE_ENV}={value!r} is not a pool size; give a whole number from 1 to 200."
        )
    return int(value)


def open_pool(url: str) -> Any:
    """A connection pool (psycopg_pool) on the team database, opened, or one sentence why not."""
    psycopg = _driver()
    try:
        from psycopg_pool import ConnectionPool, PoolTimeout
    except ImportError as exc:  # pragma: no cover - the team extra is part of the test install
        raise ConfigError(
            "A PostgreSQL database needs psycopg_pool; install it with pip install 'flowcast[team]'."
        ) from exc
    check_url(url)
    pool = ConnectionPool(
        url,
        min_size=1,
        max_size=pool_size(),
        kwargs={
            "autocommit": True,
            "connect_timeout": CONNECT_TIMEOUT_S,
            "cursor_factory": psycopg.ClientCursor,
        },
        configure=_configure,
        # A connection PostgreSQL dropped (a restart) is replaced before it is handed out.
        check=ConnectionPool.check_connection,
        open=False,
        name=describe(url),
    )
    try:
        pool.open(wait=True, timeout=CONNECT_TIMEOUT_S)
    except PoolTimeout:
        pool.close()
        connect(url).close()  # says why in one sentence
        raise DatabaseError(
            f"PostgreSQL ({describe(url)}) did not answer within {CONNECT_TIMEOUT_S} s; start "
            "PostgreSQL or fix FLOWCAST_DATABASE_URL."
        ) from None
    return pool
