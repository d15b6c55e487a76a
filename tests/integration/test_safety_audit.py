"""The audit log: create/update/delete of profiles, queries and settings, secrets masked."""

from __future__ import annotations

import pytest

from data.db.connection import get_db_connection
from data.errors import ConflictError
from data.store.sqlite_backend import SQLiteBackend

TOKEN = "glpat-xyz-secret"


def _entries(backend: SQLiteBackend, entity_type: str) -> list[tuple[str, str]]:
    return [
        (e["entity_id"], e["action"])
        for e in reversed(backend.list_audit_entries(entity_type=entity_type))
    ]


def test_profile_create_update_delete_are_recorded_with_tokens_masked(
    backend: SQLiteBackend,
) -> None:
    backend.save_profile({"id": "kafka", "name": "Kafka", "jira_config": {"token": TOKEN}})
    backend.save_profile({"id": "kafka", "name": "Kafka 2", "jira_config": {"token": TOKEN}})
    backend.delete_profile("kafka")

    assert _entries(backend, "profile") == [
        ("kafka", "create"),
        ("kafka", "update"),
        ("kafka", "delete"),
    ]
    create, update, delete = reversed(backend.list_audit_entries(entity_type="profile"))
    assert create["old_value"] is None and create["new_value"]["name"] == "Kafka"
    assert (update["old_value"]["name"], update["new_value"]["name"]) == ("Kafka", "Kafka 2")
    assert delete["new_value"] is None and delete["old_value"]["name"] == "Kafka 2"
    assert update["new_value"]["jira_config"]["token"] == "***"
    with get_db_connection(backend.db_path) as conn:
        raw = " ".join(
            str(v)
            for row in conn.execute("SELECT json(old_value), json(new_value) FROM audit_log")
            for v in tuple(row)
        )
    assert TOKEN not in raw


def test_query_and_setting_changes_are_recorded(backend: SQLiteBackend) -> None:
    backend.save_profile({"id": "kafka", "name": "Kafka"})
    backend.save_query("kafka", {"id": "12w", "name": "12 weeks", "jql": "project = K"})
    backend.save_query("kafka", {"id": "12w", "name": "12 weeks", "jql": "project = K2"})
    backend.delete_query("kafka", "12w")
    backend.set_app_state("theme", "dark")
    backend.set_app_state("theme", "light")
    backend.set_app_state("jira_login", {"password": TOKEN})

    assert _entries(backend, "query") == [
        ("kafka/12w", "create"),
        ("kafka/12w", "update"),
        ("kafka/12w", "delete"),
    ]
    assert _entries(backend, "setting") == [
        ("theme", "create"),
        ("theme", "update"),
        ("jira_login", "create"),
    ]
    login = backend.list_audit_entries(entity_type="setting", entity_id="jira_login")[0]
    assert login["new_value"] == {"password": "***"}


def test_no_change_and_failed_changes_write_no_entry(backend: SQLiteBackend) -> None:
    backend.save_profile({"id": "kafka", "name": "Kafka"})
    backend.save_profile({"id": "other", "name": "Other"})
    before = len(backend.list_audit_entries())

    backend.set_app_state("unchanged", 1)
    backend.set_app_state("unchanged", 1)  # same value again: not a change
    with pytest.raises(ConflictError):
        backend.save_profile({"id": "other", "name": "Kafka"})  # rolled back with its entry

    assert len(backend.list_audit_entries()) == before + 1
