"""Take a screenshot of every dashboard page, and of the standalone HTML report, on the demo data
into docs/screenshots/.

Runs the app in this process on a free loopback port with a throw-away data directory, fetches
the demo queries from the built-in fake JIRA, and drives headless Chromium (the Debian
/usr/bin/chromium with the chromedriver on PATH). Usage:

    .venv/bin/python scripts/screenshots.py [--out docs/screenshots] [--dark] [--only sprints ...]
"""

from __future__ import annotations

import argparse
import socket
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

REPORT = "report.html"
# (file name, path, CSS selector present once the page is drawn)
PAGES = [
    ("forecast", "/", "#forecast-burndown .main-svg .trace"),
    ("sprints", "/sprints", "#sprints-burndown .main-svg .trace"),
    ("forecast-epics", "/", "#forecast-epics-table"),
    ("flow", "/flow", "#flow-scatter"),
    ("dora", "/dora", "#dora-cards"),
    ("weekly-review", "/review", "#review-trends"),
    ("plans", "/plans", "#plans-content"),
    ("settings", "/settings", "#settings-jira-url"),
    ("data", "/data", "#data-audit"),
    # The file `flowcast report --html` writes (and Download report gives), opened from disk.
    ("report", REPORT, "#chart-burndown .main-svg .trace"),
]
# Pages shown by one part only: that element's picture instead of the whole page.
CROPS = {"forecast-epics": "#forecast-epics-view"}
WIDTH, HEIGHT = 1280, 1000
MAX_HEIGHT = 5200  # the Flow page with its views is about 4,800 px long


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def prepare_demo() -> None:
    """Demo profile, both queries fetched with 26 weekly snapshots, and an approved plan."""
    from data import plans
    from data.analytics.snapshots import snapshot_weeks
    from data.jira.sync import sync
    from data.profiles import manager as profile_manager
    from demo import DEMO_PROFILE_ID, DEMO_QUERIES

    for query_id, *_rest in DEMO_QUERIES:
        sync(DEMO_PROFILE_ID, query_id)
        snapshot_weeks(DEMO_PROFILE_ID, query_id, backfill=26)
    query_id = DEMO_QUERIES[0][0]
    profile_manager.update_profile(
        DEMO_PROFILE_ID,
        {"forecast_settings": {"milestone": "2027-01-29"}},
    )
    plan_id = plans.create_plan(
        DEMO_PROFILE_ID,
        query_id,
        "Release 2027.1",
        {"name": "Release 2027.1", "type": "release", "status": "active",
         "scope_target": {"items": 120}, "deadline": "2027-03-31", "scope_items": []},
    )  # fmt: skip
    plans.submit_version(plan_id)
    plans.approve_version(plan_id, notes="Baseline agreed in planning")
    document = plans.get_current_plan(plan_id)["data"]
    plans.create_version(plan_id, {**document, "scope_target": {"items": 135}}, "Two epics added")
    profile_manager.switch_to(DEMO_PROFILE_ID, query_id)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=str(ROOT / "docs" / "screenshots"))
    parser.add_argument("--dark", action="store_true", help="also take dark-theme shots")
    parser.add_argument(
        "--only", action="append", choices=[name for name, *_ in PAGES], help="only this page"
    )
    args = parser.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)

    with tempfile.TemporaryDirectory() as data_dir:
        from data.locations import set_data_dir

        set_data_dir(data_dir)
        from app import create_app
        from demo import start_demo

        app = create_app()
        fake = start_demo()
        prepare_demo()
        port = free_port()
        threading.Thread(
            target=lambda: app.run(host="127.0.0.1", port=port, debug=False, use_reloader=False),
            daemon=True,
        ).start()
        pages = [page for page in PAGES if not args.only or page[0] in args.only]
        report_file = write_report(Path(data_dir))
        shoot(f"http://127.0.0.1:{port}", out, args.dark, pages, report_file.as_uri())
        fake.stop()


def write_report(folder: Path) -> Path:
    """The demo's standalone HTML report, as Download report gives it."""
    from data.analytics.report_bundle import build_report_bundle
    from demo import DEMO_PROFILE_ID, DEMO_QUERIES
    from layouts.report_html import report_html

    target = folder / REPORT
    target.write_text(report_html(build_report_bundle(DEMO_PROFILE_ID, DEMO_QUERIES[0][0])))
    return target


def shoot(
    base_url: str, out: Path, dark: bool, pages: list[tuple[str, str, str]], report_url: str
) -> None:
    from selenium import webdriver
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions
    from selenium.webdriver.support.ui import WebDriverWait

    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", f"--window-size={WIDTH},{HEIGHT}",
                 "--hide-scrollbars"):  # fmt: skip
        options.add_argument(flag)
    driver = webdriver.Chrome(options=options)
    try:
        for theme in ("light", "dark") if dark else ("light",):
            for name, path, ready in pages:
                driver.get(report_url if path == REPORT else base_url + path)
                WebDriverWait(driver, 60).until(
                    expected_conditions.presence_of_element_located((By.CSS_SELECTOR, ready))
                )
                if theme == "dark" and path == REPORT:
                    continue  # the report is a light page to print and share
                if theme == "dark":
                    driver.execute_script(
                        "document.documentElement.setAttribute('data-bs-theme', 'dark')"
                    )
                time.sleep(1.5)  # let plotly finish its transitions before the picture
                height = driver.execute_script("return document.body.scrollHeight")
                # The window's own frame is not page: without it the page's foot was cut off.
                frame = driver.execute_script("return window.outerHeight - window.innerHeight")
                driver.set_window_size(WIDTH, min(max(height, HEIGHT), MAX_HEIGHT) + frame)
                suffix = "" if theme == "light" else "-dark"
                target = out / f"{name}{suffix}.png"
                if name in CROPS:
                    driver.find_element(By.CSS_SELECTOR, CROPS[name]).screenshot(str(target))
                else:
                    driver.save_screenshot(str(target))
                driver.set_window_size(WIDTH, HEIGHT)
                print(target)
    finally:
        driver.quit()


if __name__ == "__main__":
    main()
