"""``flowcast backup``, ``restore``, ``verify``, ``cache cleanup`` and ``audit``."""

from __future__ import annotations

import sys

import click

from cli.output import print_json, print_listing
from data import locations
from data.analytics.loading import warm_frame_cache
from data.db.postgres import configured_url, describe
from data.ops.backup import backup_database, refuse_team_database_restore, restore_database
from data.ops.verify import check_database_integrity, run_postgres_checks
from data.store import get_backend, sql_store

DEFAULT_KEEP = 10


@click.command()
@click.option(
    "--dest",
    type=click.Path(file_okay=False),
    default=None,
    help="Folder for the backup (default: <data dir>/backups).",
)
@click.option(
    "--keep",
    type=click.IntRange(min=1),
    default=DEFAULT_KEEP,
    show_default=True,
    help="Then delete all but the newest N backups in that folder.",
)
def backup(dest: str | None, keep: int) -> None:
    """Write a consistent copy of the database (safe while the app runs)."""
    show_progress = sys.stderr.isatty()

    def progress(_status: int, remaining: int, total: int) -> None:
        if show_progress and total:
            click.echo(f"\r{100 * (total - remaining) // total:3d}%", nl=False, err=True)

    path = backup_database(dest, keep, progress)
    if show_progress:
        click.echo("", err=True)
    click.echo(f"Backup written to {path} ({path.stat().st_size / 1e6:.1f} MB)")


@click.command()
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
def restore(file: str, yes: bool) -> None:
    """Replace the database with a backup FILE (the current one is kept as a backup).

    Stop the app first. The file's integrity and schema version are checked before anything
    changes; an older backup is migrated to the current schema afterwards.
    """
    refuse_team_database_restore()  # before asking to replace a file it would not use
    if not yes:
        click.confirm(
            f"Replace {locations.get_db_path()} with {file}? The current database is kept as a backup",
            abort=True,
        )
    result = restore_database(file)
    warm_frame_cache()  # the dashboard's first pages then skip reading SQLite
    if result.previous is not None:
        click.echo(f"Previous database kept at {result.previous}")
    if result.schema_version_of_backup != result.schema_version_now:
        click.echo(
            f"Migrated the restored schema from version {result.schema_version_of_backup} "
            f"to {result.schema_version_now}"
        )
    click.echo(f"Restored {result.database} from {file}")


@click.command()
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def verify(as_json: bool) -> None:
    """Check the database: integrity, foreign keys, schema, JSON documents, consistency.

    On a team database (FLOWCAST_DATABASE_URL): schema version and checksums, tables, columns
    and indexes, foreign keys, consistency, and the rows per table. Exits with status 1 when
    anything is wrong.
    """
    url = configured_url()
    if url:
        ok, errors, rows = run_postgres_checks(url)
        where = describe(url)
    else:
        ok, errors = check_database_integrity()
        where, rows = str(locations.get_db_path()), None
    if as_json:
        print_json(
            {"database": where, "ok": ok, "errors": errors, **({"rows": rows} if url else {})}
        )
    elif ok:
        counted = f" ({sum(rows.values()):,} rows in {len(rows)} tables)" if rows else ""
        click.echo(f"{where}: all checks passed{counted}")
    else:
        click.echo(f"{where}: {len(errors)} problem(s) found", err=True)
        for error in errors:
            click.echo(f"  - {error}", err=True)
    if not ok:
        sys.exit(1)


@click.group()
def cache() -> None:
    """The JIRA response and changelog caches."""


@cache.command()
def cleanup() -> None:
    """Delete expired cache entries."""
    deleted = get_backend().cleanup_expired_cache()
    click.echo(f"Deleted {deleted} expired cache entries")


@click.command()
@click.option("--entity-type", default=None, help="Only this kind: profile, query, setting, …")
@click.option("--entity-id", default=None, help="Only this entity, e.g. a profile id.")
@click.option("--limit", type=click.IntRange(min=1), default=50, show_default=True)
@click.option("--json", "as_json", is_flag=True, help="Print JSON (with old and new values).")
def audit(entity_type: str | None, entity_id: str | None, limit: int, as_json: bool) -> None:
    """List who created, changed or deleted what, newest first (tokens are masked)."""
    # The audit log is in the SQL database (the team's, or the SQLite file in every storage mode).
    entries = sql_store().list_audit_entries(entity_type, entity_id, limit)
    print_listing(entries, ["id", "at", "entity_type", "entity_id", "action", "actor"], as_json)
