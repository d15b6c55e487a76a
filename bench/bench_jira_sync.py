"""JIRA sync benchmark against the fake JIRA (in its own process) with 20 ms latency per request.

Full sync of N issues (default 10,000) and an incremental refresh after 50 issues changed, for
Cloud and Data Center. Prints wall time, requests vs the minimum the API allows, peak RSS of the
syncing process, requests/s and issues/s. Never asserts on time. Cases and their goals:

- ``plain`` (issue 3): full < 20 s, requests within 10% of the minimum, peak < 400 MB,
  incremental < 1 s;
- ``sprints`` (issue 12 §5): a Scrum team (the fake's sprints, Sprint histories, epics and
  sub-tasks) with the profile naming its board: full < 25 s;
- ``keyset`` (issue 12 §5): 50,000 Data Center issues, past the 10,000 search window, so paged by
  key set: full < 60 s, peak < 600 MB.

    python bench/bench_jira_sync.py                 # every case (make bench)
    python bench/bench_jira_sync.py --case plain    # 10,000 issues, both deployments
    python bench/bench_jira_sync.py --case sprints  # 10,000 Scrum issues, both deployments
    python bench/bench_jira_sync.py --case keyset   # 50,000 Data Center issues
    python bench/bench_jira_sync.py --issues 2000 --deployment cloud   # a quick run
    FLOWCAST_BENCH_BASELINE=/work/prev-main python bench/bench_jira_sync.py --case scale

- ``scale`` (issue 16 §3): the full sync of 50,000 Data Center issues, run alternately on this
  tree and on the previous main (``FLOWCAST_BENCH_BASELINE``, bench/baseline.py) against one fake,
  each sync in a fresh process and database: median wall and CPU time and peak RSS, each with its
  goal (< 12 s, < 350 MiB) and its ratio to the previous main; the requests of a sync and how
  many the fake answered at once; and the fake's own CPU per sync, printed apart: it runs on the
  same cores as the sync (a real JIRA runs on a machine of its own), so it is part of the wall
  time here and of none of the sync's CPU.
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
sys.path.insert(0, str(Path(__file__).resolve().parent))

from baseline import THIS_TREE, compare, run_in  # noqa: E402

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
AGILE_PAGE = 50  # sprints per page of the Agile API
# case: (default issues, deployments, full sync goal in s, peak RSS goal in MB)
CASES = {
    "plain": (10_000, ("cloud", "datacenter"), 20, 400),
    "sprints": (10_000, ("cloud", "datacenter"), 25, 400),
    "keyset": (50_000, ("datacenter",), 60, 600),
}


def serve_fake(deployment: str, issues: int, scrum: bool, conn: Connection) -> None:
    """The fake in a child process, driven over a pipe (so its CPU and memory are not ours)."""
    with FakeJira(deployment, issues=issues, seed=42, latency_ms=LATENCY_MS, scrum=scrum) as fake:
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
            elif command == "peak":
                conn.send(fake.peak_in_flight)
            elif command == "cpu":  # the fake's own CPU seconds so far, every thread of it
                conn.send(time.process_time())
            elif command == "reset":
                fake.reset_counts()
                conn.send(None)
            elif command == "stop":
                conn.send(None)
                return


def dataset_stats(fake: FakeJira) -> dict[str, Any]:
    issues = fake.dataset.issues()
    histories = [len(i.histories) for i in issues]
    # Bulkfetch asked for fieldIds=["status"] (and the Sprint field on a Scrum site) pages over
    # the histories holding such a change (maxResults ≤ 10,000), in batches of ≤ 1,000 issues in
    # the search's order (key descending).
    ordered = sorted(issues, key=lambda i: int(i.key.rsplit("-", 1)[1]), reverse=True)
    asked = ("status", "sprint") if fake.dataset.scrum else ("status",)
    status_histories = [
        sum(any(c[0] in asked for c in h.changes) for h in i.histories) for i in ordered
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
        "agile_pages": math.ceil(len(fake.dataset.sprints) / AGILE_PAGE)
        if fake.dataset.scrum
        else 0,
        "sprints": len(fake.dataset.sprints),
    }


def minimum_requests(deployment: str, stats: dict[str, Any]) -> int:
    """serverInfo + myself + the status list (categories, once per full sync) + the field list
    (JIRA Software's fields by schema) + the board's sprint pages + the fewest search pages
    (+ bulkfetch pages on Cloud)."""
    n = stats["issues"]
    if deployment == "cloud":
        return 4 + stats["agile_pages"] + math.ceil(n / CLOUD_PAGE_CAP_FIELDS) + stats["bulk_pages"]
    return 4 + stats["agile_pages"] + math.ceil(n / DC_PAGE_CAP)


SCALE_ISSUES = 50_000
SCALE_ROUNDS = 3
SCALE_GOAL_SECONDS = 12
SCALE_GOAL_MIB = 350
# One full sync in a process of its own, on whichever tree is first on the import path; its last
# line is what bench/baseline.py reads: wall and CPU seconds of the sync, the process's peak RSS.
SCALE_SYNC = """
import os, resource, sys, tempfile, time
from pathlib import Path
from data.db.connection import initialize_database
from data.jira.sync import sync
from data.profiles import manager as pm
from data.store import set_backend
from data.store.sqlite_backend import SQLiteBackend
with tempfile.TemporaryDirectory() as tmp:
    os.environ["FLOWCAST_DATA_DIR"] = tmp
    set_backend(SQLiteBackend(initialize_database(Path(tmp) / "profiles" / "burndown.db")))
    config = {"base_url": os.environ["BENCH_JIRA_URL"], "deployment": "auto",
              "email": os.environ["BENCH_JIRA_EMAIL"], "token": os.environ["BENCH_JIRA_TOKEN"],
              "points_field": os.environ["BENCH_JIRA_POINTS"]}
    profile_id = pm.create_profile("Bench", {"jira_config": config})
    query_id = pm.create_query(profile_id, "All", "project = DEMO")
    started, started_cpu = time.perf_counter(), time.process_time()
    result = sync(profile_id, query_id)
    wall, cpu = time.perf_counter() - started, time.process_time() - started_cpu
    assert result.issue_count == int(os.environ["BENCH_JIRA_ISSUES"]), result
    set_backend(None)
print(wall, cpu, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
"""


def run_scale(issues: int) -> None:
    """Issue 16 §3's figure: this tree against the previous main, one fake for every round."""
    parent, child = mp.Pipe()
    server = mp.Process(target=serve_fake, args=("datacenter", issues, False, child), daemon=True)
    server.start()
    base_url = parent.recv()
    env = {
        "BENCH_JIRA_URL": base_url,
        "BENCH_JIRA_EMAIL": DEFAULT_EMAIL,
        "BENCH_JIRA_TOKEN": DEFAULT_TOKEN,
        "BENCH_JIRA_POINTS": POINTS["datacenter"],
        "BENCH_JIRA_ISSUES": str(issues),
    }

    def ask(command: str) -> Any:
        parent.send((command, None))
        return parent.recv()

    # The fake renders each issue once and then serves it from its cache: an unmeasured sync
    # first, so that no round pays for the rendering. Its requests are this tree's.
    ask("reset")
    run_in(THIS_TREE, ["-c", SCALE_SYNC], env, inside=True)
    counts = ask("counts")
    print(
        f"-- scale datacenter: {issues:,} issues, {LATENCY_MS} ms latency, load {os.getloadavg()[0]:.1f}; "
        "the server is the fake JIRA, on the same cores as the sync (a real JIRA runs elsewhere)"
    )
    print(
        f"requests per sync: {sum(counts.values())} ({counts.get('search', 0)} searches, the "
        f"minimum {math.ceil(issues / DC_PAGE_CAP)}), at most {ask('peak')} answered at once"
    )
    compare(
        f"full sync of {issues:,} Data Center issues",
        SCALE_GOAL_SECONDS,
        ["-c", SCALE_SYNC],
        env,
        SCALE_ROUNDS,
        inside=True,
        peak_goal_mb=SCALE_GOAL_MIB,
        server_cpu=lambda: float(ask("cpu")),
    )
    parent.send(("stop", None))
    parent.recv()
    server.join(10)


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kB on Linux


def run(deployment: str, issues: int, case: str) -> None:
    _default, _deployments, goal_seconds, goal_mb = CASES[case]
    scrum = case == "sprints"
    parent, child = mp.Pipe()
    server = mp.Process(target=serve_fake, args=(deployment, issues, scrum, child), daemon=True)
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
                    **({"board_id": 1} if scrum else {}),  # the fake's Scrum board
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

    scrum_note = f", {stats['sprints']} sprints, epics and sub-tasks" if scrum else ""
    print(
        f"-- {case} {deployment}: {stats['issues']:,} issues{scrum_note}, "
        f"{stats['mean_histories']:.1f} histories each on average, {stats['over_40']:.1%} with "
        f"more than 40; {LATENCY_MS} ms latency"
    )
    print(
        f"full sync          {full_seconds:8.2f} s   (goal < {goal_seconds} s)   "
        f"{full.issue_count:,} issues, {full.transition_count:,} status changes"
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
        f"  peak RSS         {peak_rss_mb():8.1f} MB   (goal < {goal_mb} MB; {rss_before:.1f} MB "
        "before the sync)"
    )
    print(
        f"incremental        {incremental_seconds:8.3f} s   (goal < 1 s)   {changed} changed, "
        f"{incremental.fetched} fetched, mode {incremental.mode}, "
        f"{sum(incremental_counts.values())} requests {dict(sorted(incremental_counts.items()))}"
    )
    print(f"  integrity        {'ok' if ok else problems}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--case", choices=[*sorted(CASES), "scale", "all"], default="all")
    parser.add_argument("--issues", type=int, default=None, help="default: the case's")
    parser.add_argument("--deployment", choices=["cloud", "datacenter", "both"], default="both")
    args = parser.parse_args()
    if args.case == "all":  # make bench: each case in a process of its own
        for case in [*CASES, "scale"]:
            subprocess.run([sys.executable, __file__, "--case", case], check=True)
        return
    if args.case == "scale":
        run_scale(args.issues or SCALE_ISSUES)
        return
    default, deployments, _seconds, _mb = CASES[args.case]
    issues = args.issues or int(os.environ.get("BENCH_JIRA_ISSUES", default))
    if args.deployment != "both":
        run(args.deployment, issues, args.case)
        return
    # One process per deployment, so each peak RSS is that sync's own.
    for deployment in deployments:
        command = [sys.executable, __file__, "--case", args.case, "--deployment", deployment,
                   "--issues", str(issues)]  # fmt: skip
        subprocess.run(command, check=True)


if __name__ == "__main__":
    main()
