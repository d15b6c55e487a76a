"""Page switches on a team server under 20 concurrent users (issue 14 §5; goal p95 < 1 s).

10,000 issues (bench_dashboard's database), `flowcast serve --team` under gunicorn with 4
workers, 20 signed-in users (httpx threads) each opening the Forecast, Flow, DORA and weekly
review pages for one query, then the next, over several rounds. A first round warms every
worker's caches and is not counted. Prints p50 / p95 / max of a page switch as the users saw it
(queueing included: on 2 cores, 20 users share 2 CPUs), the requests per second, and the load.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

PAGES = ("/", "/flow", "/dora", "/review")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--issues", type=int, default=10_000)
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--workers", type=int, default=4)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as directory:
        data_dir = Path(directory)
        os.environ["FLOWCAST_DATA_DIR"] = str(data_dir)
        from bench.bench_dashboard import build

        build(data_dir, args.issues)
        from app import create_app
        from data.team import accounts
        from tests.team_load import simulate_users, team_server
        from tests.team_support import PASSWORD

        accounts.add_user("ada", PASSWORD, "admin")
        users = [f"user{n:02d}" for n in range(1, args.users + 1)]
        for name in users:
            accounts.add_user(name, PASSWORD, "viewer")
        callback_map = create_app().callback_map
        selections = [{"profile": "bench", "query": q} for q in ("all", "stories")]
        with team_server(data_dir, None, web_workers=args.workers) as base:
            simulate_users(base, users, callback_map, selections, rounds=1, pages=PAGES)
            started = time.perf_counter()
            outcome = simulate_users(
                base, users, callback_map, selections, rounds=args.rounds, pages=PAGES
            )
            seconds = time.perf_counter() - started
        times = sorted(t for _, t in outcome.timings)
        p95 = outcome.p95()
        print(
            f"team server, {args.issues:,} issues, {args.workers} gunicorn workers, "
            f"{args.users} users × {args.rounds} rounds × {len(PAGES)} pages = {len(times)} "
            f"page switches in {seconds:.1f} s ({len(times) / seconds:.1f}/s)"
        )
        print(
            f"page switch   p50 {statistics.median(times):6.2f} s   p95 {p95:6.2f} s   "
            f"max {times[-1]:6.2f} s   (goal p95 < 1 s: {'ok' if p95 < 1 else 'MISSED'})"
        )
        failed = outcome.failed()
        print(
            f"errors {len(outcome.errors) + len(failed)}   "
            f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs"
        )
        for line in outcome.errors[:5] + [f"HTTP {status}" for status, _ in failed[:5]]:
            print(f"  {line}")


if __name__ == "__main__":
    main()
