"""`flowcast migrate-json` runs as the Data page's migration job on a real database: its
``task_progress`` record (report kept in its details), progress on stderr, one migration at a time,
cancel between phases, and a refused migration's problems printed as before."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner, Result

from cli.main import cli
from data.db.connection import get_db_connection
from data.jobs import MIGRATION_TASK, job_lock
from data.store.sqlite_backend import SQLiteBackend
from tests.jobs_support import cancel_when
from tests.legacy_tree import write_json, write_legacy_tree

CACHE = Path("profiles/kafka/queries/12w/jira_cache.json")


def migrate_json(*args: str) -> Result:
    return CliRunner().invoke(cli, ["migrate-json", *args])


def profile_count(backend: SQLiteBackend) -> int:
    with get_db_connection(backend.db_path) as conn:
        return conn.execute("SELECT COUNT(*) FROM profiles").fetchone()[0]


def break_issues(root: Path, *indexes: int) -> None:
    """Give the listed cached issues ``fields: null``: a problem that refuses the migration."""
    cache = json.loads((root / CACHE).read_text(encoding="utf-8"))
    for index in indexes:
        cache["issues"][index]["fields"] = None
    write_json(root / CACHE, cache)


def test_a_cli_migration_leaves_a_completed_record_holding_its_report(data_dir, backend):
    source = write_legacy_tree(
        data_dir / "legacy", issues=5, profiles=(("kafka", "Kafka"), ("flink", "Flink"))
    )
    result = migrate_json(str(source))
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("Migrated 2 profile(s), 2 query(ies), 10 issue(s)")
    assert "Reading the legacy files" in result.stderr  # progress, not mixed into stdout
    assert "Reading" not in result.stdout
    record = backend.get_task_progress(MIGRATION_TASK)
    assert record is not None
    assert (record["status"], record["message"]) == (
        "completed",
        "Migrated 2 profile(s) and 10 issues",
    )
    details = record["details"]
    assert (details["profiles"], details["query_count"], details["totals"]["issues"]) == (2, 2, 10)
    assert profile_count(backend) == 2


def test_json_output_has_no_progress_and_replace_reaches_the_job(data_dir, backend):
    source = write_legacy_tree(data_dir / "legacy", issues=4)
    assert migrate_json(str(source), "--json").exit_code == 0
    result = migrate_json(str(source), "--json")  # kafka is in the database now
    assert result.exit_code == 1
    assert "run `flowcast migrate-json --replace`" in result.stderr
    result = migrate_json(str(source), "--replace", "--json")
    assert result.exit_code == 0, result.output
    assert result.stderr == ""
    assert json.loads(result.stdout)["totals"]["issues"] == 4
    assert backend.get_task_progress(MIGRATION_TASK)["status"] == "completed"


def test_a_cli_migration_is_refused_while_another_one_holds_the_job(data_dir, backend):
    source = write_legacy_tree(data_dir / "legacy", issues=5)
    with job_lock(MIGRATION_TASK, "held by the test"):  # the Data page's run
        result = migrate_json(str(source))
    assert result.exit_code == 1
    assert result.output == (
        "Error: A legacy migration is already running; wait for it to finish or cancel it on the "
        "Data page.\n"
    )
    assert backend.get_task_progress(MIGRATION_TASK) is None
    assert profile_count(backend) == 0
    assert not (data_dir / "backups").exists()


def test_a_refused_migration_prints_its_problems_and_leaves_a_failed_record(data_dir, backend):
    source = write_legacy_tree(data_dir / "legacy", issues=5)
    break_issues(source, 1)
    result = migrate_json(str(source))
    assert result.exit_code == 1
    assert result.stdout == ""
    message = (
        "profiles/kafka/queries/12w/jira_cache.json: issues[1].fields: expected an object, got null"
    )
    assert result.stderr.splitlines()[-1] == f"Error: {message}"
    assert "problem:" not in result.stderr  # one problem: the error line says it all
    record = backend.get_task_progress(MIGRATION_TASK)
    assert (record["status"], record["message"]) == ("failed", message)

    break_issues(source, 3)
    result = migrate_json(str(source))
    assert result.exit_code == 1
    record = backend.get_task_progress(MIGRATION_TASK)
    assert record["status"] == "failed"
    assert record["message"].endswith(
        "and 1 more problem(s) — nothing was migrated; a Dry run on "
        "the Data page or `flowcast migrate-json --dry-run` lists them all"
    )
    assert result.stderr.splitlines()[-3:] == [
        "problem: profiles/kafka/queries/12w/jira_cache.json: issues[1].fields: expected an object, got null",
        "problem: profiles/kafka/queries/12w/jira_cache.json: issues[3].fields: expected an object, got null",
        f"Error: {record['message']}",
    ]
    assert profile_count(backend) == 0


def test_a_dry_run_is_no_job(data_dir, backend):
    source = write_legacy_tree(data_dir / "legacy", issues=5)
    result = migrate_json(str(source), "--dry-run")
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("Would migrate 1 profile(s)")
    assert result.stderr == ""
    assert backend.get_task_progress(MIGRATION_TASK) is None
    assert profile_count(backend) == 0


def test_a_cli_migration_cancelled_from_the_data_page_writes_nothing(data_dir, backend):
    """Cancel as the Data page does: set the flag on the running record before the write."""
    source = write_legacy_tree(data_dir / "legacy", issues=3000, histories=2)
    # Backing up, reading or checking (the write starts at 45%, its last cancel point).
    with cancel_when(backend.db_path, MIGRATION_TASK, lambda r: r["progress_percent"] < 45):
        result = migrate_json(str(source))
    assert result.exit_code == 1
    assert result.stderr.endswith("Error: Cancelled at your request; nothing was changed.\n")
    assert backend.get_task_progress(MIGRATION_TASK)["status"] == "cancelled"
    assert profile_count(backend) == 0
