"""Bad files and bad places: each gets a clear one-sentence error and loses nothing (issue 2 §7).

The tiny-disk and read-only cases mount a tmpfs when the test runs as root (as in CI containers);
without root the read-only case uses file permissions and the tiny-disk case is skipped.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from data.db.connection import connect, get_db_connection, initialize_database, write_transaction
from data.db.schema import latest_version
from data.errors import ConfigError, DatabaseError, SchemaError, StorageFullError
from data.jira.normalize import normalize_issue
from data.ops.backup import backup_database, list_backups, restore_database
from data.ops.verify import check_database_integrity
from data.store.issues import store_issues
from data.store.sqlite_backend import SQLiteBackend
from tests.filesystems import mount_tmpfs, remount_read_only, unmount
from tests.integration.reliability_workers import issue_json


def _one_sentence(message: str) -> None:
    assert message.endswith(".") and "\n" not in message
    assert "Traceback" not in message


@pytest.fixture
def filled(backend: SQLiteBackend) -> SQLiteBackend:
    for n in range(40):
        backend.save_profile({"id": f"p{n}", "name": f"P{n}", "notes": "n" * 1000})
    return backend


@pytest.fixture
def tmpfs(tmp_path: Path) -> Iterator[Path]:
    """A 2 MB file system of its own."""
    mount = tmp_path / "tiny"
    mount_tmpfs(mount, "2m")
    yield mount
    unmount(mount)


# Truncated, foreign and newer databases ----------------------------------------------------------


def test_truncated_database_gets_a_clear_error_and_restore_recovers(
    filled: SQLiteBackend, data_dir: Path
) -> None:
    backup = backup_database()
    data = filled.db_path.read_bytes()
    filled.db_path.write_bytes(data[: len(data) // 2])
    damaged = filled.db_path.read_bytes()

    with pytest.raises(DatabaseError) as caught:
        SQLiteBackend(filled.db_path).list_profiles()
    assert "is not a usable SQLite database" in str(caught.value)
    assert "restore a backup (Data page → Restore the chosen backup, or `flowcast restore`)" in str(
        caught.value
    )
    _one_sentence(str(caught.value))
    assert filled.db_path.read_bytes() == damaged  # opening it changed nothing
    ok, errors = check_database_integrity()
    assert not ok and "is not a usable SQLite database" in errors[0]

    result = restore_database(backup)

    assert len(filled.list_profiles()) == 40
    # The damaged file is kept (as raw files: SQLite cannot back it up) for a later rescue.
    assert result.previous is not None and result.previous.name.startswith("damaged-")
    assert (result.previous / "burndown.db").read_bytes() == damaged


def test_file_that_is_not_a_database_gets_a_clear_error(data_dir: Path) -> None:
    db = data_dir / "profiles" / "burndown.db"
    db.parent.mkdir()
    db.write_text('{"profiles": ["this is legacy JSON, not SQLite"]}')
    with pytest.raises(DatabaseError, match="not a usable SQLite database") as caught:
        initialize_database(db)
    _one_sentence(str(caught.value))
    assert db.read_text().startswith('{"profiles"')


def test_database_from_a_newer_schema_is_refused_untouched(filled: SQLiteBackend) -> None:
    future = latest_version() + 1
    with get_db_connection(filled.db_path) as conn:
        conn.execute(
            "INSERT INTO schema_version VALUES (?, '2030-01-01T00:00:00.000Z', 'future', 'x')",
            (future,),
        )

    with pytest.raises(SchemaError) as caught:
        SQLiteBackend(filled.db_path)
    assert f"schema version {future}, newer than this Flowcast knows" in str(caught.value)
    assert "upgrade Flowcast or restore an older backup" in str(caught.value)
    _one_sentence(str(caught.value))
    with get_db_connection(filled.db_path) as conn:
        assert conn.execute("SELECT MAX(version) FROM schema_version").fetchone()[0] == future
        assert conn.execute("SELECT COUNT(*) FROM profiles").fetchone()[0] == 40


# Read-only data directory ------------------------------------------------------------------------


@pytest.fixture
def read_only_data(filled: SQLiteBackend, tmp_path: Path) -> Iterator[Path]:
    """The filled database in a data directory that cannot be written."""
    if os.geteuid() != 0:
        profiles = filled.db_path.parent
        profiles.chmod(0o555)
        filled.db_path.chmod(0o400)
        yield filled.db_path
        profiles.chmod(0o755)
        filled.db_path.chmod(0o600)
        return
    mount = tmp_path / "ro"
    mount_tmpfs(mount, "8m")
    try:
        backup_database(mount, db_path=filled.db_path)
        (copy,) = list_backups(mount)
        db = mount / "burndown.db"
        copy.rename(db)
        initialize_database(db)  # back to WAL, as a live database is
        remount_read_only(mount)
        yield db
    finally:
        unmount(mount)


def test_read_only_data_directory_gets_a_clear_error(read_only_data: Path) -> None:
    with pytest.raises(ConfigError) as caught:
        SQLiteBackend(read_only_data).list_profiles()
    message = str(caught.value)
    assert f"The data directory {read_only_data.parent} is read-only" in message
    assert "choose another with --data-dir" in message
    _one_sentence(message)


def test_no_database_can_be_created_in_a_read_only_directory(read_only_data: Path) -> None:
    with pytest.raises(ConfigError, match="Cannot create the database") as caught:
        initialize_database(read_only_data.parent / "new.db")
    _one_sentence(str(caught.value))


def test_backup_into_a_read_only_folder_gets_a_clear_error(
    read_only_data: Path, backend: SQLiteBackend
) -> None:
    with pytest.raises(ConfigError, match="Cannot write in") as caught:
        backup_database(read_only_data.parent / "backups")
    _one_sentence(str(caught.value))


# Full disk -------------------------------------------------------------------------------------


def test_database_size_limit_reached_mid_transaction_writes_nothing(filled: SQLiteBackend) -> None:
    filled.save_profile({"id": "crash", "name": "Crash"})
    conn = connect(filled.db_path)
    pages = conn.execute("PRAGMA page_count").fetchone()[0]
    # Room for a few pages only: the transaction below needs far more.
    conn.execute(f"PRAGMA max_page_count = {pages + 3}")
    issues = [normalize_issue(issue_json(n)) for n in range(500)]
    try:
        with pytest.raises(StorageFullError) as caught, write_transaction(conn):
            store_issues(conn, "crash", issues)
    finally:
        conn.close()
    assert "nothing was written" in str(caught.value)
    _one_sentence(str(caught.value))
    with get_db_connection(filled.db_path) as check:
        assert check.execute("SELECT COUNT(*) FROM issues").fetchone()[0] == 0
    assert len(filled.list_profiles()) == 41
    assert check_database_integrity(filled.db_path) == (True, [])


def test_full_disk_fails_cleanly_and_recovers_when_space_is_freed(tmpfs: Path) -> None:
    backend = SQLiteBackend(tmpfs / "profiles" / "burndown.db")
    filler = tmpfs / "filler"
    filler.write_bytes(b"\0" * 700_000)
    saved = 0
    with pytest.raises(StorageFullError) as caught:
        for n in range(1000):
            backend.save_profile(
                {"id": f"p{n}", "name": f"P{n}", "notes": os.urandom(20_000).hex()}
            )
            saved += 1
    _one_sentence(str(caught.value))
    assert saved > 0
    # Every profile whose save returned is there, the failed one is not, the file is sound.
    assert sorted(p["id"] for p in backend.list_profiles()) == sorted(f"p{n}" for n in range(saved))
    assert backend.get_profile(f"p{saved}") is None
    assert check_database_integrity(backend.db_path) == (True, [])

    filler.unlink()
    backend.save_profile({"id": "after", "name": "After", "notes": "x"})
    assert backend.get_profile("after") is not None


def test_backup_onto_a_full_disk_leaves_no_partial_file(filled: SQLiteBackend, tmpfs: Path) -> None:
    for n in range(30):
        filled.save_profile({"id": f"big{n}", "name": f"Big{n}", "notes": os.urandom(50_000).hex()})
    before = json.dumps(filled.list_profiles(), sort_keys=True)
    with pytest.raises(StorageFullError) as caught:
        backup_database(tmpfs)
    _one_sentence(str(caught.value))
    assert list(tmpfs.iterdir()) == []
    assert json.dumps(filled.list_profiles(), sort_keys=True) == before
