"""One unit per metric across pages, whole counts, and week over week on complete weeks, as a
reader sees them in Chromium on the demo."""

from __future__ import annotations

from layouts import ids
from tests.browser.conftest import wait_for_graph

TIMEOUT = 30

ROWS_SCRIPT = """
const table = document.getElementById(arguments[0]);
const rows = [...table.querySelectorAll('tr')].map(r => [...r.children].map(c => c.innerText));
return rows;
"""


def test_lead_time_and_failure_rate_read_the_same_on_dora_and_the_weekly_review(
    start_app, fetched_demo
):
    dash_duo = start_app()
    dash_duo.driver.get(dash_duo.server_url + "/dora")
    dash_duo.wait_for_contains_text(f"#{ids.DORA_CARDS}", "Lead time", timeout=TIMEOUT)
    # The four cards' values, in the page's order: frequency, lead time, failure rate, restore.
    values = dash_duo.driver.execute_script(
        "return [...document.querySelectorAll(arguments[0])].map(e => e.innerText);",
        f"#{ids.DORA_CARDS} .fs-4",
    )
    assert values[1].endswith(" d") and values[2].endswith("%"), values

    dash_duo.driver.get(dash_duo.server_url + "/review")
    dash_duo.wait_for_element(f"#{ids.REVIEW_DELTAS} td", timeout=TIMEOUT)
    header, *rows = dash_duo.driver.execute_script(ROWS_SCRIPT, ids.REVIEW_DELTAS)
    by_metric = {row[0]: row[1:] for row in rows}
    # The demo is fetched now, mid-week: the running week is beside the two complete weeks.
    assert header[3] == "Change" and "so far (partial" in header[4], header
    assert all(v.endswith(" d") for v in by_metric["Lead time (days)"][:2]), by_metric
    assert all(v.endswith("%") for v in by_metric["Change failure rate (%)"][:2]), by_metric
    for counted in ("Remaining items", "Flow load (items)"):
        assert all(v.lstrip("+-").isdigit() for v in by_metric[counted]), by_metric
    wait_for_graph(dash_duo, ids.REVIEW_TRENDS, TIMEOUT)
    assert dash_duo.get_logs() == []
