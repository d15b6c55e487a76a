"""The health summary on the Forecast page: the overall score and four dimensions as the report
computes them; a threshold changed in Settings recolours its dimension."""

from __future__ import annotations

from dash.testing.wait import until

from data.analytics import report
from data.plans.approved import approve_deadline
from layouts import ids
from tests.browser.conftest import click, replace_text, text_of

TIMEOUT = 30


def _health(demo):
    return report.health_section(report.load_context(demo["profile"], demo["query"]))


def test_health_summary_and_a_threshold_from_settings(start_app, fetched_demo):
    approve_deadline(
        fetched_demo["profile"], fetched_demo["query"], "2027-06-30", "test",
        submitter="ann", approver="bob",
    )  # fmt: skip
    health = _health(fetched_demo)
    dash_duo = start_app()
    dash_duo.wait_for_element(f"#{ids.FORECAST_HEALTH}", timeout=TIMEOUT)
    shown = text_of(dash_duo, ids.FORECAST_HEALTH)
    assert f"{health.score} / 100" in shown
    for dimension in health.dimensions:
        assert dimension.label in shown
    quality = health.dimension("quality").signals[0]  # the bug share
    assert f"{quality.value:.0%} bugs among completed items" in shown
    assert "green ≤ 20%, amber ≤ 35%" in shown

    # The demo's bug share is green by default; a green bound of 10 % makes it amber.
    assert quality.status == "green" and 0.10 < quality.value <= 0.20
    dash_duo.driver.get(dash_duo.server_url + "/settings")
    box = dash_duo.wait_for_element(
        '[id*="settings-health-threshold"][id*="bug_share"][id*="green"]', timeout=TIMEOUT
    )
    replace_text(box, "10")
    click(dash_duo, ids.SETTINGS_HEALTH_SAVE, TIMEOUT)
    dash_duo.wait_for_contains_text(f"#{ids.SETTINGS_HEALTH_RESULT}", "Saved", timeout=TIMEOUT)
    dash_duo.driver.get(dash_duo.server_url + "/")
    dash_duo.wait_for_element(f"#{ids.FORECAST_HEALTH}", timeout=TIMEOUT)
    until(lambda: "green ≤ 10%, amber ≤ 35%" in text_of(dash_duo, ids.FORECAST_HEALTH), TIMEOUT)
    assert _health(fetched_demo).dimension("quality").signals[0].status == "amber"
    assert dash_duo.get_logs() == []
