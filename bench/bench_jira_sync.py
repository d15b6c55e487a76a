"""JIRA sync benchmark against the fake JIRA (in its own process) with 20 ms latency per request.

Full sync of N issues (default 10,000) and an incremental refresh after 50 issues changed, for
Cloud and Data Center. Prints wall time, requests vs the minimum the API allows, peak RSS of the
syncing process, requests/s and issues/s. Goals (issue 3): full < 20 s, requests within 10% of
the minimum, peak < 400 MB, incremental < 1 s. Never asserts on time.

    python bench/bench_jira_sync.py                 # 10,000 issues, both deployments
    python bench/bench_jira_sync.py --issues 2000 --deployment cloud   # a quick run
"""

from __future__ import annotations

import argparse
import math
import multiprocessing as mp
import os
import resource
import subprocess
import sys
import tempfile
import time
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from data.db.connection import initialize_database  # noqa: E402
from data.jira.client import BULKFETCH_MAX_ISSUES, BULKFETCH_MAX_RESULTS  # noqa: E402
from data.jira.sync import sync  # noqa: E402
from data.ops.verify import check_database_integrity  # noqa: E402
from data.profiles import manager as pm  # noqa: E402
from data.store import set_backend  # noqa: E402
from data.store.sqlite_backend import SQLiteBackend  # noqa: E402
from fakejira import DEFAULT_EMAIL, DEFAULT_TOKEN, FakeJira  # noqa: E402
from fakejira.server import CLOUD_PAGE_CAP_FIELDS, DC_PAGE_CAP  # noqa: E402

LATENCY_MS = 20
CHANGED = 50
POINTS = {"cloud": "customfield_10016", "datacenter": "customfield_10002"}


def serve_fake(deployment: str, issues: int, conn: Connection) -> None:
    """The fake in a child process, driven over a pipe (so its CPU and memory are not ours)."""
    with FakeJira(deployment, issues=issues, seed=42, latency_ms=LATENCY_MS) as fake:
        conn.send(fake.base_url)
        while True:
            command, argument = conn.recv()
            if command == "stats":
                conn.send(dataset_stats(fake))
            elif command == "touch":
                keys = [i.key for i in fake.dataset.issues()][:: max(1, issues // argument)]
                fake.dataset.touch(keys[:argument])
                conn.send(len(keys[:argument]))
            elif command == "counts":
                conn.send(dict(fake.request_counts))
            elif command == "reset":
                fake.reset_counts()
                conn.send(None)
            elif command == "stop":
                conn.send(None)
                return


def dataset_stats(fake: FakeJira) -> dict[str, Any]:
    issues = fake.dataset.issues()
    histories = [len(i.histories) for i in issues]
    # Bulkfetch asked for fieldIds=["status"] pages over the histories holding a status change
    # (maxResults ≤ 10,000), in batches of ≤ 1,000 issues in the search's order (key descending).
    ordered = sorted(issues, key=lambda i: int(i.key.rsplit("-", 1)[1]), reverse=True)
    status_histories = [
        sum(any(c[0] == "status" for c in h.changes) for h in i.histories) for i in ordered
    ]
    bulk_pages = sum(
        max(
            1,
            math.ceil(sum(status_histories[s : s + BULKFETCH_MAX_ISSUES]) / BULKFETCH_MAX_RESULTS),
        )
        for s in range(0, len(ordered), BULKFETCH_MAX_ISSUES)
    )
    return {
        "issues": len(issues),
        "mean_histories": sum(histories) / max(1, len(histories)),
        "over_40": sum(h > 40 for h in histories) / max(1, len(histories)),
        "bulk_pages": bulk_pages,
    }


def minimum_requests(deployment: str, stats: dict[str, Any]) -> int:
    """serverInfo + myself + the status list (categories, once per full sync) + the field list
    (JIRA Software's fields by schema) + the fewest search pages (+ bulkfetch pages on Cloud)."""
    n = stats["issues"]
    if deployment == "cloud":
        return 4 + math.ceil(n / CLOUD_PAGE_CAP_FIELDS) + stats["bulk_pages"]
    return 4 + math.ceil(n / DC_PAGE_CAP)


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kB on Linux


def run(deployment: str, issues: int) -> None:
    parent, child = mp.Pipe()
    server = mp.Process(target=serve_fake, args=(deployment, issues, child), daemon=True)
    server.start()

    def ask(command: str, argument: Any = None) -> Any:
        parent.send((command, argument))
        return parent.recv()

    base_url = parent.recv()
    stats = ask("stats")
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["FLOWCAST_DATA_DIR"] = tmp
        db_path = initialize_database(Path(tmp) / "profiles" / "burndown.db")
        set_backend(SQLiteBackend(db_path))
        profile_id = pm.create_profile(
            f"Bench {deployment}",
            {
                "jira_config": {
                    "base_url": base_url,
                    "deployment": "auto",
                    "email": DEFAULT_EMAIL,
                    "token": DEFAULT_TOKEN,
                    "points_field": POINTS[deployment],
                }
            },
        )
        query_id = pm.create_query(profile_id, "All", "project = DEMO")
        rss_before = peak_rss_mb()
        started = time.perf_counter()
        full = sync(profile_id, query_id)
        full_seconds = time.perf_counter() - started
        counts = ask("counts")
        served = sum(counts.values())
        minimum = minimum_requests(deployment, stats)
        changed = ask("touch", CHANGED)
        ask("reset")
        started = time.perf_counter()
        incremental = sync(profile_id, query_id)
        incremental_seconds = time.perf_counter() - started
        incremental_counts = ask("counts")
        ok, problems = check_database_integrity(db_path)
        set_backend(None)
    ask("stop")
    server.join(10)

    print(
        f"-- {deployment}: {stats['issues']:,} issues, {stats['mean_histories']:.1f} histories "
        f"each on average, {stats['over_40']:.1%} with more than 40; {LATENCY_MS} ms latency"
    )
    print(
        f"full sync          {full_seconds:8.2f} s   (goal < 20 s)   {full.issue_count:,} issues, "
        f"{full.transition_count:,} status changes"
    )
    print(
        f"  requests         {served:8d}     minimum {minimum} "
        f"(+{(served - minimum) / minimum:.1%}, goal within 10%)   {dict(sorted(counts.items()))}"
    )
    print(
        f"  throughput       {served / full_seconds:8.1f} requests/s   "
        f"{full.issue_count / full_seconds:,.0f} issues/s"
    )
    print(
        f"  peak RSS         {peak_rss_mb():8.1f} MB   (goal < 400 MB; {rss_before:.1f} MB before the sync)"
    )
    print(
        f"incremental        {incremental_seconds:8.3f} s   (goal < 1 s)   {changed} changed, "
        f"{incremental.fetched} fetched, mode {incremental.mode}, "
        f"{sum(incremental_counts.values())} requests {dict(sorted(incremental_counts.items()))}"
    )
    print(f"  integrity        {'ok' if ok else problems}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--issues", type=int, default=int(os.environ.get("BENCH_JIRA_ISSUES", 10_000))
    )
    parser.add_argument("--deployment", choices=["cloud", "datacenter", "both"], default="both")
    args = parser.parse_args()
    if args.deployment != "both":
        run(args.deployment, args.issues)
        return
    # One process per deployment, so each peak RSS is that sync's own.
    for deployment in ("cloud", "datacenter"):
        command = [
            sys.executable,
            __file__,
            "--deployment",
            deployment,
            "--issues",
            str(args.issues),
        ]
        subprocess.run(command, check=True)


if __name__ == "__main__":
    main()
