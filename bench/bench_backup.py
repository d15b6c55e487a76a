"""Online backup (and restore) of a large database (issue 2 §8: 1 GB backup < 15 s).

    python bench/bench_backup.py                 # 1 GB database (about 1 minute here)
    python bench/bench_backup.py --size-mb 100   # smaller

The database is a real Flowcast database whose JIRA response cache holds 1 MB JSON documents
(generated inside SQLite, so building it is quick); it lives in a temporary folder that is
deleted afterwards. Also measured: a backup while another thread keeps committing (the pinned
snapshot means the copy never restarts) and a restore (integrity check, swap, keep the old one).
Prints numbers; never asserts on time.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from data.db.connection import get_db_connection, write_transaction  # noqa: E402
from data.ops.backup import backup_database, restore_database  # noqa: E402
from data.store.sqlite_backend import SQLiteBackend  # noqa: E402

ROWS_PER_TRANSACTION = 32


def build(db: Path, size_mb: int) -> None:
    backend = SQLiteBackend(db)
    backend.save_profile({"id": "big", "name": "Big"})
    backend.save_query("big", {"id": "all", "name": "All", "jql": "project = BIG"})
    # hex() of 512 KB of random bytes: 1 MB of JSON text per row that does not compress.
    insert = (
        "WITH RECURSIVE n(i) AS (SELECT ?1 UNION ALL SELECT i + 1 FROM n WHERE i < ?2) "
        "INSERT INTO jira_cache (profile_id, query_id, cache_key, response, expires_at, created_at) "
        "SELECT 'big', 'all', 'page-' || i, '{\"blob\":\"' || hex(randomblob(524288)) || '\"}', "
        "'2099-01-01T00:00:00.000Z', '2026-11-23T00:00:00.000Z' FROM n"
    )
    for start in range(0, size_mb, ROWS_PER_TRANSACTION):
        end = min(size_mb, start + ROWS_PER_TRANSACTION) - 1
        with get_db_connection(db) as conn, write_transaction(conn):
            conn.execute(insert, (start, end))
    with get_db_connection(db) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")


def timed_backup(db: Path, dest: Path) -> tuple[float, Path, int, int]:
    steps = []
    started = time.perf_counter()
    path = backup_database(dest, db_path=db, progress=lambda _s, rem, total: steps.append(rem))
    elapsed = time.perf_counter() - started
    restarts = sum(1 for a, b in zip(steps, steps[1:], strict=False) if b > a)
    return elapsed, path, len(steps), restarts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size-mb", type=int, default=1024, help="Database size (default 1024).")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="flowcast-bench-backup-") as folder:
        root = Path(folder)
        db = root / "profiles" / "burndown.db"
        started = time.perf_counter()
        build(db, args.size_mb)
        size = db.stat().st_size
        print(f"Built a {size / 1e6:,.0f} MB database in {time.perf_counter() - started:.1f} s")

        elapsed, path, steps, restarts = timed_backup(db, root / "backups")
        print(
            f"backup (idle database)        {elapsed:6.2f} s  {size / 1e6 / elapsed:6.0f} MB/s  "
            f"{steps} steps, {restarts} restarts   goal (1 GB) < 15 s"
        )
        path.unlink()

        stop = threading.Event()
        commits = 0

        def writer() -> None:
            nonlocal commits
            backend = SQLiteBackend(db)
            while not stop.is_set():
                backend.set_app_state("bench_counter", commits)
                commits += 1

        thread = threading.Thread(target=writer)
        thread.start()
        try:
            elapsed, path, steps, restarts = timed_backup(db, root / "backups")
        finally:
            stop.set()
            thread.join()
        print(
            f"backup (writer committing)    {elapsed:6.2f} s  {size / 1e6 / elapsed:6.0f} MB/s  "
            f"{steps} steps, {restarts} restarts, {commits} commits meanwhile"
        )

        started = time.perf_counter()
        result = restore_database(path, db_path=db, backups_dir=root / "backups")
        print(
            f"restore (check, keep, swap)   {time.perf_counter() - started:6.2f} s  "
            f"previous kept as {result.previous.name if result.previous else '-'}"
        )
        shutil.rmtree(root / "backups")


if __name__ == "__main__":
    main()
