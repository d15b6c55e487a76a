"""``flowcast fetch``: sync a query from JIRA, then its weekly snapshots."""

from __future__ import annotations

import click

from cli.output import ProgressLine, print_json
from data.analytics.fetch import fetch as fetch_query
from data.profiles import manager as pm


@click.command("fetch")
@click.option("--profile", "profile_ref", required=True, help="Profile id or name.")
@click.option("--query", "query_ref", required=True, help="Query id or name.")
@click.option("--full", is_flag=True, help="Fetch everything again instead of only changes.")
@click.option("--quiet", is_flag=True, help="No progress bar.")
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
def fetch(profile_ref: str, query_ref: str, full: bool, quiet: bool, as_json: bool) -> None:
    """Fetch a query from JIRA (incremental unless --full) and update its weekly snapshots,
    as the dashboard's Fetch does."""
    p = pm.find_profile(profile_ref)
    q = pm.find_query(p["id"], query_ref)
    line = None if quiet or as_json else ProgressLine()
    try:
        result = fetch_query(p["id"], q["id"], full=full, progress=line)
    finally:
        if line is not None:
            line.finish()
    if as_json:
        print_json(result.as_dict())
        return
    synced = result.sync
    click.echo(
        f"{synced.mode.capitalize()} sync of {q['name']!r}: {synced.issue_count:,} issues, "
        f"{synced.transition_count:,} status changes ({synced.fetched:,} fetched, "
        f"{synced.removed:,} removed, {synced.requests:,} requests, {synced.seconds:.1f} s); "
        f"{len(result.snapshot_weeks)} weekly snapshots updated."
    )
