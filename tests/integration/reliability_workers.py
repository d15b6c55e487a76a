"""Work done in child processes by the reliability tests (run as ``python -m ...``).

Each transaction of the write loop has an effect that can be checked afterwards: transaction ``i``
stores the ten issues ``CR-<i*10+k>`` (k = 0..9, each with two status transitions), adds them to
the query, and sets ``crash_marker`` to ``i`` — all or nothing.
"""

from __future__ import annotations

import json
import random
import sys
import threading
import time
from pathlib import Path

from data.db.connection import get_db_connection, write_transaction
from data.jira.normalize import normalize_issue
from data.store.issues import add_query_members, store_issues
from data.store.sql_backend import SQLBackend
from data.store.sqlite_backend import SQLiteBackend

PROFILE_ID = "crash"
QUERY_ID = "q"
ISSUES_PER_TRANSACTION = 10
TRANSITIONS_PER_ISSUE = 2
COUNTER_KEY = "counter"


def issue_json(number: int) -> dict[str, object]:
    return {
        "key": f"CR-{number}",
        "id": str(number),
        "fields": {
            "summary": f"issue {number} " + "x" * 200,
            "created": "2026-01-05T10:00:00.000+0000",
            "status": {"name": "Done", "statusCategory": {"key": "done"}},
            "issuetype": {"name": "Story"},
        },
        "changelog": {
            "histories": [
                {
                    "id": f"{number}1",
                    "created": "2026-01-06T10:00:00.000+0000",
                    "items": [{"field": "status", "fromString": "To Do", "toString": "Doing"}],
                },
                {
                    "id": f"{number}2",
                    "created": "2026-01-07T10:00:00.000+0000",
                    "items": [{"field": "status", "fromString": "Doing", "toString": "Done"}],
                },
            ]
        },
    }


def write_group(db: Path, group: int) -> None:
    """One multi-statement transaction: ten issues, their transitions, memberships, the marker."""
    numbers = range(group * ISSUES_PER_TRANSACTION, (group + 1) * ISSUES_PER_TRANSACTION)
    issues = [normalize_issue(issue_json(n)) for n in numbers]
    with get_db_connection(db) as conn, write_transaction(conn):
        store_issues(conn, PROFILE_ID, issues)
        add_query_members(conn, PROFILE_ID, QUERY_ID, [i.key for i in issues])
        conn.execute(
            "INSERT INTO app_state (key, value, updated_at) VALUES ('crash_marker', ?, 'x') "
            "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            (json.dumps(group),),
        )


def committed_groups(db: Path) -> tuple[int, dict[int, int], int]:
    """(marker or -1, issues per group, transitions) as stored."""
    with get_db_connection(db) as conn:
        row = conn.execute("SELECT value FROM app_state WHERE key = 'crash_marker'").fetchone()
        groups: dict[int, int] = {}
        for (key,) in conn.execute(
            "SELECT issue_key FROM issues WHERE profile_id = ?", (PROFILE_ID,)
        ):
            group = int(key.split("-")[1]) // ISSUES_PER_TRANSACTION
            groups[group] = groups.get(group, 0) + 1
        transitions = conn.execute(
            "SELECT COUNT(*) FROM issue_transitions WHERE profile_id = ?", (PROFILE_ID,)
        ).fetchone()[0]
    return (-1 if row is None else json.loads(row[0])), groups, transitions


def open_store(target: str) -> SQLBackend:
    """The store of a SQLite file path or of a PostgreSQL URL."""
    if target.startswith("postgresql://"):
        from data.store.postgres_backend import PostgresBackend

        return PostgresBackend(target)
    return SQLiteBackend(Path(target))


def increment_counter(backend: SQLBackend) -> None:
    """A read-then-write update: lost if two writers interleave between the read and the write."""
    with backend.session() as conn, write_transaction(conn):
        row = conn.execute("SELECT value FROM app_state WHERE key = ?", (COUNTER_KEY,)).fetchone()
        value = 0 if row is None else json.loads(row[0])
        conn.execute(
            "INSERT INTO app_state (key, value, updated_at) VALUES (?, ?, 'x') "
            "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            (COUNTER_KEY, json.dumps(value + 1)),
        )


def mixed_work(
    backend: SQLBackend, worker: str, seconds: float, seed: int | str
) -> dict[str, object]:
    """Reads, counter increments and profile saves for ``seconds`` (and at least until this worker
    has incremented and saved once, so every worker takes part); reports counts and errors."""
    rng = random.Random(seed)
    increments = saves = reads = 0
    errors: list[str] = []
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline or not (increments and saves) and len(errors) < 10:
        choice = rng.random()
        try:
            if choice < 0.4:
                increment_counter(backend)
                increments += 1
            elif choice < 0.6:
                backend.save_profile(
                    {
                        "id": f"{worker}-{saves % 5}",
                        "name": f"{worker} {saves % 5}",
                        "forecast_settings": {"pert_factor": saves},
                    }
                )
                saves += 1
            else:
                backend.list_profiles()
                backend.get_app_state(COUNTER_KEY)
                reads += 1
        except Exception as exc:  # every error reaching the caller is a failure to report
            errors.append(f"{type(exc).__name__}: {exc}")
    return {"increments": increments, "saves": saves, "reads": reads, "errors": errors}


def mixed_threads(target: str, name: str, seconds: float, threads: int) -> list[dict[str, object]]:
    """``mixed_work`` in ``threads`` threads of this process on one store; their results."""
    backend = open_store(target)
    results: list[dict[str, object]] = []
    lock = threading.Lock()

    def run(n: int) -> None:
        result = mixed_work(backend, f"{name}-t{n}", seconds, f"{name}-t{n}")
        with lock:
            results.append(result)

    workers = [threading.Thread(target=run, args=(n,)) for n in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    return results


def main(argv: list[str]) -> None:
    command, db = argv[0], Path(argv[1])
    if command == "write-loop":
        group = int(argv[2])
        while True:
            write_group(db, group)
            print(group, flush=True)
            group += 1
    elif command == "backup-loop":
        from data.ops.backup import backup_database

        while True:
            print(backup_database(argv[2], db_path=db), flush=True)
    elif command == "migrate-legacy":
        from data.legacy.migration import migrate_legacy

        print("start", flush=True)
        migrate_legacy(argv[2], db_path=db)
        print("done", flush=True)
    elif command == "mixed":
        print(json.dumps(mixed_threads(argv[1], argv[2], float(argv[3]), int(argv[4]))))
    else:
        raise SystemExit(f"unknown command {command!r}")


if __name__ == "__main__":
    main(sys.argv[1:])
