"""Profile settings versions: every save through the backend is a version; tokens never in clear."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from data.errors import ConfigError, ConflictError, NotFoundError, ValidationError
from data.profiles import manager as pm
from data.profiles import settings_versions
from data.store import get_backend, set_backend
from data.store.dual_backend import DualBackend
from data.store.json_backend import JSONBackend
from data.store.sql_backend import SQLBackend
from data.store.sqlite_backend import SQLiteBackend
from tests.integration.plans_support import audit_entries

TOKEN = "s3cr3t-TOKEN"


@pytest.fixture
def backend(both_engines: SQLBackend) -> SQLBackend:
    """Every test here runs on the SQLite file and on a PostgreSQL database."""
    return both_engines


@pytest.fixture
def profile_id(backend: SQLBackend) -> str:
    return pm.create_profile(
        "Demo", {"jira_config": {"base_url": "https://acme.example", "token": TOKEN}}
    )


def test_creating_a_profile_records_version_one(profile_id: str) -> None:
    history = settings_versions.settings_history(profile_id)
    assert [(h["version"], h["change_summary"], h["is_current"]) for h in history] == [
        (1, "Created", True)
    ]


def test_each_change_is_a_version_with_an_automatic_summary(profile_id: str) -> None:
    pm.update_profile(profile_id, {"forecast_settings": {"pert_factor": 5}})
    pm.rename_profile(profile_id, "Demo team")
    history = settings_versions.settings_history(profile_id)
    assert [(h["version"], h["change_summary"]) for h in history] == [
        (3, "Changed name"),
        (2, "Changed forecast_settings.pert_factor"),
        (1, "Created"),
    ]
    assert [h["previous_version"] for h in history] == [2, 1, None]


def test_marking_a_profile_used_is_not_a_version(profile_id: str) -> None:
    pm.switch_to(profile_id)
    assert len(settings_versions.settings_history(profile_id)) == 1


def test_tokens_are_never_stored_in_clear(profile_id: str) -> None:
    pm.update_profile(profile_id, {"jira_config": {"token": "new-" + TOKEN}})
    pm.update_profile(profile_id, {"forecast_settings": {"pert_factor": 4}})
    with get_backend().session() as conn:
        stored = [
            r[0] for r in conn.execute("SELECT json(settings) FROM profile_settings_versions")
        ]
    assert stored and all(TOKEN not in s for s in stored)
    assert all(json.loads(s)["jira_config"]["token"] == "***" for s in stored)
    # A token change alone is not a settings version (masked, the settings are equal).
    assert [h["version"] for h in settings_versions.settings_history(profile_id)] == [2, 1]
    history = settings_versions.settings_history(profile_id, include_settings=True)
    assert history[0]["settings"]["jira_config"]["token"] == "***"


def test_get_settings_version_returns_the_masked_settings(profile_id: str) -> None:
    pm.update_profile(profile_id, {"description": "team A"})
    first, second = (settings_versions.get_settings_version(profile_id, v) for v in (1, 2))
    assert (first["description"], second["description"]) == ("", "team A")
    assert second["jira_config"] == {"base_url": "https://acme.example", "token": "***"}
    assert "last_used" not in second


def test_diff_settings(profile_id: str) -> None:
    pm.update_profile(
        profile_id, {"forecast_settings": {"milestone": "2027-01-29"}, "show_milestone": True}
    )
    assert settings_versions.diff_settings(profile_id, 1, 2) == [
        {
            "path": "$.forecast_settings.milestone",
            "change": "changed",
            "old": None,
            "new": "2027-01-29",
        },
        {"path": "$.show_milestone", "change": "changed", "old": False, "new": True},
    ]


def test_rollback_restores_settings_but_keeps_the_current_token(profile_id: str) -> None:
    pm.update_profile(
        profile_id,
        {
            "forecast_settings": {"pert_factor": 5},
            "jira_config": {"base_url": "https://other.example"},
        },
    )
    pm.update_profile(profile_id, {"jira_config": {"token": "rotated"}})
    assert settings_versions.rollback_settings(profile_id, 1, actor="ana") == 3
    profile = pm.get_profile(profile_id)
    assert profile["forecast_settings"]["pert_factor"] == 3
    assert profile["jira_config"] == {"base_url": "https://acme.example", "token": "rotated"}
    newest = settings_versions.settings_history(profile_id)[0]
    assert (newest["version"], newest["change_summary"]) == (3, "Rollback to version 1")
    assert audit_entries("profile_settings", profile_id)[0]["new_value"] == {
        "version": 3,
        "rolled_back_to": 1,
    }
    assert settings_versions.diff_settings(profile_id, 1, 3) == []
    assert settings_versions.rollback_settings(profile_id, 3) is None  # already those settings


def test_rollback_never_restores_a_token_that_was_removed(profile_id: str) -> None:
    profile = pm.get_profile(profile_id)
    profile["jira_config"].pop("token")
    pm.get_backend().save_profile(profile)
    settings_versions.rollback_settings(profile_id, 1)
    assert "token" not in pm.get_profile(profile_id)["jira_config"]


def test_rollback_of_a_name_another_profile_took_is_a_conflict(profile_id: str) -> None:
    pm.rename_profile(profile_id, "Renamed")
    pm.create_profile("Demo")
    with pytest.raises(ConflictError, match="A profile named 'Demo' already exists"):
        settings_versions.rollback_settings(profile_id, 1)
    assert len(settings_versions.settings_history(profile_id)) == 2  # nothing half-written


def test_profiles_saved_before_versioning_get_their_old_settings_as_version_one(
    profile_id: str,
) -> None:
    with get_backend().session() as conn:
        conn.execute("DELETE FROM profile_settings_versions")
    pm.update_profile(profile_id, {"forecast_settings": {"pert_factor": 6}})
    history = settings_versions.settings_history(profile_id)
    assert [(h["version"], h["change_summary"]) for h in history] == [
        (2, "Changed forecast_settings.pert_factor"),
        (1, "Settings before versioning started"),
    ]
    settings_versions.rollback_settings(profile_id, 1)
    assert pm.get_profile(profile_id)["forecast_settings"]["pert_factor"] == 3


def test_errors(profile_id: str) -> None:
    with pytest.raises(NotFoundError, match="No profile 'ghost'"):
        settings_versions.settings_history("ghost")
    with pytest.raises(NotFoundError, match="has no settings version 7"):
        settings_versions.diff_settings(profile_id, 1, 7)
    with pytest.raises(NotFoundError, match="has no settings version 9"):
        settings_versions.rollback_settings(profile_id, 9)
    with pytest.raises(ValidationError, match="is not a version number"):
        settings_versions.get_settings_version(profile_id, "1")  # type: ignore[arg-type]


def test_deleting_a_profile_removes_its_settings_history(profile_id: str) -> None:
    pm.delete_profile(profile_id)
    with get_backend().session() as conn:
        assert conn.execute("SELECT COUNT(*) FROM profile_settings_versions").fetchone()[0] == 0


def test_rollback_works_in_dual_storage_and_mirrors_the_legacy_files(
    db_path: Path, data_dir: Path
) -> None:
    dual = DualBackend(SQLiteBackend(db_path), JSONBackend(data_dir))
    set_backend(dual)
    profile_id = pm.create_profile("Dual", {"jira_config": {"token": TOKEN}})
    pm.update_profile(profile_id, {"forecast_settings": {"pert_factor": 8}})
    assert settings_versions.rollback_settings(profile_id, 1) == 3
    assert dual.primary.get_profile(profile_id)["forecast_settings"]["pert_factor"] == 3  # type: ignore[index]
    assert dual.secondary.get_profile(profile_id)["forecast_settings"]["pert_factor"] == 3  # type: ignore[index]
    assert dual.primary.get_profile(profile_id)["jira_config"]["token"] == TOKEN  # type: ignore[index]


def test_rollback_is_refused_in_legacy_json_storage(profile_id: str, data_dir: Path) -> None:
    set_backend(JSONBackend(data_dir))
    with pytest.raises(ConfigError, match="switch to sqlite or dual storage"):
        settings_versions.rollback_settings(profile_id, 1)
