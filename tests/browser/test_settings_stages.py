"""Settings → workflow stages: edit the stages, save, reload, and see the Flow page's CFD use them."""

from __future__ import annotations

from dash._utils import stringify_id
from dash.testing.errors import TestingTimeoutError as WaitTimeout
from dash.testing.wait import until
from selenium.common.exceptions import (
    ElementClickInterceptedException,
    StaleElementReferenceException,
)
from selenium.webdriver.common.keys import Keys

from data.jira.sync import sync
from data.profiles import manager as profile_manager
from layouts import ids
from tests.browser.conftest import click, replace_text, text_of, wait_for_graph

TIMEOUT = 30


def _css(part: str, index: int) -> str:
    return f"[id='{stringify_id(ids.stage_control(part, index))}']"


def _click_stage(dash_duo, part: str, index: int) -> None:
    """Click a stage row's button like a user (retried while the rows re-render)."""

    def attempt() -> bool:
        try:
            button = dash_duo.wait_for_element(_css(part, index), timeout=TIMEOUT)
            dash_duo.driver.execute_script(
                "arguments[0].scrollIntoView({block: 'center', behavior: 'instant'});", button
            )
            button.click()
        except (ElementClickInterceptedException, StaleElementReferenceException):
            return False
        return True

    try:
        until(attempt, TIMEOUT, poll=0.25)
    except WaitTimeout as exc:
        raise AssertionError(f"could not click the {part} button of stage {index}") from exc


def _stage_names(dash_duo) -> list[str]:
    return dash_duo.driver.execute_script(
        "return [...document.querySelectorAll(\"[id*='settings-stage-name']\")].map(e => e.value);"
    )


def _rename(dash_duo, index: int, name: str) -> None:
    field = dash_duo.find_element(_css("name", index))
    replace_text(field, name)
    field.send_keys(Keys.TAB)  # the name field is debounced: it reports on blur


def _legend(dash_duo) -> list[str]:
    return dash_duo.driver.execute_script(
        f"return [...document.querySelectorAll('#{ids.FLOW_CFD} .legendtext')]"
        ".map(e => e.textContent);"
    )


def test_edited_stages_are_kept_and_drive_the_cfd(start_app, demo):
    sync(demo["profile"], demo["query"])
    dash_duo = start_app()
    # The Flow page first, so the metrics context is cached with the old stages.
    dash_duo.driver.get(dash_duo.server_url + "/flow")
    wait_for_graph(dash_duo, ids.FLOW_CFD, TIMEOUT)
    until(lambda: "In Review" in _legend(dash_duo), TIMEOUT)

    dash_duo.driver.get(dash_duo.server_url + "/settings")
    dash_duo.wait_for_element(_css("name", 3), timeout=TIMEOUT)
    assert _stage_names(dash_duo) == ["Backlog", "In Progress", "In Review", "Done"]
    _rename(dash_duo, 2, "Code review")
    # Renaming the committed stage renames the committed choice with it.
    _rename(dash_duo, 1, "Building")
    dash_duo.wait_for_contains_text(f"#{ids.SETTINGS_COMMITTED_STAGE}", "Building", timeout=TIMEOUT)

    # A new stage without a name is refused with one sentence, and nothing is saved.
    click(dash_duo, ids.SETTINGS_STAGE_ADD)
    until(lambda: len(_stage_names(dash_duo)) == 5, TIMEOUT)
    click(dash_duo, ids.SETTINGS_MAPPING_SAVE)
    dash_duo.wait_for_contains_text(
        f"#{ids.SETTINGS_MAPPING_RESULT}",
        "Workflow stage 5 has no name; give every stage a name.",
        timeout=TIMEOUT,
    )
    stages = profile_manager.get_profile(demo["profile"])["field_mappings"]["workflow_stages"]
    assert [s["name"] for s in stages] == ["Backlog", "In Progress", "In Review", "Done"]

    # Remove it again, move "Code review" up before "Building" and save.
    _click_stage(dash_duo, "remove", 4)
    until(lambda: len(_stage_names(dash_duo)) == 4, TIMEOUT)
    _click_stage(dash_duo, "up", 2)
    until(
        lambda: _stage_names(dash_duo) == ["Backlog", "Code review", "Building", "Done"],
        TIMEOUT,
    )
    click(dash_duo, ids.SETTINGS_MAPPING_SAVE)
    dash_duo.wait_for_contains_text(
        f"#{ids.SETTINGS_MAPPING_RESULT}", "Saved the field mappings", timeout=TIMEOUT
    )
    field_mappings = profile_manager.get_profile(demo["profile"])["field_mappings"]
    assert field_mappings["workflow_stages"][1] == {
        "name": "Code review",
        "statuses": ["In Review"],
    }
    assert (field_mappings["committed_stage"], field_mappings["done_stage"]) == ("Building", "Done")

    dash_duo.driver.refresh()
    dash_duo.wait_for_element(_css("name", 3), timeout=TIMEOUT)
    assert _stage_names(dash_duo) == ["Backlog", "Code review", "Building", "Done"]
    assert "In Review" in text_of(dash_duo, ids.SETTINGS_STAGES)  # its status stays picked

    dash_duo.driver.get(dash_duo.server_url + "/flow")
    wait_for_graph(dash_duo, ids.FLOW_CFD, TIMEOUT)
    # Plotly lists the stacked bands top first: the new names, in the new order.
    until(lambda: _legend(dash_duo) == ["Done", "Building", "Code review", "Backlog"], TIMEOUT)
    assert dash_duo.get_logs() == []
