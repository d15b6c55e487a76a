"""``check_database_integrity()``: each kind of damage is reported, a sound database passes."""

from __future__ import annotations

from pathlib import Path

import pytest

from data.db.connection import connect, get_db_connection, initialize_database, write_transaction
from data.db.inspect import document_columns
from data.db.schema import apply_migrations, downgrade, latest_version
from data.ops.verify import check_database_integrity
from data.plans import create_plan, create_version, get_current_plan
from data.store.dual_backend import record_dual_write_failure
from data.store.issues import pack_transitions
from data.store.sqlite_backend import SQLiteBackend


@pytest.fixture
def filled(backend: SQLiteBackend) -> SQLiteBackend:
    backend.save_profile({"id": "kafka", "name": "Kafka", "jira_config": {"token": "t"}})
    backend.save_query("kafka", {"id": "12w", "name": "12 weeks", "jql": "project = KAFKA"})
    backend.save_jira_cache("kafka", "12w", "page-0", {"issues": []}, "2099-01-01")
    backend.set_app_state("active_profile_id", "kafka")
    backend.set_app_state("active_query_id", "12w")
    return backend


Statement = str | tuple[str, tuple[object, ...]]


def _damage(db: Path, *statements: Statement) -> None:
    """Write around the rules (foreign keys off), as a buggy tool or a hand edit would."""
    conn = connect(db)
    conn.execute("PRAGMA foreign_keys = OFF")
    for statement in statements:
        sql, params = (statement, ()) if isinstance(statement, str) else statement
        conn.execute(sql, params)
    conn.close()


def _issue(key: str, resolved: str | None = None) -> Statement:
    return (
        "INSERT INTO issues (profile_id, issue_key, issue_id, created, resolved, fetched_at) "
        "VALUES ('kafka', ?, ?, '2026-01-01T00:00:00.000Z', ?, '2026-01-01T00:00:00.000Z')",
        (key, key, resolved),
    )


def _transition(key: str, seq: int, at: str, history: str | None = None) -> Statement:
    return (
        "INSERT INTO issue_transitions (profile_id, issue_key, seq, changed_at, to_status, history_id) "
        "VALUES ('kafka', ?, ?, ?, 'Done', ?)",
        (key, seq, at, history),
    )


def test_a_sound_database_passes(filled: SQLiteBackend) -> None:
    _damage(
        filled.db_path,
        _issue("K-1"),
        _transition("K-1", 0, "2026-01-02T00:00:00.000Z", "1"),
        _transition("K-1", 1, "2026-01-03T00:00:00.000Z", "2"),
        "INSERT INTO query_issues VALUES ('kafka', '12w', 'K-1', '2026-01-01T00:00:00.000Z')",
    )
    with get_db_connection(filled.db_path) as conn, write_transaction(conn):
        pack_transitions(conn, "kafka")  # as every writer of transitions does
    assert check_database_integrity(filled.db_path) == (True, [])


@pytest.mark.parametrize(
    ("statements", "expected"),
    [
        (
            [
                "INSERT INTO queries (profile_id, id, name, jql, created_at, last_used) "
                "VALUES ('ghost', 'q', 'Q', 'x', 'a', 'a')"
            ],
            "foreign key: queries row",
        ),
        (["UPDATE profiles SET extra = X'DEADBEEF'"], "profiles.extra: 1 rows hold invalid JSON"),
        (
            ["UPDATE jira_cache SET response = '{\"issues\": ['"],
            "jira_cache.response: 1 rows hold invalid JSON",
        ),
        (
            [
                _issue("K-1"),
                _transition("K-1", 0, "2026-01-02T00:00:00.000Z"),
                _transition("K-1", 2, "2026-01-03T00:00:00.000Z"),
            ],
            "transition sequence with gaps (numbers must run 0, 1, 2 … per issue): 1 (kafka/K-1)",
        ),
        (
            [
                _issue("K-1"),
                _transition("K-1", 0, "2026-01-03T00:00:00.000Z"),
                _transition("K-1", 1, "2026-01-02T00:00:00.000Z"),
            ],
            "transitions out of order",
        ),
        (
            [
                _issue("K-1"),
                _transition("K-1", 0, "2026-01-02T00:00:00.000Z", "7"),
                _transition("K-1", 1, "2026-01-03T00:00:00.000Z", "7"),
            ],
            "status change recorded twice (same issue and JIRA history id): 1 (kafka/K-1/7)",
        ),
        (
            [_issue("K-1"), _transition("K-1", 0, "2026-01-02T00:00:00.000Z")],  # not packed
            "issue whose packed transitions differ in number from its transition rows (fetch "
            "its query again): 1 (kafka/K-1)",
        ),
        (
            [_issue("K-1", resolved="2025-12-31T00:00:00.000Z")],
            "issues resolved before they were created: 1 (kafka/K-1)",
        ),
        (
            ["UPDATE app_state SET value = '\"ghost\"' WHERE key = 'active_profile_id'"],
            "active profile that does not exist",
        ),
        (
            ["UPDATE app_state SET value = '\"gone\"' WHERE key = 'active_query_id'"],
            "active query that is not a query of the active profile",
        ),
        (
            ["CREATE INDEX idx_handmade ON profiles(description)"],
            "schema: index idx_handmade is not part of schema version",
        ),
        (["DROP INDEX idx_profiles_last_used"], "schema: index idx_profiles_last_used is missing"),
        (
            ["UPDATE schema_version SET checksum = 'edited' WHERE version = 1"],
            "Migration 0001 (",
        ),
        (
            [
                (
                    "INSERT INTO schema_version VALUES (?, 'a', 'future', 'x')",
                    (latest_version() + 1,),
                )
            ],
            "newer than this Flowcast knows",
        ),
    ],
    ids=[
        "foreign-key",
        "jsonb-garbage",
        "json-text-truncated",
        "transition-gap",
        "transition-order",
        "duplicate-history",
        "transitions-not-packed",
        "resolved-before-created",
        "active-profile",
        "active-query",
        "extra-index",
        "missing-index",
        "edited-migration",
        "newer-schema",
    ],
)
def test_each_kind_of_damage_is_reported(
    filled: SQLiteBackend, statements: list[Statement], expected: str
) -> None:
    _damage(filled.db_path, *statements)
    ok, errors = check_database_integrity(filled.db_path)
    assert not ok
    assert any(expected in e for e in errors), errors


def test_a_schema_behind_the_code_is_reported(data_dir: Path) -> None:
    if latest_version() == 1:
        pytest.skip("only one migration exists")
    db = initialize_database(data_dir / "old.db", migrate=False)
    with get_db_connection(db) as conn:
        apply_migrations(conn, 1)
    ok, errors = check_database_integrity(db)
    # Version 1's own schema is intact, so the only complaint is the missing upgrade.
    assert (ok, errors) == (
        False,
        [
            f"schema version 1 is behind {latest_version()}; restart Flowcast (it migrates on start) "
            "or run `flowcast db migrate`"
        ],
    )


def test_a_damaged_page_stops_the_checks_with_sqlites_findings(filled: SQLiteBackend) -> None:
    for n in range(300):
        filled.save_profile({"id": f"p{n}", "name": f"P{n}", "notes": "x" * 500})
    with get_db_connection(filled.db_path) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        page_size = conn.execute("PRAGMA page_size").fetchone()[0]
        root = conn.execute(
            "SELECT rootpage FROM sqlite_schema WHERE name = 'profiles'"
        ).fetchone()[0]
    with open(filled.db_path, "r+b") as f:
        # Scribble over the profiles table's root page (its b-tree header and cell pointers).
        f.seek((root - 1) * page_size)
        f.write(b"\x0d" + b"\xff" * 64)
    ok, errors = check_database_integrity(filled.db_path)
    assert not ok
    assert errors and all(
        e.startswith("integrity_check:") or "restore a backup" in e for e in errors
    ), errors


def test_failed_dual_storage_mirror_writes_are_reported(filled: SQLiteBackend) -> None:
    record_dual_write_failure(
        filled.db_path, "save_profile", "kafka", PermissionError("profiles/kafka/profile.json")
    )
    ok, errors = check_database_integrity(filled.db_path)
    assert not ok
    assert len(errors) == 1
    assert errors[0].startswith("dual storage: save_profile of kafka reached SQLite but not")


def test_a_missing_database_is_reported(data_dir: Path) -> None:
    ok, errors = check_database_integrity(data_dir / "profiles" / "burndown.db")
    assert not ok and "No database at" in errors[0]
    assert "restart Flowcast or run `flowcast init` to create it" in errors[0]


def test_every_jsonb_column_is_checked(filled: SQLiteBackend) -> None:
    with get_db_connection(filled.db_path) as conn:
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_schema WHERE type='table'")}
        columns = {(t, c) for t, c, _ in document_columns(conn, tables)}
    assert {
        ("profiles", "jira_config"),
        ("issues", "fields"),
        ("audit_log", "new_value"),
    } <= columns
    assert {("app_state", "value"), ("jira_cache", "response")} <= columns


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE plans SET version = 1",
        "UPDATE plans SET content_hash = 'edited'",
        "DELETE FROM plan_versions WHERE version = 2",
    ],
    ids=["version-behind", "hash-edited", "newest-version-lost"],
)
def test_a_plan_out_of_step_with_its_newest_version_is_reported(
    filled: SQLiteBackend, statement: str
) -> None:
    plan_id = create_plan("kafka", "12w", "Release", {"type": "release"})
    create_version(plan_id, {**get_current_plan(plan_id)["data"], "deadline": "2027-01-29"})
    assert check_database_integrity(filled.db_path) == (True, [])
    _damage(filled.db_path, statement)
    ok, errors = check_database_integrity(filled.db_path)
    assert not ok
    assert any(
        e.startswith(
            "plan whose current version or content hash differs from its newest plan_versions "
            f"row: 1 ({plan_id}/"
        )
        for e in errors
    ), errors


def test_a_database_behind_the_packed_transitions_is_told_to_migrate(filled: SQLiteBackend) -> None:
    # Schema 8 has no packed columns: their check is skipped, the version named.
    _damage(filled.db_path, _issue("K-1"), _transition("K-1", 0, "2026-01-02T00:00:00.000Z"))
    with get_db_connection(filled.db_path) as conn:
        downgrade(conn, 8)
    ok, errors = check_database_integrity(filled.db_path)
    assert not ok
    assert len(errors) == 1 and errors[0].startswith(
        f"schema version 8 is behind {latest_version()};"
    )
