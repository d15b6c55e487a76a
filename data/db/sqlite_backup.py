"""SQLite only: the file-level copies behind backup and restore — the online backup API over a
pinned snapshot, a staged copy of a backup file with SQLite's integrity check, the journal modes
and the WAL checkpoint before a swap. ``data.ops.backup`` names, rotates and swaps the files
(see its docstring for why a snapshot is pinned); another database backs up its own way.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from urllib.parse import quote

from data.db.connection import connect, translate_operational_error
from data.db.sqlite import OperationalError, sqlite3
from data.errors import RESTORE_HINT, DatabaseError

# (status, remaining pages, total pages) after each step, as sqlite3's backup() reports it.
CopyProgress = Callable[[int, int, int], object]


def copy_snapshot(
    source_path: Path, target_path: Path, progress: CopyProgress | None, pages_per_step: int
) -> None:
    """Copy the database into ``target_path`` (one self-contained file, journal mode DELETE)."""
    source = connect(source_path, create=False)
    target = sqlite3.connect(str(target_path), isolation_level=None)
    try:
        # The copy is atomic by rename and flushed by the caller: no journal or syncs needed.
        target.execute("PRAGMA journal_mode = OFF")
        target.execute("PRAGMA synchronous = OFF")
        # Pin one snapshot for the whole copy.
        source.execute("BEGIN")
        source.execute("SELECT COUNT(*) FROM sqlite_schema").fetchone()
        source.backup(target, pages=pages_per_step, progress=progress)
        source.execute("COMMIT")
        # A backup is one self-contained file; WAL comes back when it is restored.
        target.execute("PRAGMA journal_mode = DELETE")
    except OperationalError as exc:
        raise translate_operational_error(exc) from None
    except sqlite3.DatabaseError as exc:
        raise DatabaseError(f"SQLite cannot read {source_path} ({exc}); {RESTORE_HINT}.") from None
    finally:
        target.close()
        source.close()


def stage_copy(
    source: Path, staging: Path, unreadable: str
) -> tuple[list[str], list[tuple[int, str]] | None]:
    """Copy ``source`` (opened read-only) into ``staging``; return SQLite's integrity-check
    lines and the applied migrations ``(version, checksum)`` (None without a schema_version
    table). Raises DatabaseError(``unreadable``) when SQLite cannot read it."""
    try:
        reader = sqlite3.connect(f"file:{quote(str(source))}?mode=ro", uri=True)
    except sqlite3.Error:
        raise DatabaseError(unreadable) from None
    stage = sqlite3.connect(str(staging), isolation_level=None)
    try:
        try:
            reader.backup(stage)
            problems = [r[0] for r in stage.execute("PRAGMA integrity_check")]
        except sqlite3.DatabaseError:
            raise DatabaseError(unreadable) from None
        if problems != ["ok"]:
            return problems, None
        has_versions = stage.execute(
            "SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = 'schema_version'"
        ).fetchone()
        if not has_versions:
            return problems, None
        applied = stage.execute(
            "SELECT version, checksum FROM schema_version ORDER BY version"
        ).fetchall()
        return problems, [(r[0], r[1]) for r in applied]
    finally:
        stage.close()
        reader.close()


def use_wal(path: Path) -> None:
    """Put a (staged) database file in WAL mode, as Flowcast runs its database."""
    conn = sqlite3.connect(str(path), isolation_level=None)
    try:
        conn.execute("PRAGMA journal_mode = WAL")
    finally:
        conn.close()


def checkpoint(target: Path) -> bool:
    """Fold the database's WAL into it; False when another process holds it busy (a damaged
    file counts as done: nothing more can be folded in)."""
    conn = None
    try:
        conn = sqlite3.connect(str(target), isolation_level=None, timeout=10)
        busy = conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()[0]
    except sqlite3.DatabaseError:
        busy = 0
    finally:
        if conn is not None:
            conn.close()
    return not busy
