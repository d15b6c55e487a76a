"""Every page renders its charts from the demo's data; switching profile and query changes them."""

from __future__ import annotations

from dash.testing.wait import until

from data.profiles import manager as profile_manager
from layouts import ids
from tests.browser.conftest import choose_option, text_of, wait_for_graph

TIMEOUT = 30
PAGE_GRAPHS = {
    "/": [ids.FORECAST_BURNDOWN, ids.FORECAST_BURNUP, ids.FORECAST_THROUGHPUT, ids.FORECAST_SCOPE],
    "/flow": [
        ids.FLOW_SCATTER,
        ids.FLOW_HISTOGRAM,
        ids.FLOW_CFD,
        ids.FLOW_AGEING,
        ids.FLOW_BLOCKED,
        ids.FLOW_NET_FLOW,
        ids.FLOW_WIP_RUN,
        ids.FLOW_DEFECTS,
    ],
    "/dora": [ids.dora_trend(k) for k in ("deployment_frequency", "lead_time")],
    "/review": [ids.REVIEW_TRENDS, ids.REVIEW_DRIFT],
}


def _open(dash_duo, path: str) -> None:
    dash_duo.driver.get(dash_duo.server_url + path)


def test_every_page_renders_its_charts(start_app, fetched_demo):
    dash_duo = start_app()
    for path, graphs in PAGE_GRAPHS.items():
        _open(dash_duo, path)
        for graph_id in graphs:
            wait_for_graph(dash_duo, graph_id, TIMEOUT)
    _open(dash_duo, "/dora")
    dash_duo.wait_for_contains_text(f"#{ids.DORA_TIER_SET}", "DORA 2023", timeout=TIMEOUT)
    _open(dash_duo, "/flow")
    dash_duo.wait_for_contains_text(f"#{ids.FLOW_QUALITY}", "Data quality", timeout=TIMEOUT)
    _open(dash_duo, "/plans")
    dash_duo.wait_for_contains_text(f"#{ids.PLANS_CONTENT}", "no delivery plan", timeout=TIMEOUT)
    _open(dash_duo, "/data")
    dash_duo.wait_for_element(f"#{ids.DATA_AUDIT}", timeout=TIMEOUT)
    assert dash_duo.get_logs() == []


def test_switching_query_and_profile_changes_the_charts(start_app, fetched_demo):
    other = profile_manager.create_profile("Other team")
    profile_manager.create_query(other, "Everything", "project = OTHER")
    profile_manager.switch_to(fetched_demo["profile"], fetched_demo["query"])
    dash_duo = start_app()
    wait_for_graph(dash_duo, ids.FORECAST_BURNDOWN, TIMEOUT)
    cards_all = text_of(dash_duo, ids.FORECAST_CARDS)
    assert "items" in cards_all

    choose_option(dash_duo, ids.HEADER_QUERY, "Bugs and incidents")
    until(lambda: text_of(dash_duo, ids.FORECAST_CARDS) not in ("", cards_all), TIMEOUT)
    wait_for_graph(dash_duo, ids.FORECAST_BURNDOWN, TIMEOUT)

    choose_option(dash_duo, ids.HEADER_PROFILE, "Other team")
    dash_duo.wait_for_contains_text(f"#{ids.HEADER_QUERY}", "Everything", timeout=TIMEOUT)
    dash_duo.wait_for_contains_text(f"#{ids.PAGE}", "has not been fetched yet", timeout=TIMEOUT)
    assert dash_duo.get_logs() == []
