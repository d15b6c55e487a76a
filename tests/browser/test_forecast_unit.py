"""The Forecast page's Items / Points switch: every chart redraws in the chosen unit, the choice
is remembered by the browser across query switches and reloads, and Points is off without a
story-points field."""

from __future__ import annotations

from dash.testing.wait import until

from data.analytics import report
from data.profiles import manager as profile_manager
from layouts import ids
from tests.browser.conftest import choose_option, click, text_of, wait_for_graph

TIMEOUT = 30
GRAPHS = (ids.FORECAST_BURNDOWN, ids.FORECAST_BURNUP, ids.FORECAST_THROUGHPUT, ids.FORECAST_SCOPE)


def _figure(dash_duo, graph_id: str) -> dict:
    """The figure plotly drew in a dcc.Graph: y-axis title and the first trace's y values (read
    from plotly's full data, where base64-packed arrays are decoded)."""
    return dash_duo.driver.execute_script(
        """const plot = document.querySelector('#' + arguments[0] + ' .js-plotly-plot');
        if (!plot || !plot._fullData || !plot._fullData.length) return null;
        const title = plot.layout.yaxis.title;
        return {title: (title && title.text) || title || '', y: Array.from(plot._fullData[0].y),
                heading: plot.layout.title.text};""",
        graph_id,
    )


def _axis_titles(dash_duo) -> list:
    return [(_figure(dash_duo, g) or {}).get("title") for g in GRAPHS]


def _choose_unit(dash_duo, label: str) -> None:
    """Click the Items or Points button of the switch (a label over a hidden radio input)."""
    for element in dash_duo.find_elements(f"#{ids.FORECAST_UNIT} label"):
        if element.text.strip() == label:
            element.click()
            return
    raise AssertionError(f"no {label} option in the unit switch")


def _weekly(demo, query: str):
    return report.load_context(demo["profile"], query).weekly


def _stored_unit(dash_duo) -> str | None:
    return dash_duo.driver.execute_script(
        "return JSON.parse(window.localStorage.getItem(arguments[0]));", ids.FORECAST_UNIT_STORE
    )


def test_unit_switch_redraws_the_charts_in_points_and_back(start_app, fetched_demo):
    other = profile_manager.create_profile("Other team")  # no story-points field
    profile_manager.create_query(other, "Everything", "project = OTHER")
    profile_manager.switch_to(fetched_demo["profile"], fetched_demo["query"])
    dash_duo = start_app()
    wait_for_graph(dash_duo, ids.FORECAST_BURNDOWN, TIMEOUT)
    until(lambda: _axis_titles(dash_duo) == ["items", "items", "items per week", "items per week"],
          TIMEOUT)  # fmt: skip
    weekly = _weekly(fetched_demo, fetched_demo["query"])
    burndown = _figure(dash_duo, ids.FORECAST_BURNDOWN)
    assert burndown["y"] == weekly["remaining_items"].tolist()
    assert "items" in text_of(dash_duo, ids.FORECAST_CARDS)
    assert _stored_unit(dash_duo) is None  # drawing the page stores nothing

    _choose_unit(dash_duo, "Points")
    until(lambda: _axis_titles(dash_duo) == ["points", "points", "points per week",
                                             "points per week"], TIMEOUT)  # fmt: skip
    burndown = _figure(dash_duo, ids.FORECAST_BURNDOWN)
    assert burndown["heading"] == "Burndown (remaining points)"
    assert burndown["y"] == weekly["remaining_points"].tolist()
    assert burndown["y"] != weekly["remaining_items"].tolist()
    throughput = _figure(dash_duo, ids.FORECAST_THROUGHPUT)
    assert throughput["y"] == weekly["completed_points"].astype(float).tolist()
    assert text_of(dash_duo, ids.FORECAST_CARDS).splitlines()[1].endswith("points")

    # The choice is this browser's: it survives a query switch and a reload.
    choose_option(dash_duo, ids.HEADER_QUERY, "Bugs and incidents")
    bugs = _weekly(fetched_demo, fetched_demo["bugs"])
    until(lambda: (_figure(dash_duo, ids.FORECAST_BURNDOWN) or {}).get("y")
          == bugs["remaining_points"].tolist(), TIMEOUT)  # fmt: skip
    assert _axis_titles(dash_duo)[0] == "points"
    dash_duo.driver.refresh()
    until(lambda: (_figure(dash_duo, ids.FORECAST_BURNDOWN) or {}).get("title") == "points",
          TIMEOUT)  # fmt: skip
    assert dash_duo.find_element(f"#{ids.FORECAST_UNIT} input[value='points']").is_selected()

    # A profile without a points field shows items and keeps the stored choice for the next.
    choose_option(dash_duo, ids.HEADER_PROFILE, "Other team")
    dash_duo.wait_for_contains_text(f"#{ids.FORECAST_UNIT_NOTE}", "Story points field", TIMEOUT)
    assert not dash_duo.find_element(f"#{ids.FORECAST_UNIT} input[value='points']").is_enabled()
    assert _stored_unit(dash_duo) == "points"
    choose_option(dash_duo, ids.HEADER_PROFILE, "Demo")
    until(lambda: (_figure(dash_duo, ids.FORECAST_BURNDOWN) or {}).get("title") == "points",
          TIMEOUT)  # fmt: skip

    _choose_unit(dash_duo, "Items")
    until(lambda: _axis_titles(dash_duo)[0] == "items", TIMEOUT)
    # The profile switch picked Demo's most recently used query, "Bugs and incidents".
    assert "Bugs and incidents" in text_of(dash_duo, ids.HEADER_QUERY)
    weekly = _weekly(fetched_demo, fetched_demo["bugs"])
    assert _figure(dash_duo, ids.FORECAST_BURNDOWN)["y"] == weekly["remaining_items"].tolist()
    assert _stored_unit(dash_duo) == "items"
    assert dash_duo.get_logs() == []


def test_points_is_disabled_without_a_points_field(start_app, fetched_demo):
    profile = profile_manager.get_profile(fetched_demo["profile"])
    profile_manager.update_profile(
        fetched_demo["profile"], {"jira_config": {**profile["jira_config"], "points_field": ""}}
    )
    dash_duo = start_app()
    wait_for_graph(dash_duo, ids.FORECAST_BURNDOWN, TIMEOUT)
    dash_duo.wait_for_contains_text(f"#{ids.FORECAST_UNIT_NOTE}", "Story points field", TIMEOUT)
    points = dash_duo.find_element(f"#{ids.FORECAST_UNIT} input[value='points']")
    assert not points.is_enabled()
    click(dash_duo, ids.FORECAST_UNIT)  # clicking the switch keeps items
    until(lambda: _axis_titles(dash_duo)[0] == "items", TIMEOUT)
    assert dash_duo.get_logs() == []
