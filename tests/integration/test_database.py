"""Connections: file mode, pragmas, transactions."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from data.db.connection import (
    get_db_connection,
    initialize_database,
    mask_secrets,
    write_transaction,
)
from data.errors import DatabaseError


def test_database_file_is_private_and_in_wal_mode(db_path: Path) -> None:
    assert stat.S_IMODE(db_path.stat().st_mode) == 0o600
    assert db_path == db_path.parent.parent / "profiles" / "burndown.db"
    with get_db_connection(db_path) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
        assert conn.execute("PRAGMA busy_timeout").fetchone()[0] == 10_000
        assert conn.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL


def test_rows_are_addressable_by_name(db_path: Path) -> None:
    with get_db_connection(db_path) as conn:
        row = conn.execute("SELECT 1 AS one, 'x' AS name").fetchone()
    assert row["one"] == 1 and row["name"] == "x"


def test_exception_inside_write_transaction_rolls_back(db_path: Path) -> None:
    with pytest.raises(RuntimeError), get_db_connection(db_path) as conn, write_transaction(conn):
        conn.execute("INSERT INTO app_state (key, value, updated_at) VALUES ('k', '1', 'now')")
        raise RuntimeError("boom")
    with get_db_connection(db_path) as conn:
        assert conn.execute("SELECT COUNT(*) FROM app_state").fetchone()[0] == 0


def test_open_transaction_commits_when_the_block_succeeds(db_path: Path) -> None:
    with get_db_connection(db_path) as conn:
        conn.execute("BEGIN")
        conn.execute("INSERT INTO app_state (key, value, updated_at) VALUES ('k', '1', 'now')")
    with get_db_connection(db_path) as conn:
        assert conn.execute("SELECT value FROM app_state").fetchone()[0] == "1"


def test_foreign_keys_cascade_from_profile_to_query(db_path: Path) -> None:
    with get_db_connection(db_path) as conn, write_transaction(conn):
        conn.execute(
            "INSERT INTO profiles (id, name, created_at, last_used) VALUES ('p', 'P', 'a', 'a')"
        )
        conn.execute(
            "INSERT INTO queries (profile_id, id, name, jql, created_at, last_used) VALUES ('p', 'q', 'Q', 'x', 'a', 'a')"
        )
        conn.execute("DELETE FROM profiles WHERE id = 'p'")
        assert conn.execute("SELECT COUNT(*) FROM queries").fetchone()[0] == 0


def test_a_file_that_is_not_a_database_gets_a_clear_error(tmp_path: Path) -> None:
    bogus = tmp_path / "profiles" / "burndown.db"
    bogus.parent.mkdir()
    bogus.write_bytes(b"this is not sqlite at all, just text" * 100)
    with pytest.raises(
        DatabaseError,
        match=r"not a usable SQLite database.*Data page → Restore.*`flowcast restore`",
    ):
        initialize_database(bogus)


def test_logged_sql_masks_tokens() -> None:
    text = """INSERT INTO profiles VALUES ('{"base_url":"x","token":"s3cr\\"et","email":"a"}')"""
    masked = mask_secrets(text)
    assert "s3cr" not in masked and '"token":"***"' in masked and '"email":"a"' in masked


def test_an_idle_anchor_keeps_the_wal_and_survives_a_restore(db_path: Path) -> None:
    from data.db.connection import keep_database_open, release_anchor
    from data.ops.backup import backup_database, restore_database
    from data.store.sqlite_backend import SQLiteBackend

    wal = Path(f"{db_path}-wal")
    backend = SQLiteBackend(db_path)
    backend.set_app_state("k", 1)
    assert not wal.exists()  # the last connection closed: checkpointed and deleted
    keep_database_open(db_path)
    try:
        backend.set_app_state("k", 2)
        assert wal.exists()  # closing a per-call connection no longer checkpoints
        saved = backup_database()
        backend.set_app_state("k", 3)
        restore_database(saved)
        assert backend.get_app_state("k") == 2
        backend.set_app_state("k", 4)
        assert backend.get_app_state("k") == 4
    finally:
        release_anchor(db_path)
    assert SQLiteBackend(db_path).get_app_state("k") == 4


def test_a_process_anchors_its_database_once_and_leaves_one_file_at_exit(data_dir: Path) -> None:
    # issue 16 §5: the default backend holds the anchor, so a process's per-call connections close
    # without checkpointing; the WAL is folded into the file once, when the process exits.
    script = (
        "from pathlib import Path\n"
        "from data import locations\n"
        "from data.store import get_backend\n"
        "backend = get_backend()\n"
        "backend.set_app_state('k', 1)\n"
        "backend.set_app_state('k', 2)\n"
        "print(Path(f'{locations.get_db_path()}-wal').exists())\n"
    )
    env = {**os.environ, "FLOWCAST_DATA_DIR": str(data_dir)}
    done = subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, check=True
    )
    assert done.stdout.strip() == "True"  # the WAL outlived each call's connection
    db = data_dir / "profiles" / "burndown.db"
    assert [p.name for p in db.parent.iterdir()] == ["burndown.db"]
    from data.store.sqlite_backend import SQLiteBackend

    assert SQLiteBackend(db).get_app_state("k") == 2
