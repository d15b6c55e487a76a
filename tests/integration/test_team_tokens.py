"""JIRA tokens sealed at rest with the team server's secret key (issue 14 §3), on a real SQLite
file and a real sync against the fake JIRA over HTTP."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from data.db.connection import get_db_connection
from data.errors import ConfigError
from data.jira.client import JiraClient
from data.jira.sync import sync
from data.profiles import manager as pm
from data.secrets import SEALED_PREFIX
from data.store.sqlite_backend import SQLiteBackend
from fakejira import DEFAULT_EMAIL, DEFAULT_TOKEN, FakeJira
from tests.integration.jira_support import FAST_RETRY

KEY = "team-secret-key-0123456789-abcdefghijklmnop"
NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)


def stored_token(db_path: Path, profile_id: str) -> str:
    with get_db_connection(db_path) as conn:
        row = conn.execute(
            "SELECT json(jira_config) FROM profiles WHERE id = ?", (profile_id,)
        ).fetchone()
    return json.loads(row[0])["token"]


def make(fake_url: str) -> str:
    profile_id = pm.create_profile(
        "Team",
        {"jira_config": {"base_url": fake_url, "deployment": "cloud", "email": DEFAULT_EMAIL,
                         "token": DEFAULT_TOKEN}},
    )  # fmt: skip
    pm.create_query(profile_id, "Q", "project = DEMO")
    return profile_id


def test_with_a_team_key_the_token_is_sealed_on_disk_and_still_syncs(
    backend: SQLiteBackend, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FLOWCAST_SECRET_KEY", KEY)
    with FakeJira("cloud", issues=40, seed=3, now=NOW) as fake:
        profile_id = make(fake.base_url)
        sealed = stored_token(db_path, profile_id)
        assert sealed.startswith(SEALED_PREFIX) and DEFAULT_TOKEN not in sealed
        assert backend.get_profile(profile_id)["jira_config"]["token"] == DEFAULT_TOKEN
        result = sync(profile_id, "q", retry=FAST_RETRY)
        assert result.issue_count == 40
    with get_db_connection(db_path) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    assert DEFAULT_TOKEN.encode() not in db_path.read_bytes()


def test_a_sealed_token_without_the_key_or_with_another_is_one_sentence(
    backend: SQLiteBackend, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FLOWCAST_SECRET_KEY", KEY)
    profile_id = make("https://acme.atlassian.net")
    monkeypatch.delenv("FLOWCAST_SECRET_KEY")
    profile = backend.get_profile(profile_id)  # the profile still reads (its token stays sealed)
    assert profile["jira_config"]["token"].startswith(SEALED_PREFIX)
    with pytest.raises(
        ConfigError, match=r"sealed with the team server's secret key; set FLOWCAST_SECRET_KEY"
    ):
        JiraClient.from_profile(profile)
    monkeypatch.setenv("FLOWCAST_SECRET_KEY", "another-key-0123456789-abcdefghijklmnopq")
    with pytest.raises(ConfigError, match="was sealed with another secret key; set the key"):
        JiraClient.from_profile(backend.get_profile(profile_id))


def test_without_a_key_tokens_are_stored_as_before(
    backend: SQLiteBackend, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("FLOWCAST_SECRET_KEY", raising=False)
    profile_id = make("https://acme.atlassian.net")
    assert stored_token(db_path, profile_id) == DEFAULT_TOKEN


def test_saving_a_profile_unchanged_keeps_its_history_quiet(
    backend: SQLiteBackend, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FLOWCAST_SECRET_KEY", KEY)
    profile_id = make("https://acme.atlassian.net")
    entries = len(backend.list_audit_entries("profile", profile_id))
    backend.save_profile(backend.get_profile(profile_id))  # a new ciphertext, the same profile
    assert len(backend.list_audit_entries("profile", profile_id)) == entries
    assert backend.get_profile(profile_id)["jira_config"]["token"] == DEFAULT_TOKEN
