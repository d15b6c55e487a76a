"""The ``flowcast`` root command: global options, error handling and sub-command registration.

Sub-commands are imported only when they run (or when their own ``--help`` is asked): their modules
pull in pandas, the JIRA client and the store, which a bare ``flowcast --help`` must not pay for.
``COMMANDS`` says where each one lives and carries the one-line summary the root help lists;
tests/unit/test_cli_lazy.py checks each summary against the command's own docstring.
"""

from __future__ import annotations

import gc
import importlib
import logging
import sys
from types import ModuleType
from typing import Any, NamedTuple

import click

from data.errors import FlowcastError
from data.locations import set_data_dir


class Entry(NamedTuple):
    """Where a sub-command lives (``module:attribute``) and the summary ``flowcast --help`` shows."""

    target: str
    summary: str


# Sub-commands register here, one line each.
COMMANDS: dict[str, Entry] = {
    "audit": Entry(
        "cli.safety:audit",
        "List who created, changed or deleted what, newest first (tokens are masked).",
    ),
    "backup": Entry(
        "cli.safety:backup", "Write a consistent copy of the database (safe while the app runs)."
    ),
    "cache": Entry("cli.safety:cache", "The JIRA response and changelog caches."),
    "db": Entry("cli.db:db", "Schema status, migration, downgrade, copy and statistics."),
    "doctor": Entry(
        "cli.db:doctor", "Print the Python, SQLite and driver versions and where the data lives."
    ),
    "export": Entry(
        "cli.transfer:export_command",
        "Export a profile (DEST is a new folder, or a file ending in .zip) or the legacy layout.",
    ),
    "fake-jira": Entry(
        "cli.fake_jira:fake_jira",
        "Serve a fake JIRA Cloud or Data Center on 127.0.0.1 until Ctrl+C.",
    ),
    "fetch": Entry(
        "cli.jira:fetch",
        "Fetch a query from JIRA (incremental unless --full) and update its weekly snapshots,"
        " as the dashboard's Fetch does.",
    ),
    "import": Entry(
        "cli.transfer:import_command",
        "Import a profile that `flowcast export --profile` wrote (folder or .zip).",
    ),
    "import-csv": Entry(
        "cli.metrics:import_csv",
        "Import weekly statistics from the upstream CSV (date,completed_items,completed_points,"
        " created_items,created_points); a query without JIRA issues forecasts from them.",
    ),
    "init": Entry(
        "cli.db:init", "Create the database (if needed) and bring its schema up to date."
    ),
    "migrate-json": Entry(
        "cli.legacy:migrate_json",
        "Migrate legacy JSON files (default: the data directory) into the database.",
    ),
    "plan": Entry(
        "cli.plans:plan",
        "Versioned delivery plans: history, diff, rollback and review"
        " (draft → submitted → approved).",
    ),
    "profile": Entry(
        "cli.profiles:profile",
        "Profiles: JIRA connections with their mappings and forecast settings.",
    ),
    "query": Entry("cli.profiles:query", "Queries: named JQL scopes inside a profile."),
    "report": Entry(
        "cli.report:report",
        "Every metric of a query (forecasts, flow, cycle time, DORA) with its definition.",
    ),
    "restore": Entry(
        "cli.safety:restore",
        "Replace the database with a backup FILE (the current one is kept as a backup).",
    ),
    "serve": Entry("cli.serve:serve", "Start the dashboard on http://HOST:PORT."),
    "settings": Entry(
        "cli.plans:settings",
        "Profile settings versions: history, diff, rollback (tokens are never stored in clear).",
    ),
    "snapshot": Entry(
        "cli.metrics:snapshot",
        "Store weekly DORA, flow and forecast snapshots (re-running a week replaces it).",
    ),
    "sprint": Entry(
        "cli.sprints:sprint",
        "Sprints of the query's Scrum board (query --board or the profile's board_id; fetch first).",
    ),
    "storage-mode": Entry(
        "cli.legacy:storage_mode",
        "Show or set where data is stored: sqlite (default), dual (SQLite + legacy JSON) or json.",
    ),
    "user": Entry(
        "cli.users:user", "Team accounts: who may sign in to a team server, with which role."
    ),
    "verify": Entry(
        "cli.safety:verify",
        "Check the database: integrity, foreign keys, schema, JSON documents, consistency.",
    ),
    "worker": Entry(
        "cli.worker:worker",
        "Run a team server's long jobs (Fetch, backfill, migration) as a Celery worker.",
    ),
}


# Set by main(), the process that runs one command: see import_frozen.
_freeze_imports = False


def load_command(name: str) -> click.Command:
    """Import the module of sub-command ``name`` and return its click command."""
    module_name, attribute = COMMANDS[name].target.split(":")
    command = getattr(import_frozen(module_name), attribute)
    if not isinstance(command, click.Command):
        raise TypeError(f"{COMMANDS[name].target} is not a click command")
    return command


def import_frozen(module_name: str) -> ModuleType:
    """The command's module (or one a command imports only when it computes: cli/report.py). In
    a ``flowcast`` process the objects its import creates (pandas, numpy, the store: most of a
    report's objects, alive until the process ends) are neither scanned by the garbage collector
    while they are made nor after (``gc.freeze``); collections then look only at what the
    command itself makes: ~0.1-0.2 s CPU of a 10k-issue report."""
    if not _freeze_imports:
        return importlib.import_module(module_name)
    enabled = gc.isenabled()
    gc.disable()
    try:
        return importlib.import_module(module_name)
    finally:
        gc.freeze()
        if enabled:
            gc.enable()


def _short_help(summary: str, limit: int) -> str:
    """``summary`` cut as click cuts a command's docstring for its group's help."""
    return click.Command(None, help=summary).get_short_help_str(limit)


class FlowcastGroup(click.Group):
    """Loads sub-commands on demand, and turns Flowcast's errors into a one-line message and exit
    code 1, never a traceback."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in COMMANDS:
            return None
        return load_command(cmd_name)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """The root help's command list from ``COMMANDS``, without importing any command."""
        names = self.list_commands(ctx)
        limit = formatter.width - 6 - max(len(name) for name in names)
        rows = [(name, _short_help(COMMANDS[name].summary, limit)) for name in names]
        with formatter.section("Commands"):
            formatter.write_dl(rows)

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
    global _freeze_imports
    _freeze_imports = True
    cli(prog_name="flowcast")
