"""``flowcast report``, ``flowcast snapshot`` and ``flowcast import-csv``: the metrics engine."""

from __future__ import annotations

import re
from pathlib import Path

import click

from cli.output import ProgressLine, print_json, print_table
from data.analytics.loading import save_weekly_statistics, warm_frame_cache
from data.analytics.report import build_report
from data.analytics.report_bundle import DEFAULT_REVIEW_WEEKS, ReportBundle, build_report_bundle
from data.analytics.snapshots import backfill_snapshots, snapshot_weeks
from data.errors import ValidationError
from data.metrics.forecast import SCOPE_MODELS
from data.metrics.mappings import mappings_from_profile
from data.metrics.weekly import parse_statistics_csv
from data.profiles import manager as pm
from data.store import get_backend


def _ids(profile: str, query: str) -> tuple[str, str]:
    profile_id = pm.find_profile(profile)["id"]
    return profile_id, pm.find_query(profile_id, query)["id"]


_profile_option = click.option("--profile", "-p", required=True, help="Profile id or name.")
_query_option = click.option("--query", "-q", required=True, help="Query id or name.")


@click.command("report")
@_profile_option
@_query_option
@click.option("--as-of", help="Compute as known at this date or time (default: now).")
@click.option("--json", "as_json", is_flag=True, help="Print every metric as JSON.")
@click.option(
    "--html",
    "html_file",
    type=click.Path(path_type=Path),
    help="Also write the standalone HTML report (one file, opens offline) to this file.",
)
@click.option(
    "--csv",
    "csv_dir",
    type=click.Path(path_type=Path),
    help="Also write the report's tables (plan vs now, oldest items, week over week, sign-offs,"
    " plan history, epics, and the sprints of a query that reads a board) to this folder, one"
    " CSV each, with the dashboard tables' columns.",
)
@click.option(
    "--weeks",
    type=click.IntRange(1, 520),
    help=f"Weeks of weekly review in the HTML report and CSVs (default {DEFAULT_REVIEW_WEEKS}).",
)
def report(
    profile: str,
    query: str,
    as_of: str | None,
    as_json: bool,
    html_file: Path | None,
    csv_dir: Path | None,
    weeks: int | None,
) -> None:
    """Every metric of a query (forecasts, flow, cycle time, DORA) with its definition."""
    profile_id, query_id = _ids(profile, query)
    if weeks is not None and html_file is None and csv_dir is None:
        raise ValidationError(
            "--weeks sets the weekly review of the HTML report and CSVs; add --html FILE or "
            "--csv DIR."
        )
    if html_file is None and csv_dir is None:
        data = build_report(profile_id, query_id, as_of).to_json()
    else:
        bundle = build_report_bundle(
            profile_id, query_id, as_of, weeks or DEFAULT_REVIEW_WEEKS,
            scopes=SCOPE_MODELS if as_json else None, per_item=as_json,
        )  # fmt: skip
        _write_files(bundle, html_file, csv_dir)
        data = bundle.document
    if as_json:
        from data.analytics.sprints import epics_summary  # only --json prints the epics

        print_json({**data, "epics": epics_summary(profile_id, query_id, as_of=as_of)})
        return
    forecast = data["forecast"]
    dora = data["dora"]
    flow = data["flow"]
    when = forecast["monte_carlo_when"]
    scope = when["parameters"]["scope_shown"]
    shown = when["growing_scope"] if scope == "growing" else when
    rows = [
        {"metric": "remaining items", "value": forecast["remaining_items"]},
        {"metric": "PERT expected (items)", "value": forecast["pert"]["items"]["expected_date"]},
        {
            "metric": f"Monte Carlo P50 / P85 (items, {scope} scope)",
            "value": " / ".join(
                str((shown["items"]["completion_dates"] or {}).get(k)) for k in ("p50", "p85")
            ),
        },
        {"metric": "cycle time P50/P85/P95 days", "value": data["cycle_time"]["percentiles_days"]},
        {"metric": "flow velocity (items/week)", "value": flow["flow_velocity"]["value"]},
        {"metric": "flow efficiency", "value": flow["flow_efficiency"]["value"]},
        {"metric": "flow load", "value": flow["flow_load"]["value"]},
        {
            "metric": "deployment frequency",
            "value": f"{dora['deployments_per_week']} /week ({dora['deployment_frequency_tier']})",
        },
        {
            "metric": "lead time (median h)",
            "value": f"{dora['lead_time_median_hours']} ({dora['lead_time_tier']})",
        },
        {
            "metric": "change failure rate",
            "value": f"{dora['change_failure_rate']} ({dora['change_failure_rate_tier']})",
        },
        {
            "metric": "time to restore (median h)",
            "value": f"{dora['time_to_restore_median_hours']} ({dora['time_to_restore_tier']})",
        },
    ]
    print_table([{**row, "value": _rounded(row["value"])} for row in rows], ["metric", "value"])
    click.echo(f"Data quality: {data['data_quality']['note']}")


def _write_files(bundle: ReportBundle, html_file: Path | None, csv_dir: Path | None) -> None:
    """The HTML report and the tables' CSVs asked for, each said on stderr."""
    from cli.report_files import write_csv_tables, write_html_report  # the page builders

    if html_file is not None:
        size = write_html_report(bundle, html_file)
        click.echo(f"Wrote {html_file} ({size / 1_000_000:.1f} MB).", err=True)
    if csv_dir is not None:
        written = write_csv_tables(bundle, csv_dir)
        click.echo(f"Wrote {len(written)} CSV files to {csv_dir}: "
                   f"{', '.join(p.name for p in written)}.", err=True)  # fmt: skip


def _rounded(value: object) -> object:
    """Numbers for people: two decimals (inside text and dicts too)."""
    if isinstance(value, float):
        return round(value, 2)
    if isinstance(value, dict):
        return {k: _rounded(v) for k, v in value.items()}
    if isinstance(value, str):
        return re.sub(r"\d+\.\d{3,}", lambda m: f"{float(m.group()):.2f}", value)
    return value


@click.command("snapshot")
@_profile_option
@_query_option
@click.option("--week", help="ISO week to store, e.g. 2026-W47 (default: this week).")
@click.option(
    "--backfill",
    type=click.IntRange(1, 520),
    default=1,
    show_default=True,
    help="Store this many weeks ending with --week, each as known at its end.",
)
@click.option("--json", "as_json", is_flag=True, help="Print the stored weeks as JSON.")
def snapshot(profile: str, query: str, week: str | None, backfill: int, as_json: bool) -> None:
    """Store weekly DORA, flow and forecast snapshots (re-running a week replaces it).

    A backfill of more than one week runs as the dashboard's backfill job: progress on stderr,
    shown (and cancellable) on the Weekly review page, and refused while another backfill of the
    query runs.
    """
    profile_id, query_id = _ids(profile, query)
    if backfill == 1:
        weeks = snapshot_weeks(profile_id, query_id, week)
    else:
        weeks = _backfill(profile_id, query_id, week, backfill, show_progress=not as_json)
    if as_json:
        print_json({"profile_id": profile_id, "query_id": query_id, "weeks": weeks})
    else:
        click.echo(f"Stored snapshots for {len(weeks)} week(s): {weeks[0]} to {weeks[-1]}.")


def _backfill(
    profile_id: str, query_id: str, week: str | None, weeks: int, *, show_progress: bool
) -> list[str]:
    line = ProgressLine() if show_progress else None
    try:
        return backfill_snapshots(profile_id, query_id, weeks, line, week=week)
    finally:
        if line is not None:
            line.finish()


@click.command("import-csv")
@_profile_option
@_query_option
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--remaining-items",
    type=click.FloatRange(min=0),
    help="Items still to do after the last week (default: created - completed).",
)
@click.option(
    "--remaining-points",
    type=click.FloatRange(min=0),
    help="Points still to do after the last week (default: created - completed).",
)
@click.option("--json", "as_json", is_flag=True, help="Print the stored statistics as JSON.")
def import_csv(
    profile: str,
    query: str,
    file: Path,
    remaining_items: float | None,
    remaining_points: float | None,
    as_json: bool,
) -> None:
    """Import weekly statistics from the upstream CSV (date,completed_items,completed_points,
    created_items,created_points); a query without JIRA issues forecasts from them."""
    profile_id, query_id = _ids(profile, query)
    try:
        text = file.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise ValidationError(f"{file} is not UTF-8 text; save the CSV as UTF-8.") from None
    weekly = parse_statistics_csv(text, remaining_items, remaining_points)
    points_field = mappings_from_profile(pm.get_profile(profile_id)).points_field
    document = save_weekly_statistics(get_backend(), profile_id, query_id, weekly, points_field)
    warm_frame_cache(profile_id, query_id)  # the dashboard's next page then skips reading SQLite
    if as_json:
        print_json(document)
    else:
        click.echo(
            f"Imported {len(weekly)} week(s) ({weekly['week'].iloc[0]} to {weekly['week'].iloc[-1]})."
        )
