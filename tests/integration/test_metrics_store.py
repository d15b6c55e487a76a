"""The metrics engine on a real SQLite file: loading frames, snapshots, backfill, review and CLI."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner

from cli.main import cli
from data.analytics.loading import load_query_frames
from data.analytics.report import build_report, load_context
from data.analytics.snapshots import snapshot_weeks, weekly_review
from data.db.connection import get_db_connection, write_transaction
from data.errors import ValidationError
from data.plans import (
    approve_version,
    create_plan,
    create_version,
    delete_plan,
    get_current_plan,
    get_metrics,
    submit_version,
)
from data.store.issues import remove_query_members
from data.store.sqlite_backend import SQLiteBackend
from tests.metrics_support import NOW


def test_load_query_frames_reads_typed_frames_with_utc_times(seeded):
    with get_db_connection(seeded.db_path) as conn:
        frames = load_query_frames(conn, "team", "q", NOW)
    issues = frames.issues.set_index("key")
    assert len(issues) == 5 and len(frames.transitions) == 6
    assert str(issues.loc["M-1", "created"]) == "2026-03-02 10:00:00+00:00"
    assert issues.loc["M-1", "initial_status"] == "To Do" and issues.loc["M-1", "points"] == 3.0
    assert str(frames.transitions["at"].iloc[1]) == "2026-03-05 09:00:00+00:00"  # 04:00-05:00
    assert str(frames.transitions["at"].dtype) == "datetime64[ms, UTC]"
    assert frames.versions[["name", "released"]].values.tolist() == [["r1", True], ["r2", True]]


def test_as_of_keeps_only_what_was_known_then(seeded):
    with get_db_connection(seeded.db_path) as conn:
        frames = load_query_frames(conn, "team", "q", "2026-03-11T00:00:00Z")
    issues = frames.issues.set_index("key")
    # M-4 and M-5 were created later; M-2 was still To Do (its first move is Mar 10 09:00... it had moved).
    assert sorted(issues.index) == ["M-1", "M-2", "M-3"]
    assert issues.loc["M-2", "status"] == "In Progress" and issues.loc["M-3", "status"] == "To Do"


def test_issue_removed_from_the_query_leaves_every_metric(seeded):
    before = build_report("team", "q", NOW)
    with get_db_connection(seeded.db_path) as conn, write_transaction(conn):
        remove_query_members(conn, "team", "q", ["M-2"])
    after = build_report("team", "q", NOW)
    assert int(before.weekly["created_items"].sum()) - 1 == int(after.weekly["created_items"].sum())
    assert before.cycle.cycle_time.count - 1 == after.cycle.cycle_time.count
    assert "M-2" not in set(after.cycle.cycle_time.scatter["key"])


def test_report_json_names_definitions_and_parameters(seeded):
    data = build_report("team", "q", NOW).to_json()
    ct = data["cycle_time"]
    assert ct["definition"] == "jira_agile_metrics_cycle_time"
    # M-1: In Progress Mar 3, Done Mar 5 -> 2; M-2: Mar 10 -> Mar 17 -> 7; M-5: created To Do and
    # Done the same day, committed skipped -> 0. Sorted [0, 2, 7]: p50 2, p85 2 + 0.7 * 5 = 5.5, p95 6.5.
    assert ct["percentiles_days"] == pytest.approx({"p50": 2.0, "p85": 5.5, "p95": 6.5})
    assert data["forecast"]["pert"]["parameters"] == {"data_points_count": 3, "pert_factor": 3}
    assert data["dora"]["parameters"]["tier_set"] == "2023"
    assert set(data["flow"]) >= {
        "flow_velocity",
        "flow_time",
        "flow_efficiency",
        "flow_load",
        "flow_distribution",
    }
    json.dumps(data)  # plain JSON all the way down


def test_snapshot_backfill_is_idempotent_and_replays_history(seeded):
    weeks = snapshot_weeks("team", "q", "2026-W12", backfill=3, now=NOW)
    assert weeks == ["2026-W10", "2026-W11", "2026-W12"]
    stored = seeded.get_metrics_snapshots("team", "q")
    assert len(stored) == 9  # 3 weeks x dora/flow/forecast
    again = snapshot_weeks("team", "q", "2026-W12", backfill=3, now=NOW)
    assert again == weeks
    rows = seeded.get_metrics_snapshots("team", "q")
    assert len(rows) == 9
    assert [r["metrics"] for r in rows] == [r["metrics"] for r in stored]
    forecast = {r["snapshot_date"]: r for r in rows if r["metric_type"] == "forecast"}
    # End of W10 (Mar 9 00:00): M-1 done, M-2 open -> 1 remaining; end of W12: M-3, M-4 remain.
    assert forecast["2026-W10"]["metrics"]["remaining_items"] == 1.0
    assert forecast["2026-W12"]["metrics"]["remaining_items"] == 2.0
    assert forecast["2026-W10"]["metrics"]["as_of"] == "2026-03-09T00:00:00+00:00"
    # Each snapshot keeps that week's completion dates for the drift chart.
    assert set(forecast["2026-W12"]["forecast"]) >= {"p50", "p85", "p95"}


def test_weekly_review_trends_deltas_and_drift(seeded):
    snapshot_weeks("team", "q", "2026-W12", backfill=3, now=NOW)
    review = weekly_review("team", "q")
    assert review.trends["week"].tolist() == ["2026-W10", "2026-W11", "2026-W12"]
    remaining = review.deltas.set_index("metric").loc["forecast.remaining_items"]
    # W11 end: M-2, M-3, M-4? (M-4 created Mar 16, after W11) -> M-2, M-3 = 2; W12 end: 2 -> delta 0.
    assert (remaining["previous"], remaining["current"], remaining["delta"]) == (2.0, 2.0, 0.0)
    assert review.drift["week"].tolist() == ["2026-W10", "2026-W11", "2026-W12"]


def test_week_over_week_compares_complete_weeks_and_keeps_the_running_one_apart(seeded):
    # NOW is Wednesday 2026-03-25, in W13: its snapshot is computed mid-week. Comparing it with
    # W12 made most changes 0 (issue 18); the complete weeks W11 and W12 are compared instead.
    snapshot_weeks("team", "q", backfill=3, now=NOW)
    review = weekly_review("team", "q")
    assert review.trends["week"].tolist() == ["2026-W11", "2026-W12", "2026-W13"]
    assert review.partial == {"2026-W13": "2026-03-25"}
    remaining = review.deltas.set_index("metric").loc["forecast.remaining_items"]
    assert (remaining["previous_week"], remaining["week"], remaining["partial_week"]) == (
        "2026-W11",
        "2026-W12",
        "2026-W13",
    )
    # End of W11: M-2, M-3 open (M-4 is created on Monday of W12); end of W12 and so far in
    # W13: M-3, M-4.
    assert (remaining["previous"], remaining["current"], remaining["partial"]) == (2, 2, 2)


def test_snapshot_refuses_bad_input(seeded):
    with pytest.raises(ValidationError, match="not an ISO week key"):
        snapshot_weeks("team", "q", "2026-47", now=NOW)
    with pytest.raises(ValidationError, match="has not started yet"):
        snapshot_weeks("team", "q", "2027-W10", now=NOW)
    with pytest.raises(ValidationError, match="not a number of weeks"):
        snapshot_weeks("team", "q", backfill=0, now=NOW)


def test_load_context_rejects_unknown_ids(seeded):
    from data.errors import NotFoundError

    with pytest.raises(NotFoundError, match="No query 'nope'"):
        load_context("team", "nope")
    with pytest.raises(NotFoundError, match="No profile 'ghost'"):
        load_context("ghost", "q")


def test_cli_report_snapshot_and_import_csv(seeded, tmp_path: Path):
    runner = CliRunner()
    result = runner.invoke(
        cli, ["report", "-p", "team", "-q", "q", "--json", "--as-of", "2026-03-25T12:00:00Z"]
    )
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["cycle_time"]["count"] == 3
    table = runner.invoke(cli, ["report", "-p", "Team", "-q", "Q", "--as-of", "2026-03-25"])
    assert table.exit_code == 0 and "cycle time P50/P85/P95 days" in table.output

    result = runner.invoke(
        cli,
        ["snapshot", "-p", "team", "-q", "q", "--week", "2026-W12", "--backfill", "2", "--json"],
    )
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["weeks"] == ["2026-W11", "2026-W12"]

    csv_file = tmp_path / "stats.csv"
    csv_file.write_text(
        "date,completed_items,completed_points,created_items,created_points\n"
        "2024-01-05,5,32,6,40\n2024-01-19,4,20,0,0\n"
    )
    result = runner.invoke(cli, ["import-csv", "-p", "team", "-q", "q", str(csv_file), "--json"])
    assert result.exit_code == 0, result.output
    stored = seeded.get_project_data("team", "q")
    # 2024-W01 and 2024-W03 from the file, 2024-W02 filled with zeros.
    assert [s["week"] for s in stored["statistics"]] == ["2024-W01", "2024-W02", "2024-W03"]
    assert [s["completed_items"] for s in stored["statistics"]] == [5, 0, 4]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["report", "-p", "ghost", "-q", "q"], "No profile 'ghost'"),
        (["report", "-p", "team", "-q", "q", "--as-of", "soon"], "'soon' is not a date or time"),
        (["snapshot", "-p", "team", "-q", "q", "--week", "W47"], "'W47' is not an ISO week key"),
    ],
)
def test_cli_errors_are_one_line(seeded, args, message):
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 1
    assert message in result.output and "Traceback" not in result.output


def test_report_runs_as_a_real_process(seeded, data_dir: Path):
    env = {**os.environ, "FLOWCAST_DATA_DIR": str(data_dir)}
    completed = subprocess.run(
        [str(Path(sys.executable).parent / "flowcast"), "report", "-p", "team", "-q", "q", "--json", "--as-of", "2026-03-25"],
        capture_output=True, text=True, env=env, cwd=Path(__file__).resolve().parents[2], timeout=120,
    )  # fmt: skip
    assert completed.returncode == 0, completed.stderr
    assert json.loads(completed.stdout)["query_id"] == "q"


def test_query_without_issues_forecasts_from_imported_statistics(
    backend: SQLiteBackend, tmp_path: Path
):
    backend.save_profile(
        {"id": "csv", "name": "CSV team", "forecast_settings": {"data_points_count": 4}}
    )
    backend.save_query("csv", {"id": "q", "name": "Q", "jql": "project = X"})
    csv_file = tmp_path / "stats.csv"
    csv_file.write_text(
        "date,completed_items,completed_points,created_items,created_points\n"
        "2026-03-02,4,0,0,0\n2026-03-09,2,0,0,0\n2026-03-16,6,0,0,0\n2026-03-23,4,0,0,0\n"
    )
    result = CliRunner().invoke(
        cli, ["import-csv", "-p", "csv", "-q", "q", str(csv_file), "--remaining-items", "32"]
    )
    assert result.exit_code == 0, result.output
    report = build_report("csv", "q", "2026-04-01T00:00:00Z")
    pert = report.forecast.pert_items
    # Throughput [4, 2, 6, 4]: M = 4, k = max(1, min(3, 4 // 3)) = 1: O = 6, P = 2. Remaining 32:
    # 32/6 = 5.33, 32/4 = 8, 32/2 = 16 -> (5.33 + 32 + 16) / 6 = 8.89 weeks.
    assert report.forecast.remaining_items == 32
    assert (pert.optimistic_rate, pert.most_likely_rate, pert.pessimistic_rate) == (6.0, 4.0, 2.0)
    assert pert.expected_weeks == pytest.approx((32 / 6 + 32 + 16) / 6)
    # Snapshots of such a query replay the statistics: at the end of W12 (Mar 23) the weeks
    # W10..W12 are known and 4 + 32 = 36 items remained (W13 completed 4 more).
    snapshot_weeks("csv", "q", "2026-W12", backfill=1, now=datetime(2026, 4, 1, tzinfo=UTC))
    (forecast,) = [
        s for s in backend.get_metrics_snapshots("csv", "q") if s["metric_type"] == "forecast"
    ]
    assert forecast["metrics"]["remaining_items"] == 36.0
    assert forecast["metrics"]["throughput_mean_items"] == 4.0  # (4 + 2 + 6) / 3


def test_snapshot_stores_the_weekly_statistics_too(seeded):
    snapshot_weeks("team", "q", "2026-W12", backfill=1, now=NOW)
    document = seeded.get_project_data("team", "q")
    assert [s["week"] for s in document["statistics"]] == ["2026-W10", "2026-W11", "2026-W12"]
    assert document["project_scope"]["remaining_items"] == 2


def test_snapshot_week_ends_at_local_midnight_across_dst(seeded):
    from data.analytics.snapshots import week_end_instant

    # Berlin leaves DST on Sunday 2026-10-25: the week ends Monday 00:00 CET = 23:00Z.
    assert str(week_end_instant("2026-W43", "Europe/Berlin")) == "2026-10-25 23:00:00+00:00"
    # A summer week ends Monday 00:00 CEST = 22:00Z.
    assert str(week_end_instant("2026-W30", "Europe/Berlin")) == "2026-07-26 22:00:00+00:00"


def test_snapshots_record_each_weeks_forecast_for_the_querys_plans(seeded):
    live = create_plan("team", "q", "Release", {"type": "release"})
    create_version(live, {**get_current_plan(live)["data"], "deadline": "2026-05-01"}, "v2")
    submit_version(live)  # approved: the deadline P(deadline) is computed against (issue 18)
    approve_version(live, actor="lead")
    gone = create_plan("team", "q", "Dropped", {"type": "release"})
    delete_plan(gone)
    snapshot_weeks("team", "q", "2026-W12", backfill=3, now=NOW)
    forecast = {
        r["snapshot_date"]: r
        for r in seeded.get_metrics_snapshots("team", "q")
        if r["metric_type"] == "forecast"
    }
    p50 = get_metrics(live, metric_name="p50_date")
    # One entry per week, each for the plan's current version (2) and with the snapshot's P50.
    assert [(r["week"], r["version"]) for r in p50] == [
        ("2026-W10", 2),
        ("2026-W11", 2),
        ("2026-W12", 2),
    ]
    assert [r["value"] for r in p50] == [forecast[r["week"]]["forecast"]["p50"] for r in p50]
    assert all(isinstance(r["value"], str) and len(r["value"]) == 10 for r in p50)
    w12 = {r["metric_name"]: r["value"] for r in get_metrics(live) if r["week"] == "2026-W12"}
    metrics = forecast["2026-W12"]["metrics"]
    assert w12 == {
        "p50_date": forecast["2026-W12"]["forecast"]["p50"],
        "p85_date": forecast["2026-W12"]["forecast"]["p85"],
        "remaining_items": metrics["remaining_items"],  # 2.0 (M-3, M-4)
        "remaining_points": metrics["remaining_points"],
        "probability_by_deadline": metrics["probability_by_deadline"],
    }
    # A deleted plan gets nothing; re-running a week replaces its entries instead of adding.
    assert get_metrics(gone) == []
    snapshot_weeks("team", "q", "2026-W12", backfill=1, now=NOW)
    assert len(get_metrics(live, metric_name="p50_date")) == 3
