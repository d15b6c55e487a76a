"""The app on PostgreSQL end to end (issue 14 §1): a real sync from the fake JIRA over HTTP with
``flowcast fetch`` and FLOWCAST_DATABASE_URL, then ``report --json`` equal to the same run on the
SQLite file; ``flowcast serve --database-url`` serves the pages from the team database."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx
import pytest

from data.store import set_backend
from fakejira import FakeJira
from tests.integration.jira_support import make_profile

FLOWCAST = str(Path(sys.executable).with_name("flowcast"))
AS_OF = "2026-11-30"


def flowcast(*args: str) -> str:
    done = subprocess.run(
        [FLOWCAST, *args], capture_output=True, text=True, timeout=180, env=os.environ.copy()
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def sync_and_report(fake: FakeJira) -> tuple[dict[str, Any], dict[str, Any]]:
    """A profile on the current store, a full sync from the fake, and its report."""
    profile_id, query_id = make_profile(fake)
    fetched = json.loads(flowcast("fetch", "--profile", profile_id, "--query", query_id, "--json"))
    report = flowcast(
        "report", "--profile", profile_id, "--query", query_id, "--as-of", AS_OF, "--json"
    )
    return fetched, json.loads(report)


def test_a_sync_and_report_on_postgresql_equal_the_same_on_sqlite(
    postgres_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    with FakeJira("cloud", issues=80, seed=11) as fake:
        sqlite_fetch, sqlite_report = sync_and_report(fake)
        monkeypatch.setenv("FLOWCAST_DATABASE_URL", postgres_url)
        set_backend(None)
        try:
            postgres_fetch, postgres_report = sync_and_report(fake)
        finally:
            set_backend(None)  # its pool closed before the database is dropped
    # The sync read every issue of the fake over HTTP, on both engines alike.
    for key in ("issue_count", "transition_count", "fetched", "removed", "snapshot_weeks"):
        assert postgres_fetch[key] == sqlite_fetch[key], key
    assert (sqlite_fetch["issue_count"], sqlite_fetch["removed"]) == (80, 0)
    assert sqlite_fetch["transition_count"] > 80
    # Every number of the report is the same (an empty report would prove nothing).
    assert sum(w["completed_items"] for w in sqlite_report["weekly_statistics"]["weeks"]) > 0
    assert postgres_report == sqlite_report


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_the_server_runs_on_the_team_database(
    postgres_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FLOWCAST_DATABASE_URL", postgres_url)
    set_backend(None)
    try:
        with FakeJira("cloud", issues=20, seed=5) as fake:
            profile_id, _ = make_profile(fake)
    finally:
        set_backend(None)
    monkeypatch.delenv("FLOWCAST_DATABASE_URL")
    port = free_port()
    server = subprocess.Popen(
        [FLOWCAST, "serve", "--no-demo", "--port", str(port), "--database-url", postgres_url],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        layout = ""
        for _ in range(120):
            try:
                layout = httpx.get(f"http://127.0.0.1:{port}/_dash-layout", timeout=5).text
                break
            except httpx.TransportError:
                assert server.poll() is None, "flowcast serve stopped; run it by hand to see why"
                time.sleep(0.5)
        # The profile exists only in the team database: the page offers it.
        assert profile_id in layout
    finally:
        server.terminate()
        server.wait(timeout=30)
