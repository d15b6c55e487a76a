"""Page switches on a team server under 20 concurrent users (issue 14 §5; goal p95 < 1 s).

10,000 issues (bench_dashboard's database), `flowcast serve --team` under gunicorn with 4
workers, 20 signed-in users (httpx threads; each signs in once, first) each opening the
Forecast, Flow, DORA and weekly review pages for one query, then the next, over several rounds,
with no pause between pages. A first round warms every worker's caches and is not counted. Prints p50 / p95 / max of a page switch as the users saw it
(queueing included: on 2 cores, 20 users share 2 CPUs), the requests per second, the CPU the
server's processes spent per page (and PostgreSQL's backends', on that engine), and the load.

    python bench/bench_team_load.py [--engine sqlite|postgres] [--issues 10000] [--workers 4]

``--engine postgres`` copies the database into a PostgreSQL database created for the run on
FLOWCAST_TEST_POSTGRES_URL's server (default postgresql://postgres@127.0.0.1:5432/test; `db
copy`, verified) and serves from it; the database is dropped at the end.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

PAGES = ("/", "/flow", "/dora", "/review")
SERVER = os.environ.get("FLOWCAST_TEST_POSTGRES_URL") or "postgresql://postgres@127.0.0.1:5432/test"
TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pids: set[int] | None = None, group: int | None = None) -> float:
    """User + system CPU seconds of the live processes ``pids`` or of process group ``group``."""
    total = 0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue  # ended meanwhile
        # After the command: state, ppid, pgrp, ..., utime (12th), stime (13th).
        if (pids is not None and int(entry.name) in pids) or (
            group is not None and int(fields[2]) == group
        ):
            total += int(fields[11]) + int(fields[12])
    return total / TICKS


@contextmanager
def postgres_database(sqlite_path: Path) -> Iterator[str]:
    """A PostgreSQL database holding a verified copy of ``sqlite_path``, dropped at the end."""
    import psycopg

    from data.db.copy import copy_sqlite_to_postgres

    name = f"flowcast_bench_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(SERVER, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
        try:
            url = SERVER.rsplit("/", 1)[0] + f"/{name}"
            started = time.perf_counter()
            copied = copy_sqlite_to_postgres(sqlite_path, url)
            print(
                f"copied {copied.rows:,} rows to PostgreSQL in {time.perf_counter() - started:.1f} s"
            )
            yield url
        finally:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def backend_pids(url: str) -> set[int]:
    """PostgreSQL's backend processes serving ``url``'s database (the server's pools)."""
    import psycopg

    name = url.rsplit("/", 1)[1]
    with psycopg.connect(SERVER, autocommit=True) as admin:
        rows = admin.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = %s", (name,)
        ).fetchall()
    return {int(pid) for (pid,) in rows}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--engine", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--issues", type=int, default=10_000)
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--workers", type=int, default=4)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as directory:
        data_dir = Path(directory)
        os.environ["FLOWCAST_DATA_DIR"] = str(data_dir)
        from bench.bench_dashboard import build
        from data.locations import get_db_path
        from data.store import set_backend

        build(data_dir, args.issues)
        if args.engine == "postgres":
            with postgres_database(get_db_path()) as url:
                os.environ["FLOWCAST_DATABASE_URL"] = url
                set_backend(None)  # the process's store is now the team database
                try:
                    run(args, data_dir, url)
                finally:
                    set_backend(None)  # the pool closed before the database is dropped
        else:
            run(args, data_dir, None)


def run(args: argparse.Namespace, data_dir: Path, url: str | None) -> None:
    from app import create_app
    from data.team import accounts
    from tests.team_load import sign_in_all, simulate_users, team_server
    from tests.team_support import PASSWORD

    accounts.add_user("ada", PASSWORD, "admin")
    users = [f"user{n:02d}" for n in range(1, args.users + 1)]
    for name in users:
        accounts.add_user(name, PASSWORD, "viewer")
    callback_map = create_app().callback_map
    selections = [{"profile": "bench", "query": q} for q in ("all", "stories")]
    with team_server(data_dir, None, web_workers=args.workers, database_url=url) as base:
        # Users sign in once, as in a browser, before the warm-up round: the measured rounds
        # are page switches only (20 argon2 checks at their start would be ~1 s of CPU).
        clients = sign_in_all(base, users)
        simulate_users(base, users, callback_map, selections, 1, PAGES, clients)
        database = backend_pids(url) if url else set()
        server_cpu, database_cpu = cpu_seconds(group=base.process_group), cpu_seconds(database)
        started = time.perf_counter()
        outcome = simulate_users(base, users, callback_map, selections, args.rounds, PAGES, clients)
        seconds = time.perf_counter() - started
        server_cpu = cpu_seconds(group=base.process_group) - server_cpu
        database_cpu = cpu_seconds(database) - database_cpu
        load = os.getloadavg()
    times = sorted(t for _, t in outcome.timings)
    p95 = outcome.p95()
    engine = "PostgreSQL" if url else "SQLite"
    print(
        f"team server on {engine}, {args.issues:,} issues, {args.workers} gunicorn workers, "
        f"{args.users} users × {args.rounds} rounds × {len(PAGES)} pages = {len(times)} "
        f"page switches in {seconds:.1f} s ({len(times) / seconds:.1f}/s)"
    )
    print(
        f"page switch   p50 {statistics.median(times):6.2f} s   p95 {p95:6.2f} s   "
        f"max {times[-1]:6.2f} s   (goal p95 < 1 s: {'ok' if p95 < 1 else 'MISSED'})"
    )
    pages = max(1, len(times))
    print(
        f"CPU per page switch: server {server_cpu / pages:.3f} s"
        + (f", PostgreSQL backends {database_cpu / pages:.3f} s" if url else "")
        + f" ({server_cpu + database_cpu:.1f} s CPU in {seconds:.1f} s wall)"
    )
    failed = outcome.failed()
    print(
        f"errors {len(outcome.errors) + len(failed)}   load average {load[0]:.1f} / "
        f"{load[1]:.1f} / {load[2]:.1f} on {os.cpu_count()} CPUs"
    )
    for line in outcome.errors[:5] + [f"HTTP {status}" for status, _ in failed[:5]]:
        print(f"  {line}")


if __name__ == "__main__":
    main()
