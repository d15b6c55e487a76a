"""SQLite only: what a database file holds and whether SQLite finds it sound — its own checks
(``integrity_check``, ``foreign_key_check``), pages and bytes per table, the tables and their
JSON document columns, and the schema the migrations build. ``data.ops.verify`` and
``data.ops.stats`` word the results; another database gets its own module for this.
"""

from __future__ import annotations

from collections import Counter
from functools import cache

from data.db.schema import apply_migrations, schema_snapshot
from data.db.sqlite import Connection, OperationalError, sqlite3

# Documents stored as JSON text (returned whole, so not converted to JSONB): (table, column).
# Every column declared BLOB is a JSONB document by this project's convention and is found
# automatically, so later migrations' documents are checked without editing this list.
JSON_TEXT_COLUMNS = (
    ("app_state", "value"),
    ("jira_cache", "response"),
    ("jira_changelog_cache", "changelog"),
)
# json_valid flags: 1 = RFC 8259 text, 8 = strictly checked JSONB.
_JSON_TEXT = 1
_JSON_TEXT_OR_JSONB = 1 | 8


def integrity_check(conn: Connection) -> list[str]:
    """SQLite's ``integrity_check`` lines (``["ok"]`` when sound); raises SQLite's
    DatabaseError when the file cannot be read at all."""
    return [r[0] for r in conn.execute("PRAGMA integrity_check")]


def foreign_key_problems(conn: Connection) -> list[tuple[str, int, str]]:
    """``(table, rowid, parent table)`` of every row pointing at a missing parent row."""
    return [(t, rowid, parent) for t, rowid, parent, _ in conn.execute("PRAGMA foreign_key_check")]


def table_names(conn: Connection, *, internal: bool = True) -> list[str]:
    """The database's tables by name (SQLite's own ``sqlite_*`` ones too unless ``internal``
    is False)."""
    names = [
        r[0]
        for r in conn.execute("SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name")
    ]
    return names if internal else [n for n in names if not n.startswith("sqlite_")]


def document_columns(conn: Connection, tables: set[str]) -> list[tuple[str, str, int]]:
    """(table, column, json_valid flags) of every column holding a JSON document."""
    found = [(t, c, _JSON_TEXT) for t, c in JSON_TEXT_COLUMNS if t in tables]
    for table in sorted(tables):
        if table.startswith("sqlite_"):
            continue
        for column in conn.execute("SELECT name, type FROM pragma_table_info(?)", (table,)):
            if column[1].upper() == "BLOB":
                found.append((table, column[0], _JSON_TEXT_OR_JSONB))
    return found


def invalid_json_rows(conn: Connection, table: str, column: str, flags: int) -> int:
    """How many rows of a document column (from ``document_columns``) hold invalid JSON."""
    # Identifiers come from the schema or the constant above, never from input.
    return conn.execute(
        f'SELECT COUNT(*) FROM "{table}" WHERE "{column}" IS NOT NULL '  # noqa: S608
        f'AND NOT json_valid("{column}", {int(flags)})'
    ).fetchone()[0]


@cache
def expected_schema(version: int) -> tuple[tuple[str, str, str], ...]:
    """The schema the migrations up to ``version`` build, applied to an in-memory database."""
    conn = sqlite3.connect(":memory:", isolation_level=None)
    try:
        apply_migrations(conn, version)
        return tuple(schema_snapshot(conn))
    finally:
        conn.close()


def expected_tables_and_indexes(version: int) -> tuple[dict[str, list[str]], set[str]]:
    """The tables (with their columns, in order) and the named indexes the migrations up to
    ``version`` build, as SQLite sees them: what a team database must hold too (the migrations'
    PostgreSQL steps build the same names, tests/integration/test_postgres_schema.py)."""
    conn = sqlite3.connect(":memory:", isolation_level=None)
    try:
        apply_migrations(conn, version)
        tables = {
            name: [c[1] for c in conn.execute(f'PRAGMA table_info("{name}")')]
            for name in table_names(conn, internal=False)
        }
        indexes = {
            r[0]
            for r in conn.execute(
                "SELECT name FROM sqlite_schema WHERE type = 'index' AND sql IS NOT NULL"
            )
        }
        return tables, indexes
    finally:
        conn.close()


def expected_foreign_keys(version: int) -> Counter[tuple[str, str]]:
    """(table, referenced table) of each foreign key the migrations up to ``version`` declare,
    with how many of each (SQLite lists one row per column of a key; ``id`` numbers the keys of
    a table)."""
    conn = sqlite3.connect(":memory:", isolation_level=None)
    try:
        apply_migrations(conn, version)
        keys: Counter[tuple[str, str]] = Counter()
        for name in table_names(conn, internal=False):
            rows = conn.execute(f'PRAGMA foreign_key_list("{name}")').fetchall()
            keys.update((name, parent) for parent in {row[0]: row[2] for row in rows}.values())
        return keys
    finally:
        conn.close()


def page_counts(conn: Connection) -> tuple[int, int, int]:
    """``(page size in bytes, pages, free pages)`` of the database file."""
    return (
        conn.execute("PRAGMA page_size").fetchone()[0],
        conn.execute("PRAGMA page_count").fetchone()[0],
        conn.execute("PRAGMA freelist_count").fetchone()[0],
    )


def row_count(conn: Connection, table: str) -> int:
    # Table names come from sqlite_schema (``table_names``), not from input.
    return conn.execute(f'SELECT COUNT(*) FROM "{table}"').fetchone()[0]  # noqa: S608


def bytes_per_table(conn: Connection) -> dict[str, int]:
    """On-disk bytes per table, its indexes included."""
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
    """Bytes stored per table (the sum of every value's length; no page overhead)."""
    sizes = {}
    for table in table_names(conn, internal=False):
        columns = [r[0] for r in conn.execute("SELECT name FROM pragma_table_info(?)", (table,))]
        total = " + ".join(f'COALESCE(LENGTH(CAST("{c}" AS BLOB)), 0)' for c in columns)
        sizes[table] = int(
            conn.execute(f'SELECT COALESCE(SUM({total}), 0) FROM "{table}"').fetchone()[0]  # noqa: S608
        )
    return sizes
