"""Connections to the Flowcast database.

Decisions (DESIGN.md 2 and 3): a fresh connection per callback, CLI command or job; autocommit mode
(``isolation_level=None``) so that we issue ``BEGIN`` ourselves; every write that reads first runs in
``write_transaction`` (``BEGIN IMMEDIATE``), which takes the write lock up front so concurrent
read-then-write updates are serialized instead of lost or failing with "database is locked".
"""

from __future__ import annotations

import atexit
import errno
import logging
import os
import re
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from data import locations
from data.db.dialect import dialect_of
from data.db.sqlite import (
    MIN_SQLITE_VERSION,
    SQLITE_VERSION,
    Connection,
    OperationalError,
    Row,
    sqlite3,
    sqlite_is_new_enough,
)
from data.errors import (
    RESTORE_HINT,
    ConfigError,
    DatabaseError,
    SQLiteTooOldError,
    StorageFullError,
)
from data.private_files import create_private_file

logger = logging.getLogger("data.db.connection")
sql_logger = logging.getLogger("data.db.connection.sql")

BUSY_TIMEOUT_MS = 10_000
LOG_SQL_ENV = "FLOWCAST_LOG_SQL"

# Secrets that may appear in logged SQL (JSON documents bound as parameters).
_SECRET_RE = re.compile(
    r'("(?:token|api_token|password|jira_token|pat)"\s*:\s*")((?:[^"\\]|\\.)*)(")', re.IGNORECASE
)


def mask_secrets(text: str) -> str:
    """Replace the values of token-like JSON keys with ``***``."""
    return _SECRET_RE.sub(r"\1***\3", text)


def _log_statement(statement: str) -> None:
    sql_logger.info(mask_secrets(statement))


def _resolve(path: str | os.PathLike[str] | None) -> Path:
    return Path(path) if path is not None else locations.get_db_path()


def _create_private_file(path: Path) -> None:
    """Create an empty database file readable by its owner only (tokens live in it), in a folder
    created 0700 when missing."""
    try:
        create_private_file(path)
    except OSError as exc:
        if exc.errno == errno.ENOSPC:
            raise StorageFullError(
                f"No space left to create {path}; free disk space or choose another --data-dir."
            ) from None
        reason = (exc.strerror or str(exc)).lower()
        raise ConfigError(
            f"Cannot create the database in {path.parent} ({reason}); make the data directory "
            "writable or choose another with --data-dir."
        ) from None


def connect(path: str | os.PathLike[str] | None = None, *, create: bool = True) -> Connection:
    """Open a connection with Flowcast's settings. Prefer ``get_db_connection()``."""
    if not sqlite_is_new_enough():
        raise SQLiteTooOldError(
            f"SQLite {SQLITE_VERSION} is too old (Flowcast needs "
            f"{'.'.join(map(str, MIN_SQLITE_VERSION))} for JSONB); install sqlean-py or use Python 3.12+."
        )
    db_path = _resolve(path)
    if not db_path.exists():
        if not create:
            raise DatabaseError(
                f"No database at {db_path}; restart Flowcast or run `flowcast init` to create it, "
                "or check --data-dir."
            )
        _create_private_file(db_path)
    try:
        conn = sqlite3.connect(str(db_path), timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None)
    except OperationalError as exc:
        raise DatabaseError(f"Cannot open the database {db_path}: {exc}.") from None
    conn.row_factory = Row
    if os.environ.get(LOG_SQL_ENV) == "1":
        conn.set_trace_callback(_log_statement)
    try:
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        conn.execute("PRAGMA foreign_keys = ON")
        conn.execute("PRAGMA synchronous = FULL")
    except sqlite3.DatabaseError as exc:
        conn.close()
        if _nearly_full(db_path.parent):
            raise StorageFullError(
                f"The disk holding {db_path.parent} is full (SQLite needs room there for the "
                "database's -wal and -shm files); free space and retry."
            ) from None
        if not _writable(db_path):
            raise ConfigError(
                f"The data directory {db_path.parent} is read-only (SQLite needs to write the database "
                "and its -wal/-shm files there); make it writable or choose another with --data-dir."
            ) from None
        raise DatabaseError(
            f"{db_path} is not a usable SQLite database ({exc}); {RESTORE_HINT}."
        ) from None
    return conn


def _nearly_full(folder: Path) -> bool:
    # Opening a WAL database creates its 32 KiB -shm file and the -wal beside it.
    try:
        return shutil.disk_usage(folder).free < 256 * 1024
    except OSError:
        return False


def _writable(db_path: Path) -> bool:
    return os.access(db_path.parent, os.W_OK) and os.access(db_path, os.W_OK)


@contextmanager
def get_db_connection(path: str | os.PathLike[str] | None = None) -> Iterator[Connection]:
    """Yield a fresh connection; commit an open transaction on success, roll back on error, close.

    Statements outside ``write_transaction`` run in autocommit mode; group writes that belong
    together (or that read before they write) in ``with write_transaction(conn):``.
    """
    conn = connect(path)
    try:
        yield conn
        if conn.in_transaction:
            conn.commit()
    except BaseException:
        if conn.in_transaction:
            conn.rollback()
        raise
    finally:
        conn.close()


@contextmanager
def write_transaction(conn: Connection) -> Iterator[Connection]:
    """Run the block as one write transaction that holds the database's write lock from its
    start (``BEGIN IMMEDIATE``; on PostgreSQL an advisory lock, ``data.db.dialect``); roll back
    unless it completes.

    Nested use joins the outer transaction, so repository functions can be composed.
    """
    if conn.in_transaction:
        yield conn
        return
    try:
        for statement in dialect_of(conn).begin_write:
            conn.execute(statement)
    except OperationalError as exc:
        raise translate_operational_error(exc) from None
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise
    try:
        yield conn
        conn.execute("COMMIT")
    except BaseException as exc:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        if isinstance(exc, OperationalError):
            raise translate_operational_error(exc) from None
        raise


@contextmanager
def read_transaction(conn: Connection) -> Iterator[Connection]:
    """One read transaction (unless one is open): every statement in the block sees the same
    data, even while another connection writes."""
    if conn.in_transaction:
        yield conn
        return
    conn.execute(dialect_of(conn).begin_read)
    try:
        yield conn
    finally:
        if conn.in_transaction:
            conn.execute("COMMIT")


def translate_operational_error(exc: OperationalError) -> Exception:
    """Turn SQLite's low-level messages into ones a user can act on."""
    message = str(exc).lower()
    if "database or disk is full" in message:
        return StorageFullError(
            "The disk (or the database's size limit) is full; nothing was written — free space and retry."
        )
    if "readonly" in message or "read-only" in message:
        return ConfigError(
            "The database is read-only; make the data directory writable or choose another with --data-dir."
        )
    if "locked" in message or "busy" in message:
        return DatabaseError(
            "The database stayed locked by another Flowcast process for 10 s; retry when it has finished."
        )
    return exc


def initialize_database(
    path: str | os.PathLike[str] | None = None, *, migrate: bool = True
) -> Path:
    """Create the database file (0600, WAL) if needed and bring its schema up to date.

    Raises SchemaError when the database is newer than this code or an applied migration changed.
    """
    from data.db.schema import apply_migrations, check_applied_migrations

    db_path = _resolve(path)
    with get_db_connection(db_path) as conn:
        mode = conn.execute("PRAGMA journal_mode").fetchone()[0]
        if mode.lower() != "wal":
            conn.execute("PRAGMA journal_mode = WAL")
        check_applied_migrations(conn)
        if migrate:
            apply_migrations(conn)
    return db_path


# Every process keeps one idle, read-only connection to its database open (the default backend
# opens it; the app server too). SQLite checkpoints and deletes the WAL whenever the *last*
# connection to a database closes, which costs ~10 ms with synchronous=FULL — on every call, with a
# fresh connection per call. While another connection stays open, closing one costs ~0.1 ms.
# Read-only, so it can never checkpoint or delete a WAL itself, even if a restore swaps the file
# under it; at exit the process checkpoints once (``_checkpoint_at_exit``), leaving one file.
_MAX_ANCHORS = 8
_anchors: dict[str, Connection] = {}
_anchors_pid = os.getpid()
_inherited_anchors: list[Connection] = []


def keep_database_open(path: str | os.PathLike[str] | None = None) -> None:
    """Hold an idle read-only connection to an initialized database for this process's lifetime."""
    global _anchors_pid
    db_path = _resolve(path).resolve()
    if _anchors_pid != os.getpid():
        # After a fork the parent's connections are not ours to use or close.
        _inherited_anchors.extend(_anchors.values())
        _anchors.clear()
        _anchors_pid = os.getpid()
    key = str(db_path)
    if key in _anchors:
        return
    try:
        anchor = sqlite3.connect(
            f"{db_path.as_uri()}?mode=ro", uri=True, isolation_level=None, check_same_thread=False
        )
        anchor.execute("SELECT 1 FROM schema_version LIMIT 1").fetchall()
    except sqlite3.Error:
        return  # only a speed-up: without it everything still works
    _anchors[key] = anchor
    while len(_anchors) > _MAX_ANCHORS:
        release_anchor(next(iter(_anchors)))


def release_anchor(path: str | os.PathLike[str] | None = None) -> None:
    """Close this process's idle connection to a database (before swapping or deleting the file)."""
    db_path = _resolve(path).resolve()
    anchor = _anchors.pop(str(db_path), None)
    if anchor is None or _anchors_pid != os.getpid():
        return
    # A read-write connection closed after the anchor is the last one: it checkpoints the WAL
    # into the file and deletes it, as closing the last connection did before the anchor.
    try:
        last = sqlite3.connect(f"{db_path.as_uri()}?mode=rw", uri=True)
        last.execute("SELECT 1 FROM sqlite_master LIMIT 1").fetchall()
    except sqlite3.Error:
        last = None  # gone, unwritable or busy: the next opening folds the WAL in
    anchor.close()
    if last is not None:
        last.close()


@atexit.register
def _checkpoint_at_exit() -> None:
    if _anchors_pid == os.getpid():
        for key in list(_anchors):
            release_anchor(key)
