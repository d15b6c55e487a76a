"""``flowcast fetch`` (sync a query from JIRA) and ``flowcast profile test-connection``."""

from __future__ import annotations

import sys

import click

from cli.output import print_json
from cli.profiles import profile
from data import profile_manager as pm
from data.jira import metadata
from data.jira.sync import sync
from data.metrics.store import warm_frame_cache

_BAR_WIDTH = 30


class _ProgressLine:
    """One self-overwriting line on stderr: ``[#####.....]  42%  Fetched 4,200 of 10,000 issues``."""

    def __init__(self) -> None:
        self.interactive = sys.stderr.isatty()
        self.last_message = ""

    def __call__(self, percent: float, message: str) -> None:
        filled = int(_BAR_WIDTH * percent / 100)
        line = f"[{'#' * filled}{'.' * (_BAR_WIDTH - filled)}] {percent:3.0f}%  {message}"
        if self.interactive:
            click.echo(f"\r{line:<100}", nl=False, err=True)
        elif message != self.last_message:
            click.echo(line, err=True)
        self.last_message = message

    def finish(self) -> None:
        if self.interactive:
            click.echo("", err=True)


@click.command("fetch")
@click.option("--profile", "profile_ref", required=True, help="Profile id or name.")
@click.option("--query", "query_ref", required=True, help="Query id or name.")
@click.option("--full", is_flag=True, help="Fetch everything again instead of only changes.")
@click.option("--quiet", is_flag=True, help="No progress bar.")
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
def fetch(profile_ref: str, query_ref: str, full: bool, quiet: bool, as_json: bool) -> None:
    """Sync a query's issues and status history from JIRA (incremental unless --full)."""
    p = pm.find_profile(profile_ref)
    q = pm.find_query(p["id"], query_ref)
    line = None if quiet or as_json else _ProgressLine()
    try:
        result = sync(p["id"], q["id"], full=full, progress=line)
    finally:
        if line is not None:
            line.finish()
    warm_frame_cache(p["id"], q["id"])  # the dashboard's next page then skips reading SQLite
    if as_json:
        print_json(result.as_dict())
        return
    click.echo(
        f"{result.mode.capitalize()} sync of {q['name']!r}: {result.issue_count:,} issues, "
        f"{result.transition_count:,} status changes ({result.fetched:,} fetched, "
        f"{result.removed:,} removed, {result.requests:,} requests, {result.seconds:.1f} s)."
    )


@profile.command("test-connection")
@click.argument("profile_ref")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def test_connection(profile_ref: str, as_json: bool) -> None:
    """Check a profile's JIRA URL and credentials."""
    p = pm.find_profile(profile_ref)
    info = metadata.test_connection(p)
    if as_json:
        print_json(info.__dict__)
        return
    click.echo(
        f"Connected to {info.server_title} {info.server_version} ({info.deployment}) as "
        f"{info.user_display_name} (time zone {info.time_zone})."
    )
