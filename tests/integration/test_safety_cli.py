"""``flowcast backup|restore|verify|db stats|cache cleanup|audit`` end to end (in process)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from cli.main import cli
from data.db.connection import connect, get_db_connection
from data.db.inspect import payload_bytes
from data.db.postgres import DATABASE_URL_ENV
from data.ops.backup import list_backups
from data.store.postgres_backend import PostgresBackend
from data.store.sql_backend import SQLBackend
from data.store.sqlite_backend import SQLiteBackend
from data.timeutil import to_utc_iso, utc_now


def run(*args: str, input: str | None = None) -> Result:
    return CliRunner().invoke(cli, list(args), input=input)


@pytest.fixture
def filled(backend: SQLiteBackend) -> SQLiteBackend:
    return fill(backend)


def fill(backend: SQLBackend) -> SQLBackend:
    long_ago = to_utc_iso(utc_now() - timedelta(days=60))
    backend.save_profile({"id": "kafka", "name": "Kafka", "jira_config": {"token": "s3cr3t"}})
    backend.save_profile({"id": "old", "name": "Old", "last_used": long_ago})
    backend.save_query("kafka", {"id": "12w", "name": "12 weeks", "jql": "project = KAFKA"})
    backend.save_query("kafka", {"id": "bugs", "name": "Bugs", "jql": "type = Bug"})
    for n in range(2):
        backend.save_jira_cache("kafka", "12w", f"live-{n}", {"issues": [n]}, "2099-01-01")
    backend.save_jira_cache("kafka", "12w", "stale", {"issues": []}, "2020-01-01")
    backend.save_changelog_entry("kafka", "bugs", "K-1", {"histories": []}, "2099-01-01")
    return backend


@pytest.fixture
def filled_on_each_engine(
    both_engines: SQLBackend, monkeypatch: pytest.MonkeyPatch
) -> Iterator[SQLBackend]:
    """``filled``'s data in the SQLite file, or in a team database the CLI is pointed at."""
    if isinstance(both_engines, PostgresBackend):
        monkeypatch.setenv(DATABASE_URL_ENV, both_engines.url)
    yield fill(both_engines)


def test_backup_and_restore_round_trip(filled: SQLiteBackend, tmp_path: Path) -> None:
    result = run("backup", "--dest", str(tmp_path / "b"), "--keep", "1")
    assert result.exit_code == 0, result.output
    (backup,) = list_backups(tmp_path / "b")
    assert f"Backup written to {backup}" in result.output

    filled.delete_profile("kafka")
    result = run("restore", str(backup), "--yes")

    assert result.exit_code == 0, result.output
    assert "Previous database kept at" in result.output
    assert filled.get_profile("kafka") is not None


def test_backup_keeps_the_newest_ten_by_default(filled: SQLiteBackend, data_dir: Path) -> None:
    for _ in range(11):
        assert run("backup").exit_code == 0
    assert len(list_backups()) == 10


def test_restore_asks_first_and_changes_nothing_on_no(
    filled: SQLiteBackend, tmp_path: Path
) -> None:
    assert run("backup", "--dest", str(tmp_path / "b")).exit_code == 0
    backup = list_backups(tmp_path / "b")[0]
    filled.delete_profile("old")

    result = run("restore", str(backup), input="n\n")

    assert result.exit_code == 1
    assert "Aborted" in result.output
    assert filled.get_profile("old") is None
    assert list_backups() == []


def test_restore_of_a_bad_file_is_one_line_and_exit_1(
    filled: SQLiteBackend, tmp_path: Path
) -> None:
    bogus = tmp_path / "notes.txt"
    bogus.write_text("not a database, just notes\n" * 100)
    result = run("restore", str(bogus), "--yes")
    assert result.exit_code == 1
    assert result.output.strip().splitlines() == [
        f"Error: {bogus} is not a Flowcast database or is damaged; choose a file made by "
        "Back up now on the Data page or by `flowcast backup`."
    ]


def test_verify_passes_on_a_sound_database(filled_on_each_engine: SQLBackend) -> None:
    result = run("verify")
    assert result.exit_code == 0, result.output
    assert "all checks passed" in result.output
    report = json.loads(run("verify", "--json").output)
    assert report["ok"] is True
    if isinstance(filled_on_each_engine, PostgresBackend):  # with the rows it counted
        assert (report["rows"]["profiles"], report["rows"]["jira_cache"]) == (2, 3)


def test_verify_exits_1_and_lists_the_problems(filled: SQLiteBackend) -> None:
    with get_db_connection(filled.db_path) as conn:
        conn.execute("UPDATE profiles SET extra = X'00FF' WHERE id = 'old'")
    result = run("verify")
    assert result.exit_code == 1
    assert "profiles.extra: 1 rows hold invalid JSON" in result.output

    report = run("verify", "--json")
    assert report.exit_code == 1
    assert json.loads(report.output)["errors"] == ["profiles.extra: 1 rows hold invalid JSON"]


def test_verify_without_a_database_exits_1(data_dir: Path) -> None:
    result = run("verify")
    assert result.exit_code == 1
    assert "No database at" in result.output


def test_db_stats_counts_rows_cache_entries_and_unused_profiles(
    filled_on_each_engine: SQLBackend,
) -> None:
    result = run("db", "stats", "--json")
    assert result.exit_code == 0, result.output
    stats = json.loads(result.output)

    tables = {t["table"]: t for t in stats["tables"]}
    assert tables["profiles"]["rows"] == 2
    assert tables["queries"]["rows"] == 2
    assert tables["jira_cache"]["rows"] == 3
    # Whole pages on both (SQLite's dbstat; PostgreSQL's 8 kB blocks): one at least per table
    # and index, and the table holding rows is bigger than an empty one.
    page = stats.get("page_size", 8192)
    assert tables["profiles"]["bytes"] >= page
    assert tables["profiles"]["bytes"] > tables["app_state"]["bytes"] > 0
    assert stats["cache_entries"] == [
        {
            "profile_id": "kafka",
            "query_id": "12w",
            "responses_live": 2,
            "responses_expired": 1,
            "changelogs_live": 0,
            "changelogs_expired": 0,
        },
        {
            "profile_id": "kafka",
            "query_id": "bugs",
            "responses_live": 0,
            "responses_expired": 0,
            "changelogs_live": 1,
            "changelogs_expired": 0,
        },
    ]
    assert [p["id"] for p in stats["unused_profiles"]] == ["old"]
    if isinstance(filled_on_each_engine, SQLiteBackend):
        assert stats["database_bytes"] == filled_on_each_engine.db_path.stat().st_size
        assert stats["database_bytes"] == stats["pages"] * stats["page_size"]
    else:  # the whole database, more than the tables' sum (the catalog's own tables)
        assert stats["database_bytes"] > sum(t["bytes"] for t in stats["tables"])


def test_db_stats_prints_tables_for_people(filled_on_each_engine: SQLBackend) -> None:
    result = run("db", "stats")
    assert result.exit_code == 0, result.output
    assert "Cache entries per query (live / expired):" in result.output
    assert "Profiles not used for 30 days:" in result.output
    assert any(line.split()[:2] == ["profiles", "2"] for line in result.output.splitlines())


def test_payload_bytes_fallback_sums_stored_lengths(filled: SQLiteBackend) -> None:
    conn = connect(filled.db_path)
    try:
        sizes = payload_bytes(conn)
        responses = conn.execute("SELECT SUM(LENGTH(response)) FROM jira_cache").fetchone()[0]
    finally:
        conn.close()
    assert sizes["jira_cache"] > responses
    assert sizes["task_progress"] == 0


def test_cache_cleanup_deletes_only_expired_entries(filled: SQLiteBackend) -> None:
    result = run("cache", "cleanup")
    assert result.exit_code == 0
    assert result.output.strip() == "Deleted 1 expired cache entries"
    assert filled.get_jira_cache("kafka", "12w", "live-0") == {"issues": [0]}
    with get_db_connection(filled.db_path) as conn:
        assert conn.execute("SELECT COUNT(*) FROM jira_cache").fetchone()[0] == 2


def test_audit_lists_newest_first_with_tokens_masked(filled_on_each_engine: SQLBackend) -> None:
    result = run("audit", "--entity-type", "profile", "--json")
    assert result.exit_code == 0
    entries = json.loads(result.output)
    assert [(e["entity_id"], e["action"]) for e in entries] == [
        ("old", "create"),
        ("kafka", "create"),
    ]
    assert entries[1]["new_value"]["jira_config"]["token"] == "***"
    assert "s3cr3t" not in result.output

    limited = run("audit", "--limit", "1")
    assert limited.exit_code == 0
    lines = limited.output.strip().splitlines()
    assert lines[0].split()[:3] == ["ID", "AT", "ENTITY_TYPE"]
    assert len(lines) == 2
