"""Online backups of the database and restoring one of them.

A backup is taken with SQLite's online backup API while holding one read transaction on the
source: in WAL mode that pins a snapshot, so the copy is consistent even while the app keeps
writing, and the chunked copy never restarts (without the pinned snapshot, every commit by another
connection restarts ``backup_step`` from page 1 — measured here: 26 s and 210,000 restarts for a
20 MB database under a busy writer, against 0.2 s with the snapshot). A raw file copy of a WAL
database can miss committed pages that still sit in the ``-wal`` file, so it is never used.

Backups are single self-contained files (journal mode DELETE, mode 0600) named
``burndown-<UTC timestamp>[-<reason>].db``; they are written under a temporary name and renamed,
so a crash never leaves a half-written file that looks like a backup.
"""

from __future__ import annotations

import errno
import logging
import os
import re
from dataclasses import dataclass
from pathlib import Path

from data import locations
from data.db import sqlite_backup
from data.db.connection import initialize_database, release_anchor
from data.db.postgres import refuse_file_tool
from data.db.schema import all_migrations, latest_version
from data.db.sqlite import sqlite3
from data.db.sqlite_backup import CopyProgress
from data.errors import (
    ConfigError,
    DatabaseError,
    FlowcastError,
    NotFoundError,
    SchemaError,
    StorageFullError,
    ValidationError,
)
from data.private_files import copy_private, create_private_file, make_private_dir
from data.timeutil import utc_now

logger = logging.getLogger(__name__)


# Where a backup file comes from, in the dashboard and in the CLI.
_CHOOSE_A_BACKUP = "choose a file made by Back up now on the Data page or by `flowcast backup`"

BACKUP_PREFIX = "burndown-"
BACKUP_RE = re.compile(r"^burndown-\d{8}T\d{9}Z(?:-[a-z0-9-]+)?\.db$")
_PARTIAL_RE = re.compile(r"^\.burndown-.+\.db\.(?P<pid>\d+)\.partial$")
_STAGING_RE = re.compile(r"^\..+\.db\.(?P<pid>\d+)\.restoring(?:-wal|-shm|-journal)?$")
# 4 MB per step with 4 KB pages: fine-grained progress without noticeable per-step overhead.
PAGES_PER_STEP = 1024


@dataclass(frozen=True)
class RestoreResult:
    database: Path
    previous: Path | None  # where the database that was replaced was kept
    schema_version_of_backup: int
    schema_version_now: int


def backup_database(
    dest_dir: str | os.PathLike[str] | None = None,
    keep: int | None = None,
    progress: CopyProgress | None = None,
    *,
    db_path: str | os.PathLike[str] | None = None,
    reason: str = "",
) -> Path:
    """Write a consistent copy of the database to ``dest_dir`` (default ``<data dir>/backups``).

    ``keep`` = N deletes all but the newest N backups in ``dest_dir`` afterwards. Returns the
    backup's path. A team database (FLOWCAST_DATABASE_URL) is refused: pg_dump backs it up.
    """
    if keep is not None and keep < 1:
        raise ValidationError(f"--keep {keep} would delete every backup; keep at least 1.")
    if db_path is None:
        refuse_file_tool(
            "flowcast backup",
            "back it up with pg_dump (pg_dump -Fc -f flowcast.dump DBNAME), or copy it into a "
            "SQLite file with `flowcast db copy --to backup.db`",
        )
    source_path = Path(db_path) if db_path is not None else locations.get_db_path()
    if not source_path.exists():
        raise NotFoundError(f"No database at {source_path}; nothing to back up (check --data-dir).")
    directory = Path(dest_dir) if dest_dir is not None else locations.get_backups_dir()
    _make_private_dir(directory)
    _remove_abandoned(directory, _PARTIAL_RE)
    final = _free_backup_name(directory, reason)
    partial = directory / f".{final.name}.{os.getpid()}.partial"
    _create_private_file(partial)
    try:
        sqlite_backup.copy_snapshot(source_path, partial, progress, PAGES_PER_STEP)
        _fsync(partial)
        os.replace(partial, final)
        _fsync(directory)
    except BaseException:
        _remove_database_files(partial)
        raise
    if keep is not None:
        rotate_backups(directory, keep)
    logger.info("backup written to %s", final)
    return final


def list_backups(directory: str | os.PathLike[str] | None = None) -> list[Path]:
    """Backups in ``directory`` (default ``<data dir>/backups``), oldest first."""
    folder = Path(directory) if directory is not None else locations.get_backups_dir()
    if not folder.is_dir():
        return []
    # Names start with a fixed-width UTC timestamp, so name order is time order.
    return sorted(p for p in folder.iterdir() if BACKUP_RE.match(p.name) and p.is_file())


def rotate_backups(directory: str | os.PathLike[str], keep: int) -> list[Path]:
    """Delete all but the newest ``keep`` backups; returns those deleted."""
    backups = list_backups(directory)
    doomed = backups[:-keep] if keep > 0 else backups
    for path in doomed:
        path.unlink(missing_ok=True)
    return doomed


def refuse_team_database_restore() -> None:
    """One sentence when FLOWCAST_DATABASE_URL names a team database: restore replaces a file."""
    refuse_file_tool(
        "flowcast restore",
        "restore a pg_dump of it with pg_restore, or copy a SQLite backup into an empty "
        "team database with `flowcast db copy --to postgresql://…`",
    )


def restore_database(
    file: str | os.PathLike[str],
    *,
    db_path: str | os.PathLike[str] | None = None,
    backups_dir: str | os.PathLike[str] | None = None,
) -> RestoreResult:
    """Replace the database with the backup ``file`` after checking it; the current one is kept.

    Order: copy the backup next to the database under a temporary name, check its integrity and
    schema version there (the user's file is never modified), keep the current database as a
    backup, swap atomically with a rename, then apply pending migrations if the backup is older.
    Stop the app before restoring: another process holding the old database open would keep
    using it.
    """
    if db_path is None:
        refuse_team_database_restore()
    source = Path(file)
    if not source.is_file():
        raise NotFoundError(f"No backup file at {source}; check the path.")
    if source.stat().st_size == 0:
        # SQLite would open an empty file as an empty database.
        raise DatabaseError(f"{source} is empty; {_CHOOSE_A_BACKUP}.")
    target = Path(db_path) if db_path is not None else locations.get_db_path()
    _make_private_dir(target.parent)
    _remove_abandoned(target.parent, _STAGING_RE)
    staging = target.with_name(f".{target.name}.{os.getpid()}.restoring")
    _remove_database_files(staging)
    _create_private_file(staging)
    try:
        backup_version = _stage_backup(source, staging)
        previous = _keep_current_database(target, backups_dir) if target.exists() else None
        release_anchor(target)
        _retire_wal_files(target)
        os.replace(staging, target)
        _fsync(target.parent)
    except BaseException:
        _remove_database_files(staging)
        raise
    initialize_database(target)
    logger.info("restored %s from %s (previous kept at %s)", target, source, previous)
    return RestoreResult(target, previous, backup_version, latest_version())


# Backup internals -----------------------------------------------------------------------------


def _free_backup_name(directory: Path, reason: str) -> Path:
    if reason and not re.fullmatch(r"[a-z0-9-]+", reason):
        raise ValidationError(
            f"{reason!r} is not a backup label; use lowercase letters, digits, -."
        )
    suffix = f"-{reason}" if reason else ""
    while True:
        now = utc_now()
        stamp = now.strftime("%Y%m%dT%H%M%S") + f"{now.microsecond // 1000:03d}Z"
        candidate = directory / f"{BACKUP_PREFIX}{stamp}{suffix}.db"
        if not candidate.exists():
            return candidate


def _remove_abandoned(directory: Path, pattern: re.Pattern[str]) -> None:
    """Delete temporary files of backups or restores whose process died (a crash or a kill)."""
    for path in directory.iterdir():
        match = pattern.match(path.name)
        if match and not _process_alive(int(match.group("pid"))):
            path.unlink(missing_ok=True)


def _process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


# Restore internals ----------------------------------------------------------------------------


def _stage_backup(source: Path, staging: Path) -> int:
    """Copy ``source`` into ``staging`` and check it; returns the backup's schema version."""
    not_a_backup = f"{source} is not a Flowcast database or is damaged; {_CHOOSE_A_BACKUP}."
    problems, applied = sqlite_backup.stage_copy(source, staging, not_a_backup)
    if problems != ["ok"]:
        raise DatabaseError(f"{source} is damaged ({problems[0]}); choose another backup.")
    version = _check_backup_schema(applied, source)
    sqlite_backup.use_wal(staging)
    _fsync(staging)
    return version


def _check_backup_schema(applied: list[tuple[int, str]] | None, source: Path) -> int:
    if applied is None:
        raise DatabaseError(
            f"{source} is a SQLite file but not a Flowcast database; {_CHOOSE_A_BACKUP}."
        )
    known = {m.version: m for m in all_migrations()}
    for version, checksum in applied:
        if version not in known:
            raise SchemaError(
                f"{source} has schema version {version}, newer than this Flowcast knows "
                f"({latest_version()}); upgrade Flowcast to restore it."
            )
        if known[version].checksum != checksum:
            raise SchemaError(
                f"{source} was made with a different migration {version:04d} "
                f"({known[version].description}); restore it with the Flowcast version that wrote it."
            )
    return applied[-1][0] if applied else 0


def _keep_current_database(target: Path, backups_dir: str | os.PathLike[str] | None) -> Path:
    """Back up the database about to be replaced; copy its files as they are if SQLite cannot."""
    try:
        return backup_database(backups_dir, db_path=target, reason="pre-restore")
    except (FlowcastError, sqlite3.Error) as exc:
        # A damaged database is often why one restores: keep its raw files instead.
        folder = Path(backups_dir) if backups_dir is not None else locations.get_backups_dir()
        stamp = utc_now().strftime("%Y%m%dT%H%M%S%fZ")
        keep_dir = folder / f"damaged-{stamp}"
        _make_private_dir(keep_dir)
        for path in _database_files(target):
            copy_private(path, keep_dir / path.name)
        logger.warning("could not back up %s (%s); copied its files to %s", target, exc, keep_dir)
        return keep_dir


def _retire_wal_files(target: Path) -> None:
    """Fold the old database's WAL into it and delete ``-wal``/``-shm`` before the swap.

    A ``-wal`` file left next to the restored database would be replayed into it.
    """
    # A damaged one counts as folded: its files were copied raw by _keep_current_database.
    if target.exists() and not sqlite_backup.checkpoint(target):
        raise DatabaseError(
            f"Another process is using {target}; stop the Flowcast app and commands, then retry."
        )
    for suffix in ("-wal", "-shm"):
        Path(f"{target}{suffix}").unlink(missing_ok=True)


def _database_files(path: Path) -> list[Path]:
    return [p for p in (path, Path(f"{path}-wal"), Path(f"{path}-shm")) if p.exists()]


def _remove_database_files(path: Path) -> None:
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


# Files ----------------------------------------------------------------------------------------


def _make_private_dir(directory: Path) -> None:
    try:
        make_private_dir(directory)
    except OSError as exc:
        raise _file_error(exc, directory) from None


def _create_private_file(path: Path) -> None:
    try:
        if not create_private_file(path):
            raise FileExistsError(errno.EEXIST, "File exists", str(path))
    except OSError as exc:
        raise _file_error(exc, path.parent) from None


def _file_error(exc: OSError, directory: Path) -> FlowcastError:
    if exc.errno == errno.ENOSPC:
        return StorageFullError(
            f"No space left in {directory}; free disk space or choose another folder."
        )
    return ConfigError(
        f"Cannot write in {directory} ({exc.strerror}); choose a writable folder (--dest or --data-dir)."
    )


def _fsync(path: Path) -> None:
    """Flush a file or a directory entry to disk so a rename survives power loss."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
