"""Data page adapters as plain functions: backup, verify, cache, export/import, migration."""

from __future__ import annotations

import base64

import dash_bootstrap_components as dbc
import pytest
from dash import no_update

from callbacks import data_page
from data.errors import FlowcastError
from data.profiles import manager as profile_manager
from tests.legacy_tree import write_legacy_tree


def test_backup_now_lists_the_new_backup_and_verify_passes(backend):
    alert, options = data_page.backup_now()
    assert alert.color == "success"
    assert len(options) == 1 and options[0]["value"].endswith(".db")
    assert data_page.verify().color == "success"
    assert data_page.cleanup_cache().children == "Removed 0 expired cache entries."


def test_restore_needs_a_choice(backend):
    assert "Choose a backup" in data_page.restore(None).children


def test_export_then_import_round_trip(backend):
    profile_id = profile_manager.create_profile("Team")
    profile_manager.create_query(profile_id, "All", "project = DEMO")
    download, alert = data_page.export(profile_id, False)
    assert alert.color == "success"
    assert download["base64"] is True and download["filename"].endswith(".zip")
    payload = base64.b64decode(download["content"])
    contents = "data:application/zip;base64," + base64.b64encode(payload).decode()
    alert, new_id = data_page.import_upload(contents, "team.zip")
    assert "Imported team.zip" in alert.children and new_id != profile_id
    assert [q["name"] for q in profile_manager.list_queries(new_id)] == ["All"]
    assert backend.get_app_state("active_profile_id") == new_id


def test_a_bad_upload_is_named_by_its_file_name_and_imports_nothing(backend):
    # The message used to name the temporary copy (<data dir>/tmpXXXX/import.zip).
    before = profile_manager.list_profiles()
    contents = "data:application/zip;base64," + base64.b64encode(b"not a zip").decode()
    with pytest.raises(FlowcastError) as caught:
        data_page.import_upload(contents, "team.zip")
    assert str(caught.value).startswith("team.zip is not a zip file")
    assert "tmp" not in str(caught.value)
    assert profile_manager.list_profiles() == before


def test_a_folder_without_legacy_data_is_a_clear_error(backend, tmp_path):
    with pytest.raises(FlowcastError, match="legacy"):
        data_page.dry_run(str(tmp_path))


def test_dry_run_then_migrate_with_progress(backend, tmp_path):
    source = write_legacy_tree(tmp_path / "legacy", issues=4)
    summary, migrate_disabled = data_page.dry_run(str(source))
    assert migrate_disabled is False and "Dry run: 1 profile(s)" in str(summary.children[0])
    shown = []
    summary, migrated = data_page.migrate(
        str(source), 1, lambda percent, message: shown.append((percent, message))
    )
    assert migrated == 1 and "Migrated: 1 profile(s)" in str(summary.children[0])
    messages = [m for _v, m in shown]
    assert (
        messages[0] == "Starting the migration"
        and "Writing 1 profile(s) in one transaction" in messages
    )
    assert shown[-1][0] == 100 and shown[-1][1].startswith("Migrated 1 profile(s)")
    assert [p["name"] for p in profile_manager.list_profiles()] == ["Apache Kafka"]
    # The page (in any tab, after any re-render) shows what the last migration did.
    page = data_page.render(None, None)
    result = next(c for c in _walk(page) if getattr(c, "id", None) == "data-migrate-result")
    assert "Migrated: 1 profile(s)" in str(result.children.children[0].children)


def test_cancel_stops_the_migration_and_writes_nothing(backend, tmp_path):
    source = write_legacy_tree(tmp_path / "legacy", issues=4)

    def press_cancel_while_reading(_percent, message):
        if message.startswith("Reading the legacy files"):
            alert = data_page.MIGRATION.cancel(None)
            assert alert.children.startswith("Cancelling")

    alert, migrated = data_page.migrate(str(source), 1, press_cancel_while_reading)
    assert alert.children == "Migration cancelled; the database is unchanged."
    assert migrated is no_update and profile_manager.list_profiles() == []


def test_the_page_lists_the_audit_log(backend):
    profile_manager.create_profile("Team")
    page = data_page.render(None, None)
    table = next(c for c in _walk(page) if getattr(c, "id", None) == "data-audit")
    cells = [c.children for c in _walk(table) if type(c).__name__ == "Td"]
    assert any(text.startswith("profile ") for text in cells)
    assert isinstance(page.children[1], dbc.Row)


def _walk(component):
    yield component
    children = getattr(component, "children", None)
    if isinstance(children, list | tuple):
        for child in children:
            yield from _walk(child)
    elif children is not None and not isinstance(children, str):
        yield from _walk(children)
