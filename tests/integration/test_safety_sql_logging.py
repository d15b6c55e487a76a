"""``FLOWCAST_LOG_SQL=1`` logs every statement with its parameters, and never a token."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest

from data.store.sqlite_backend import SQLiteBackend

TOKEN = "ATATT3xFfGF0-very-secret"


def test_statements_are_logged_with_parameters_and_tokens_masked(
    db_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setenv("FLOWCAST_LOG_SQL", "1")
    backend = SQLiteBackend(db_path)
    with caplog.at_level(logging.INFO, logger="data.db.connection.sql"):
        backend.save_profile(
            {
                "id": "kafka",
                "name": "Kafka",
                "jira_config": {"base_url": "https://acme.atlassian.net", "token": TOKEN},
            }
        )
        backend.save_profile(
            {"id": "kafka", "name": "Kafka", "jira_config": {"token": TOKEN + "2"}}
        )
        backend.get_profile("kafka")
        backend.set_app_state("jira_credentials", {"password": TOKEN})

    statements = [r.getMessage() for r in caplog.records if r.name == "data.db.connection.sql"]
    logged = "\n".join(statements)
    assert any(s.startswith("INSERT INTO profiles") for s in statements)
    assert "BEGIN IMMEDIATE" in statements
    # Parameters are expanded into the logged statement …
    assert "'kafka'" in logged and "https://acme.atlassian.net" in logged
    # … except secrets, which are masked wherever they appear.
    assert '"token":"***"' in logged
    assert TOKEN not in logged


def test_without_the_variable_nothing_is_logged(
    db_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.delenv("FLOWCAST_LOG_SQL", raising=False)
    with caplog.at_level(logging.INFO, logger="data.db.connection.sql"):
        SQLiteBackend(db_path).save_profile({"id": "kafka", "name": "Kafka"})
    assert not [r for r in caplog.records if r.name == "data.db.connection.sql"]


def test_cli_with_sql_logging_never_prints_the_token(data_dir: Path) -> None:
    env = {**os.environ, "FLOWCAST_LOG_SQL": "1", "JIRA_TOKEN_UNDER_TEST": TOKEN}
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "from cli.main import main; main()",
            "-v",
            "profile",
            "create",
            "Kafka",
        ]
        + ["--jira-url", "https://acme.atlassian.net", "--token-env", "JIRA_TOKEN_UNDER_TEST"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        cwd=Path(__file__).resolve().parents[2],
    )
    assert result.returncode == 0, result.stderr
    assert "data.db.connection.sql: INSERT INTO profiles" in result.stderr
    assert TOKEN not in result.stderr + result.stdout
