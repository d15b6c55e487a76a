"""Migration 0008: the data fingerprint's newest fetch is read from idx_issues_fetched (issue 16),
on SQLite (the fingerprint's own SQL) and on PostgreSQL (the same subquery)."""

from __future__ import annotations

from pathlib import Path

from data.db.connection import get_db_connection
from data.db.postgres import connect
from data.db.schema import apply_migrations, downgrade
from data.store.query_rows import FINGERPRINT_SQL
from tests.postgres_support import index_plan


def sqlite_plan(conn) -> list[str]:
    return [r[3] for r in conn.execute("EXPLAIN QUERY PLAN " + FINGERPRINT_SQL, ("p", "q"))]


NEWEST = "SEARCH issues USING COVERING INDEX idx_issues_fetched (profile_id=?)"


def test_the_fingerprint_reads_the_newest_fetch_from_the_index(db_path: Path) -> None:
    with get_db_connection(db_path) as conn:
        plan = sqlite_plan(conn)
        downgrade(conn, 7)
    # The MAX and the COUNT both read the narrow index, the MAX without visiting the table.
    assert plan.count(NEWEST) == 2
    with get_db_connection(db_path) as conn:
        before = sqlite_plan(conn)
        apply_migrations(conn)
    # Before 0008 the MAX reads every issue row of the profile through idx_issues_updated.
    assert "SEARCH issues USING INDEX idx_issues_updated (profile_id=?)" in before
    assert NEWEST not in before
    with get_db_connection(db_path) as conn:
        assert sqlite_plan(conn) == plan


def test_postgresql_uses_the_index_for_the_newest_fetch(postgres_url: str) -> None:
    with connect(postgres_url) as pg:
        apply_migrations(pg)
        plan = index_plan(pg, "SELECT MAX(fetched_at) FROM issues WHERE profile_id = %s", ("p",))
        assert "idx_issues_fetched" in plan
