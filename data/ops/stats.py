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
from data.db.connection import connect
from data.db.sqlite import Connection, OperationalError
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
        page_size = conn.execute("PRAGMA page_size").fetchone()[0]
        page_count = conn.execute("PRAGMA page_count").fetchone()[0]
        freelist = conn.execute("PRAGMA freelist_count").fetchone()[0]
        stats = {
            "database": str(path),
            "database_bytes": path.stat().st_size,
            "wal_bytes": _size(Path(f"{path}-wal")),
            "page_size": page_size,
            "pages": page_count,
            "free_pages": freelist,
            "tables": _table_stats(conn),
            "cache_entries": _cache_entries(conn, now),
            "unused_profiles": [
                dict(r)
                for r in conn.execute(
                    "SELECT id, name, last_used FROM profiles WHERE last_used < ? "
                    "ORDER BY last_used",
                    (cutoff,),
                )
            ],
            "unused_days": unused_days,
        }
    finally:
        conn.close()
    return stats


def _table_stats(conn: Connection) -> list[dict[str, Any]]:
    """Rows and on-disk bytes per table; the bytes include the table's indexes."""
    tables = [
        r[0]
        for r in conn.execute(
            "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
            "ORDER BY name"
        )
    ]
    sizes = _bytes_per_table(conn)
    result = []
    for table in tables:
        # Table names come from sqlite_schema, not from input.
        rows = conn.execute(f'SELECT COUNT(*) FROM "{table}"').fetchone()[0]  # noqa: S608
        result.append({"table": table, "rows": rows, "bytes": sizes.get(table, 0)})
    return result


def _bytes_per_table(conn: Connection) -> dict[str, int]:
    # dbstat (compiled into sqlean and most SQLite builds) counts real pages, indexes included.
    try:
        rows = conn.execute(
            "SELECT s.tbl_name, SUM(d.pgsize) FROM dbstat AS d "
            "JOIN sqlite_schema AS s ON s.name = d.name GROUP BY s.tbl_name"
        ).fetchall()
    except OperationalError:  # no dbstat in this SQLite build: sum the stored lengths instead
        return payload_bytes(conn)
    return {r[0]: int(r[1] or 0) for r in rows}


def payload_bytes(conn: Connection) -> dict[str, int]:
    sizes = {}
    for (table,) in conn.execute(
        "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
    ).fetchall():
        columns = [r[0] for r in conn.execute("SELECT name FROM pragma_table_info(?)", (table,))]
        total = " + ".join(f'COALESCE(LENGTH(CAST("{c}" AS BLOB)), 0)' for c in columns)
        sizes[table] = int(
            conn.execute(f'SELECT COALESCE(SUM({total}), 0) FROM "{table}"').fetchone()[0]  # noqa: S608
        )
    return sizes


def _cache_entries(conn: Connection, now: str) -> list[dict[str, Any]]:
    """Per query: JIRA response and changelog cache entries, live and expired."""
    rows = conn.execute(
        "SELECT profile_id, query_id, "
        "  SUM(kind = 'response' AND expires_at > ?1) AS responses_live, "
        "  SUM(kind = 'response' AND expires_at <= ?1) AS responses_expired, "
        "  SUM(kind = 'changelog' AND expires_at > ?1) AS changelogs_live, "
        "  SUM(kind = 'changelog' AND expires_at <= ?1) AS changelogs_expired "
        "FROM (SELECT profile_id, query_id, expires_at, 'response' AS kind FROM jira_cache "
        "      UNION ALL SELECT profile_id, query_id, expires_at, 'changelog' FROM jira_changelog_cache) "
        "GROUP BY profile_id, query_id ORDER BY profile_id, query_id",
        (now,),
    ).fetchall()
    return [dict(r) for r in rows]


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except FileNotFoundError:
        return 0
