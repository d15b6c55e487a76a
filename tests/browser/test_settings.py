"""Settings: a saved value survives a reload; bad JQL shows JIRA's own message."""

from __future__ import annotations

from selenium.webdriver.common.keys import Keys

from data.plans.approved import approve_deadline
from data.profiles import manager as profile_manager
from layouts import ids
from tests.browser.conftest import click, replace_text

TIMEOUT = 30


def test_forecast_settings_save_then_reload(start_app, demo):
    dash_duo = start_app()
    dash_duo.driver.get(dash_duo.server_url + "/settings")
    pert = dash_duo.wait_for_element(f"#{ids.SETTINGS_FORECAST_PERT}", timeout=TIMEOUT)
    replace_text(pert, "5")
    click(dash_duo, ids.SETTINGS_FORECAST_SAVE)
    dash_duo.wait_for_contains_text(f"#{ids.SETTINGS_FORECAST_RESULT}", "Saved", timeout=TIMEOUT)
    assert profile_manager.get_profile(demo["profile"])["forecast_settings"]["pert_factor"] == 5

    dash_duo.driver.refresh()
    pert = dash_duo.wait_for_element(f"#{ids.SETTINGS_FORECAST_PERT}", timeout=TIMEOUT)
    assert pert.get_attribute("value") == "5"
    # The saved token never reaches the page: the field is empty and only says it is saved.
    token = dash_duo.find_element(f"#{ids.SETTINGS_JIRA_TOKEN}")
    assert token.get_attribute("value") == ""
    assert "saved" in token.get_attribute("placeholder")
    assert "demo-token" not in dash_duo.driver.page_source
    assert dash_duo.get_logs() == []


def test_bad_jql_shows_jiras_message(start_app, demo):
    dash_duo = start_app()
    dash_duo.driver.get(dash_duo.server_url + "/settings")
    dash_duo.wait_for_element(f"#{ids.SETTINGS_QUERY_SELECT}", timeout=TIMEOUT)
    click(dash_duo, ids.SETTINGS_QUERY_NEW)
    dash_duo.wait_for_text_to_equal(f"#{ids.SETTINGS_QUERY_SAVE}", "Create query", timeout=TIMEOUT)
    dash_duo.find_element(f"#{ids.SETTINGS_QUERY_NAME}").send_keys("Broken")
    dash_duo.find_element(f"#{ids.SETTINGS_QUERY_JQL}").send_keys("project = DEMO AND foo ~ bar")
    click(dash_duo, ids.SETTINGS_QUERY_SAVE)
    dash_duo.wait_for_contains_text(f"#{ids.ALERTS}", "Field 'foo' does not exist", timeout=TIMEOUT)
    names = [q["name"] for q in profile_manager.list_queries(demo["profile"])]
    assert "Broken" not in names
    # The page stays usable: a valid JQL saves and becomes the selected query.
    replace_text(
        dash_duo.find_element(f"#{ids.SETTINGS_QUERY_JQL}"), "project = DEMO AND issuetype = Story"
    )
    click(dash_duo, ids.SETTINGS_QUERY_SAVE)
    dash_duo.wait_for_contains_text(f"#{ids.ALERTS}", "Created query", timeout=TIMEOUT)
    dash_duo.wait_for_contains_text(f"#{ids.HEADER_QUERY}", "Broken", timeout=TIMEOUT)
    assert dash_duo.get_logs() == []


def test_milestones_typed_into_the_picker_that_cannot_hold_are_refused(start_app, demo):
    # A past date and a milestone after the deadline were saved ("Saved"), and the charts
    # stretched back to 1999. The date picker sends what it shows; the server refuses it. The
    # deadline is the selected query's approved plan's (issue 18), shown here, not typed.
    profile_manager.switch_to(demo["profile"], demo["query"])
    approve_deadline(
        demo["profile"], demo["query"], "2099-03-31", "test", submitter="ann", approver="bob"
    )
    dash_duo = start_app()
    dash_duo.driver.get(dash_duo.server_url + "/settings")
    dash_duo.wait_for_contains_text(
        f"#{ids.SETTINGS_FORECAST_DEADLINE}", "2099-03-31", timeout=TIMEOUT
    )
    result = f"#{ids.SETTINGS_FORECAST_RESULT}"
    for milestone, said in (
        ("1999-01-01", "The milestone 1999-01-01 is in the past; pick today ("),
        ("2099-04-01", "The milestone 2099-04-01 is after the deadline 2099-03-31"),
    ):
        field = dash_duo.wait_for_element(
            f"input#{ids.SETTINGS_FORECAST_MILESTONE}", timeout=TIMEOUT
        )
        replace_text(field, milestone)
        field.send_keys(Keys.TAB)
        click(dash_duo, ids.SETTINGS_FORECAST_SAVE)
        dash_duo.wait_for_contains_text(result, said, timeout=TIMEOUT)
        assert "Saved" not in dash_duo.find_element(result).text
    saved = profile_manager.get_profile(demo["profile"])["forecast_settings"]
    assert saved.get("milestone") is None and "deadline" not in saved
    assert dash_duo.get_logs() == []
