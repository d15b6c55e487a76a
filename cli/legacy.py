"""``flowcast migrate-json``: move the legacy JSON files (LEGACY_LAYOUT.md) into the database."""

from __future__ import annotations

import click

from cli.output import print_json, print_table
from data.migration import LegacyMigrationError, MigrationReport, migrate_legacy


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
    written unless every file can be migrated.
    """
    try:
        report = migrate_legacy(path, dry_run=dry_run, replace=replace)
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
