"""Integrity and consistency checks behind ``check_database_integrity()`` and ``flowcast verify``.

In order: SQLite's ``integrity_check`` (stop there if the file is damaged), ``foreign_key_check``,
the schema (applied migrations unchanged, up to date, and the live schema equal to what the
migrations build — catches hand-made ALTERs), JSON validity of every document column, and the
consistency queries of the migration-strategy seed adapted to this schema (orphans, duplicates,
broken sequences, contradictory state), and failed mirror writes of the ``dual`` storage mode.
SQLite's own checks are in ``data.db.inspect``, the consistency queries in ``data.store.consistency``.
A PostgreSQL team database gets the same schema, foreign-key and consistency checks
(``run_postgres_checks``; its catalog is read in ``data.db.postgres_inspect``).
"""

from __future__ import annotations

import os
from collections import Counter
from pathlib import Path
from typing import Any

from data.db import inspect
from data.db.connection import connect
from data.db.postgres import PostgresConnection, configured_url, postgres_connection
from data.db.sqlite import Connection
from data.db.sqlite import DatabaseError as SQLiteDatabaseError
from data.errors import RESTORE_HINT, FlowcastError
from data.locations import get_db_path
from data.store.consistency import inconsistencies


def run_integrity_checks(db_path: Path) -> tuple[bool, list[str]]:
    """``(ok, errors)``: SQLite's own checks, foreign keys, schema, JSON validity, consistency."""
    try:
        conn = connect(db_path, create=False)
    except FlowcastError as exc:
        return False, [str(exc)]
    try:
        try:
            results = inspect.integrity_check(conn)
        except SQLiteDatabaseError as exc:
            return False, [f"SQLite cannot read {db_path}: {exc}; {RESTORE_HINT}."]
        if results != ["ok"]:
            # Nothing else is trustworthy on a damaged file.
            return False, [f"integrity_check: {r}" for r in results]
        errors = _foreign_key_errors(conn)
        errors += _schema_errors(conn)
        tables = set(inspect.table_names(conn))
        errors += _json_errors(conn, tables)
        errors += _consistency_errors(conn, tables)
    finally:
        conn.close()
    errors += _dual_storage_errors(db_path)
    return not errors, errors


def _dual_storage_errors(db_path: Path) -> list[str]:
    """Changes that reached the database but not the legacy JSON mirror (storage mode ``dual``)."""
    from data.store.dual_backend import dual_write_problems

    return dual_write_problems(db_path)


def _foreign_key_errors(conn: Connection) -> list[str]:
    return [
        f"foreign key: {table} row {rowid} points at a missing {parent} row"
        for table, rowid, parent in inspect.foreign_key_problems(conn)
    ]


def _version_errors(conn: Any, how_to_migrate: str) -> tuple[int | None, list[str]]:
    """The schema version of ``conn`` and what is wrong with it: an applied migration edited
    since (version None: nothing else can be checked) or a version behind the latest."""
    from data.db.schema import check_applied_migrations, current_version, latest_version

    try:
        check_applied_migrations(conn)
    except FlowcastError as exc:
        return None, [str(exc)]
    version = current_version(conn)
    if version == latest_version():
        return version, []
    return version, [f"schema version {version} is behind {latest_version()}; {how_to_migrate}"]


def _schema_errors(conn: Connection) -> list[str]:
    from data.db.schema import schema_snapshot

    version, errors = _version_errors(
        conn, "restart Flowcast (it migrates on start) or run `flowcast db migrate`"
    )
    if version is None:
        return errors
    expected = dict(((t, n), sql) for t, n, sql in inspect.expected_schema(version))
    actual = dict(((t, n), sql) for t, n, sql in schema_snapshot(conn))
    for key in sorted(expected.keys() | actual.keys()):
        kind, name = key
        if key not in actual:
            errors.append(f"schema: {kind} {name} is missing; restore a backup")
        elif key not in expected:
            errors.append(f"schema: {kind} {name} is not part of schema version {version}")
        elif expected[key] != actual[key]:
            errors.append(f"schema: {kind} {name} differs from what migration {version} defines")
    return errors


def _json_errors(conn: Connection, tables: set[str]) -> list[str]:
    errors = []
    for table, column, flags in inspect.document_columns(conn, tables):
        bad = inspect.invalid_json_rows(conn, table, column, flags)
        if bad:
            errors.append(f"{table}.{column}: {bad} rows hold invalid JSON")
    return errors


def _consistency_errors(conn: Connection, tables: set[str]) -> list[str]:
    errors = []
    for description, rows in inconsistencies(conn, tables):
        sample = ", ".join("/".join(str(v) for v in r) for r in rows[:5])
        errors.append(f"{description}: {len(rows)} ({sample})")
    return errors


def check_database_integrity(path: str | os.PathLike[str] | None = None) -> tuple[bool, list[str]]:
    """Run every integrity and consistency check; ``(True, [])`` when the database is sound.
    Without ``path``: the team database when ``FLOWCAST_DATABASE_URL`` names one."""
    url = configured_url() if path is None else None
    if url:
        ok, errors, _counts = run_postgres_checks(url)
        return ok, errors
    return run_integrity_checks(Path(path) if path is not None else get_db_path())


def run_postgres_checks(url: str) -> tuple[bool, list[str], dict[str, int]]:
    """``(ok, errors, rows per table)`` of a team database: the applied migrations unchanged and
    up to date, its tables, columns and indexes those the migrations build, every foreign key
    in place and validated, and the consistency queries. PostgreSQL checks its own pages and
    ``jsonb`` documents as it writes them (SQLite's integrity_check and JSON checks have no
    counterpart to run)."""
    from data.db import postgres_inspect as catalog

    with postgres_connection(url) as conn:
        version, errors = _version_errors(
            conn, "run `flowcast db migrate` (a team server migrates when it starts)"
        )
        if version is None:
            return False, errors, {}
        tables, indexes = inspect.expected_tables_and_indexes(version)
        live = catalog.columns_by_table(conn)
        for table in sorted(tables.keys() | live.keys()):
            if table not in live:
                errors.append(f"schema: table {table} is missing; restore a backup (pg_dump)")
            elif table not in tables:
                errors.append(f"schema: table {table} is not part of schema version {version}")
            elif live[table] != tables[table]:
                errors.append(
                    f"schema: the columns of {table} differ from what migration {version} defines"
                )
        live_indexes = catalog.named_indexes(conn)
        errors += [f"schema: index {name} is missing" for name in sorted(indexes - live_indexes)]
        errors += [
            f"schema: index {name} is not part of schema version {version}"
            for name in sorted(live_indexes - indexes)
        ]
        keys = catalog.foreign_keys(conn)
        errors += [
            f"foreign key: {name} of {table} (to {parent}) is not validated; run ALTER TABLE "
            f"{table} VALIDATE CONSTRAINT {name}"
            for table, name, parent, valid in keys
            if not valid
        ]
        live_keys = Counter((table, parent) for table, _name, parent, _valid in keys)
        expected_keys = inspect.expected_foreign_keys(version)
        errors += [
            f"foreign key: {table} to {parent} is missing; restore a backup (pg_dump)"
            for table, parent in sorted((expected_keys - live_keys).elements())
        ]
        errors += [
            f"foreign key: {table} to {parent} is not part of schema version {version}"
            for table, parent in sorted((live_keys - expected_keys).elements())
        ]
        present = set(live) & set(tables)
        counts = {table: catalog.row_count(conn, table) for table in sorted(present)}
        errors += _consistency_errors(PostgresConnection(conn), present)  # type: ignore[arg-type]
    return not errors, errors, counts
