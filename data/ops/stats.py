"""What is in the database and how big it is: the quickstart seed's "useful SQL snippets" as data.

The seed compares ``last_used``/``expires_at`` with ``datetime('now')``, whose text form
(``2026-11-23 00:16:52``) does not sort against stored ISO timestamps (``2026-11-23T00:16:52.123Z``:
``T`` > space), so every same-day row would count as newer. Here the cut-offs are computed in Python
in the stored format and bound as parameters.
"""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path
from typing import Any

from data import locations
from data.db import inspect
from data.db.connection import connect
from data.store import usage
from data.timeutil import to_utc_iso, utc_now, utc_now_iso

UNUSED_AFTER_DAYS = 30


def collect_database_stats(
    db_path: str | os.PathLike[str] | None = None, *, unused_days: int = UNUSED_AFTER_DAYS
) -> dict[str, Any]:
    """Tables (rows, bytes), cache entries per query, profiles unused for ``unused_days``, sizes."""
    path = Path(db_path) if db_path is not None else locations.get_db_path()
    conn = connect(path, create=False)
    try:
        now = utc_now_iso()
        cutoff = to_utc_iso(utc_now() - timedelta(days=unused_days))
        page_size, page_count, freelist = inspect.page_counts(conn)
        sizes = inspect.bytes_per_table(conn)
        stats = {
            "database": str(path),
            "database_bytes": path.stat().st_size,
            "wal_bytes": _size(Path(f"{path}-wal")),
            "page_size": page_size,
            "pages": page_count,
            "free_pages": freelist,
            "tables": [
                {"table": t, "rows": inspect.row_count(conn, t), "bytes": sizes.get(t, 0)}
                for t in inspect.table_names(conn, internal=False)
            ],
            "cache_entries": usage.cache_entries(conn, now),
            "unused_profiles": usage.profiles_unused_since(conn, cutoff),
            "unused_days": unused_days,
        }
    finally:
        conn.close()
    return stats


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except FileNotFoundError:
        return 0


def collect_postgres_stats(url: str, *, unused_days: int = UNUSED_AFTER_DAYS) -> dict[str, Any]:
    """The same view of a PostgreSQL team database: rows and on-disk bytes per table (indexes
    and TOAST included: ``pg_total_relation_size``), the database's size, cache entries per
    query and unused profiles. No pages or WAL: those are the server's, not one file's."""
    from data.db import postgres_inspect as catalog
    from data.db.postgres import PostgresConnection, describe, postgres_connection

    with postgres_connection(url) as raw:
        conn = PostgresConnection(raw)
        cutoff = to_utc_iso(utc_now() - timedelta(days=unused_days))
        sizes = catalog.table_bytes(raw)
        return {
            "database": describe(url),
            "database_bytes": catalog.database_bytes(raw),
            "tables": [
                {"table": t, "rows": catalog.row_count(raw, t), "bytes": sizes.get(t, 0)}
                for t in sorted(catalog.columns_by_table(raw))
            ],
            "cache_entries": usage.cache_entries(conn, utc_now_iso()),  # type: ignore[arg-type]
            "unused_profiles": usage.profiles_unused_since(conn, cutoff),  # type: ignore[arg-type]
            "unused_days": unused_days,
        }
