"""Alerts belong to the page and action that raised them (issue 18): they go when another page
is opened, when a fetch starts, when the job they spoke of ends and when the header's profile or
query is changed by hand; successes and passing notices fade."""

from __future__ import annotations

from dash.testing.wait import until

from data.profiles import manager as profile_manager
from layouts import ids
from tests.browser.conftest import choose_option, click, replace_text, text_of

TIMEOUT = 30


def _open_page(dash_duo, path: str) -> None:
    """Follow the navigation bar's link, as a user does (no reload), once the bar is drawn."""
    dash_duo.wait_for_element(f"#{ids.NAV} a[href='{path}']", timeout=TIMEOUT)
    dash_duo.driver.execute_script(
        "document.querySelector(`#${arguments[0]} a[href='${arguments[1]}']`).click();",
        ids.NAV,
        path,
    )


def _visible_text(dash_duo) -> str:
    return dash_duo.driver.execute_script("return document.body.innerText;")


def test_a_page_s_error_goes_with_the_page_and_the_shell_s_with_the_next_page(start_app, demo):
    dash_duo = start_app()
    _open_page(dash_duo, "/plans")
    replace_text(dash_duo.wait_for_element(f"#{ids.PLANS_ITEMS}", timeout=TIMEOUT), "-5")
    click(dash_duo, ids.PLANS_SAVE)
    dash_duo.wait_for_contains_text(f"#{ids.PLANS_RESULT}", "is negative", timeout=TIMEOUT)
    _open_page(dash_duo, "/")
    dash_duo.wait_for_contains_text(f"#{ids.PAGE}", "has not been fetched yet", timeout=TIMEOUT)
    assert "is negative" not in _visible_text(dash_duo)
    _open_page(dash_duo, "/plans")
    dash_duo.wait_for_element(f"#{ids.PLANS_ITEMS}", timeout=TIMEOUT)
    assert "is negative" not in _visible_text(dash_duo)

    # A Settings error goes to the shell's slot (its page re-renders): the next page clears it.
    _open_page(dash_duo, "/settings")
    profile_manager.create_profile("Taken")
    replace_text(
        dash_duo.wait_for_element(f"#{ids.SETTINGS_PROFILE_NAME}", timeout=TIMEOUT), "Taken"
    )
    click(dash_duo, ids.SETTINGS_PROFILE_RENAME)
    dash_duo.wait_for_contains_text(f"#{ids.ALERTS}", "Please check", timeout=TIMEOUT)
    _open_page(dash_duo, "/data")
    until(lambda: text_of(dash_duo, ids.ALERTS) == "", TIMEOUT)
    assert dash_duo.get_logs() == []


def test_cancel_s_answer_goes_when_the_fetch_ends_and_a_new_fetch_clears_the_last_result(
    start_app, demo
):
    demo["fake"].latency_ms = 1500  # each JIRA request takes 1.5 s: time to press Cancel
    dash_duo = start_app()
    click(dash_duo, ids.HEADER_FETCH)
    until(lambda: dash_duo.find_element(f"#{ids.HEADER_CANCEL}").is_enabled(), TIMEOUT)
    click(dash_duo, ids.HEADER_CANCEL)
    dash_duo.wait_for_contains_text(f"#{ids.HEADER_CANCEL_RESULT}", "Cancelling", timeout=TIMEOUT)
    dash_duo.wait_for_contains_text(f"#{ids.HEADER_FETCH_RESULT}", "ancelled", timeout=60)
    # "Cancelling: …" does not stay beside the result once the fetch has stopped.
    until(lambda: text_of(dash_duo, ids.HEADER_CANCEL_RESULT) == "", TIMEOUT)

    demo["fake"].latency_ms = 0
    click(dash_duo, ids.HEADER_FETCH)
    # The last fetch's result goes at the click, not when the next one ends.
    assert "ancelled" not in text_of(dash_duo, ids.HEADER_FETCH_RESULT)
    dash_duo.wait_for_contains_text(f"#{ids.HEADER_FETCH_RESULT}", "Fetched all 600", timeout=60)
    # A success fades by itself.
    until(lambda: text_of(dash_duo, ids.HEADER_FETCH_RESULT) == "", 30)
    assert dash_duo.get_logs() == []


def test_choosing_another_query_clears_what_the_last_fetch_said(start_app, demo):
    profile_manager.create_query(demo["profile"], "Broken", "project = DEMO AND foo ~ bar")
    profile_manager.switch_to(
        demo["profile"], profile_manager.list_queries(demo["profile"])[0]["id"]
    )
    dash_duo = start_app()
    choose_option(dash_duo, ids.HEADER_QUERY, "Broken")
    click(dash_duo, ids.HEADER_FETCH)
    dash_duo.wait_for_contains_text(f"#{ids.HEADER_FETCH_RESULT}", "JIRA said", timeout=60)
    choose_option(dash_duo, ids.HEADER_QUERY, "All work")
    until(lambda: text_of(dash_duo, ids.HEADER_FETCH_RESULT) == "", TIMEOUT)
    assert dash_duo.get_logs() == []


def test_a_new_profile_is_selected_with_no_query_and_a_hint(start_app, demo):
    dash_duo = start_app()
    _open_page(dash_duo, "/settings")
    replace_text(
        dash_duo.wait_for_element(f"#{ids.SETTINGS_PROFILE_NAME}", timeout=TIMEOUT), "Third"
    )
    click(dash_duo, ids.SETTINGS_PROFILE_CREATE)
    dash_duo.wait_for_contains_text(f"#{ids.ALERTS}", "Created profile 'Third'", timeout=TIMEOUT)
    dash_duo.wait_for_contains_text(f"#{ids.HEADER_PROFILE}", "Third", timeout=TIMEOUT)
    dash_duo.wait_for_contains_text(
        f"#{ids.SETTINGS_QUERY_HINT}", "This profile has no queries yet", timeout=TIMEOUT
    )
    assert "No query yet: add one in Settings" in text_of(dash_duo, ids.HEADER_QUERY)
    _open_page(dash_duo, "/")
    dash_duo.wait_for_contains_text(f"#{ids.PAGE}", "has no queries yet", timeout=TIMEOUT)
    assert "Not found" not in _visible_text(dash_duo)
    assert dash_duo.find_elements(".alert-danger") == []
    assert dash_duo.get_logs() == []
