"""Storage modes: how get_backend() picks one, switching with `flowcast storage-mode`, and the
round trips that make going back to the old version (and coming back) lose nothing."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import pytest
from click.testing import CliRunner

from cli.main import cli
from data.errors import ConfigError
from data.ops.startup import prepare_data_dir
from data.profiles import manager as profile_manager
from data.storage_mode import STORAGE_MODE_ENV, get_storage_mode, set_storage_mode
from data.store import get_backend
from data.store.dual_backend import DualBackend
from data.store.json_backend import JSONBackend
from data.store.sqlite_backend import SQLiteBackend
from tests.legacy_tree import write_legacy_tree


def sqlite_of(data_dir: Path) -> SQLiteBackend:
    return SQLiteBackend(data_dir / "profiles" / "burndown.db")


def test_sqlite_is_the_default_and_the_settings_file_or_env_choose_others(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert get_storage_mode() == "sqlite" and type(get_backend()) is SQLiteBackend
    set_storage_mode("dual")
    assert json.loads((data_dir / "flowcast-settings.json").read_text()) == {"storage_mode": "dual"}
    assert isinstance(get_backend(), DualBackend)
    monkeypatch.setenv(STORAGE_MODE_ENV, "json")  # the environment wins over the file
    assert isinstance(get_backend(), JSONBackend)


def test_unknown_modes_are_clear_errors(data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    settings = data_dir / "flowcast-settings.json"
    settings.write_text('{"storage_mode": "files"}')
    with pytest.raises(
        ConfigError,
        match=r"flowcast-settings.json sets the storage mode to 'files'; use one of sqlite, dual, json",
    ):
        get_backend()
    settings.write_text('{"storage_mode": ')
    with pytest.raises(ConfigError, match="flowcast-settings.json is not valid JSON"):
        get_storage_mode()
    monkeypatch.setenv(STORAGE_MODE_ENV, "postgres")
    with pytest.raises(
        ConfigError, match="FLOWCAST_STORAGE_MODE sets the storage mode to 'postgres'"
    ):
        get_storage_mode()


def test_switching_to_dual_mirrors_existing_data_and_every_later_write(data_dir: Path) -> None:
    profile_id = profile_manager.create_profile("Équipe")
    runner = CliRunner()
    result = runner.invoke(cli, ["storage-mode", "dual", "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output) == {
        "storage_mode": "dual",
        "settings_file": str(data_dir / "flowcast-settings.json"),
        "dual_write_failures": 0,
    }
    legacy = JSONBackend(data_dir)
    assert legacy.get_profile(profile_id) == sqlite_of(data_dir).get_profile(profile_id)
    get_backend().save_query(profile_id, {"id": "q1", "name": "Q1", "jql": "project = X"})
    assert legacy.get_query(profile_id, "q1") == sqlite_of(data_dir).get_query(profile_id, "q1")
    # The mirror looks like legacy data, but the next start must not try to migrate it again.
    prepare_data_dir()
    assert [p["id"] for p in sqlite_of(data_dir).list_profiles()] == [profile_id]


def test_json_mode_and_back_keeps_what_was_done_meanwhile(data_dir: Path) -> None:
    profile_id = profile_manager.create_profile("Kafka")
    runner = CliRunner()
    assert runner.invoke(cli, ["storage-mode", "json"]).exit_code == 0
    assert isinstance(get_backend(), JSONBackend)
    get_backend().save_query(profile_id, {"id": "later", "name": "Later", "jql": "project = K"})
    assert sqlite_of(data_dir).get_query(profile_id, "later") is None  # json mode writes files only
    prepare_data_dir()  # in json mode nothing is migrated on start
    assert sqlite_of(data_dir).get_query(profile_id, "later") is None
    result = runner.invoke(cli, ["storage-mode", "sqlite"])
    assert result.exit_code == 0, result.output
    assert type(get_backend()) is SQLiteBackend
    later = sqlite_of(data_dir).get_query(profile_id, "later")
    assert later is not None and later["jql"] == "project = K"


def test_the_environment_variable_blocks_switching(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(STORAGE_MODE_ENV, "sqlite")
    result = CliRunner().invoke(cli, ["storage-mode", "dual"])
    assert result.exit_code == 1 and "FLOWCAST_STORAGE_MODE is set" in result.output
    assert not (data_dir / "flowcast-settings.json").exists()


def test_dual_mode_on_an_upgraded_install_starts_from_the_migrated_data(data_dir: Path) -> None:
    write_legacy_tree(data_dir, issues=4)
    set_storage_mode("dual")
    prepare_data_dir()  # migrates the legacy files once
    backend = get_backend()
    profile = backend.get_profile("kafka")
    assert profile is not None
    backend.save_profile({**profile, "description": "edited after the upgrade"})
    legacy = JSONBackend(data_dir).get_profile("kafka")
    assert legacy is not None and legacy["description"] == "edited after the upgrade"


def test_verify_reports_a_failed_mirror_write(data_dir: Path) -> None:
    from data.ops.verify import check_database_integrity

    set_storage_mode("dual")
    profile_id = profile_manager.create_profile("Kafka")
    (data_dir / "profiles" / profile_id / "queries").write_text("a file where a folder belongs")
    get_backend().save_query(profile_id, {"id": "q1", "name": "Q1", "jql": "project = K"})
    ok, errors = check_database_integrity(data_dir / "profiles" / "burndown.db")
    assert not ok
    assert any(f"save_query of {profile_id}/q1" in e for e in errors), errors
    result = CliRunner().invoke(cli, ["storage-mode", "--clear-failures"])
    assert "Forgot 1 recorded dual-write failure(s)." in result.output
    assert check_database_integrity(data_dir / "profiles" / "burndown.db") == (True, [])


def test_switching_to_dual_before_the_first_start_migrates_first(data_dir: Path) -> None:
    write_legacy_tree(data_dir, issues=3)
    result = CliRunner().invoke(cli, ["storage-mode", "dual"])
    assert result.exit_code == 0, result.output
    assert sqlite_of(data_dir).get_profile("kafka") is not None
    # The mirror was rewritten from the database, which now holds the legacy data.
    task = JSONBackend(data_dir).get_task_progress("update_data")
    assert task is not None and task["status"] == "completed"
    assert JSONBackend(data_dir).get_query("kafka", "12w") == sqlite_of(data_dir).get_query(
        "kafka", "12w"
    )


def test_json_backend_reads_the_old_apps_files_as_they_are(data_dir: Path) -> None:
    from tests.legacy_tree import write_json

    write_legacy_tree(data_dir, issues=3)
    query_dir = data_dir / "profiles" / "kafka" / "queries" / "12w"
    cache = json.loads((query_dir / "jira_cache.json").read_text())
    fresh = {
        **cache,
        "timestamp": datetime.now().isoformat(),
    }  # naive local time, as the old app wrote
    write_json(query_dir / "jira_cache.json", fresh)
    legacy = JSONBackend(data_dir)
    profile = legacy.get_profile("kafka")
    assert profile is not None and profile["legacy_unknown_key"] == {"kept": True}
    assert legacy.get_app_state("active_query_id") == "12w"
    assert legacy.get_jira_cache("kafka", "12w", "hash-12w") == fresh  # < 24 h old: live
    assert legacy.get_jira_cache("kafka", "12w", "other-hash") is None
    assert legacy.get_changelog_entries("kafka", "12w") == {}  # last_updated 2025-11-20: expired
    assert [s["metric_type"] for s in legacy.get_metrics_snapshots("kafka", "12w", limit=1)] == [
        "flow_velocity"
    ]
    task = legacy.get_task_progress("update_data")
    assert (
        task is not None
        and task["status"] == "completed"
        and task["details"] == {"phase": "finished"}
    )
    # The expired changelog entries (3) and nothing else are cleaned up.
    assert legacy.cleanup_expired_cache() == 3


def test_app_state_is_stored_as_json_text_never_python_repr(data_dir: Path) -> None:
    from data.db.connection import get_db_connection

    backend = sqlite_of(data_dir)
    backend.set_app_state("k", {"on": True, "none": None, "ü": "é"})
    with get_db_connection(backend.db_path) as conn:
        raw = conn.execute("SELECT value FROM app_state WHERE key = 'k'").fetchone()[0]
    assert raw == '{"on":true,"none":null,"ü":"é"}'
    legacy = JSONBackend(data_dir)
    legacy.set_app_state("k", {"on": True})
    assert json.loads((data_dir / "profiles" / "app_state.json").read_text()) == {"k": {"on": True}}
