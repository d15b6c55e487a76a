"""The numbered migrations on a real PostgreSQL 15 (issue 14 §1): the same schema as SQLite's,
one transaction per migration, checksums per dialect, `flowcast db` on a team database."""

from __future__ import annotations

import json
from pathlib import Path

import psycopg
import pytest
from click.testing import CliRunner

from cli.main import cli
from data.db.connection import get_db_connection
from data.db.postgres import connect
from data.db.schema import (
    POSTGRESQL,
    all_migrations,
    applied_migrations,
    apply_migrations,
    downgrade,
)
from data.db.sqlite import connect as sqlite_connect
from data.errors import ConfigError, DatabaseError, SchemaError
from tests.postgres_support import index_plan


def sqlite_schema(conn) -> dict[str, list[str]]:
    """Each table's columns in order, as SQLite declares them."""
    tables = [
        r[0]
        for r in conn.execute(
            "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        )
    ]
    return {t: [c[1] for c in conn.execute(f"PRAGMA table_info({t})")] for t in tables}


def postgres_schema(conn) -> dict[str, list[str]]:
    rows = conn.execute(
        "SELECT table_name, column_name FROM information_schema.columns "
        "WHERE table_schema = 'public' ORDER BY table_name, ordinal_position"
    ).fetchall()
    schema: dict[str, list[str]] = {}
    for table, column in rows:
        schema.setdefault(table, []).append(column)
    return schema


def sqlite_indexes(conn) -> set[str]:
    return {
        r[0]
        for r in conn.execute(
            "SELECT name FROM sqlite_schema WHERE type = 'index' AND sql IS NOT NULL"
        )
    }


def postgres_indexes(conn) -> set[str]:
    # Primary keys and UNIQUE constraints are implicit indexes on SQLite too (sql IS NULL there).
    rows = conn.execute(
        "SELECT indexname FROM pg_indexes WHERE schemaname = 'public' AND indexname NOT IN "
        "(SELECT conname FROM pg_constraint WHERE contype IN ('p', 'u'))"
    ).fetchall()
    return {r[0] for r in rows}


def test_every_migration_gives_postgresql_the_schema_it_gives_sqlite(
    postgres_url: str, tmp_path: Path
) -> None:
    lite = sqlite_connect(tmp_path / "same.db", isolation_level=None)
    lite.execute("PRAGMA foreign_keys = ON")
    with connect(postgres_url) as pg:
        for migration in all_migrations():
            apply_migrations(lite, migration.version)
            apply_migrations(pg, migration.version)
            assert postgres_schema(pg) == sqlite_schema(lite), migration.name
            assert postgres_indexes(pg) == sqlite_indexes(lite), migration.name
    lite.close()


def test_migrations_go_down_to_nothing_and_up_again(postgres_url: str) -> None:
    with connect(postgres_url) as pg:
        apply_migrations(pg)
        assert [a.version for a in applied_migrations(pg)] == [m.version for m in all_migrations()]
        undone = downgrade(pg, 0)
        assert [m.version for m in undone] == [m.version for m in reversed(all_migrations())]
        assert set(postgres_schema(pg)) == {"schema_version"}
        assert applied_migrations(pg) == []
        apply_migrations(pg)
        assert len(postgres_schema(pg)) > 10


def test_postgresql_records_its_own_steps_checksum_and_refuses_an_edited_migration(
    postgres_url: str,
) -> None:
    with connect(postgres_url) as pg:
        apply_migrations(pg)
        recorded = {a.version: a.checksum for a in applied_migrations(pg)}
        assert recorded == {m.version: m.checksum_for(POSTGRESQL) for m in all_migrations()}
        # The first migration's steps differ between the dialects, so do their checksums.
        first = all_migrations()[0]
        assert recorded[1] != first.checksum
        pg.execute("UPDATE schema_version SET checksum = 'edited' WHERE version = 2")
        with pytest.raises(SchemaError, match=r"Migration 0002 .* changed after it was applied"):
            apply_migrations(pg)


def test_a_migration_that_fails_on_postgresql_leaves_nothing_of_itself(postgres_url: str) -> None:
    with connect(postgres_url) as pg:
        apply_migrations(pg, 1)
        pg.execute("CREATE TABLE plan_metrics (x INTEGER)")  # in the way of migration 0002
        with pytest.raises(
            SchemaError,
            match=r'refused to apply migration 0002 .*"plan_metrics" already exists; nothing was changed',
        ):
            apply_migrations(pg)
        assert [a.version for a in applied_migrations(pg)] == [1]
        tables = set(postgres_schema(pg))
        assert "plans" not in tables and "plan_versions" not in tables  # created before the failure


def test_plan_search_uses_the_jsonb_expression_indexes(postgres_url: str) -> None:
    with connect(postgres_url) as pg:
        apply_migrations(pg)
        plan = index_plan(
            pg, "SELECT id FROM plans WHERE data ->> 'status' = 'active' ORDER BY updated_at, id"
        )
        assert "idx_plans_status" in plan


def test_app_state_refuses_a_value_that_is_not_json(postgres_url: str) -> None:
    with connect(postgres_url) as pg:
        apply_migrations(pg)
        with pytest.raises(psycopg.DataError):
            pg.execute(
                "INSERT INTO app_state (key, value, updated_at) VALUES ('k', '{not json', 'now')"
            )


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.output


def test_flowcast_db_migrates_and_lists_a_team_database(postgres_url: str, db_path: Path) -> None:
    code, out = run("db", "migrate", "--database-url", postgres_url, "--to", "2")
    assert code == 0, out
    assert out.splitlines()[:2] == [
        f"Applied 0001 {all_migrations()[0].description}",
        f"Applied 0002 {all_migrations()[1].description}",
    ]
    code, out = run("db", "status", "--database-url", postgres_url, "--json")
    status = json.loads(out)
    assert status["database"].startswith("PostgreSQL database flowcast_test_")
    assert [m["state"] for m in status["migrations"]] == ["applied", "applied"] + ["pending"] * (
        len(all_migrations()) - 2
    )
    code, out = run("db", "downgrade", "1", "--database-url", postgres_url)
    assert code == 0 and out.startswith("Undid 0002"), out
    # The local SQLite file is not touched by any of it.
    with get_db_connection(db_path) as lite:
        assert [a.version for a in applied_migrations(lite)] == [
            m.version for m in all_migrations()
        ]


def test_a_database_url_that_is_not_postgresql_is_one_sentence(db_path: Path) -> None:
    code, out = run("db", "status", "--database-url", "mysql://root:hunter2@db/flowcast")
    assert code == 1
    assert "is not a PostgreSQL database URL; give postgresql://" in out
    assert "hunter2" not in out  # the password is never echoed
    with pytest.raises(ConfigError):
        connect("postgresql://127.0.0.1:5432")  # no database name


def test_a_team_database_that_does_not_answer_is_one_sentence(db_path: Path) -> None:
    url = "postgresql://flowcast:secret@127.0.0.1:1/team"
    with pytest.raises(DatabaseError, match=r"PostgreSQL \(database team on 127.0.0.1:1\) refused"):
        connect(url)
    code, out = run("db", "migrate", "--database-url", url)
    assert code == 1 and "start PostgreSQL or fix FLOWCAST_DATABASE_URL" in out
    assert "secret" not in out


# Rows stored before migration 0009, the same in both engines: times with an offset, before 1970
# and unreadable by either; statuses with quotes, control characters and non-ASCII letters.
_STORED_ROWS = [
    "INSERT INTO profiles (id, name, created_at, last_used) VALUES ('p', 'P', 'x', 'x')",
    "INSERT INTO issues (profile_id, issue_key, issue_id, status, created, fetched_at) VALUES "
    "('p', 'K-1', '1', 'Done', '2026-01-01T00:00:00.000Z', 'x'), "
    "('p', 'K-2', '2', 'To Do', '2026-01-01T00:00:00.000Z', 'x')",
    "INSERT INTO issue_transitions (profile_id, issue_key, seq, changed_at, from_status, "
    "to_status) VALUES ('p', 'K-1', 1, '2026-03-02T15:30:00.250+05:30', NULL, 'Prüfung \"x\"'), "
    "('p', 'K-1', 0, '1969-12-31T23:59:59.999Z', 'To Do', 'In Progress'), "
    "('p', 'K-1', 2, '2026-03-03T10:00:00.000Z', 'A', 'Tab\tand\x1fseparator')",
]


def test_migration_0009_packs_stored_transitions_alike_on_both_engines(
    postgres_url: str, tmp_path: Path
) -> None:
    packed = "SELECT issue_key, transition_times, transition_statuses, initial_status FROM issues"
    sqlite = sqlite_connect(str(tmp_path / "at-8.db"), isolation_level=None)
    with connect(postgres_url) as pg:
        for conn in (sqlite, pg):
            apply_migrations(conn, 8)
            for statement in _STORED_ROWS:
                conn.execute(statement)
            apply_migrations(conn)
        rows = {
            engine: {r[0]: (bytes(r[1]), json.loads(r[2]), r[3]) for r in conn.execute(packed)}
            for engine, conn in (("sqlite", sqlite), ("postgresql", pg))
        }
    sqlite.close()
    assert rows["sqlite"] == rows["postgresql"]
    times, statuses, initial = rows["sqlite"]["K-1"]
    # 23:59:59.999 on 31 Dec 1969 is -1 ms; 15:30:00.250 at +05:30 is 10:00:00.250 UTC.
    assert [int.from_bytes(times[i : i + 8], "big", signed=True) for i in (0, 8, 16)] == [
        -1,
        1772445600250,
        1772532000000,
    ]
    assert statuses == ["In Progress", 'Prüfung "x"', "Tab\tand\x1fseparator"]
    assert initial == "To Do"
    assert rows["sqlite"]["K-2"] == (b"", [], None)
