"""`flowcast db copy` of a 10k-issue database to PostgreSQL and back (issue 14 §5: goal < 30 s).

The database is bench_metrics' synthetic 10k issues / ~120k transitions; the PostgreSQL server is
FLOWCAST_TEST_POSTGRES_URL (default postgresql://postgres@127.0.0.1:5432/test), in a database
created for the run and dropped after it. Prints numbers; never asserts on time.

    python bench/bench_db_copy.py [--issues 10000]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
import uuid
from pathlib import Path

import psycopg

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import bench_metrics  # noqa: E402

from data.db.copy import copy_postgres_to_sqlite, copy_sqlite_to_postgres  # noqa: E402

GOAL_S = 30.0
SERVER = os.environ.get("FLOWCAST_TEST_POSTGRES_URL") or "postgresql://postgres@127.0.0.1:5432/test"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--issues", type=int, default=10_000)
    args = parser.parse_args()
    name = f"flowcast_bench_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(SERVER, autocommit=True) as admin, tempfile.TemporaryDirectory() as tmp:
        admin.execute(f'CREATE DATABASE "{name}"')
        try:
            backend, transitions, _ = bench_metrics.setup(Path(tmp), args.issues, 12)
            url = SERVER.rsplit("/", 1)[0] + f"/{name}"
            started, cpu = time.perf_counter(), time.process_time()
            there = copy_sqlite_to_postgres(backend.db_path, url)
            seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
            print(
                f"[db copy] SQLite -> PostgreSQL, {args.issues:,} issues / {transitions:,} "
                f"transitions ({there.rows:,} rows, {len(there.tables)} tables, verified): "
                f"{seconds:.2f} s wall / {cpu:.2f} s CPU (goal < {GOAL_S:.0f} s)"
            )
            started, cpu = time.perf_counter(), time.process_time()
            back = copy_postgres_to_sqlite(url, Path(tmp) / "back.db")
            print(
                f"[db copy] PostgreSQL -> SQLite ({back.rows:,} rows, verified): "
                f"{time.perf_counter() - started:.2f} s wall / {time.process_time() - cpu:.2f} s CPU"
            )
        finally:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


if __name__ == "__main__":
    main()
