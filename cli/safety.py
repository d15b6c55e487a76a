"""``flowcast backup``, ``restore``, ``verify``, ``cache cleanup`` and ``audit``."""

from __future__ import annotations

import sys

import click

from cli.output import print_json, print_listing
from data import locations
from data.analytics.loading import warm_frame_cache
from data.ops.backup import backup_database, restore_database
from data.ops.verify import check_database_integrity
from data.store import get_backend
from data.store.sqlite_backend import SQLiteBackend

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

    Exits with status 1 when anything is wrong.
    """
    ok, errors = check_database_integrity()
    if as_json:
        print_json({"database": str(locations.get_db_path()), "ok": ok, "errors": errors})
    elif ok:
        click.echo(f"{locations.get_db_path()}: all checks passed")
    else:
        click.echo(f"{locations.get_db_path()}: {len(errors)} problem(s) found", err=True)
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
    # The audit log is in the SQLite database whatever the storage mode.
    entries = SQLiteBackend(locations.get_db_path()).list_audit_entries(
        entity_type, entity_id, limit
    )
    print_listing(entries, ["id", "at", "entity_type", "entity_id", "action", "actor"], as_json)
