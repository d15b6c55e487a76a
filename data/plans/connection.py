"""How plan functions get a connection: the caller's (to share one per callback), else a fresh one."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from data.database import get_db_connection
from data.sqlite import Connection


@contextmanager
def use_connection(conn: Connection | None) -> Iterator[Connection]:
    if conn is not None:
        yield conn
        return
    with get_db_connection() as fresh:
        yield fresh
