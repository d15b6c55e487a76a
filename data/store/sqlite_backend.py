"""The SQLite implementation of the persistence contract (the default backend)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager

from data.db.connection import connect, initialize_database
from data.db.sqlite import Connection
from data.store.locks import LOCK_DIR_NAME, file_lock
from data.store.sql_backend import SQLBackend


class SQLiteBackend(SQLBackend):
    """Persistence in one SQLite file: a fresh connection per call unless inside ``session()``."""

    def __init__(self, db_path: str | os.PathLike[str] | None = None):
        super().__init__()
        self.db_path = initialize_database(db_path)

    @contextmanager
    def _connection(self) -> Iterator[Connection]:
        conn = connect(self.db_path)
        try:
            yield conn
        finally:
            conn.close()

    def task_lock(self, task_name: str) -> AbstractContextManager[None]:
        database = self.db_path.resolve()
        return file_lock(database.parent / LOCK_DIR_NAME, str(database), task_name)
