"""How long a sync takes to end when JIRA misbehaves, with the default retry policy (real waits).

Each case is a full sync of a 200-issue query against the fake JIRA on 127.0.0.1 with one fault
injected on every matching request (or no JIRA at all), timed from the call to its end. Goals
(issues 10 and 17): a persistent fault ends within 20 s with the fault named; a stalled request
ends at the read timeout (30 s, plus 1 s for the requests before it); three 503s without
Retry-After are got past within the total wait cap (15 s, plus 1 s for the requests; it took 38 s
before). Prints each case's time against its goal, the requests JIRA saw and what the user is
told. Never asserts on time.

    python bench/bench_jira_faults.py                      # every case, Cloud
    python bench/bench_jira_faults.py --deployment datacenter --case reset
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import textwrap
import time
from collections.abc import Callable
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from data.db.connection import initialize_database  # noqa: E402
from data.errors import FlowcastError  # noqa: E402
from data.jira.client import RetryPolicy  # noqa: E402
from data.jira.sync import sync  # noqa: E402
from data.profiles import manager as pm  # noqa: E402
from data.store import set_backend  # noqa: E402
from data.store.sqlite_backend import SQLiteBackend  # noqa: E402
from fakejira import DEFAULT_EMAIL, DEFAULT_TOKEN, FakeJira, dead_jira  # noqa: E402

ISSUES = 200
POLICY = RetryPolicy()
PERSISTENT_GOAL = 20.0
# The requests before and between (serverInfo, myself, statuses, the count) take well under 1 s.
REQUESTS_MARGIN = 1.0
STALL_GOAL = POLICY.read_timeout + REQUESTS_MARGIN
PAST_GOAL = POLICY.max_total_wait + REQUESTS_MARGIN
SEARCH = {"cloud": "search/jql", "datacenter": "search"}


@dataclass(frozen=True)
class Case:
    name: str
    goal: float
    # Sets the fault up on the fake (or returns another base URL); returns the URL to sync from.
    arrange: Callable[[FakeJira, ExitStack, str], str]


def fault(kind: str, *, search_only: bool = False, **options: object) -> Callable[..., str]:
    def arrange(fake: FakeJira, _stack: ExitStack, deployment: str) -> str:
        endpoint = SEARCH[deployment] if search_only else ""
        fake.faults.add(kind, count=options.pop("count", None), endpoint=endpoint, **options)  # type: ignore[arg-type]
        return fake.base_url

    return arrange


def dead(kind: str) -> Callable[..., str]:
    return lambda _fake, stack, _deployment: stack.enter_context(dead_jira(kind))


CASES = [
    Case("connection refused", PERSISTENT_GOAL, dead("refused")),
    Case("unknown host (DNS)", PERSISTENT_GOAL, lambda *_: "https://jira.flowcast-bench.invalid"),
    Case("no connection (host drops packets)", PERSISTENT_GOAL, dead("silent")),
    Case("503 on every request", PERSISTENT_GOAL, fault("503")),
    Case("503 with Retry-After: 120 on every request", PERSISTENT_GOAL, fault("503", retry_after=120)),
    Case("429 on every request", PERSISTENT_GOAL, fault("429", retry_after=1)),
    Case("connection reset on every request", PERSISTENT_GOAL, fault("reset")),
    Case("every search page truncated", PERSISTENT_GOAL, fault("truncate", search_only=True)),
    Case("every search page malformed", PERSISTENT_GOAL, fault("malformed", search_only=True)),
    Case("a sign-in page instead of JSON", PERSISTENT_GOAL, fault("html")),
    Case("410 on every search page", PERSISTENT_GOAL, fault("410", search_only=True)),
    Case("a search page never answered", STALL_GOAL, fault("slow", search_only=True, delay_ms=60_000)),
    Case("a search page stalls mid-answer", STALL_GOAL, fault("stall", search_only=True, delay_ms=60_000)),
    Case("three 503s, then answers", PAST_GOAL, fault("503", search_only=True, count=3)),
]  # fmt: skip


def run(case: Case, deployment: str) -> tuple[float, int, str]:
    """(seconds, requests JIRA saw, what the user is told) for one case."""
    with ExitStack() as stack:
        tmp = stack.enter_context(tempfile.TemporaryDirectory())
        os.environ["FLOWCAST_DATA_DIR"] = tmp
        set_backend(SQLiteBackend(initialize_database(Path(tmp) / "profiles" / "burndown.db")))
        fake = stack.enter_context(FakeJira(deployment, issues=ISSUES, seed=3))
        base_url = case.arrange(fake, stack, deployment)
        config = {"base_url": base_url, "email": DEFAULT_EMAIL, "token": DEFAULT_TOKEN}
        profile_id = pm.create_profile(f"Bench {deployment}", {"jira_config": config})
        query_id = pm.create_query(profile_id, "All", "project = DEMO")
        started = time.monotonic()
        try:
            result = sync(profile_id, query_id, full=True)
            told = f"Completed: {result.issue_count} issues"
        except FlowcastError as exc:
            told = f"{type(exc).__name__}: {exc}"
        return time.monotonic() - started, fake.total_requests, told


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--deployment", choices=["cloud", "datacenter"], default="cloud")
    parser.add_argument("--case", help="run only the cases whose name contains this")
    args = parser.parse_args()
    print(
        f"JIRA faults ({args.deployment}, {ISSUES} issues, default RetryPolicy: "
        f"{POLICY.max_attempts} attempts, {POLICY.max_total_wait:g} s total wait, "
        f"{POLICY.read_timeout:g} s read timeout)"
    )
    print(f"{'case':44} {'time':>7} {'goal':>6}  ok  {'requests':>8}")
    for case in CASES:
        if args.case and args.case not in case.name:
            continue
        seconds, requests, told = run(case, args.deployment)
        ok = "yes" if seconds <= case.goal else "NO"
        print(f"{case.name:44} {seconds:6.1f}s {case.goal:5.0f}s  {ok:3} {requests:8}", flush=True)
        print(textwrap.indent(textwrap.fill(told, 96), "    "), flush=True)


if __name__ == "__main__":
    main()
