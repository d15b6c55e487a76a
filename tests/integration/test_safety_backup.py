"""Online backup, rotation and restore (issue 2 §6)."""

from __future__ import annotations

import stat
import subprocess
import sys
from pathlib import Path

import pytest

from data.db.connection import connect, get_db_connection, initialize_database
from data.db.schema import apply_migrations, current_version, latest_version
from data.errors import DatabaseError as FlowcastDatabaseError
from data.errors import NotFoundError, SchemaError, ValidationError
from data.ops.backup import BACKUP_RE, backup_database, list_backups, restore_database
from data.ops.verify import check_database_integrity
from data.store.sqlite_backend import SQLiteBackend
from tests.integration.reliability_workers import (
    ISSUES_PER_TRANSACTION,
    PROFILE_ID,
    QUERY_ID,
    committed_groups,
)

ROOT = Path(__file__).resolve().parents[2]
TOKEN = "tok-5ecret-value"


@pytest.fixture
def filled(backend: SQLiteBackend) -> SQLiteBackend:
    backend.save_profile({"id": "kafka", "name": "Kafka", "jira_config": {"token": TOKEN}})
    backend.save_query("kafka", {"id": "12w", "name": "12 weeks", "jql": "project = KAFKA"})
    backend.set_app_state("active_profile_id", "kafka")
    return backend


def _journal_mode(path: Path) -> str:
    conn = connect(path, create=False)
    try:
        return str(conn.execute("PRAGMA journal_mode").fetchone()[0])
    finally:
        conn.close()


def test_backup_is_a_private_self_contained_copy_in_the_backups_folder(
    filled: SQLiteBackend, data_dir: Path
) -> None:
    seen: list[tuple[int, int]] = []
    path = backup_database(progress=lambda _s, remaining, total: seen.append((remaining, total)))

    assert path.parent == data_dir / "backups"
    assert [p.name for p in path.parent.iterdir()] == [path.name]  # no journal or temp files
    assert BACKUP_RE.match(path.name)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert seen and seen[-1][0] == 0  # the last step reports nothing remaining
    # One file, no -wal needed: the copy is in rollback-journal mode.
    assert _journal_mode(path) == "delete"
    assert SQLiteBackend(path).get_profile("kafka")["jira_config"]["token"] == TOKEN
    assert check_database_integrity(path) == (True, [])


def test_backup_includes_commits_still_in_the_wal(filled: SQLiteBackend, tmp_path: Path) -> None:
    # Keep a reader open so the WAL cannot be checkpointed: the new profile lives only in -wal.
    reader = connect(filled.db_path)
    reader.execute("BEGIN")
    reader.execute("SELECT COUNT(*) FROM profiles").fetchone()
    try:
        filled.save_profile({"id": "late", "name": "Late"})
        assert Path(f"{filled.db_path}-wal").stat().st_size > 0
        path = backup_database(tmp_path / "b")
    finally:
        reader.close()
    assert SQLiteBackend(path).get_profile("late") is not None


def test_keep_rotates_to_the_newest_backups(filled: SQLiteBackend, tmp_path: Path) -> None:
    dest = tmp_path / "rotating"
    made = [backup_database(dest) for _ in range(4)]
    unrelated = dest / "notes.txt"
    unrelated.write_text("mine")

    newest = backup_database(dest, keep=2)

    assert list_backups(dest) == [made[-1], newest]
    assert unrelated.exists()


def test_keep_below_one_is_refused(filled: SQLiteBackend) -> None:
    with pytest.raises(ValidationError, match="keep at least 1"):
        backup_database(keep=0)


def test_backup_without_a_database_says_so(data_dir: Path) -> None:
    with pytest.raises(NotFoundError, match="nothing to back up"):
        backup_database()


def test_backup_while_another_process_writes_is_consistent(
    filled: SQLiteBackend, tmp_path: Path
) -> None:
    filled.save_profile({"id": PROFILE_ID, "name": "Crash"})
    filled.save_query(PROFILE_ID, {"id": QUERY_ID, "name": "Q", "jql": "project = CR"})
    writer = subprocess.Popen(
        [sys.executable, "-m", "tests.integration.reliability_workers", "write-loop"]
        + [str(filled.db_path), "0"],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert writer.stdout is not None
        writer.stdout.readline()
        backups = [backup_database(tmp_path / "live") for _ in range(5)]
    finally:
        writer.kill()
        writer.communicate()
    for path in backups:
        marker, groups, _ = committed_groups(path)
        assert marker >= 0
        assert groups == {g: ISSUES_PER_TRANSACTION for g in range(marker + 1)}


def test_restore_brings_back_the_backup_and_keeps_the_current_database(
    filled: SQLiteBackend, data_dir: Path
) -> None:
    backup = backup_database()
    filled.delete_profile("kafka")
    filled.save_profile({"id": "after", "name": "Made after the backup"})

    result = restore_database(backup)

    assert result.database == filled.db_path
    assert filled.get_profile("kafka") is not None
    assert filled.get_profile("after") is None
    # Nothing is lost: what was replaced is a backup of its own.
    assert result.previous is not None and result.previous in list_backups()
    assert SQLiteBackend(result.previous).get_profile("after") is not None
    assert stat.S_IMODE(filled.db_path.stat().st_mode) == 0o600
    assert _journal_mode(filled.db_path) == "wal"
    assert check_database_integrity() == (True, [])
    assert not list((data_dir / "profiles").glob(".*"))  # no staging files left


def test_restore_does_not_replay_the_old_wal(filled: SQLiteBackend) -> None:
    backup = backup_database()
    reader = connect(filled.db_path)
    reader.execute("BEGIN")
    reader.execute("SELECT 1 FROM profiles").fetchone()
    filled.save_profile({"id": "in-wal", "name": "Only in the WAL"})
    reader.close()

    restore_database(backup)

    assert filled.get_profile("in-wal") is None
    assert filled.get_profile("kafka") is not None


def test_restore_of_an_older_schema_applies_the_pending_migrations(
    data_dir: Path, tmp_path: Path
) -> None:
    old = tmp_path / "old.db"
    initialize_database(old, migrate=False)
    with get_db_connection(old) as conn:
        apply_migrations(conn, 1)
        conn.execute(
            "INSERT INTO profiles (id, name, created_at, last_used) VALUES ('p', 'P', "
            "'2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z')"
        )
    if latest_version() == 1:
        pytest.skip("only one migration exists; nothing to apply")

    result = restore_database(old)

    assert (result.schema_version_of_backup, result.schema_version_now) == (1, latest_version())
    with get_db_connection() as conn:
        assert current_version(conn) == latest_version()
    assert SQLiteBackend().get_profile("p") is not None
    assert old.read_bytes()  # the user's file was only read


def test_restore_refuses_a_backup_from_a_newer_schema(
    filled: SQLiteBackend, tmp_path: Path
) -> None:
    newer = backup_database(tmp_path / "b")
    with get_db_connection(newer) as conn:
        conn.execute(
            "INSERT INTO schema_version VALUES (?, '2030-01-01T00:00:00.000Z', 'future', 'x')",
            (latest_version() + 1,),
        )

    with pytest.raises(SchemaError, match="newer than this Flowcast knows.*upgrade Flowcast"):
        restore_database(newer)
    assert filled.get_profile("kafka") is not None


def test_restore_refuses_a_backup_made_with_a_different_migration(
    filled: SQLiteBackend, tmp_path: Path
) -> None:
    other = backup_database(tmp_path / "b")
    with get_db_connection(other) as conn:
        conn.execute("UPDATE schema_version SET checksum = 'edited' WHERE version = 1")
    with pytest.raises(SchemaError, match="different migration 0001"):
        restore_database(other)


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (
            b"",
            "is empty; choose a file made by Back up now on the Data page or by `flowcast backup`",
        ),
        (b"name,points\nkafka,3\n", "not a Flowcast database or is damaged"),
    ],
    ids=["empty", "csv"],
)
def test_restore_refuses_a_file_that_is_not_a_database(
    filled: SQLiteBackend, tmp_path: Path, content: bytes, expected: str
) -> None:
    bogus = tmp_path / "bogus.db"
    bogus.write_bytes(content)
    before = filled.db_path.read_bytes()
    with pytest.raises(FlowcastDatabaseError, match=expected):
        restore_database(bogus)
    assert filled.db_path.read_bytes() == before
    assert list_backups() == []  # nothing was touched, not even a pre-restore copy


def test_restore_refuses_a_truncated_backup(filled: SQLiteBackend, tmp_path: Path) -> None:
    for n in range(200):
        filled.save_profile({"id": f"p{n}", "name": f"P{n}", "extra_notes": "x" * 2000})
    backup = backup_database(tmp_path / "b")
    data = backup.read_bytes()
    backup.write_bytes(data[: len(data) // 2])

    with pytest.raises(FlowcastDatabaseError, match=r"(is damaged|not a Flowcast database)"):
        restore_database(backup)
    assert filled.get_profile("p199") is not None


def test_restore_refuses_another_sqlite_database(filled: SQLiteBackend, tmp_path: Path) -> None:
    other = tmp_path / "other.db"
    conn = connect(other)
    conn.execute("CREATE TABLE t (x)")
    conn.close()
    with pytest.raises(FlowcastDatabaseError, match="not a Flowcast database"):
        restore_database(other)


def test_restore_of_a_missing_file_says_so(filled: SQLiteBackend, tmp_path: Path) -> None:
    with pytest.raises(NotFoundError, match="No backup file"):
        restore_database(tmp_path / "nope.db")


def test_restore_into_an_empty_data_directory(filled: SQLiteBackend, tmp_path: Path) -> None:
    backup = backup_database(tmp_path / "b")
    fresh_db = tmp_path / "elsewhere" / "profiles" / "burndown.db"

    result = restore_database(backup, db_path=fresh_db, backups_dir=tmp_path / "elsewhere-b")

    assert result.previous is None
    assert SQLiteBackend(fresh_db).get_profile("kafka") is not None
    assert stat.S_IMODE(fresh_db.stat().st_mode) == 0o600


def test_restore_removes_staging_files_of_a_killed_restore(
    filled: SQLiteBackend, data_dir: Path
) -> None:
    backup = backup_database()
    dead_pid = 2**22 + 1  # above Linux's pid_max: no such process
    stale = filled.db_path.with_name(f".burndown.db.{dead_pid}.restoring")
    stale.write_bytes(b"half a database")

    restore_database(backup)

    assert not stale.exists()
