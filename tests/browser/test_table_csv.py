"""Every table's Download CSV in Chromium (issue 13 §3): on each page, each button's file holds
the table beside it, header and rows, cell for cell as the page shows them; the health
thresholds' file follows a save; the sign-offs' file lists the week signed; and the names carry
the day of the profile's metrics time zone, not the server's (issue 13 §3)."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from dash.testing.wait import until

from data import plans
from data.profiles import manager as profile_manager
from layouts import ids
from tests.browser.conftest import click, replace_text, wait_for_graph

TIMEOUT = 60
# The CSV of each page's tables; the button of each is found in the page by its id.
PAGES = {
    "/flow": ["oldest-items", "past-p85", "blocked-items", "stale-work"],
    "/review": ["week-over-week"],
    "/data": ["audit-log"],
}
TABLE_BESIDE = """
const box = document.getElementById(arguments[0]).parentElement.nextElementSibling;
const table = box.querySelector('table');
const text = cell => cell.innerText;
return [[...table.tHead.rows[0].cells].map(text),
        ...[...table.tBodies[0].rows].map(r => [...r.cells].map(text))];
"""


def _button(name: str) -> str:
    return json.dumps(ids.table_csv(name), sort_keys=True, separators=(",", ":"))


def _plain(cell: str) -> str:
    """A cell as compared: each line's whitespace as the browser collapses it; the ' a formula-like
    text gets in a CSV (layouts.exports) taken off."""
    cell = cell[1:] if cell[:2] in {"'=", "'+", "'-", "'@"} else cell
    return "\n".join(" ".join(line.split()) for line in cell.strip().splitlines())


def download(dash_duo, name: str) -> tuple[Path, list[list[str]]]:
    """Press ``name``'s Download CSV; its file and rows."""
    folder = Path(dash_duo.download_path)
    for old in folder.glob(f"*_{name}_*.csv"):
        old.unlink()
    dash_duo.driver.execute_script("document.getElementById(arguments[0]).click()", _button(name))
    until(lambda: [p for p in folder.glob(f"*_{name}_*.csv") if p.stat().st_size], TIMEOUT)
    saved = next(folder.glob(f"*_{name}_*.csv"))
    until(lambda: saved.read_text(encoding="utf-8").endswith("\n"), TIMEOUT)
    return saved, list(csv.reader(io.StringIO(saved.read_text(encoding="utf-8"))))


@pytest.mark.parametrize("page", list(PAGES))
def test_each_csv_holds_its_table(start_app, fetched_demo, page):
    dash_duo = start_app()
    dash_duo.driver.get(dash_duo.server_url + page)
    for name in PAGES[page]:
        dash_duo.wait_for_element(f"[id='{_button(name)}']", timeout=TIMEOUT)
    filled = 0
    for name in PAGES[page]:
        saved, rows = download(dash_duo, name)
        shown = dash_duo.driver.execute_script(TABLE_BESIDE, _button(name))
        assert [[_plain(c) for c in r] for r in rows] == [[_plain(c) for c in r] for r in shown]
        assert saved.name.startswith("flowcast_" if page == "/data" else "demo_all-work_")
        filled += len(rows) > 1
    assert filled >= 1  # at least one table of the page has rows to compare
    assert dash_duo.get_logs() == []


def test_health_thresholds_csv_follows_a_save(start_app, fetched_demo):
    dash_duo = start_app()
    dash_duo.driver.get(dash_duo.server_url + "/settings")
    box = dash_duo.wait_for_element(
        '[id*="settings-health-threshold"][id*="bug_share"][id*="green"]', timeout=TIMEOUT
    )
    _saved, before = download(dash_duo, "health-thresholds")
    labels = dash_duo.driver.execute_script(TABLE_BESIDE, _button("health-thresholds"))
    assert before[0] == labels[0] == ["Signal", "Green", "Amber"]
    assert [r[0] for r in before[1:]] == [r[0] for r in labels[1:]]
    # Each bound as its input shows it: the sign, the number, % for a share.
    assert dict((r[0], r[1]) for r in before)["Quality: bugs among completed items"] == "≤ 20.0 %"
    replace_text(box, "10")
    click(dash_duo, ids.SETTINGS_HEALTH_SAVE, TIMEOUT)
    dash_duo.wait_for_contains_text(f"#{ids.SETTINGS_HEALTH_RESULT}", "Saved", timeout=TIMEOUT)
    _saved, after = download(dash_duo, "health-thresholds")
    assert dict((r[0], r[1]) for r in after)["Quality: bugs among completed items"] == "≤ 10.0 %"
    assert dash_duo.get_logs() == []


def test_sign_offs_csv_lists_the_weeks_signed(start_app, fetched_demo):
    week = _last_week()
    plans.sign_off_week(fetched_demo["profile"], fetched_demo["query"], week, "Scope held",
                        actor="Ada")  # fmt: skip
    dash_duo = start_app()
    dash_duo.driver.get(dash_duo.server_url + "/review")
    dash_duo.wait_for_contains_text(f"#{ids.REVIEW_SIGNOFFS}", "signed off by Ada", TIMEOUT)
    _saved, rows = download(dash_duo, "sign-offs")
    assert rows[0] == ["Week", "Signed off by", "When", "Notes"]
    assert [(r[0], r[1], r[3]) for r in rows[1:]] == [(week, "Ada", "Scope held")]
    assert dash_duo.get_logs() == []


def _last_week() -> str:
    year, week, _ = date.fromordinal(datetime.now(UTC).date().toordinal() - 7).isocalendar()
    return f"{year}-W{week:02d}"


def test_download_names_carry_the_metrics_time_zones_day(start_app, fetched_demo):
    # Kiritimati (UTC+14) and Adak (UTC-10) are a day apart, so one of them is not on this
    # machine's date, whatever the time of the run.
    server_day = date.today()
    zone, day = next(
        (zone, datetime.now(ZoneInfo(zone)).date())
        for zone in ("Pacific/Kiritimati", "America/Adak")
        if datetime.now(ZoneInfo(zone)).date() != server_day
    )
    profile_manager.set_metrics_time_zone(fetched_demo["profile"], zone)
    dash_duo = start_app()
    dash_duo.driver.get(dash_duo.server_url + "/flow")
    wait_for_graph(dash_duo, ids.FLOW_SCATTER, TIMEOUT)
    saved, _rows = download(dash_duo, "oldest-items")
    assert saved.name == f"demo_all-work_oldest-items_{day.isoformat()}.csv"
    names = dash_duo.driver.execute_script(
        "return [...document.querySelectorAll('.js-plotly-plot')]"
        ".map(p => (p._context.toImageButtonOptions || {}).filename)"
    )
    assert f"demo_all-work_{ids.FLOW_SCATTER}_{day.isoformat()}" in names
    assert all(name.endswith(day.isoformat()) for name in names)
    assert dash_duo.get_logs() == []
