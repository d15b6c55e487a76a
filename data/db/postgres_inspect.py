"""What ``flowcast verify`` and ``db stats`` read from a PostgreSQL team database's catalog
(``data.db.inspect`` reads the same of a SQLite file). Table names come from the catalog, never
from input, and are quoted."""

from __future__ import annotations

from typing import Any


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def columns_by_table(conn: Any) -> dict[str, list[str]]:
    """Every table of the current schema and its columns, in order."""
    rows = conn.execute(
        "SELECT table_name, column_name FROM information_schema.columns "
        "WHERE table_schema = current_schema() ORDER BY table_name, ordinal_position"
    ).fetchall()
    tables: dict[str, list[str]] = {}
    for table, column in rows:
        tables.setdefault(table, []).append(column)
    return tables


def named_indexes(conn: Any) -> set[str]:
    """The indexes the migrations create by name (not those behind primary keys and UNIQUE
    constraints, which SQLite keeps unnamed too)."""
    rows = conn.execute(
        "SELECT indexname FROM pg_indexes WHERE schemaname = current_schema() AND indexname "
        "NOT IN (SELECT conname FROM pg_constraint WHERE contype IN ('p', 'u'))"
    ).fetchall()
    return {row[0] for row in rows}


def foreign_keys(conn: Any) -> list[tuple[str, str, str, bool]]:
    """(table, constraint, referenced table, validated) of every foreign key."""
    rows = conn.execute(
        "SELECT c.conrelid::regclass::text, c.conname, c.confrelid::regclass::text, "
        "c.convalidated FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace "
        "WHERE c.contype = 'f' AND n.nspname = current_schema() ORDER BY 1, 2"
    ).fetchall()
    return [(r[0], r[1], r[2], bool(r[3])) for r in rows]


def row_count(conn: Any, table: str) -> int:
    return int(conn.execute(f"SELECT count(*) FROM {_quoted(table)}").fetchone()[0])  # noqa: S608


def table_bytes(conn: Any) -> dict[str, int]:
    """Bytes per table on disk, its indexes and TOAST included (pg_total_relation_size)."""
    rows = conn.execute(
        "SELECT c.relname, pg_total_relation_size(c.oid) FROM pg_class c "
        "JOIN pg_namespace n ON n.oid = c.relnamespace "
        "WHERE c.relkind IN ('r', 'p') AND n.nspname = current_schema()"
    ).fetchall()
    return {row[0]: int(row[1]) for row in rows}


def database_bytes(conn: Any) -> int:
    return int(conn.execute("SELECT pg_database_size(current_database())").fetchone()[0])
