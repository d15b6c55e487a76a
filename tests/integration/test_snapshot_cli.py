"""`flowcast snapshot --backfill N` runs as the dashboard's backfill job on a real database: its
``task_progress`` record, progress on stderr, one run per query and the end week from --week."""

from __future__ import annotations

import json

from click.testing import CliRunner, Result

from cli.main import cli
from data.db.connection import get_db_connection
from data.jobs import backfill_task, run_job
from data.store.sqlite_backend import SQLiteBackend
from tests.jobs_support import cancel_when

TASK = backfill_task("team", "q")


def snapshot(*args: str) -> Result:
    return CliRunner().invoke(cli, ["snapshot", "-p", "team", "-q", "q", *args])


def stored_weeks(backend: SQLiteBackend) -> list[str]:
    with get_db_connection(backend.db_path) as conn:
        rows = conn.execute(
            "SELECT DISTINCT snapshot_date FROM metrics_snapshots WHERE profile_id = ? "
            "AND query_id = ? ORDER BY snapshot_date",
            ("team", "q"),
        ).fetchall()
    return [row[0] for row in rows]


def test_a_cli_backfill_leaves_a_completed_backfill_record_and_reports_each_week(seeded):
    result = snapshot("--week", "2026-W12", "--backfill", "3")
    assert result.exit_code == 0, result.output
    assert result.stdout == "Stored snapshots for 3 week(s): 2026-W10 to 2026-W12.\n"
    for number, week in enumerate(["2026-W10", "2026-W11", "2026-W12"], 1):
        assert f"Computing week {week} ({number} of 3)" in result.stderr
    record = seeded.get_task_progress(TASK)
    assert record is not None
    assert (record["status"], record["message"]) == (
        "completed",
        "Stored snapshots for 2026-W10 to 2026-W12",
    )
    assert stored_weeks(seeded) == ["2026-W10", "2026-W11", "2026-W12"]


def test_week_chooses_the_end_week_and_json_output_stays_clean(seeded):
    result = snapshot("--week", "2026-W09", "--backfill", "2", "--json")
    assert result.exit_code == 0, result.output
    assert result.stderr == ""  # no progress lines mixed into a script's output
    assert json.loads(result.stdout)["weeks"] == ["2026-W08", "2026-W09"]
    assert stored_weeks(seeded) == ["2026-W08", "2026-W09"]
    assert seeded.get_task_progress(TASK)["message"] == "Stored snapshots for 2026-W08 to 2026-W09"


def test_a_cli_backfill_is_refused_while_another_run_holds_the_query(seeded):
    with run_job(TASK, "Backfilling 26 weeks"):  # the dashboard's run of the same query
        result = snapshot("--week", "2026-W12", "--backfill", "3")
        assert result.exit_code == 1
        assert result.output == (
            "Error: Snapshots of query 'q' are already being backfilled; wait for that run to "
            "finish or cancel it on the Weekly review page.\n"
        )
        record = seeded.get_task_progress(TASK)
        assert (record["status"], record["message"]) == ("running", "Backfilling 26 weeks")
    assert stored_weeks(seeded) == []


def test_a_cancelled_cli_backfill_stores_nothing_and_says_so(seeded):
    """Cancel as the Weekly review page does: set the flag on the running record."""
    with cancel_when(seeded.db_path, TASK, lambda r: r["message"].startswith("Computing week")):
        result = snapshot("--backfill", "520")
    assert result.exit_code == 1
    assert result.stderr.endswith("Error: Cancelled at your request; nothing was changed.\n")
    assert seeded.get_task_progress(TASK)["status"] == "cancelled"
    assert stored_weeks(seeded) == []
