"""Settings → Queries in Chromium: the query list follows a rename and a deletion; "New query"
is a button, and the form says whether Save creates a query or changes (renames) the chosen one."""

from __future__ import annotations

from dash.testing.wait import until

from data.profiles import manager as profile_manager
from layouts import ids
from tests.browser.conftest import choose_option, click, replace_text

TIMEOUT = 30


def _listed(dash_duo) -> list[str]:
    click(dash_duo, ids.SETTINGS_QUERY_SELECT)
    dash_duo.wait_for_element(".dash-dropdown-option", timeout=TIMEOUT)
    labels = [o.text.strip() for o in dash_duo.find_elements(".dash-dropdown-option")]
    click(dash_duo, ids.SETTINGS_QUERY_SELECT)  # close it again
    return labels


def test_renaming_and_deleting_a_query_that_is_not_selected_updates_the_list(start_app, demo):
    # Neither changes the header's selection, so the page is not re-rendered: the list kept
    # "Bugs and incidents" after the rename, and the deleted query after the deletion.
    dash_duo = start_app()
    dash_duo.driver.get(dash_duo.server_url + "/settings")
    choose_option(dash_duo, ids.SETTINGS_QUERY_SELECT, "Bugs and incidents")
    name = dash_duo.wait_for_element(f"#{ids.SETTINGS_QUERY_NAME}", timeout=TIMEOUT)
    until(lambda: name.get_attribute("value") == "Bugs and incidents", TIMEOUT)
    replace_text(name, "Bugs")
    click(dash_duo, ids.SETTINGS_QUERY_SAVE)
    dash_duo.wait_for_contains_text(
        f"#{ids.ALERTS}", "Renamed query 'Bugs and incidents' to 'Bugs'.", timeout=TIMEOUT
    )
    until(lambda: "Bugs" in _listed(dash_duo), TIMEOUT)
    assert "Bugs and incidents" not in _listed(dash_duo)
    dash_duo.wait_for_contains_text(f"#{ids.HEADER_QUERY}", "All work", timeout=TIMEOUT)

    click(dash_duo, ids.SETTINGS_QUERY_DELETE)
    until(lambda: _accept_confirm(dash_duo), TIMEOUT)
    dash_duo.wait_for_contains_text(f"#{ids.ALERTS}", "Deleted query 'Bugs'", timeout=TIMEOUT)
    until(lambda: "Bugs" not in _listed(dash_duo), TIMEOUT)
    dash_duo.wait_for_contains_text(f"#{ids.SETTINGS_QUERY_SELECT}", "New query", timeout=TIMEOUT)
    assert dash_duo.get_logs() == []


def _accept_confirm(dash_duo) -> bool:
    try:
        dash_duo.driver.switch_to.alert.accept()
    except Exception:  # noqa: BLE001 - the dialog has not opened yet
        return False
    return True


def test_new_query_is_a_button_and_leaves_the_chosen_query_alone(start_app, demo):
    # With "All work" chosen, typing a name and JQL and pressing Save renamed "All work".
    dash_duo = start_app()
    dash_duo.driver.get(dash_duo.server_url + "/settings")
    dash_duo.wait_for_contains_text(f"#{ids.SETTINGS_QUERY_SELECT}", "All work", timeout=TIMEOUT)
    dash_duo.wait_for_text_to_equal(f"#{ids.SETTINGS_QUERY_SAVE}", "Save changes", timeout=TIMEOUT)
    assert "a new name renames it" in dash_duo.find_element(f"#{ids.SETTINGS_QUERY_EDITING}").text
    new = dash_duo.find_element(f"#{ids.SETTINGS_QUERY_NEW}")
    assert new.is_displayed() and new.text == "New query"
    click(dash_duo, ids.SETTINGS_QUERY_NEW)
    dash_duo.wait_for_text_to_equal(f"#{ids.SETTINGS_QUERY_SAVE}", "Create query", timeout=TIMEOUT)
    name = dash_duo.find_element(f"#{ids.SETTINGS_QUERY_NAME}")
    jql = dash_duo.find_element(f"#{ids.SETTINGS_QUERY_JQL}")
    until(lambda: name.get_attribute("value") == "" and jql.get_attribute("value") == "", TIMEOUT)
    name.send_keys("Stories")
    jql.send_keys("project = DEMO AND issuetype = Story")
    click(dash_duo, ids.SETTINGS_QUERY_SAVE)
    dash_duo.wait_for_contains_text(f"#{ids.ALERTS}", "Created query 'Stories'", timeout=TIMEOUT)
    dash_duo.wait_for_contains_text(f"#{ids.HEADER_QUERY}", "Stories", timeout=TIMEOUT)
    names = {q["name"] for q in profile_manager.list_queries(demo["profile"])}
    assert {"All work", "Bugs and incidents", "Stories"} <= names
    assert dash_duo.get_logs() == []
