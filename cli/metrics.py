"""``flowcast snapshot`` and ``flowcast import-csv``: storing a query's weekly metrics."""

from __future__ import annotations

from pathlib import Path

import click

from cli.options import profile_option, query_ids, query_option
from cli.output import ProgressLine, print_json
from data.analytics.loading import save_weekly_statistics, warm_frame_cache
from data.analytics.snapshots import backfill_snapshots, snapshot_weeks
from data.errors import ValidationError
from data.metrics.mappings import mappings_from_profile
from data.metrics.weekly import parse_statistics_csv
from data.profiles import manager as pm
from data.store import get_backend


@click.command("snapshot")
@profile_option
@query_option
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
    profile_id, query_id = query_ids(profile, query)
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
@profile_option
@query_option
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
    profile_id, query_id = query_ids(profile, query)
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
