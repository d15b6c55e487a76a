"""The persistence contract on a PostgreSQL team database (issue 14): the same SQL as SQLite's
(``data.store.sql_backend``), on connections from a psycopg_pool pool."""

from __future__ import annotations

import hashlib
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from data.db.dialect import WRITE_LOCK_KEY
from data.db.postgres import PostgresConnection, connect, describe, open_pool, redact
from data.db.schema import apply_migrations
from data.errors import DatabaseError
from data.store.locks import LockHeld
from data.store.sql_backend import SQLBackend

MIGRATION_LOCK_KEY = WRITE_LOCK_KEY + 1
# How long a request waits for a pooled connection (a busy pool, or PostgreSQL restarting)
# before it says so, instead of psycopg_pool's 30 s.
POOL_WAIT_S = 10


class PostgresBackend(SQLBackend):
    """Persistence in a team database: a pooled connection per call unless inside ``session()``.

    Opening it brings the schema up to date (as ``SQLiteBackend`` does the file's). The pool is
    per process: a forked worker (gunicorn, Celery) opens its own on first use.
    """

    def __init__(self, url: str):
        super().__init__()
        self.url = url
        self._lock = threading.Lock()
        self._pool: Any = None
        self._pool_pid = 0
        with self._connection() as conn:
            # One process at a time migrates (servers and workers start together).
            conn.execute("SELECT pg_advisory_lock(?)", (MIGRATION_LOCK_KEY,))
            try:
                apply_migrations(conn.raw)
            finally:
                conn.execute("SELECT pg_advisory_unlock(?)", (MIGRATION_LOCK_KEY,))

    def __repr__(self) -> str:
        return f"PostgresBackend({redact(self.url)!r})"

    @property
    def name(self) -> str:
        return f"PostgreSQL {describe(self.url)}"

    def _current_pool(self) -> Any:
        with self._lock:
            if self._pool is None or self._pool_pid != os.getpid():
                self._pool, self._pool_pid = open_pool(self.url), os.getpid()
            return self._pool

    @contextmanager
    def _connection(self) -> Iterator[PostgresConnection]:  # type: ignore[override]
        from psycopg_pool import PoolTimeout

        try:
            with self._current_pool().connection(timeout=POOL_WAIT_S) as raw:
                conn = PostgresConnection(raw)
                try:
                    yield conn
                finally:
                    if conn.in_transaction:
                        conn.rollback()
        except PoolTimeout:
            raise DatabaseError(
                f"PostgreSQL ({describe(self.url)}) gave this server no connection within "
                f"{POOL_WAIT_S} s; try again in a moment (it may be restarting or busy), or ask "
                "your admin if it keeps happening."
            ) from None

    def close(self) -> None:
        """Close this process's pool (tests, and a server shutting down)."""
        with self._lock:
            if self._pool is not None and self._pool_pid == os.getpid():
                self._pool.close()
            self._pool = None

    @contextmanager
    def task_lock(self, task_name: str) -> Iterator[None]:  # type: ignore[override]
        # A session-level advisory lock on a connection of its own: it lasts exactly as long as
        # that connection, so a killed run (or a lost server) never leaves the task locked.
        conn = connect(self.url)
        try:
            held = conn.execute(
                "SELECT pg_try_advisory_lock(%s)", (task_lock_key(task_name),)
            ).fetchone()
            if not held or not held[0]:
                raise LockHeld(task_name)
            yield
        finally:
            conn.close()


def task_lock_key(task_name: str) -> int:
    """The advisory lock key of a task: 63 bits of its name's SHA-256 (never the write lock's)."""
    return int.from_bytes(hashlib.sha256(f"task\0{task_name}".encode()).digest()[:8], "big") >> 1
