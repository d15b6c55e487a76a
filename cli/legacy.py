"""``flowcast migrate-json`` (legacy JSON files into the database) and ``flowcast storage-mode``."""

from __future__ import annotations

import os

import click

from cli.output import ProgressLine, print_json, print_table
from data.errors import ConfigError
from data.legacy.migration import (
    LegacyMigrationError,
    MigrationReport,
    migrate_legacy,
    run_migration_job,
)
from data.locations import get_data_dir
from data.ops.startup import prepare_data_dir
from data.ops.transfer import export_legacy
from data.storage_mode import (
    STORAGE_MODE_ENV,
    STORAGE_MODES,
    get_storage_mode,
    set_storage_mode,
    settings_path,
)
from data.store.dual_backend import clear_dual_write_failures, list_dual_write_failures


def _print_report(report: MigrationReport) -> None:
    action = "Would migrate" if report.dry_run else "Migrated"
    totals = report.totals()
    click.echo(
        f"{action} {report.profiles} profile(s), {len(report.queries)} query(ies), "
        f"{totals['issues']} issue(s) with {totals['transitions']} status transition(s), "
        f"{totals['snapshots']} snapshot(s), {totals['statistics_rows']} statistics row(s), "
        f"{report.task_progress} task record(s) from {report.source} in {report.seconds:.2f} s."
    )
    print_table(
        [vars(q) for q in report.queries],
        ["profile_id", "query_id", "name", "issues", "transitions", "snapshots", "statistics_rows"],
    )
    if report.backup_dir:
        click.echo(f"Backup of the legacy files: {report.backup_dir}")
    for note in report.notes:
        click.echo(f"note: {note}")
    for problem in report.problems:
        click.echo(f"problem: {problem}", err=True)


@click.command("migrate-json")
@click.argument("path", required=False, type=click.Path(file_okay=False))
@click.option(
    "--dry-run",
    is_flag=True,
    help="Report what would be migrated and every problem; write nothing.",
)
@click.option(
    "--replace", is_flag=True, help="Overwrite profiles with the same id already in the database."
)
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
def migrate_json(path: str | None, dry_run: bool, replace: bool, as_json: bool) -> None:
    """Migrate legacy JSON files (default: the data directory) into the database.

    Legacy files are only read; they are copied to backups/migration-<timestamp>/ first. Nothing is
    written unless every file can be migrated. The migration runs as the Data page's migration job:
    progress on stderr, shown (and cancellable) on the Data page, and refused while another
    migration runs.
    """
    try:
        if dry_run:
            report = migrate_legacy(path, dry_run=True, replace=replace)
        else:
            report = _migrate(path, replace, show_progress=not as_json)
    except LegacyMigrationError as exc:
        if as_json:
            print_json(exc.report.to_dict())
        elif len(exc.problems) > 1:
            for problem in exc.problems:
                click.echo(f"problem: {problem}", err=True)
        raise
    if as_json:
        print_json(report.to_dict())
    else:
        _print_report(report)
    if report.problems:
        raise click.exceptions.Exit(1)


def _migrate(path: str | None, replace: bool, *, show_progress: bool) -> MigrationReport:
    line = ProgressLine() if show_progress else None
    try:
        return run_migration_job(path, line, replace=replace)
    finally:
        if line is not None:
            line.finish()


@click.command("storage-mode")
@click.argument("mode", required=False, type=click.Choice(STORAGE_MODES))
@click.option("--clear-failures", is_flag=True, help="Forget recorded dual-write failures.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def storage_mode(mode: str | None, clear_failures: bool, as_json: bool) -> None:
    """Show or set where data is stored: sqlite (default), dual (SQLite + legacy JSON) or json.

    Switching to dual or json first writes the database out in the legacy layout; switching away
    from json first migrates the legacy files (which then hold the newest data) into the database.
    """
    if clear_failures:
        click.echo(f"Forgot {clear_dual_write_failures()} recorded dual-write failure(s).")
    current = get_storage_mode()
    if mode is not None and mode != current:
        if os.environ.get(STORAGE_MODE_ENV):
            raise ConfigError(
                f"{STORAGE_MODE_ENV} is set and overrides the settings file; unset it to switch modes."
            )
        data_dir = get_data_dir()
        if current != "json":
            prepare_data_dir()  # legacy files not migrated yet go into the database first
        if current == "json":
            migrate_legacy(data_dir, replace=True)
        elif mode in ("dual", "json"):
            export_legacy(data_dir, force=True, include_token=True)  # the files become a store
        set_storage_mode(mode)
        current = mode
    failures = list_dual_write_failures()
    info = {
        "storage_mode": current,
        "settings_file": str(settings_path()),
        "dual_write_failures": len(failures),
    }
    if as_json:
        print_json(info)
        return
    click.echo(f"storage mode: {current}")
    if failures:
        click.echo(
            f"{len(failures)} write(s) reached SQLite but not the legacy files; run "
            "`flowcast export --format legacy <data dir> --force --include-token`, then "
            "`flowcast storage-mode --clear-failures`."
        )
