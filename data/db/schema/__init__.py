"""Numbered schema migrations with up and down steps.

Each migration is a module ``mNNNN_<name>.py`` in this package with a docstring (its first line is
the description) and four SQL strings: ``UP`` and ``DOWN`` for SQLite, ``POSTGRES_UP`` and
``POSTGRES_DOWN`` for a team database on PostgreSQL (the same tables, columns, keys and indexes;
each module says how the two dialects differ). Each applies in one transaction (``BEGIN
IMMEDIATE`` on SQLite) together with its ``schema_version`` row, so a migration is either fully
there or not at all. The checksum of an applied migration (of its own dialect's steps) is
recorded; if the code's copy changes later, the app refuses to start rather than run against a
schema it no longer describes.
"""

from __future__ import annotations

import hashlib
import importlib
import pkgutil
import re
from dataclasses import dataclass
from functools import cache
from typing import Any

from data.db.postgres import is_postgres
from data.db.sqlite import Connection, sqlite3
from data.errors import SchemaError
from data.timeutil import utc_now_iso

_MODULE_RE = re.compile(r"^m(\d{4})_[a-z0-9_]+$")

SQLITE = "sqlite"
POSTGRESQL = "postgresql"

SCHEMA_VERSION_DDL = """
CREATE TABLE IF NOT EXISTS schema_version (
    version INTEGER PRIMARY KEY,
    applied_at TEXT NOT NULL,
    description TEXT NOT NULL,
    checksum TEXT NOT NULL
)
"""


@dataclass(frozen=True)
class Migration:
    version: int
    name: str
    description: str
    up: str
    down: str
    postgres_up: str | None = None
    postgres_down: str | None = None

    @property
    def checksum(self) -> str:
        """The SQLite steps' checksum (unchanged since the first release)."""
        return hashlib.sha256(f"{self.up}\n-- down --\n{self.down}".encode()).hexdigest()

    def steps(self, dialect: str) -> tuple[str, str]:
        """(up, down) in ``dialect`` ('sqlite' or 'postgresql')."""
        if dialect == SQLITE:
            return self.up, self.down
        if self.postgres_up is None or self.postgres_down is None:
            raise SchemaError(
                f"Migration {self.version:04d} ({self.description}) has no PostgreSQL steps; "
                "this Flowcast cannot set up a team database."
            )
        return self.postgres_up, self.postgres_down

    def checksum_for(self, dialect: str) -> str:
        if dialect == SQLITE:
            return self.checksum
        up, down = self.steps(dialect)
        return hashlib.sha256(f"{up}\n-- down --\n{down}".encode()).hexdigest()


@dataclass(frozen=True)
class AppliedMigration:
    version: int
    applied_at: str
    description: str
    checksum: str


@cache
def all_migrations() -> tuple[Migration, ...]:
    """Every migration this code knows, in version order."""
    found = []
    for info in pkgutil.iter_modules(__path__):
        match = _MODULE_RE.match(info.name)
        if not match:
            continue
        module = importlib.import_module(f"{__name__}.{info.name}")
        doc = (module.__doc__ or info.name).strip().splitlines()[0]
        found.append(
            Migration(
                int(match.group(1)),
                info.name,
                doc,
                module.UP,
                module.DOWN,
                getattr(module, "POSTGRES_UP", None),
                getattr(module, "POSTGRES_DOWN", None),
            )
        )
    found.sort(key=lambda m: m.version)
    versions = [m.version for m in found]
    if len(set(versions)) != len(versions):
        raise SchemaError(
            f"Two schema migrations share a version number ({versions}); renumber one."
        )
    return tuple(found)


def latest_version() -> int:
    migrations = all_migrations()
    return migrations[-1].version if migrations else 0


def split_statements(script: str) -> list[str]:
    """Split SQL into complete statements (trigger bodies with inner semicolons stay whole)."""
    statements, buffer = [], ""
    for line in script.splitlines(keepends=True):
        buffer += line
        if sqlite3.complete_statement(buffer):
            if buffer.strip().strip(";").strip():
                statements.append(buffer.strip())
            buffer = ""
    if buffer.strip():
        raise SchemaError(f"Incomplete SQL statement in a migration: {buffer.strip()[:80]!r}.")
    return statements


def dialect_of(conn: Any) -> str:
    """'postgresql' for a psycopg connection, else 'sqlite'."""
    return POSTGRESQL if is_postgres(conn) else SQLITE


def _bind(conn: Any, sql: str) -> str:
    """``sql`` with psycopg's %s placeholders on PostgreSQL (every statement here binds values)."""
    return sql.replace("?", "%s") if is_postgres(conn) else sql


def applied_migrations(conn: Any) -> list[AppliedMigration]:
    conn.execute(SCHEMA_VERSION_DDL)
    rows = conn.execute(
        "SELECT version, applied_at, description, checksum FROM schema_version ORDER BY version"
    ).fetchall()
    return [AppliedMigration(*tuple(row)) for row in rows]


def current_version(conn: Any) -> int:
    applied = applied_migrations(conn)
    return applied[-1].version if applied else 0


def check_applied_migrations(conn: Any) -> None:
    """Refuse a database newer than this code or one whose applied migrations were edited."""
    dialect = dialect_of(conn)
    known = {m.version: m for m in all_migrations()}
    for applied in applied_migrations(conn):
        migration = known.get(applied.version)
        if migration is None:
            raise SchemaError(
                f"The database has schema version {applied.version}, newer than this Flowcast knows "
                f"({latest_version()}); upgrade Flowcast or restore an older backup."
            )
        if migration.checksum_for(dialect) != applied.checksum:
            raise SchemaError(
                f"Migration {applied.version:04d} ({migration.description}) changed after it was "
                "applied to this database; restore the original migration file or a backup."
            )


def pending_migrations(conn: Any, target: int | None = None) -> list[Migration]:
    done = {a.version for a in applied_migrations(conn)}
    limit = latest_version() if target is None else target
    return [m for m in all_migrations() if m.version not in done and m.version <= limit]


def apply_migrations(
    conn: Any, target: int | None = None, *, dry_run: bool = False
) -> list[Migration]:
    """Apply pending migrations up to ``target`` (default: all). Returns those applied (or due)."""
    check_applied_migrations(conn)
    pending = pending_migrations(conn, target)
    if dry_run:
        return pending
    dialect = dialect_of(conn)
    for migration in pending:
        _run_in_transaction(conn, migration.steps(dialect)[0], record=migration)
    return pending


def downgrade(conn: Any, target: int, *, dry_run: bool = False) -> list[Migration]:
    """Undo applied migrations above ``target``, newest first. Returns those undone (or due)."""
    if target < 0:
        raise SchemaError("A schema version is 0 or more; use `flowcast db status` to list them.")
    check_applied_migrations(conn)
    known = {m.version: m for m in all_migrations()}
    due = [known[a.version] for a in reversed(applied_migrations(conn)) if a.version > target]
    if dry_run:
        return due
    dialect = dialect_of(conn)
    for migration in due:
        _run_in_transaction(conn, migration.steps(dialect)[1], unrecord=migration)
    return due


def _run_in_transaction(
    conn: Any,
    script: str,
    *,
    record: Migration | None = None,
    unrecord: Migration | None = None,
) -> None:
    if is_postgres(conn):
        # PostgreSQL checks foreign keys as each statement runs and DDL is transactional, so one
        # transaction block is the whole guarantee.
        import psycopg

        migration = record if record is not None else unrecord
        assert migration is not None, "a migration step records or unrecords one migration"
        try:
            with conn.transaction():
                _run_steps(conn, script, record, unrecord)
        except psycopg.DatabaseError as exc:
            reason = " ".join(str(exc).split())
            step = "apply" if record is not None else "undo"
            raise SchemaError(
                f"PostgreSQL refused to {step} migration {migration.version:04d} "
                f"({migration.description}): {reason}; nothing was changed."
            ) from exc
        return
    conn.execute("BEGIN IMMEDIATE")
    try:
        _run_steps(conn, script, record, unrecord)
        violations = conn.execute("PRAGMA foreign_key_check").fetchall()
        if violations:
            raise SchemaError(
                f"The migration would leave {len(violations)} foreign-key violations; nothing was changed."
            )
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise


def _run_steps(
    conn: Any, script: str, record: Migration | None, unrecord: Migration | None
) -> None:
    for statement in split_statements(script):
        conn.execute(statement)
    if record is not None:
        conn.execute(
            _bind(
                conn,
                "INSERT INTO schema_version (version, applied_at, description, checksum) "
                "VALUES (?, ?, ?, ?)",
            ),
            (
                record.version,
                utc_now_iso(),
                record.description,
                record.checksum_for(dialect_of(conn)),
            ),
        )
    if unrecord is not None:
        conn.execute(
            _bind(conn, "DELETE FROM schema_version WHERE version = ?"), (unrecord.version,)
        )


def schema_snapshot(conn: Connection) -> list[tuple[str, str, str]]:
    """Every schema object (type, name, normalized SQL), for comparing schemas in tests and verify."""
    rows = conn.execute(
        "SELECT type, name, sql FROM sqlite_schema WHERE name NOT LIKE 'sqlite_%' ORDER BY type, name"
    ).fetchall()
    return [(r[0], r[1], " ".join((r[2] or "").split())) for r in rows]
