"""One deadline (issue 18) in Chromium: Settings, Plans and the Forecast show the approved
plan's; a new deadline saved on Plans moves the Forecast only once it is approved."""

from __future__ import annotations

from selenium.webdriver.common.keys import Keys

from data import plans
from data.plans.approved import approve_deadline
from data.profiles import manager as profile_manager
from layouts import ids
from tests.browser.conftest import click, replace_text, text_of

TIMEOUT = 30


def _open(dash_duo, path: str, element_id: str):
    """Load ``path`` and wait for ``element_id`` (a date picker's id is on its input)."""
    dash_duo.driver.get(dash_duo.server_url + path)
    return dash_duo.wait_for_element(f"#{element_id}", timeout=TIMEOUT)


def _forecast_deadline(dash_duo) -> str:
    _open(dash_duo, "/", ids.FORECAST_CARDS)
    return text_of(dash_duo, ids.FORECAST_CARDS)


def test_settings_plans_and_forecast_show_the_approved_deadline(start_app, fetched_demo):
    profile, query = fetched_demo["profile"], fetched_demo["query"]
    profile_manager.switch_to(profile, query)
    plan_id = approve_deadline(
        profile, query, "2027-06-30", "kickoff", submitter="ann", approver="bob"
    )
    dash_duo = start_app()

    _open(dash_duo, "/settings", ids.SETTINGS_FORECAST_DEADLINE)
    dash_duo.wait_for_contains_text(
        f"#{ids.SETTINGS_FORECAST_DEADLINE}", "2027-06-30", timeout=TIMEOUT
    )
    picker = _open(dash_duo, "/plans", ids.PLANS_DEADLINE)
    assert picker.get_attribute("value") == "2027-06-30"
    assert "deadline 2027-06-30" in text_of(dash_duo, ids.PLANS_CURRENT)
    assert "deadline 2027-06-30 (approved plan)" in _forecast_deadline(dash_duo)

    # A new deadline saved on Plans is a draft: the Forecast keeps the approved one ...
    picker = _open(dash_duo, "/plans", ids.PLANS_DEADLINE)
    replace_text(picker, "2027-09-30")
    picker.send_keys(Keys.TAB)
    click(dash_duo, ids.PLANS_SAVE)
    dash_duo.wait_for_contains_text(
        f"#{ids.PLANS_RESULT}", "Saved version 2 (draft)", timeout=TIMEOUT
    )
    assert plans.get_current_plan(plan_id)["data"]["deadline"] == "2027-09-30"
    assert "deadline 2027-06-30 (approved plan)" in _forecast_deadline(dash_duo)

    # ... until it is submitted and approved; then the Forecast and Settings show the new one.
    _open(dash_duo, "/plans", ids.PLANS_SUBMIT)
    click(dash_duo, ids.PLANS_SUBMIT)
    dash_duo.wait_for_contains_text(f"#{ids.PLANS_RESULT}", "Submitted version 2", timeout=TIMEOUT)
    click(dash_duo, ids.PLANS_APPROVE)
    dash_duo.wait_for_contains_text(f"#{ids.PLANS_RESULT}", "Approved version 2", timeout=TIMEOUT)
    assert "deadline 2027-09-30 (approved plan)" in _forecast_deadline(dash_duo)
    _open(dash_duo, "/settings", ids.SETTINGS_FORECAST_DEADLINE)
    dash_duo.wait_for_contains_text(
        f"#{ids.SETTINGS_FORECAST_DEADLINE}", "2027-09-30 (approved plan", timeout=TIMEOUT
    )
    assert dash_duo.get_logs() == []


def test_without_an_approved_plan_the_pages_say_so(start_app, demo):
    profile_manager.switch_to(demo["profile"], demo["query"])
    dash_duo = start_app()
    _open(dash_duo, "/settings", ids.SETTINGS_FORECAST_DEADLINE)
    said = "no approved plan: approve one with a deadline on the Plans page"
    dash_duo.wait_for_contains_text(f"#{ids.SETTINGS_FORECAST_DEADLINE}", said, timeout=TIMEOUT)
    link = dash_duo.find_element(f"#{ids.SETTINGS_FORECAST_DEADLINE_LINK}")
    assert link.get_attribute("href").endswith("/plans")
    assert said in _forecast_deadline(dash_duo)
    assert dash_duo.get_logs() == []
