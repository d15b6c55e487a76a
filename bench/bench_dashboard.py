"""Dashboard benchmarks on a generated 10,000-issue database (120,000 transitions).

1. Server time of each page callback (called as a plain function, plus Dash's JSON encoding of
   what it returns, a kept page's JSON reused as the app reuses it): p50 / p95 over repeated calls, in three states:
   - UNCACHED: both caches emptied before every call, so the query is read from SQLite — the
     first page drawn after an import or restore, or with the frame cache deleted;
   - FIRST: the per-process metrics context cache (``cache._contexts``) emptied, the
     on-disk frame cache (``data.analytics.cache``) filled — the first page drawn after a
     fetch (whose job read the rows) or after a mappings change;
   - WARM: a context cache hit, as on every later call.
2. In headless Chromium against the running app: first page load (Forecast with its four charts
   drawn), switching the query until every Forecast chart is redrawn, and switching the Forecast
   unit (Items / Points) until every chart's axis names the new unit.

    python bench/bench_dashboard.py [--issues 10000] [--repeats 15] [--no-browser]

Prints numbers; never asserts on time. Goals (issue 6): any callback p95 < 300 ms, query switch
< 1.5 s, first load < 3 s, for 10,000 issues.
"""

from __future__ import annotations

import argparse
import importlib.util
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from dash._utils import to_json  # noqa: E402

from bench.browser import chromium, serve_quietly, wait  # noqa: E402

FORECAST_GRAPHS = ("forecast-burndown", "forecast-burnup", "forecast-throughput", "forecast-scope")


def _load_metrics_bench() -> Any:
    """The metrics benchmark's generator (one synthetic data set for both benchmarks)."""
    spec = importlib.util.spec_from_file_location(
        "bench_metrics", ROOT / "bench" / "bench_metrics.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def build(directory: Path, issues: int) -> None:
    from data.analytics.snapshots import snapshot_weeks
    from data.db.connection import get_db_connection, write_transaction

    backend, transitions, seconds = _load_metrics_bench().setup(directory, issues, 12)
    backend.save_query("bench", {"id": "stories", "name": "Stories", "jql": "issuetype = Story"})
    with get_db_connection(backend.db_path) as conn, write_transaction(conn):
        conn.execute(
            "INSERT INTO query_issues (profile_id, query_id, issue_key, added_at) "
            "SELECT profile_id, 'stories', issue_key, fetched_at FROM issues "
            "WHERE profile_id = 'bench' AND issue_type = 'Story'"
        )
    for query in ("all", "stories"):
        snapshot_weeks("bench", query, backfill=26)
    backend.set_app_state("active_profile_id", "bench")
    backend.set_app_state("active_query_id", "all")
    print(f"database: {issues:,} issues, {transitions:,} transitions, built in {seconds:.1f} s")


def timed(
    fn: Callable[[], Any], repeats: int, before: Callable[[], None] | None = None
) -> tuple[float, float]:
    """p50 and p95 in ms of ``fn`` followed by the JSON encoding of its result as the app
    answers it (``shell.encoded``: a page kept for later is encoded once); ``before`` runs
    ahead of every call, outside the timing."""
    from callbacks.shell import encoded

    samples = []
    for _ in range(repeats):
        if before is not None:
            before()
        started = time.perf_counter()
        to_json(encoded(fn()))
        samples.append((time.perf_counter() - started) * 1000)
    samples.sort()
    p95 = samples[min(len(samples) - 1, round(0.95 * (len(samples) - 1)))]
    return statistics.median(samples), p95


def server_times(repeats: int) -> None:
    from callbacks import data_page, dora, flow, forecast, header, plans, review, settings, shell
    from data.analytics import cache
    from layouts import ids

    selection = {"profile": "bench", "query": "all"}
    cases: list[tuple[str, Callable[[], Any]]] = [
        ("forecast page (items)", lambda: forecast.render("bench", "all", "items")),
        ("forecast: unit switch to points",
         lambda: shell.page_update(ids.FORECAST_UNIT_STORE, "/", selection, "points")),
        ("flow page", lambda: flow.render("bench", "all")),
        ("dora page", lambda: dora.render("bench", "all")),
        ("weekly review page", lambda: review.render("bench", "all")),
        ("review: weeks shown (52)", lambda: review.show_weeks(selection, 52)),
        ("plans page", lambda: plans.render("bench", "all")),
        ("settings page", lambda: settings.render("bench", "all")),
        ("data page", lambda: data_page.render("bench", "all")),
        ("selection: switch query",
         lambda: shell.update_selection(ids.HEADER_QUERY, "bench", "stories", selection)),
        ("header: progress poll", lambda: header.FETCH.poll(selection, False)),
        ("review: backfill poll", lambda: review.BACKFILL.poll(selection, False)),
        ("data: migration poll", lambda: data_page.MIGRATION.poll(selection, False)),
        ("serve_layout (first load)", shell.serve_layout),
    ]  # fmt: skip

    def uncached() -> None:
        cache.clear_contexts()
        cache.clear()

    print(f"server time per callback in ms ({repeats} calls each, incl. JSON encoding);")
    print("  uncached = read from SQLite; first = first call after a fetch or mappings change")
    print("  (frames from the on-disk frame cache); warm = metrics context cache hit:")
    states = ("uncached", "first", "warm")
    titles = "".join(f"{f'{state} {p}':>14}" for state in states for p in ("p50", "p95"))
    print(f"  {'callback':28}{titles}")
    for name, fn in cases:
        fn()  # warm up imports once
        times = timed(fn, repeats, before=uncached)
        fn()  # fill the frame cache
        times += timed(fn, repeats, before=cache.clear_contexts)
        fn()  # fill the context cache
        times += timed(fn, repeats)
        print(f"  {name:28}" + "".join(f"{value:14.1f}" for value in times))


def browser_times(switches: int) -> None:
    from app import create_app

    port = serve_quietly(create_app())
    driver = chromium()

    def drawn() -> bool:
        return bool(driver.execute_script(
            "return arguments[0].every(id => document.querySelector('#' + id + ' .main-svg .trace'))",
            list(FORECAST_GRAPHS),
        ))  # fmt: skip

    def units_drawn() -> list[str]:
        """The unit each Forecast chart's y-axis title names (its first word)."""
        return driver.execute_script(
            """return arguments[0].map(id => {
                const plot = document.querySelector('#' + id + ' .js-plotly-plot');
                const title = plot && plot.layout && plot.layout.yaxis.title;
                return ((title && title.text) || '').split(' ')[0];
            })""",
            list(FORECAST_GRAPHS),
        )

    def cards() -> str:
        return driver.execute_script(
            "const e = document.getElementById('forecast-cards'); return e ? e.innerText : '';"
        )

    try:
        loads = []
        for _ in range(3):
            started = time.perf_counter()
            driver.get(f"http://127.0.0.1:{port}/")
            wait(drawn)
            loads.append(time.perf_counter() - started)
        print(f"first page load to 4 Forecast charts drawn: best {min(loads):.2f} s, "
              f"median {statistics.median(loads):.2f} s, first (cold) {loads[0]:.2f} s")  # fmt: skip
        switch_times = []
        for _ in range(switches):
            before = cards()
            current = driver.find_element("id", "header-query").text.strip()
            target = "All" if current == "Stories" else "Stories"
            started = time.perf_counter()
            driver.find_element("id", "header-query").click()
            wait(lambda: driver.find_elements("css selector", ".dash-dropdown-option"))
            option = next(o for o in driver.find_elements("css selector", ".dash-dropdown-option")
                          if o.text.strip() == target)  # fmt: skip
            option.click()
            wait(lambda b=before: cards() not in ("", b) and drawn())
            switch_times.append(time.perf_counter() - started)
        print(f"switch query to all Forecast charts redrawn ({switches} switches): "
              f"p50 {statistics.median(switch_times):.2f} s, max {max(switch_times):.2f} s")  # fmt: skip
        unit_times = []
        for i in range(switches):
            unit = "Points" if i % 2 == 0 else "Items"
            wanted = [unit.lower()] * len(FORECAST_GRAPHS)
            started = time.perf_counter()
            next(label for label in driver.find_elements("css selector", "#forecast-unit label")
                 if label.text.strip() == unit).click()  # fmt: skip
            wait(lambda w=wanted: units_drawn() == w)
            unit_times.append(time.perf_counter() - started)
        print(f"switch Items / Points to all Forecast charts redrawn ({switches} switches): "
              f"p50 {statistics.median(unit_times):.2f} s, max {max(unit_times):.2f} s")  # fmt: skip
    finally:
        driver.quit()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--issues", type=int, default=10_000)
    parser.add_argument("--repeats", type=int, default=15)
    parser.add_argument("--switches", type=int, default=6)
    parser.add_argument("--no-browser", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as directory:
        build(Path(directory), args.issues)
        server_times(args.repeats)
        if not args.no_browser:
            browser_times(args.switches)


if __name__ == "__main__":
    main()
