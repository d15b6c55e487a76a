"""``flowcast db copy``: a whole Flowcast database from SQLite to PostgreSQL, or back (issue 14 §1).

The copy reads the source in one read transaction (a consistent snapshot while the app runs),
creates the target's schema with the numbered migrations and writes every table into it, then
reads the target back and compares each table's row count and content hash with the source's,
all before anything is committed:

- PostgreSQL target: one transaction (its DDL is transactional), rows streamed with COPY; the
  identity sequences continue after the copied ids.
- SQLite target: a new file, written beside its final name and moved into place only when it
  verified, so a failed copy leaves no file at all.

The source is never written to. Both ends must be at this Flowcast's latest schema version.
Which columns hold JSON comes from the PostgreSQL side (``jsonb``): SQLite keeps those documents
as binary JSONB in BLOB columns (read with ``json()``, written with ``jsonb()``), except untyped
columns (``plan_metrics.value``), whose values are plain numbers or text in SQLite.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from data.db.connection import connect as sqlite_connect
from data.db.connection import initialize_database, read_transaction
from data.db.postgres import connect as postgres_connect
from data.db.postgres import describe
from data.db.schema import (
    apply_migrations,
    check_applied_migrations,
    current_version,
    latest_version,
)
from data.errors import DatabaseError, ValidationError

BATCH_ROWS = 5_000


@dataclass(frozen=True)
class TableCopy:
    name: str
    rows: int


@dataclass(frozen=True)
class CopyResult:
    source: str
    target: str
    tables: tuple[TableCopy, ...]
    seconds: float

    @property
    def rows(self) -> int:
        return sum(t.rows for t in self.tables)


@dataclass(frozen=True)
class _Column:
    name: str
    json: bool  # jsonb on PostgreSQL
    sqlite_blob: bool  # stored as binary JSONB in SQLite (else a plain value)


def is_database_url(target: str) -> bool:
    return target.split("://", 1)[0] in ("postgresql", "postgres")


def copy_sqlite_to_postgres(sqlite_path: Path, url: str) -> CopyResult:
    started = time.perf_counter()
    source = sqlite_connect(sqlite_path, create=False)
    target = postgres_connect(url)
    try:
        _check_at_latest(source, str(sqlite_path))
        _refuse_unless_empty_postgres(target, url)
        with read_transaction(source), target.transaction():
            apply_migrations(target)
            tables = _tables_in_dependency_order(source)
            layout = {t: _columns(target, source, t) for t in tables}
            copied = []
            for table in tables:
                columns = layout[table]
                with _refusal_named(table, describe(url)):
                    rows, digest = _copy_into_postgres(source, target, table, columns)
                _check_same(table, rows, digest, *_postgres_digest(target, table, columns))
                copied.append(TableCopy(table, rows))
            _continue_identities(target, tables)
        # The planner's statistics now, not when autovacuum gets to the new tables: until then
        # a server on the copy plans its reads blind (the data fingerprint 3 -> 10 ms).
        target.execute("ANALYZE")
    finally:
        source.close()
        target.close()
    return CopyResult(str(sqlite_path), describe(url), tuple(copied), time.perf_counter() - started)


def copy_postgres_to_sqlite(url: str, sqlite_path: Path) -> CopyResult:
    started = time.perf_counter()
    if sqlite_path.exists():
        raise ValidationError(
            f"{sqlite_path} already exists; copy into a new file (nothing was copied)."
        )
    partial = sqlite_path.with_name(sqlite_path.name + ".partial")
    for leftover in (partial, *(Path(f"{partial}{s}") for s in ("-wal", "-shm"))):
        leftover.unlink(missing_ok=True)
    source = postgres_connect(url)
    try:
        _check_at_latest(source, describe(url))
        initialize_database(partial)
        target = sqlite_connect(partial)
        try:
            with source.transaction():
                source.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
                target.execute("BEGIN IMMEDIATE")
                tables = _tables_in_dependency_order(target)
                copied = []
                for table in tables:
                    columns = _columns(source, target, table)
                    rows, digest = _copy_into_sqlite(source, target, table, columns)
                    _check_same(table, rows, digest, *_sqlite_digest(target, table, columns))
                    copied.append(TableCopy(table, rows))
                target.execute("COMMIT")
        finally:
            if target.in_transaction:
                target.execute("ROLLBACK")
            target.close()
        os.replace(partial, sqlite_path)
    except BaseException:
        for leftover in (partial, *(Path(f"{partial}{s}") for s in ("-wal", "-shm"))):
            leftover.unlink(missing_ok=True)
        raise
    finally:
        source.close()
    return CopyResult(describe(url), str(sqlite_path), tuple(copied), time.perf_counter() - started)


# Checks ------------------------------------------------------------------------------------------
@contextmanager
def _refusal_named(table: str, target: str) -> Iterator[None]:
    """PostgreSQL's refusal of a row (SQLite's loose typing lets e.g. text into a REAL column) as
    one sentence; the transaction around the copy then leaves the target as it was."""
    import psycopg

    try:
        yield
    except psycopg.DatabaseError as exc:
        reason = " ".join(str(exc).split())
        raise DatabaseError(
            f"PostgreSQL {target} refused a row of table {table} ({reason}); fix that row in the "
            "source and copy again (nothing was copied)."
        ) from exc


def _check_at_latest(conn: Any, name: str) -> None:
    check_applied_migrations(conn)
    version = current_version(conn)
    if version != latest_version():
        raise DatabaseError(
            f"{name} is at schema version {version}, not {latest_version()}; run "
            "`flowcast db migrate` on it first (nothing was copied)."
        )


def _refuse_unless_empty_postgres(conn: Any, url: str) -> None:
    tables = [
        r[0]
        for r in conn.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'"
        )
    ]
    holds_versions = (
        "schema_version" in tables
        and conn.execute("SELECT count(*) FROM schema_version").fetchone()[0]
    )
    if set(tables) - {"schema_version"} or holds_versions:
        raise ValidationError(
            f"PostgreSQL {describe(url)} already holds tables; copy into an empty database "
            "(createdb a new one) — nothing was copied."
        )


def _check_same(table: str, rows: int, digest: str, target_rows: int, target_digest: str) -> None:
    if (rows, digest) != (target_rows, target_digest):
        raise DatabaseError(
            f"The copy of table {table} does not match its source ({rows} rows read, "
            f"{target_rows} written, or their contents differ); nothing was copied."
        )


# Schema ------------------------------------------------------------------------------------------
def _tables_in_dependency_order(sqlite: Any) -> list[str]:
    """Every Flowcast table, each after the tables its foreign keys point to."""
    names = [
        r[0]
        for r in sqlite.execute(
            "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
            "AND name != 'schema_version' ORDER BY name"
        )
    ]
    parents = {
        t: {r[2] for r in sqlite.execute(f"PRAGMA foreign_key_list({_quoted(t)})")} - {t}
        for t in names
    }
    ordered: list[str] = []
    while len(ordered) < len(names):
        ready = [t for t in names if t not in ordered and parents[t] <= set(ordered)]
        if not ready:  # pragma: no cover - the migrations declare no foreign-key cycle
            raise DatabaseError("The schema's foreign keys form a cycle; the copy cannot order it.")
        ordered.extend(ready)
    return ordered


def _columns(postgres: Any, sqlite: Any, table: str) -> list[_Column]:
    declared = {
        r[1]: (r[2] or "").upper() for r in sqlite.execute(f"PRAGMA table_info({_quoted(table)})")
    }
    rows = postgres.execute(
        "SELECT column_name, data_type FROM information_schema.columns "
        "WHERE table_schema = 'public' AND table_name = %s ORDER BY ordinal_position",
        (table,),
    ).fetchall()
    if [name for name, _ in rows] != list(declared):
        raise DatabaseError(
            f"Table {table} has other columns on PostgreSQL than on SQLite; both databases must be "
            "at the same schema version (nothing was copied)."
        )
    return [_Column(name, kind == "jsonb", declared[name] == "BLOB") for name, kind in rows]


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _ordered(sqlite: Any, table: str) -> str:
    """`` ORDER BY`` the table's primary key (a self-referencing row then follows the one it
    points to, e.g. plan versions), or nothing for a table without one."""
    keys = sorted(
        (r[5], r[1]) for r in sqlite.execute(f"PRAGMA table_info({_quoted(table)})") if r[5]
    )
    return f" ORDER BY {', '.join(_quoted(name) for _, name in keys)}" if keys else ""


# Rows --------------------------------------------------------------------------------------------
def _sqlite_select(table: str, columns: list[_Column]) -> str:
    parts = [
        f"json({_quoted(c.name)})" if c.json and c.sqlite_blob else _quoted(c.name) for c in columns
    ]
    return f"SELECT {', '.join(parts)} FROM {_quoted(table)}"  # noqa: S608 - identifiers from the schema catalog, quoted


def _postgres_select(table: str, columns: list[_Column]) -> str:
    parts = [f"{_quoted(c.name)}::text" if c.json else _quoted(c.name) for c in columns]
    return f"SELECT {', '.join(parts)} FROM {_quoted(table)}"  # noqa: S608 - identifiers from the schema catalog, quoted


def _copy_into_postgres(
    sqlite: Any, postgres: Any, table: str, columns: list[_Column]
) -> tuple[int, str]:
    names = ", ".join(_quoted(c.name) for c in columns)
    digest = _Digest(columns, from_postgres=False)
    select = _sqlite_select(table, columns) + _ordered(sqlite, table)
    with (
        postgres.cursor() as cursor,
        cursor.copy(f"COPY {_quoted(table)} ({names}) FROM STDIN") as copy,
    ):
        for row in sqlite.execute(select):
            values = tuple(row)
            digest.add(values)
            copy.write_row(
                [
                    json.dumps(v) if c.json and not c.sqlite_blob and v is not None else v
                    for c, v in zip(columns, values, strict=True)
                ]
            )
    return digest.rows, digest.hexdigest()


def _copy_into_sqlite(
    postgres: Any, sqlite: Any, table: str, columns: list[_Column]
) -> tuple[int, str]:
    placeholders = ", ".join("jsonb(?)" if c.json and c.sqlite_blob else "?" for c in columns)
    insert = (
        f"INSERT INTO {_quoted(table)} ({', '.join(_quoted(c.name) for c in columns)}) "  # noqa: S608 - identifiers from the schema catalog, quoted
        f"VALUES ({placeholders})"
    )
    digest = _Digest(columns, from_postgres=True)
    select = _postgres_select(table, columns) + _ordered(sqlite, table)
    with postgres.cursor(name=f"copy_{table}") as cursor:  # server-side: memory stays flat
        cursor.itersize = BATCH_ROWS
        cursor.execute(select)
        while batch := cursor.fetchmany(BATCH_ROWS):
            for values in batch:
                digest.add(values)
            sqlite.executemany(
                insert,
                [
                    tuple(
                        json.loads(v) if c.json and not c.sqlite_blob and v is not None else v
                        for c, v in zip(columns, values, strict=True)
                    )
                    for values in batch
                ],
            )
    return digest.rows, digest.hexdigest()


def _postgres_digest(postgres: Any, table: str, columns: list[_Column]) -> tuple[int, str]:
    digest = _Digest(columns, from_postgres=True)
    with postgres.cursor(name=f"verify_{table}") as cursor:
        cursor.itersize = BATCH_ROWS
        cursor.execute(_postgres_select(table, columns))
        for values in cursor:
            digest.add(values)
    return digest.rows, digest.hexdigest()


def _sqlite_digest(sqlite: Any, table: str, columns: list[_Column]) -> tuple[int, str]:
    digest = _Digest(columns, from_postgres=False)
    for row in sqlite.execute(_sqlite_select(table, columns)):
        digest.add(tuple(row))
    return digest.rows, digest.hexdigest()


def _continue_identities(postgres: Any, tables: list[str]) -> None:
    """Identity columns go on after the highest copied id (COPY wrote the ids explicitly)."""
    rows = postgres.execute(
        "SELECT table_name, column_name FROM information_schema.columns "
        "WHERE table_schema = 'public' AND is_identity = 'YES'"
    ).fetchall()
    for table, column in rows:
        if table in tables:
            highest = f"SELECT max({_quoted(column)}) FROM {_quoted(table)}"  # noqa: S608 - catalog names, quoted
            postgres.execute(
                f"SELECT setval(pg_get_serial_sequence(%s, %s), COALESCE(({highest}), 0) + 1, false)",
                (table, column),
            )


class _Digest:
    """Row count and an order-independent hash of a table's contents (a sum of row hashes), the
    same for equal contents read from either engine: JSON documents compare as parsed values
    (PostgreSQL's jsonb reorders keys), everything else as its Python value. PostgreSQL's jsonb
    columns are read as text, so on that side an untyped SQLite column's values are parsed too."""

    def __init__(self, columns: list[_Column], *, from_postgres: bool) -> None:
        self._parse = [c.json and (c.sqlite_blob or from_postgres) for c in columns]
        self.rows = 0
        self._sum = 0

    def add(self, values: tuple[Any, ...]) -> None:
        normal = [
            json.loads(v) if parse and v is not None else v
            for v, parse in zip(values, self._parse, strict=True)
        ]
        encoded = json.dumps(normal, sort_keys=True, separators=(",", ":"), default=repr)
        self._sum += int.from_bytes(hashlib.sha256(encoded.encode()).digest(), "big")
        self.rows += 1

    def hexdigest(self) -> str:
        return f"{self._sum % (1 << 256):064x}"
