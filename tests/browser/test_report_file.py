"""The standalone HTML report opened in Chromium from disk (every chart drawn by the one
embedded plotly.js, nothing fetched from anywhere, no console error, no script from JIRA text),
the header's Download report, and a table's CSV download."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from click.testing import CliRunner
from dash.testing.wait import until
from selenium.common.exceptions import NoAlertPresentException

from cli.main import cli
from data.jira.sync import sync
from data.profiles import manager as profile_manager
from layouts import ids
from layouts.flow import AGEING_COLUMNS
from tests.browser.conftest import click, wait_for_graph

TIMEOUT = 60


def test_report_file_opens_offline_with_every_chart(dash_duo, fetched_demo, tmp_path: Path):
    # Markup in DEMO-3's summary, listed among the items in progress.
    fetched_demo["fake"].dataset.touch(["DEMO-3"], status="In Progress")
    sync(fetched_demo["profile"], fetched_demo["query"])
    out = tmp_path / "report.html"
    result = CliRunner().invoke(
        cli, ["report", "-p", fetched_demo["profile"], "-q", fetched_demo["query"], "--html",
              str(out)], catch_exceptions=False,
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    driver = dash_duo.driver
    driver.get(out.as_uri())
    expected = driver.execute_script("return document.querySelectorAll('figure.chart').length")
    assert expected == 16
    until(
        lambda: (
            driver.execute_script(
                "return document.querySelectorAll('figure.chart .js-plotly-plot .main-svg').length"
            )
            >= expected
        ),
        TIMEOUT,
    )
    drawn = driver.execute_script(
        "return [...document.querySelectorAll('figure.chart')]"
        ".filter(f => f.querySelector('.js-plotly-plot .main-svg')).length"
    )
    assert drawn == expected
    # Nothing was loaded from anywhere but the file itself.
    assert driver.execute_script("return performance.getEntriesByType('resource').length") == 0
    try:
        alert_text = driver.switch_to.alert.text
    except NoAlertPresentException:
        alert_text = None
    assert alert_text is None
    assert "DEMO-3" in driver.execute_script("return document.getElementById('flow').innerText")
    assert driver.execute_script("return document.querySelectorAll('table img').length") == 0
    assert dash_duo.get_logs() == []


def test_download_report_from_any_page(start_app, fetched_demo):
    dash_duo = start_app()
    dash_duo.driver.get(dash_duo.server_url + "/dora")
    dash_duo.wait_for_element(f"#{ids.DORA_CARDS}", timeout=TIMEOUT)
    click(dash_duo, ids.HEADER_REPORT, TIMEOUT)
    downloads = Path(dash_duo.download_path)
    until(lambda: list(downloads.glob("*.html")), TIMEOUT)
    saved = next(downloads.glob("*.html"))
    assert saved.name.startswith("demo_all-work_report_")
    until(lambda: saved.read_text(encoding="utf-8").rstrip().endswith("</html>"), TIMEOUT)
    assert saved.read_text(encoding="utf-8").count('<figure class="chart"') == 16
    assert dash_duo.get_logs() == []


def test_a_table_downloads_as_csv_named_after_the_selection(start_app, fetched_demo):
    dash_duo = start_app()
    dash_duo.driver.get(dash_duo.server_url + "/flow")
    dash_duo.wait_for_contains_text(f"#{ids.FLOW_AGEING_TABLE}", "DEMO-", timeout=TIMEOUT)
    button = json.dumps(ids.table_csv("oldest-items"), sort_keys=True, separators=(",", ":"))
    dash_duo.driver.execute_script("document.getElementById(arguments[0]).click()", button)
    downloads = Path(dash_duo.download_path)
    until(lambda: list(downloads.glob("*.csv")), TIMEOUT)
    saved = next(downloads.glob("*.csv"))
    assert saved.name.startswith("demo_all-work_oldest-items_") and saved.suffix == ".csv"
    until(lambda: saved.stat().st_size > 0, TIMEOUT)
    rows = list(csv.reader(io.StringIO(saved.read_text(encoding="utf-8"))))
    assert rows[0] == [label for _key, label in AGEING_COLUMNS]
    shown = dash_duo.driver.execute_script(
        "return [...document.querySelectorAll('#' + arguments[0] + ' tbody tr')]"
        ".map(r => r.cells[0].innerText)",
        ids.FLOW_AGEING_TABLE,
    )
    assert [r[0] for r in rows[1:]] == shown and shown
    assert dash_duo.get_logs() == []


def test_chart_png_downloads_are_named_after_the_selection(start_app, fetched_demo):
    dash_duo = start_app()
    dash_duo.driver.get(dash_duo.server_url + "/flow")
    wait_for_graph(dash_duo, ids.FLOW_SCATTER, TIMEOUT)
    names = dash_duo.driver.execute_script(
        "return [...document.querySelectorAll('.js-plotly-plot')]"
        ".map(p => [p.parentElement.closest('[id]').id,"
        " (p._context.toImageButtonOptions || {}).filename])"
    )
    # The day in the demo's metrics time zone (tests/browser/test_table_csv.py: one that differs).
    today = profile_manager.metrics_today(profile_manager.get_profile(fetched_demo["profile"]))
    today = today.isoformat()
    assert [ids.FLOW_SCATTER, f"demo_all-work_{ids.FLOW_SCATTER}_{today}"] in names
    assert all(name == f"demo_all-work_{chart}_{today}" for chart, name in names)
    assert dash_duo.get_logs() == []
