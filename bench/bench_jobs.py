"""Long-job benchmark in headless Chromium: Fetch on the demo (600 issues, the built-in fake JIRA).

Each job runs in a freshly spawned process (``callbacks/background.py``). Measured from the click:
- started: the job's ``task_progress`` record says running (process spawned, modules imported,
  the sync begun);
- done: Fetch is enabled again with the "Fetched …" alert (sync, 26 weekly snapshots, the result
  back in the page).
The first fetch is full; the later ones are incremental.

    python bench/bench_jobs.py [--fetches 6]

Prints numbers; never asserts on time.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.browser import chromium, serve_quietly, wait  # noqa: E402
from data.locations import set_data_dir  # noqa: E402


def fetch_times(fetches: int) -> None:
    from app import create_app
    from callbacks.shell import select_on_first_start
    from data.jira.sync import task_name
    from data.store import get_backend
    from demo import DEMO_PROFILE_ID, DEMO_QUERIES, start_demo

    app = create_app()
    fake = start_demo()
    query_id = DEMO_QUERIES[0][0]
    select_on_first_start(DEMO_PROFILE_ID, query_id)
    task = task_name(DEMO_PROFILE_ID, query_id)
    port = serve_quietly(app)
    driver = chromium()

    def status() -> str | None:
        record = get_backend().get_task_progress(task)
        return record["status"] if record else None

    def result() -> str:
        return driver.execute_script(
            "const e = document.getElementById('header-fetch-result'); return e ? e.innerText : '';"
        )

    def enabled() -> bool:
        return bool(driver.find_elements("css selector", "#header-fetch:not([disabled])"))

    try:
        driver.get(f"http://127.0.0.1:{port}/")
        wait(enabled)
        started, done = [], []
        for _ in range(fetches):
            before = get_backend().get_task_progress(task)
            clicked = time.perf_counter()
            driver.find_element("id", "header-fetch").click()
            wait(
                lambda b=before: (
                    get_backend().get_task_progress(task) != b and status() == "running"
                )
            )
            started.append(time.perf_counter() - clicked)
            # Dash re-enables Fetch (``running=``) when the job's result reaches the page.
            wait(lambda: enabled() and "Fetched" in result())
            done.append(time.perf_counter() - clicked)
        print(f"Fetch, first (full, 600 issues): started {started[0]:.2f} s, done {done[0]:.2f} s")
        later_started, later_done = started[1:], done[1:]
        print(f"Fetch, incremental ({len(later_done)} runs): started p50 "
              f"{statistics.median(later_started):.2f} s (max {max(later_started):.2f} s), done p50 "
              f"{statistics.median(later_done):.2f} s (max {max(later_done):.2f} s)")  # fmt: skip
    finally:
        driver.quit()
        fake.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fetches", type=int, default=6)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as directory:
        set_data_dir(directory)
        fetch_times(max(2, args.fetches))


if __name__ == "__main__":
    main()
