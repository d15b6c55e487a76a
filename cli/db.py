"""``flowcast doctor``, ``init`` and ``db status|migrate|downgrade|stats``."""

from __future__ import annotations

import platform
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import click

from cli.output import print_json, print_table
from data import locations
from data.db.connection import get_db_connection, initialize_database
from data.db.postgres import DATABASE_URL_ENV, configured_url, describe, postgres_connection
from data.db.schema import (
    all_migrations,
    applied_migrations,
    apply_migrations,
    latest_version,
)
from data.db.schema import (
    downgrade as downgrade_schema,
)
from data.db.sqlite import DRIVER, SQLITE_VERSION, driver_version, sqlite_is_new_enough
from data.errors import FlowcastError
from data.ops.stats import collect_database_stats, collect_postgres_stats


@click.command()
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def doctor(as_json: bool) -> None:
    """Print the Python, SQLite and driver versions and where the data lives."""
    info: dict[str, Any] = {
        "python": platform.python_version(),
        "sqlite": SQLITE_VERSION,
        "sqlite_ok": sqlite_is_new_enough(),
        "driver": DRIVER,
        "driver_version": driver_version(),
        "data_dir": str(locations.get_data_dir()),
    }
    url = configured_url()
    info.update(_team_database(url) if url else _local_database())
    if as_json:
        print_json(info)
        return
    for key, value in info.items():
        click.echo(f"{key:16} {value}")


def _local_database() -> dict[str, Any]:
    path = locations.get_db_path()
    return {"database": str(path), "database_exists": path.exists()}


def _team_database(url: str) -> dict[str, Any]:
    """Where the team database is (never its password) and whether it answers, with why not."""
    info: dict[str, Any] = {"database": f"PostgreSQL {describe(url)}"}
    try:
        with postgres_connection(url) as conn:
            server = conn.info.server_version
            info["postgresql"] = f"{server // 10000}.{server % 10000}"
            info["database_answers"] = True
    except FlowcastError as exc:
        info["database_answers"] = False
        info["database_error"] = str(exc)
    return info


@click.command()
def init() -> None:
    """Create the database (if needed) and bring its schema up to date."""
    path = initialize_database()
    click.echo(f"Database ready at {path}")


@click.group()
def db() -> None:
    """Schema status, migration, downgrade, copy and statistics."""


# Every schema command works on the local SQLite file or, given a URL, on a team database.
database_url_option = click.option(
    "--database-url",
    envvar=DATABASE_URL_ENV,
    default=None,
    metavar="URL",
    help=f"A PostgreSQL team database (postgresql://user@host:5432/db); default ${DATABASE_URL_ENV}, "
    "else the local SQLite file.",
)


@contextmanager
def _schema_connection(database_url: str | None) -> Iterator[tuple[Any, str]]:
    """A connection to the database the command works on, and its name for the output."""
    if database_url:
        with postgres_connection(database_url) as conn:
            yield conn, f"PostgreSQL {describe(database_url)}"
        return
    with get_db_connection(initialize_database(migrate=False)) as conn:
        yield conn, str(locations.get_db_path())


@db.command()
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@database_url_option
def status(as_json: bool, database_url: str | None) -> None:
    """List migrations and whether each is applied."""
    with _schema_connection(database_url) as (conn, name):
        applied = {a.version: a for a in applied_migrations(conn)}
    rows = [
        {
            "version": m.version,
            "description": m.description,
            "applied_at": applied[m.version].applied_at if m.version in applied else None,
            "state": "applied" if m.version in applied else "pending",
        }
        for m in all_migrations()
    ]
    if as_json:
        print_json({"database": name, "latest": latest_version(), "migrations": rows})
    else:
        click.echo(f"Database: {name}")
        print_table(rows, ["version", "state", "applied_at", "description"])


@db.command()
@click.option("--dry-run", is_flag=True, help="Show what would be applied; change nothing.")
@click.option("--to", "target", type=int, default=None, help="Stop at this version.")
@database_url_option
def migrate(dry_run: bool, target: int | None, database_url: str | None) -> None:
    """Apply pending schema migrations, each in its own transaction."""
    with _schema_connection(database_url) as (conn, _name):
        done = apply_migrations(conn, target, dry_run=dry_run)
    verb = "Would apply" if dry_run else "Applied"
    if not done:
        click.echo("Schema is up to date.")
    for m in done:
        click.echo(f"{verb} {m.version:04d} {m.description}")


@db.command()
@click.argument("version", type=int)
@click.option("--dry-run", is_flag=True, help="Show what would be undone; change nothing.")
@database_url_option
def downgrade(version: int, dry_run: bool, database_url: str | None) -> None:
    """Undo migrations above VERSION (back up first: `flowcast backup`)."""
    with _schema_connection(database_url) as (conn, _name):
        done = downgrade_schema(conn, version, dry_run=dry_run)
    verb = "Would undo" if dry_run else "Undid"
    if not done:
        click.echo(f"Nothing above version {version}.")
    for m in done:
        click.echo(f"{verb} {m.version:04d} {m.description}")


@db.command()
@click.option(
    "--to",
    "target",
    required=True,
    metavar="URL|FILE",
    help="A PostgreSQL URL (copies the local SQLite file there) or a new .db file (copies the "
    "--database-url team database into it).",
)
@database_url_option
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def copy(target: str, database_url: str | None, as_json: bool) -> None:
    """Copy the whole database to PostgreSQL or back, verified, in one transaction."""
    from pathlib import Path

    from data.db.copy import copy_postgres_to_sqlite, copy_sqlite_to_postgres, is_database_url
    from data.errors import ValidationError

    if is_database_url(target):
        if database_url:
            raise ValidationError(
                "Copy from the local SQLite file to PostgreSQL, or from PostgreSQL to a file; "
                "drop --database-url (or FLOWCAST_DATABASE_URL) to copy the local file to a team "
                "database."
            )
        result = copy_sqlite_to_postgres(locations.get_db_path(), target)
    else:
        if not database_url:
            raise ValidationError(
                f"Copying into the file {target} needs the team database to copy from: give "
                "--database-url postgresql://… (a copy of the local file is `flowcast backup`)."
            )
        result = copy_postgres_to_sqlite(database_url, Path(target))
    if as_json:
        print_json(
            {
                "source": result.source,
                "target": result.target,
                "tables": {t.name: t.rows for t in result.tables},
                "rows": result.rows,
                "seconds": round(result.seconds, 3),
            }
        )
        return
    click.echo(
        f"Copied {len(result.tables)} tables ({result.rows:,} rows) from {result.source} to "
        f"{result.target} in {result.seconds:.1f} s; every table's rows and contents verified."
    )


@db.command()
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def stats(as_json: bool) -> None:
    """Rows and bytes per table, cache entries per query, unused profiles, file sizes (a team
    database's: its size and each table's with indexes, pg_total_relation_size)."""
    url = configured_url()
    info = collect_postgres_stats(url) if url else collect_database_stats(initialize_database())
    if as_json:
        print_json(info)
        return
    click.echo(f"Database: {info['database']}")
    if url:
        click.echo(f"Size: {_mb(info['database_bytes'])} (pg_database_size)")
    else:
        click.echo(
            f"Size: {_mb(info['database_bytes'])} (+ WAL {_mb(info['wal_bytes'])}), "
            f"{info['pages']} pages of {info['page_size']} bytes, {info['free_pages']} free"
        )
    click.echo("")
    print_table(info["tables"], ["table", "rows", "bytes"])
    click.echo("")
    click.echo("Cache entries per query (live / expired):")
    print_table(
        info["cache_entries"],
        [
            "profile_id",
            "query_id",
            "responses_live",
            "responses_expired",
            "changelogs_live",
            "changelogs_expired",
        ],
    )
    click.echo("")
    click.echo(f"Profiles not used for {info['unused_days']} days:")
    print_table(info["unused_profiles"], ["id", "name", "last_used"])


def _mb(size: int) -> str:
    return f"{size / 1e6:.1f} MB"
