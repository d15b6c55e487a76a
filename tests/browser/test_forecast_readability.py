"""The Forecast page reads at a glance: the burndown opens on the recent weeks and the forecast
horizon, completion dates move by days, the Monte Carlo distributions are drawn, "how many by"
follows the date picked, and the Fixed / Growing scope switch says which forecast is shown."""

from __future__ import annotations

from datetime import date

from dash.testing.wait import until
from selenium.common.exceptions import (
    ElementClickInterceptedException,
    StaleElementReferenceException,
)
from selenium.webdriver.common.keys import Keys

from data.analytics import report
from data.plans.approved import approve_deadline
from data.profiles import manager as profile_manager
from layouts import ids
from tests.browser.conftest import replace_text, text_of, wait_for_graph

TIMEOUT = 30

FIGURE = """const plot = document.querySelector('#' + arguments[0] + ' .js-plotly-plot');
if (!plot || !plot._fullLayout) return null;
return {range: plot._fullLayout.xaxis.range, title: plot._fullLayout.title.text,
        traces: plot._fullData.length, x: plot._fullData.length ? Array.from(plot._fullData[0].x)
        : []};"""


def _figure(dash_duo, graph_id: str) -> dict:
    return dash_duo.driver.execute_script(FIGURE, graph_id) or {}


def _choose(dash_duo, switch_id: str, label: str) -> None:
    """Click the ``label`` button of a switch (a label over a hidden radio input), scrolled to
    the middle of the window; retried while something else (a closing popup) covers it."""

    def attempt() -> bool:
        for element in dash_duo.find_elements(f"#{switch_id} label"):
            if element.text.strip() == label:
                dash_duo.driver.execute_script(
                    "arguments[0].scrollIntoView({block: 'center', behavior: 'instant'});",
                    element,
                )
                try:
                    element.click()
                except (ElementClickInterceptedException, StaleElementReferenceException):
                    return False
                return True
        return False

    until(attempt, TIMEOUT, poll=0.25)


def test_the_forecast_opens_on_its_horizon_and_shows_its_distributions(start_app, fetched_demo):
    profile, query = fetched_demo["profile"], fetched_demo["query"]
    approve_deadline(profile, query, "2027-06-30", "test", submitter="ann", approver="bob")
    section = report.forecast_section(report.load_context(profile, query))
    dash_duo = start_app()
    wait_for_graph(dash_duo, ids.FORECAST_BURNDOWN, TIMEOUT)

    # The burndown opens on the last 12 weeks and runs to the deadline (the latest date ahead),
    # a week's margin each side; the first of the year's weeks is outside it.
    burndown = _figure(dash_duo, ids.FORECAST_BURNDOWN)
    start, end = (date.fromisoformat(str(x)[:10]) for x in burndown["range"])
    today = report.load_context(profile, query).today
    assert (today - start).days == 12 * 7 + 7
    assert end.isoformat() == "2027-07-07"
    assert date.fromisoformat(burndown["x"][0][:10]) < start
    assert _figure(dash_duo, ids.FORECAST_BURNUP)["range"] == burndown["range"]

    # The cards give the Monte Carlo dates, and the finish-dates chart draws one bar per day.
    cards = text_of(dash_duo, ids.FORECAST_CARDS)
    when = section.when("items")
    assert when.dates["p50"].isoformat() in cards and when.dates["p85"].isoformat() in cards
    wait_for_graph(dash_duo, ids.FORECAST_FINISH_DATES, TIMEOUT)
    finish = _figure(dash_duo, ids.FORECAST_FINISH_DATES)
    assert [d[:10] for d in finish["x"]] == [d.isoformat() for d in when.histogram["date"]]
    assert "fixed scope" in finish["title"]
    assert "fixed scope" in text_of(dash_duo, ids.FORECAST_SCOPE_NOTE)

    # "How many by" asks about the deadline first, then about the date typed in.
    how_many = _figure(dash_duo, ids.FORECAST_HOW_MANY)
    assert how_many["title"] == "How many items by 2027-06-30"
    picker = dash_duo.find_element(f"#{ids.FORECAST_HOW_MANY_DATE}")  # the input itself
    replace_text(picker, "2027-01-15")
    picker.send_keys(Keys.TAB)  # the picker takes a typed date when it loses focus
    until(lambda: _figure(dash_duo, ids.FORECAST_HOW_MANY).get("title")
          == "How many items by 2027-01-15", TIMEOUT)  # fmt: skip

    # The growing scope: the demo adds about as much work as it finishes, so it has no dates,
    # and the page says so and which forecast it shows.
    _choose(dash_duo, ids.FORECAST_SCOPE_MODEL, "Growing scope")
    until(lambda: "growing scope" in text_of(dash_duo, ids.FORECAST_SCOPE_NOTE), TIMEOUT)
    profile_settings = profile_manager.get_profile(profile)["forecast_settings"]
    assert profile_settings["monte_carlo_scope"] == "growing"
    growing = report.forecast_section(report.load_context(profile, query)).when("items")
    assert growing.dates is None and growing.arrival_rate > 10
    until(lambda: "no forecast: new work arrives about as fast as work is finished"
          in text_of(dash_duo, ids.FORECAST_CARDS), TIMEOUT)  # fmt: skip
    _choose(dash_duo, ids.FORECAST_SCOPE_MODEL, "Fixed scope")
    until(lambda: "fixed scope" in text_of(dash_duo, ids.FORECAST_SCOPE_NOTE), TIMEOUT)
    assert when.dates["p85"].isoformat() in text_of(dash_duo, ids.FORECAST_CARDS)
    assert dash_duo.get_logs() == []
