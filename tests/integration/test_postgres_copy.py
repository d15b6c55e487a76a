"""`flowcast db copy` between the local SQLite file and a real PostgreSQL 15 (issue 14 §1)."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner

from cli.main import cli
from data import plans
from data.analytics.snapshots import snapshot_weeks
from data.db.connection import get_db_connection
from data.db.copy import copy_postgres_to_sqlite, copy_sqlite_to_postgres
from data.db.postgres import connect
from data.db.schema import applied_migrations, apply_migrations, latest_version
from data.errors import DatabaseError, ValidationError
from data.jira.sync import sync
from data.store.sqlite_backend import SQLiteBackend
from fakejira import FakeJira
from tests.integration.jira_support import FAST_RETRY, make_profile
from tests.integration.plans_support import plan_document

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)


@pytest.fixture
def filled(backend: SQLiteBackend, db_path: Path) -> Path:
    """A database with data in the tables a team's use fills: a synced query with its snapshots,
    a plan with versions, review steps, metrics and an approved baseline, a signed-off week."""
    with FakeJira("datacenter", issues=120, seed=7, now=NOW) as fake:
        profile_id, query_id = make_profile(fake)
        sync(profile_id, query_id, retry=FAST_RETRY)
    snapshot_weeks(profile_id, query_id, backfill=4, now=NOW)
    plan_id = plans.create_plan(profile_id, query_id, "Release 2.0", plan_document())
    plans.submit_version(plan_id)
    plans.approve_version(plan_id, None, "looks right", actor="lead")
    plans.start_revision(plan_id)
    plans.add_metrics(plan_id, "2026-W47", {"remaining_items": 12, "forecast_p85": "2027-01-15"})
    plans.sign_off_week(profile_id, query_id, "2026-W47", "on track", actor="Ada")
    backend.set_app_state("active_profile_id", profile_id)
    return db_path


def tables_of(conn) -> dict[str, list[tuple]]:
    """Every table's rows, documents as parsed JSON, sorted (a plain SQLite read)."""
    names = [
        r[0]
        for r in conn.execute(
            "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
            "AND name != 'schema_version'"
        )
    ]
    contents = {}
    for name in names:
        info = conn.execute(f"PRAGMA table_info({name})").fetchall()
        columns = [f"json({c[1]})" if c[2] == "BLOB" else c[1] for c in info]
        select = f"SELECT {', '.join(columns)} FROM {name}"  # noqa: S608 - catalog names
        rows = [
            tuple(
                json.loads(v) if c[2] == "BLOB" and v is not None else v
                for c, v in zip(info, row, strict=True)
            )
            for row in conn.execute(select).fetchall()
        ]
        contents[name] = sorted(rows, key=repr)
    return contents


def test_a_round_trip_through_postgresql_gives_back_every_row(
    filled: Path, postgres_url: str, tmp_path: Path
) -> None:
    with get_db_connection(filled) as conn:
        before = tables_of(conn)
    for table in ("issues", "issue_transitions", "metrics_snapshots", "plan_versions",
                  "plan_metrics", "approved_artifacts", "audit_log", "app_state"):  # fmt: skip
        assert before[table], f"the fixture leaves {table} empty"

    there = copy_sqlite_to_postgres(filled, postgres_url)
    assert {t.name: t.rows for t in there.tables} == {t: len(rows) for t, rows in before.items()}

    back = tmp_path / "back" / "copy.db"
    again = copy_postgres_to_sqlite(postgres_url, back)
    assert again.rows == there.rows
    assert back.stat().st_mode & 0o777 == 0o600
    with get_db_connection(back) as conn:
        assert tables_of(conn) == before
        assert [a.version for a in applied_migrations(conn)][-1] == latest_version()
    with get_db_connection(filled) as conn:  # the source is untouched
        assert tables_of(conn) == before


def test_the_team_database_holds_the_documents_as_jsonb_and_continues_the_ids(
    filled: Path, postgres_url: str
) -> None:
    copy_sqlite_to_postgres(filled, postgres_url)
    with connect(postgres_url) as pg:
        status = pg.execute(
            "SELECT data ->> 'status' FROM plans WHERE data ->> 'name' = 'Release 2.0'"
        ).fetchone()
        assert status == (plan_document()["status"],)
        value = pg.execute(
            "SELECT value FROM plan_metrics WHERE metric_name = 'remaining_items'"
        ).fetchone()
        assert value == (12,)  # a JSON number, as SQLite held it
        top = pg.execute("SELECT max(id) FROM audit_log").fetchone()[0]
        new_id = pg.execute(
            "INSERT INTO audit_log (at, entity_type, entity_id, action) "
            "VALUES ('now', 'test', 'x', 'add') RETURNING id"
        ).fetchone()[0]
        assert new_id == top + 1
        # The copy left the planner its statistics (reltuples is -1 until a table is analyzed).
        issues = pg.execute("SELECT count(*) FROM issues").fetchone()[0]
        estimate = pg.execute("SELECT reltuples FROM pg_class WHERE relname = 'issues'").fetchone()
        assert issues > 0 and estimate == (issues,)


def test_a_target_that_is_not_empty_is_refused_and_left_alone(
    filled: Path, postgres_url: str, tmp_path: Path
) -> None:
    with connect(postgres_url) as pg:
        apply_migrations(pg, 1)
    with pytest.raises(ValidationError, match="already holds tables; copy into an empty database"):
        copy_sqlite_to_postgres(filled, postgres_url)
    with connect(postgres_url) as pg:
        assert [a.version for a in applied_migrations(pg)] == [1]
    existing = tmp_path / "there.db"
    existing.write_bytes(b"mine")
    with pytest.raises(ValidationError, match="already exists; copy into a new file"):
        copy_postgres_to_sqlite(postgres_url, existing)
    assert existing.read_bytes() == b"mine"


def test_a_row_postgresql_refuses_leaves_the_team_database_empty(
    filled: Path, postgres_url: str
) -> None:
    with get_db_connection(filled) as conn:  # SQLite's loose typing keeps text in a REAL column
        key = conn.execute("SELECT issue_key FROM issues LIMIT 1").fetchone()[0]
        conn.execute("UPDATE issues SET points = 'lots' WHERE issue_key = ?", (key,))
    with pytest.raises(
        DatabaseError, match=r"refused a row of table issues \(.*double precision.*\); fix that row"
    ):
        copy_sqlite_to_postgres(filled, postgres_url)
    with connect(postgres_url) as pg:
        tables = pg.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'"
        ).fetchall()
        assert tables in ([], [("schema_version",)])
        if tables:
            assert pg.execute("SELECT count(*) FROM schema_version").fetchone() == (0,)


def test_a_source_behind_the_latest_schema_is_refused(postgres_url: str, tmp_path: Path) -> None:
    with connect(postgres_url) as pg:
        apply_migrations(pg, 2)
    (tmp_path / "out").mkdir()
    with pytest.raises(
        DatabaseError, match=r"is at schema version 2, not \d+; run `flowcast db migrate`"
    ):
        copy_postgres_to_sqlite(postgres_url, tmp_path / "out" / "copy.db")
    assert list((tmp_path / "out").iterdir()) == []  # no copy, no partial file left behind


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.output


def test_flowcast_db_copy_both_ways(filled: Path, postgres_url: str, tmp_path: Path) -> None:
    code, out = run("db", "copy", "--to", postgres_url)
    assert code == 0, out
    assert "every table's rows and contents verified" in out
    code, out = run(
        "db", "copy", "--to", str(tmp_path / "back.db"), "--database-url", postgres_url, "--json"
    )
    assert code == 0, out
    report = json.loads(out)
    with get_db_connection(filled) as conn:
        rows = {table: len(content) for table, content in tables_of(conn).items()}
    assert report["target"] == str(tmp_path / "back.db")
    assert report["tables"] == rows and report["rows"] == sum(rows.values())
    code, out = run("db", "copy", "--to", str(tmp_path / "other.db"))
    assert code == 1 and "needs the team database to copy from: give --database-url" in out
    code, out = run("db", "copy", "--to", postgres_url, "--database-url", postgres_url)
    assert code == 1 and "drop --database-url" in out
