"""The single import point for SQLite.

Flowcast stores documents as JSONB, which needs SQLite >= 3.45. The stdlib ``sqlite3`` is used
when it links a new enough library; otherwise ``sqlean`` (PyPI ``sqlean-py``, a drop-in module
bundling a recent SQLite). Everything else imports the module and its exception classes from
here, because sqlean's exceptions are not the stdlib's classes.
"""

from __future__ import annotations

import sqlite3 as _stdlib_sqlite3

MIN_SQLITE_VERSION = (3, 45, 0)

if _stdlib_sqlite3.sqlite_version_info >= MIN_SQLITE_VERSION:
    sqlite3 = _stdlib_sqlite3
    DRIVER = "sqlite3 (stdlib)"
else:  # pragma: no cover - depends on the platform's Python build
    try:
        import sqlean as sqlite3  # type: ignore[no-redef]

        DRIVER = "sqlean-py"
    except ImportError:
        sqlite3 = _stdlib_sqlite3
        DRIVER = "sqlite3 (stdlib, too old)"

SQLITE_VERSION: str = sqlite3.sqlite_version
SQLITE_VERSION_INFO: tuple[int, int, int] = tuple(sqlite3.sqlite_version_info)  # type: ignore[assignment]

Connection = sqlite3.Connection
Row = sqlite3.Row
Error = sqlite3.Error
DatabaseError = sqlite3.DatabaseError
IntegrityError = sqlite3.IntegrityError
OperationalError = sqlite3.OperationalError
ProgrammingError = sqlite3.ProgrammingError
connect = sqlite3.connect


def driver_version() -> str:
    """Version of the Python driver module in use."""
    if DRIVER == "sqlean-py":
        try:
            from importlib.metadata import version

            return version("sqlean-py")
        except Exception:  # pragma: no cover
            return "unknown"
    import platform

    return platform.python_version()


def sqlite_is_new_enough() -> bool:
    return SQLITE_VERSION_INFO >= MIN_SQLITE_VERSION
