"""The ``flowcast`` root command: global options, error handling and sub-command registration."""

from __future__ import annotations

import logging
import sys
from typing import Any

import click

from data.errors import FlowcastError
from data.locations import set_data_dir


class FlowcastGroup(click.Group):
    """Turns Flowcast's errors into a one-line message and exit code 1, never a traceback."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except FlowcastError as exc:
            click.echo(f"Error: {exc}", err=True)
            sys.exit(1)


@click.group(cls=FlowcastGroup)
@click.option(
    "--data-dir",
    type=click.Path(file_okay=False),
    envvar="FLOWCAST_DATA_DIR",
    help="Folder holding profiles/burndown.db (default: the current directory).",
)
@click.option("-v", "--verbose", is_flag=True, help="Log what happens (tokens are never logged).")
def cli(data_dir: str | None, verbose: bool) -> None:
    """Flowcast: delivery forecasts, flow and DORA metrics from JIRA, on your machine."""
    if data_dir:
        set_data_dir(data_dir)
    logging.basicConfig(
        level=logging.INFO if verbose else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
    )


def main() -> None:
    cli(prog_name="flowcast")


# Sub-commands register here, one line each.
from cli.db import db, doctor, init  # noqa: E402
from cli.fake_jira import fake_jira  # noqa: E402
from cli.jira import fetch  # noqa: E402  (also adds `profile test-connection`)
from cli.legacy import migrate_json, storage_mode  # noqa: E402
from cli.metrics import import_csv, report, snapshot  # noqa: E402
from cli.plans import plan, settings  # noqa: E402
from cli.profiles import profile, query  # noqa: E402
from cli.safety import audit, backup, cache, restore, verify  # noqa: E402
from cli.serve import serve  # noqa: E402
from cli.sprints import sprint  # noqa: E402
from cli.transfer import export_command, import_command  # noqa: E402

cli.add_command(doctor)
cli.add_command(init)
cli.add_command(db)
cli.add_command(profile)
cli.add_command(query)
cli.add_command(plan)
cli.add_command(settings)
cli.add_command(serve)
cli.add_command(report)
cli.add_command(snapshot)
cli.add_command(import_csv)
cli.add_command(migrate_json)
cli.add_command(storage_mode)
cli.add_command(export_command)
cli.add_command(import_command)
cli.add_command(backup)
cli.add_command(restore)
cli.add_command(verify)
cli.add_command(cache)
cli.add_command(audit)
cli.add_command(fake_jira)
cli.add_command(fetch)
cli.add_command(sprint)
