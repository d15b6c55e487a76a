"""Versioned plan documents on a real SQLite file and a real PostgreSQL database: create, versions, read, history, rollback, diff, lineage."""

from __future__ import annotations

import json

import pytest

from data import plans
from data.db.connection import write_transaction
from data.db.dialect import dialect_of
from data.errors import ConflictError, NotFoundError, ValidationError
from data.profiles import manager as pm
from data.store import get_backend
from data.store.documents import canonical_json, content_hash
from data.store.sql_backend import SQLBackend
from data.store.sqlite_backend import SQLiteBackend
from tests.integration.plans_support import audit_entries, make_query, plan_document


@pytest.fixture
def backend(both_engines: SQLBackend) -> SQLBackend:
    """Every test here runs on the SQLite file and on a PostgreSQL database."""
    return both_engines


@pytest.fixture
def query(backend: SQLBackend) -> tuple[str, str]:
    return make_query()


@pytest.fixture
def plan_id(query: tuple[str, str]) -> str:
    return plans.create_plan(*query, "Release 2.0", plan_document())


def count(table: str) -> int:
    with get_backend().session() as conn:
        return conn.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]  # noqa: S608 - test constant


def test_create_plan_writes_draft_version_one(plan_id: str, backend: SQLBackend) -> None:
    assert plan_id == "release-2-0"
    plan = plans.get_current_plan(plan_id)
    assert plan["version"] == 1
    assert plan["version_status"] == "draft"
    assert plan["baseline_version"] is None
    assert plan["data"] == plan_document()
    assert plan["content_hash"] == content_hash(canonical_json(plan_document()))
    sqlite = isinstance(backend, SQLiteBackend)
    typeof = "typeof(data)" if sqlite else "pg_typeof(data)::text"
    with backend.session() as conn:
        row = conn.execute(
            f"SELECT {typeof}, {dialect_of(conn).json_text('data', '$.type')} FROM plans"  # noqa: S608 - test constants
        ).fetchone()
    assert tuple(row) == ("blob" if sqlite else "jsonb", "release")  # stored as JSONB


def test_create_plan_defaults_status_and_takes_the_name_given(query: tuple[str, str]) -> None:
    plan_id = plans.create_plan(*query, " Sprint 7 ", {"type": "sprint", "name": "ignored"})
    data = plans.get_current_plan(plan_id)["data"]
    assert data == {"name": "Sprint 7", "type": "sprint", "status": "planned"}


def test_plan_ids_stay_unique_across_queries(backend: SQLiteBackend) -> None:
    profile_id, first = make_query()
    second = pm.create_query(profile_id, "Other", "project = X")
    assert plans.create_plan(profile_id, first, "R1", {"type": "release"}) == "r1"
    assert plans.create_plan(profile_id, second, "R1", {"type": "release"}) == "r1-2"


def test_same_name_twice_in_one_query_is_a_conflict(plan_id: str, query: tuple[str, str]) -> None:
    with pytest.raises(ConflictError, match="already has a plan named 'Release 2.0'"):
        plans.create_plan(*query, "Release 2.0", plan_document())


def test_create_plan_for_a_missing_query_says_so(backend: SQLiteBackend) -> None:
    profile_id, _ = make_query()
    with pytest.raises(NotFoundError, match="No query 'nope' in profile 'demo'"):
        plans.create_plan(profile_id, "nope", "R", {"type": "release"})


def test_invalid_document_writes_nothing(query: tuple[str, str]) -> None:
    with pytest.raises(ValidationError, match=r"\$.type is 'epic'"):
        plans.create_plan(*query, "R", {"type": "epic"})
    assert count("plans") == 0


def test_create_version_appends_and_archives_the_previous(plan_id: str) -> None:
    assert plans.create_version(plan_id, plan_document(status="active"), "Started") == 2
    current = plans.get_current_plan(plan_id)
    assert (current["version"], current["data"]["status"], current["change_summary"]) == (
        2,
        "active",
        "Started",
    )
    old = plans.get_specific_version(plan_id, 1)
    assert old["is_current"] is False
    assert old["archived_at"] is not None
    assert old["data"]["status"] == "planned"
    assert plans.get_specific_version(plan_id, 2)["parent_version"] == 1


def test_unchanged_content_returns_none_and_writes_nothing(plan_id: str) -> None:
    audit_before = count("audit_log")
    reordered = json.loads(
        json.dumps(plan_document(), sort_keys=True)
    )  # other key order, same content
    assert plans.create_version(plan_id, reordered, "no-op") is None
    assert count("plan_versions") == 1
    assert count("audit_log") == audit_before


def test_renaming_through_a_version_updates_the_plan_name(
    plan_id: str, query: tuple[str, str]
) -> None:
    plans.create_version(plan_id, plan_document(name="Release 2.1"))
    assert plans.get_current_plan(plan_id)["name"] == "Release 2.1"
    plans.create_plan(*query, "Release 2.0", plan_document())  # the old name is free again
    with pytest.raises(ConflictError, match="already has a plan named 'Release 2.0'"):
        plans.create_version(plan_id, plan_document(name="Release 2.0"))


def test_unknown_plan_and_version_are_not_found(plan_id: str) -> None:
    with pytest.raises(NotFoundError, match="No plan 'nope'"):
        plans.get_current_plan("nope")
    with pytest.raises(NotFoundError, match="No plan 'nope'"):
        plans.create_version("nope", plan_document())
    with pytest.raises(NotFoundError, match="has no version 9"):
        plans.get_specific_version(plan_id, 9)
    with pytest.raises(ValidationError, match="is not a version number"):
        plans.get_specific_version(plan_id, 0)


def test_parent_version_must_exist(plan_id: str) -> None:
    with pytest.raises(NotFoundError, match="has no version 5"):
        plans.create_version(plan_id, plan_document(status="active"), parent_version=5)


def test_history_is_newest_first_with_window_links(plan_id: str) -> None:
    for status in ("active", "at_risk", "done"):
        plans.create_version(plan_id, plan_document(status=status), f"-> {status}")
    history = plans.get_version_history(plan_id)
    assert [h["version"] for h in history] == [4, 3, 2, 1]
    assert [h["previous_version"] for h in history] == [3, 2, 1, None]
    assert [h["next_version"] for h in history] == [None, 4, 3, 2]
    assert [h["is_current"] for h in history] == [True, False, False, False]
    assert "data" not in history[0]


def test_history_limit_and_documents(plan_id: str) -> None:
    for status in ("active", "at_risk"):
        plans.create_version(plan_id, plan_document(status=status))
    history = plans.get_version_history(plan_id, 2, include_data=True)
    assert [h["version"] for h in history] == [3, 2]
    # The window runs over all versions before the limit: version 2 still sees version 1.
    assert history[1]["previous_data"]["status"] == "planned"
    assert history[0]["previous_data"] == history[1]["data"]
    assert len(plans.get_version_history(plan_id, None)) == 3


@pytest.mark.parametrize("limit", [0, -1, 10_001, "5", True])
def test_history_limit_is_validated(plan_id: str, limit: object) -> None:
    with pytest.raises(ValidationError, match="is not a history limit"):
        plans.get_version_history(plan_id, limit)  # type: ignore[arg-type]


def test_rollback_writes_a_new_version_with_the_old_content(plan_id: str) -> None:
    plans.create_version(plan_id, plan_document(status="active"))
    plans.create_version(plan_id, plan_document(status="done"))
    assert plans.rollback_to_version(plan_id, 1) == 4
    current = plans.get_current_plan(plan_id)
    assert current["data"] == plan_document()
    assert current["content_hash"] == plans.get_specific_version(plan_id, 1)["content_hash"]
    assert current["change_summary"] == "Rollback to version 1"
    assert current["parent_version"] == 1
    assert plans.rollback_to_version(plan_id, 4) is None  # already that content


def test_rollback_to_a_missing_version(plan_id: str) -> None:
    with pytest.raises(NotFoundError, match="has no version 7"):
        plans.rollback_to_version(plan_id, 7, "x")


def test_diff_versions_lists_paths_with_old_and_new_values(plan_id: str) -> None:
    changed = plan_document(status="active", deadline="2027-02-12")
    changed["scope_items"][2]["decision"] = "approved"
    plans.create_version(plan_id, changed)
    assert plans.diff_versions(plan_id, 1, 2) == [
        {"path": "$.deadline", "change": "changed", "old": "2027-01-29", "new": "2027-02-12"},
        {
            "path": "$.scope_items[2].decision",
            "change": "changed",
            "old": "pending",
            "new": "approved",
        },
        {"path": "$.status", "change": "changed", "old": "planned", "new": "active"},
    ]
    assert plans.diff_versions(plan_id, 2, 2) == []


def test_lineage_follows_parents_back_to_the_first_version(plan_id: str) -> None:
    plans.create_version(plan_id, plan_document(status="active"))  # 2 <- 1
    plans.create_version(plan_id, plan_document(status="done"))  # 3 <- 2
    plans.rollback_to_version(plan_id, 1)  # 4 <- 1
    assert [(v["version"], v["depth"]) for v in plans.lineage(plan_id)] == [(4, 0), (1, 1)]
    assert [v["version"] for v in plans.lineage(plan_id, 3)] == [3, 2, 1]
    assert plans.lineage(plan_id, 1)[0]["parent_version"] is None


def test_list_plans_hides_deleted(plan_id: str, query: tuple[str, str]) -> None:
    other = plans.create_plan(*query, "Sprint 1", {"type": "sprint"})
    assert {p["id"] for p in plans.list_plans(query[0])} == {plan_id, other}
    plans.delete_plan(other)
    assert [p["id"] for p in plans.list_plans(query[0], query[1])] == [plan_id]
    assert len(plans.list_plans(query[0], include_deleted=True)) == 2


def test_versions_are_audited_in_the_same_transaction(plan_id: str) -> None:
    plans.create_version(plan_id, plan_document(status="active"), "go", actor="ana")
    entries = audit_entries("plan", plan_id)
    assert [e["action"] for e in entries] == ["version", "create"]
    assert entries[0]["actor"] == "ana"
    assert entries[0]["new_value"]["version"] == 2


def test_deleting_the_query_removes_its_plans(plan_id: str, query: tuple[str, str]) -> None:
    pm.delete_query(*query)
    assert count("plans") == 0
    assert count("plan_versions") == 0


def test_calls_inside_a_session_share_its_transaction(plan_id: str, backend: SQLBackend) -> None:
    """Plan calls join the caller's store session: rolling its transaction back undoes them."""
    with pytest.raises(RuntimeError), backend.session() as conn, write_transaction(conn):
        assert plans.create_version(plan_id, plan_document(status="active")) == 2
        assert plans.get_current_plan(plan_id)["version"] == 2
        raise RuntimeError("undo")
    assert plans.get_current_plan(plan_id)["version"] == 1
    assert count("plan_versions") == 1
