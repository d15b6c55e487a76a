"""Schema migrations: idempotent, reversible, and protective of edited or newer schemas."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from data.db import schema
from data.db.connection import get_db_connection, initialize_database
from data.errors import SchemaError


def test_applying_twice_is_a_no_op(db_path: Path) -> None:
    with get_db_connection(db_path) as conn:
        before = schema.schema_snapshot(conn)
        assert schema.apply_migrations(conn) == []
        assert schema.schema_snapshot(conn) == before
        versions = [a.version for a in schema.applied_migrations(conn)]
    assert versions == [m.version for m in schema.all_migrations()]


def test_downgrade_to_zero_then_upgrade_returns_the_same_schema(db_path: Path) -> None:
    with get_db_connection(db_path) as conn:
        before = schema.schema_snapshot(conn)
        undone = schema.downgrade(conn, 0)
        assert [m.version for m in undone] == sorted(
            (m.version for m in schema.all_migrations()), reverse=True
        )
        assert [name for kind, name, _ in schema.schema_snapshot(conn) if kind == "table"] == [
            "schema_version"
        ]
        schema.apply_migrations(conn)
        assert schema.schema_snapshot(conn) == before


@pytest.mark.parametrize("migration", schema.all_migrations(), ids=lambda m: f"{m.version:04d}")
def test_each_migration_down_undoes_its_up(tmp_path: Path, migration: schema.Migration) -> None:
    path = initialize_database(tmp_path / "step.db", migrate=False)
    with get_db_connection(path) as conn:
        schema.apply_migrations(conn, migration.version - 1)
        before = schema.schema_snapshot(conn)
        schema.apply_migrations(conn, migration.version)
        schema.downgrade(conn, migration.version - 1)
        assert schema.schema_snapshot(conn) == before


def test_dry_run_changes_nothing(tmp_path: Path) -> None:
    path = initialize_database(tmp_path / "dry.db", migrate=False)
    with get_db_connection(path) as conn:
        due = schema.apply_migrations(conn, dry_run=True)
        assert [m.version for m in due] == [m.version for m in schema.all_migrations()]
        assert schema.current_version(conn) == 0


def test_an_edited_applied_migration_stops_start(
    db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    original = schema.all_migrations()
    edited = dataclasses.replace(original[0], up=original[0].up + "\n-- edited\n")
    monkeypatch.setattr(schema, "all_migrations", lambda: (edited, *original[1:]))
    with pytest.raises(SchemaError, match=r"Migration 0001 .* changed after it was applied"):
        initialize_database(db_path)


def test_a_database_from_a_newer_flowcast_is_refused(db_path: Path) -> None:
    with get_db_connection(db_path) as conn:
        conn.execute(
            "INSERT INTO schema_version VALUES (9999, '2030-01-01T00:00:00.000Z', 'future', 'x')"
        )
    with pytest.raises(SchemaError, match=r"schema version 9999, newer than this Flowcast knows"):
        initialize_database(db_path)


def test_a_failing_migration_leaves_nothing_behind(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    broken = schema.Migration(
        9000, "m9000_broken", "broken", "CREATE TABLE half (x);\nSELECT * FROM nowhere;", ""
    )
    original = schema.all_migrations()
    monkeypatch.setattr(schema, "all_migrations", lambda: (*original, broken))
    path = initialize_database(tmp_path / "f.db", migrate=False)
    with get_db_connection(path) as conn:
        with pytest.raises(Exception, match="no such table: nowhere"):
            schema.apply_migrations(conn)
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_schema WHERE type = 'table'")}
        assert "half" not in tables
        assert 9000 not in [a.version for a in schema.applied_migrations(conn)]


def test_split_statements_keeps_trigger_bodies_whole() -> None:
    script = "CREATE TABLE t (x);\nCREATE TRIGGER tr AFTER INSERT ON t BEGIN\n  UPDATE t SET x = 1;\n  UPDATE t SET x = 2;\nEND;\n"
    statements = schema.split_statements(script)
    assert len(statements) == 2
    assert statements[1].startswith("CREATE TRIGGER") and statements[1].endswith("END;")
