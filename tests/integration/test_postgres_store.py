"""The app's store on PostgreSQL (issue 14 §1): selected by FLOWCAST_DATABASE_URL, documents as
jsonb read back through psycopg on its own, the JIRA-site expression index used, task locks that
hold across backends and die with their connection."""

from __future__ import annotations

import json

import psycopg
import pytest

from data.db.dialect import dialect_of
from data.db.postgres import PostgresConnection, postgres_connection
from data.errors import ConfigError, DatabaseError
from data.store import get_backend, set_backend
from data.store.locks import LockHeld
from data.store.postgres_backend import PostgresBackend
from data.store.sqlite_backend import SQLiteBackend

PROFILE = {
    "id": "kafka",
    "name": "Kafka",
    "jira_config": {"base_url": "https://jira.example.com", "points_field": "cf_1"},
    "field_mappings": {"deployment_date": "customfield_10001"},
}


def test_the_database_url_selects_postgresql_and_unset_means_sqlite(
    postgres_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert isinstance(get_backend(), SQLiteBackend)
    monkeypatch.setenv("FLOWCAST_DATABASE_URL", postgres_url)
    backend = get_backend()
    try:
        assert isinstance(backend, PostgresBackend) and get_backend() is backend
        backend.save_profile(PROFILE)
        backend.save_query("kafka", {"id": "all", "name": "All", "jql": "project = KAFKA"})
        with psycopg.connect(postgres_url) as raw:
            row = raw.execute(
                "SELECT jira_config, pg_typeof(jira_config)::text, field_mappings ->> "
                "'deployment_date' FROM profiles WHERE id = 'kafka'"
            ).fetchone()
            queries = raw.execute("SELECT profile_id, id, jql FROM queries").fetchall()
        assert row == (PROFILE["jira_config"], "jsonb", "customfield_10001")
        assert queries == [("kafka", "all", "project = KAFKA")]
    finally:
        set_backend(None)  # closes its pool before the database is dropped
    monkeypatch.delenv("FLOWCAST_DATABASE_URL")
    assert isinstance(get_backend(), SQLiteBackend)


def test_a_url_that_is_not_postgresql_is_refused_in_one_sentence(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("FLOWCAST_DATABASE_URL", "mysql://db.example/flowcast")
    with pytest.raises(ConfigError, match=r"is not a PostgreSQL database URL; give postgresql://"):
        get_backend()


def test_a_server_that_does_not_answer_is_named() -> None:
    with pytest.raises(DatabaseError, match=r"PostgreSQL \(database x on 127.0.0.1:1\)"):
        PostgresBackend("postgresql://postgres@127.0.0.1:1/x")


def test_profiles_by_jira_site_use_the_expression_index(postgres_backend: PostgresBackend) -> None:
    for n in range(3):
        url = f"https://jira{n}.example.com"
        postgres_backend.save_profile(
            {**PROFILE, "id": f"p{n}", "name": f"P{n}", "jira_config": {"base_url": url}}
        )
    found = postgres_backend.find_profiles_by_jira_url("https://jira1.example.com/")
    assert [p["id"] for p in found] == ["p1"]
    with postgres_backend.session() as conn:
        conn.execute("SET enable_seqscan = off")  # three rows: show the index matches at all
        plan = conn.execute(
            # The expression find_profiles_by_jira_url writes.
            "EXPLAIN (FORMAT JSON) SELECT id FROM profiles WHERE "  # noqa: S608 - a constant path
            f"{dialect_of(conn).json_text('jira_config', '$.base_url')} = ?",
            ("https://jira1.example.com",),
        ).fetchone()[0]
        conn.execute("RESET enable_seqscan")
    assert "idx_profiles_jira_url" in json.dumps(json.loads(plan))


def test_a_task_lock_is_held_across_backends_until_released(
    postgres_url: str, postgres_backend: PostgresBackend
) -> None:
    other = PostgresBackend(postgres_url)  # another server or worker process's store
    try:
        with postgres_backend.task_lock("sync:kafka/all"):
            with pytest.raises(LockHeld):
                with other.task_lock("sync:kafka/all"):
                    pass
            with other.task_lock("sync:kafka/bugs"):  # another task is free
                pass
        with other.task_lock("sync:kafka/all"):  # released with its connection
            pass
    finally:
        other.close()


def test_only_a_connection_the_server_ended_is_called_cut_off(postgres_url: str) -> None:
    """A statement that fails (here a statement timeout) keeps its own error and the connection
    works on; a connection the server terminates is the one "closed the connection" sentence."""
    with postgres_connection(postgres_url) as raw:
        conn = PostgresConnection(raw)
        conn.execute("SET statement_timeout = 50")
        with pytest.raises(psycopg.errors.QueryCanceled, match="statement timeout"):
            conn.execute("SELECT pg_sleep(2)")
        assert conn.execute("SELECT 1").fetchone()[0] == 1  # still usable
        with psycopg.connect(postgres_url, autocommit=True) as admin:
            pid = conn.execute("SELECT pg_backend_pid()").fetchone()[0]
            admin.execute("SELECT pg_terminate_backend(%s)", (pid,))
        with pytest.raises(DatabaseError, match="closed the connection mid-request"):
            conn.execute("SELECT 1")
