"""The migration on a disk that fills up and in a folder that cannot be written, on real small and
read-only file systems (a tmpfs: the tests need root, as in CI containers, and are skipped without
it): every case ends in one `Error:` sentence that is true — nothing was migrated, or all of it
was — the job record never stays "running", and a retry after freeing space completes."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from cli.main import cli
from data.db.connection import get_db_connection
from data.jobs import MIGRATION_TASK, job_progress
from data.legacy.migration import run_migration_job
from data.locations import set_data_dir
from data.store import set_backend
from tests.filesystems import fill_leaving, mount_tmpfs, pages, remount_read_only, unmount
from tests.legacy_tree import write_legacy_tree

STORAGE_FULL = (
    "Error: The disk (or the database's size limit) is full; nothing was written — free space "
    "and retry."
)


@pytest.fixture
def disk(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A 16 MB file system holding the data directory (with its database created)."""
    mount = tmp_path / "disk"
    mount_tmpfs(mount, "16m")
    data = mount / "data"
    monkeypatch.setenv("FLOWCAST_DATA_DIR", str(data))
    set_backend(None)
    flowcast("init")
    yield data
    set_backend(None)
    unmount(mount)


@pytest.fixture
def legacy(tmp_path: Path) -> Path:
    """The old version's files, on another disk (the migration backs them up onto ``disk``)."""
    return write_legacy_tree(tmp_path / "old", issues=600)


def legacy_bytes(root: Path) -> int:
    return sum(pages(p.stat().st_size) for p in root.rglob("*") if p.is_file())


def flowcast(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args))


def state(data: Path) -> tuple[int, bool]:
    """(profiles in the database, migration_complete set)."""
    with get_db_connection(data / "profiles" / "burndown.db") as conn:
        profiles = conn.execute("SELECT COUNT(*) FROM profiles").fetchone()[0]
        flag = conn.execute("SELECT 1 FROM app_state WHERE key = 'migration_complete'").fetchone()
    return profiles, flag is not None


def migrations_backups(data: Path) -> list[str]:
    return sorted(p.name for p in (data / "backups").glob("migration-*"))


def assert_retry_completes(data: Path, legacy: Path, ballast: Path) -> None:
    ballast.unlink()  # the user frees space
    result = flowcast("migrate-json", str(legacy))
    assert result.exit_code == 0, result.output
    assert state(data) == (1, True)
    record = job_progress(MIGRATION_TASK)
    assert record is not None and record["status"] == "completed"
    assert record["message"] == "Migrated 1 profile(s) and 600 issues"


def test_a_disk_full_during_the_write_migrates_nothing_and_a_retry_completes(
    disk: Path, legacy: Path
) -> None:
    # Room for the backup of the legacy files, not for the database's share.
    ballast = fill_leaving(disk.parent, legacy_bytes(legacy) + 256 * 1024)
    result = flowcast("migrate-json", str(legacy))
    assert result.exit_code == 1
    assert result.stderr.splitlines()[-1] == STORAGE_FULL
    assert "Traceback" not in result.output
    assert state(disk) == (0, False)  # true: nothing was written
    record = job_progress(MIGRATION_TASK)
    assert record is not None and record["status"] == "failed"  # never left "running"
    assert len(migrations_backups(disk)) == 1  # the backup was made, and is reused below
    assert_retry_completes(disk, legacy, ballast)
    assert len(migrations_backups(disk)) == 1


def test_a_disk_full_during_the_backup_migrates_nothing_and_a_retry_completes(
    disk: Path, legacy: Path
) -> None:
    ballast = fill_leaving(disk.parent, legacy_bytes(legacy) // 2)
    result = flowcast("migrate-json", str(legacy))
    assert result.exit_code == 1
    assert result.stderr.splitlines()[-1] == (
        f"Error: No space left to back up the legacy files to {disk / 'backups'}; nothing was "
        "migrated — free disk space and retry."
    )
    assert state(disk) == (0, False)
    assert migrations_backups(disk) == []  # no half copy left to be mistaken for a backup
    record = job_progress(MIGRATION_TASK)
    assert record is not None and record["status"] == "failed"
    assert_retry_completes(disk, legacy, ballast)


def test_a_disk_that_fills_up_after_the_commit_changes_nothing(disk: Path, legacy: Path) -> None:
    # The job's completed record commits with the migrated data; whatever fails after that
    # commit (here the disk, full to the last page just after it) cannot make the job a lie.
    ballast: list[Path] = []

    def progress(percent: float, message: str) -> None:
        if message == "Preparing the charts" and not ballast:
            ballast.append(fill_leaving(disk.parent, 0))

    report = run_migration_job(legacy, progress)
    assert ballast, "the migration never reached the step after its commit"
    assert report.totals()["issues"] == 600
    assert state(disk) == (1, True)
    record = job_progress(MIGRATION_TASK)
    assert record is not None and record["status"] == "completed"
    assert record["message"] == "Migrated 1 profile(s) and 600 issues"
    assert record["details"]["totals"]["issues"] == 600


# A folder that cannot be written -------------------------------------------------------------------
@pytest.fixture
def read_only(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A read-only file system holding an old version's data directory (no database yet)."""
    mount = tmp_path / "ro"
    mount_tmpfs(mount, "8m")
    write_legacy_tree(mount, issues=20)
    remount_read_only(mount)
    monkeypatch.setenv("FLOWCAST_DATA_DIR", str(mount))
    set_backend(None)
    yield mount
    set_backend(None)
    unmount(mount)


def test_a_read_only_data_directory_is_one_sentence_naming_it(read_only: Path) -> None:
    result = flowcast("migrate-json")
    assert result.exit_code == 1
    assert result.output.splitlines() == [
        f"Error: Cannot create the database in {read_only / 'profiles'} (read-only file "
        "system); make the data directory writable or choose another with --data-dir."
    ]


def test_a_read_only_database_folder_is_one_sentence_naming_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The database exists (an earlier start created it) and the disk became read-only.
    mount = tmp_path / "ro"
    mount_tmpfs(mount, "8m")
    try:
        write_legacy_tree(mount, issues=20)
        set_data_dir(mount)
        assert flowcast("init").exit_code == 0
        set_backend(None)
        remount_read_only(mount)
        result = flowcast("migrate-json")
        assert result.exit_code == 1
        assert result.output.splitlines() == [
            f"Error: The data directory {mount / 'profiles'} is read-only (SQLite needs to write "
            "the database and its -wal/-shm files there); make it writable or choose another "
            "with --data-dir."
        ]
    finally:
        set_backend(None)
        unmount(mount)
    monkeypatch.delenv("FLOWCAST_DATA_DIR")


def test_a_job_lock_that_cannot_be_written_is_one_sentence_naming_it(
    disk: Path, legacy: Path
) -> None:
    # The database can be written (a server holds its -wal/-shm open, say) but the folder of the
    # job locks sits on a read-only file system.
    locks = disk / "profiles" / "locks"
    mount_tmpfs(locks, "1m")
    try:
        remount_read_only(locks)
        result = flowcast("migrate-json", str(legacy))
    finally:
        unmount(locks)
    assert result.exit_code == 1
    (line,) = result.output.splitlines()
    assert line.startswith(f"Error: Cannot create the job lock {locks}/job-")
    assert line.endswith(
        ".lock (Read-only file system); make the data directory writable or choose another "
        "with --data-dir."
    )
    assert state(disk) == (0, False)


def test_a_full_disk_is_named_when_the_database_cannot_even_be_opened(disk: Path) -> None:
    # SQLite creates the -wal/-shm files at the first connection; on a full disk that fails
    # with "disk I/O error", which is no reason to restore a backup.
    set_backend(None)
    fill_leaving(disk.parent, 0)
    result = flowcast("profile", "list")
    assert result.exit_code == 1
    assert result.output.splitlines() == [
        f"Error: The disk holding {disk / 'profiles'} is full (SQLite needs room there for the "
        "database's -wal and -shm files); free space and retry."
    ]


def test_a_dead_run_reads_interrupted_where_its_record_cannot_be_closed(disk: Path) -> None:
    # A migration whose process died at 45 % left its record "running", and the database file
    # has become read-only (a read-only bind mount of it): the record cannot be closed, and still
    # reads as interrupted wherever it is shown, until a writable start closes it.
    from data.jobs import INTERRUPTED
    from data.store import get_backend

    get_backend().save_task_progress(MIGRATION_TASK, 45, "running", "Writing 1 profile(s)")
    set_backend(None)  # a new process: no connection of the dead one is open
    database = disk / "profiles" / "burndown.db"
    subprocess.run(["mount", "--bind", str(database), str(database)], check=True)
    try:
        subprocess.run(["mount", "-o", "remount,ro,bind", str(database)], check=True)
        record = job_progress(MIGRATION_TASK)
        assert record is not None
        assert (record["status"], record["message"]) == ("failed", INTERRUPTED)
        stored = get_backend().get_task_progress(MIGRATION_TASK)
        assert stored is not None and stored["status"] == "running"  # it could not be written
    finally:
        unmount(database)
    set_backend(None)
    assert job_progress(MIGRATION_TASK)["status"] == "failed"  # type: ignore[index]
    stored = get_backend().get_task_progress(MIGRATION_TASK)
    assert stored is not None and stored["status"] == "failed"  # closed once it could be
