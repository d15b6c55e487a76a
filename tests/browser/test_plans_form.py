"""The Plans form in Chromium: what the browser sends for a bad scope target."""

from __future__ import annotations

from data import plans
from data.profiles import manager as profile_manager
from layouts import ids
from tests.browser.conftest import click, replace_text

TIMEOUT = 30


def test_a_negative_scope_target_is_refused_and_keeps_the_saved_one(start_app, demo):
    # With min=0 on the input the browser sent no value for -5, and Save stored a new version
    # without the scope target.
    profile_manager.switch_to(demo["profile"], demo["query"])
    dash_duo = start_app()
    dash_duo.driver.get(dash_duo.server_url + "/plans")
    replace_text(dash_duo.wait_for_element(f"#{ids.PLANS_ITEMS}", timeout=TIMEOUT), "650")
    click(dash_duo, ids.PLANS_SAVE)
    dash_duo.wait_for_contains_text(f"#{ids.PLANS_RESULT}", "version 1", timeout=TIMEOUT)

    replace_text(dash_duo.wait_for_element(f"#{ids.PLANS_ITEMS}", timeout=TIMEOUT), "-5")
    click(dash_duo, ids.PLANS_SAVE)
    dash_duo.wait_for_contains_text(
        f"#{ids.PLANS_RESULT}", "The scope target -5 is negative", timeout=TIMEOUT
    )
    plan = plans.list_plans(demo["profile"], demo["query"])[0]
    assert plan["version"] == 1 and plan["data"]["scope_target"] == {"items": 650}
    assert dash_duo.get_logs() == []
