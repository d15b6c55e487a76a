"""Data page export/import round trip; JIRA text with markup stays inert on the page."""

from __future__ import annotations

from pathlib import Path

from dash.testing.wait import until
from selenium.common.exceptions import NoAlertPresentException

from data.jira.sync import sync
from data.profiles import manager as profile_manager
from layouts import ids
from tests.browser.conftest import choose_option, click, text_of

TIMEOUT = 60
SCRIPT_SUMMARY = "<script>alert(1)</script> in comment preview"


def test_export_then_import_round_trip(start_app, fetched_demo):
    dash_duo = start_app()
    dash_duo.driver.get(dash_duo.server_url + "/data")
    click(dash_duo, ids.DATA_EXPORT, TIMEOUT)
    dash_duo.wait_for_contains_text(f"#{ids.DATA_RESULT}", "Exported the profile", timeout=TIMEOUT)
    downloads = Path(dash_duo.download_path)
    until(lambda: list(downloads.glob("*.zip")), TIMEOUT)
    exported = next(downloads.glob("*.zip"))

    upload = dash_duo.find_element(f"#{ids.DATA_IMPORT_UPLOAD} input[type=file]")
    upload.send_keys(str(exported))
    dash_duo.wait_for_contains_text(f"#{ids.ALERTS}", "Imported", timeout=TIMEOUT)
    dash_duo.wait_for_contains_text(f"#{ids.HEADER_PROFILE}", "Demo (2)", timeout=TIMEOUT)
    imported = next(p for p in profile_manager.list_profiles() if p["name"] == "Demo (2)")
    assert {q["name"] for q in profile_manager.list_queries(imported["id"])} == {
        "All work",
        "Bugs and incidents",
    }
    # The export leaves the token out unless asked, so the copy has none.
    assert not imported["jira_config"].get("token")
    assert dash_duo.get_logs() == []


def test_script_payload_in_a_summary_stays_inert(start_app, demo):
    # Put the markup issue back in progress so the ageing table (with summaries) lists it.
    demo["fake"].dataset.touch(["DEMO-3"], status="In Progress")
    sync(demo["profile"], demo["query"])
    dash_duo = start_app()
    dash_duo.driver.get(dash_duo.server_url + "/flow")
    dash_duo.wait_for_contains_text(f"#{ids.FLOW_AGEING_TABLE}", SCRIPT_SUMMARY, timeout=TIMEOUT)
    assert SCRIPT_SUMMARY in text_of(dash_duo, ids.FLOW_AGEING_TABLE)
    injected = dash_duo.driver.execute_script(
        "return document.querySelectorAll('#' + arguments[0] + ' script, #' + arguments[0] + ' img').length",
        ids.FLOW_AGEING_TABLE,
    )
    assert injected == 0
    try:
        alert_text = dash_duo.driver.switch_to.alert.text
    except NoAlertPresentException:
        alert_text = None
    assert alert_text is None
    assert dash_duo.get_logs() == []


def test_restore_reloads_the_header_and_page_from_the_restored_database(start_app, demo):
    dash_duo = start_app()
    dash_duo.driver.get(dash_duo.server_url + "/data")
    click(dash_duo, ids.DATA_BACKUP, TIMEOUT)
    dash_duo.wait_for_contains_text(f"#{ids.DATA_RESULT}", "Backed up", timeout=TIMEOUT)
    # A change made after the backup: the restore must take it back, visibly, without a reload.
    profile_manager.rename_profile(demo["profile"], "Renamed after the backup")
    dash_duo.driver.refresh()
    dash_duo.wait_for_contains_text(f"#{ids.HEADER_PROFILE}", "Renamed", timeout=TIMEOUT)
    choose_option(dash_duo, ids.DATA_BACKUP_LIST, _first_backup())
    click(dash_duo, ids.DATA_RESTORE, TIMEOUT)
    until(lambda: _accept_confirm(dash_duo), TIMEOUT)
    dash_duo.wait_for_contains_text(f"#{ids.ALERTS}", "Restored", timeout=TIMEOUT)
    dash_duo.wait_for_contains_text(f"#{ids.HEADER_PROFILE}", "Demo", timeout=TIMEOUT)
    until(lambda: "Renamed" not in text_of(dash_duo, ids.HEADER_PROFILE), TIMEOUT)
    # The Data page itself re-rendered: its audit log no longer lists the rename.
    until(lambda: "Renamed after the backup" not in text_of(dash_duo, ids.DATA_AUDIT), TIMEOUT)
    assert dash_duo.get_logs() == []


def _first_backup() -> str:
    from data.ops.backup import list_backups

    return list_backups()[-1].name


def _accept_confirm(dash_duo) -> bool:
    try:
        dash_duo.driver.switch_to.alert.accept()
    except NoAlertPresentException:
        return False
    return True
