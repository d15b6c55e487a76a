"""search_plans on a real database, SQLite and PostgreSQL: operators, nested paths, the expression
indexes, hostile input."""

from __future__ import annotations

import json
from typing import Any

import pytest

from data import plans
from data.db.dialect import dialect_of
from data.errors import ValidationError
from data.store import get_backend
from data.store.plan_search import build_search_query
from data.store.sql_backend import SQLBackend
from data.store.sqlite_backend import SQLiteBackend
from tests.integration.plans_support import make_query, plan_document


@pytest.fixture
def backend(both_engines: SQLBackend) -> SQLBackend:
    """Every test here runs on the SQLite file and on a PostgreSQL database."""
    return both_engines


@pytest.fixture
def query(backend: SQLBackend) -> tuple[str, str]:
    return make_query()


@pytest.fixture
def three_plans(query: tuple[str, str]) -> dict[str, str]:
    """release (active, 120 points, DEMO-1/2/3), sprint (planned, 20 points), milestone (done)."""
    return {
        "release": plans.create_plan(*query, "Release 2.0", plan_document(status="active")),
        "sprint": plans.create_plan(
            *query,
            "Sprint 7",
            plan_document(
                type="sprint",
                scope_target={"items": 5, "points": 20},
                scope_items=[{"key": "DEMO-9", "decision": "pending"}],
                deadline="2026-12-04",
                tags=["mobile", "ux"],
            ),
        ),
        "milestone": plans.create_plan(
            *query, "Beta", plan_document(type="milestone", status="done", scope_items=[])
        ),
    }


def ids(filters: Any, **options: Any) -> set[str]:
    return {p["id"] for p in plans.search_plans(filters, **options)}


def test_equality_on_indexed_and_plain_paths(three_plans: dict[str, str]) -> None:
    assert ids({"status": "active"}) == {three_plans["release"]}
    assert ids({"$.type": "sprint"}) == {three_plans["sprint"]}
    assert ids({"$.scope_target.points": 20}) == {three_plans["sprint"]}
    assert ids({"status": "active", "type": "sprint"}) == set()


def test_comparison_in_and_not_equal(three_plans: dict[str, str]) -> None:
    assert ids([("$.scope_target.points", ">", 50)]) == {
        three_plans["release"],
        three_plans["milestone"],
    }
    assert ids([("$.deadline", "<", "2027-01-01")]) == {three_plans["sprint"]}
    assert ids([("$.type", "in", ["sprint", "milestone"])]) == {
        three_plans["sprint"],
        three_plans["milestone"],
    }
    assert ids([("$.status", "!=", "planned")]) == {
        three_plans["release"],
        three_plans["milestone"],
    }
    # != also matches plans without the path.
    assert ids([("$.tags", "!=", "x")]) == set(three_plans.values())
    assert ids({"$.tags": None}) == {three_plans["release"], three_plans["milestone"]}


def test_nested_index_paths(three_plans: dict[str, str]) -> None:
    assert ids({"$.scope_items[0].key": "DEMO-9"}) == {three_plans["sprint"]}
    assert ids({"$.scope_items[2].decision": "pending"}) == {three_plans["release"]}


def test_contains(three_plans: dict[str, str]) -> None:
    assert ids([("$.tags", "contains", "ux")]) == {three_plans["sprint"]}
    assert ids([("$.name", "contains", "lease")]) == {three_plans["release"]}
    assert ids([("$.scope_items", "contains", {"key": "DEMO-1", "decision": "approved"})]) == {
        three_plans["release"]
    }
    assert ids([("$.scope_items", "contains", {"key": "DEMO-1", "decision": "rejected"})]) == set()


def test_scope_limit_and_order(three_plans: dict[str, str], query: tuple[str, str]) -> None:
    plans.create_version(
        three_plans["sprint"],
        {**plans.get_current_plan(three_plans["sprint"])["data"], "status": "active"},
    )
    found = plans.search_plans({}, profile_id=query[0], query_id=query[1])
    assert found[0]["id"] == three_plans["sprint"]  # most recently changed first
    assert len(plans.search_plans({}, limit=2)) == 2
    assert plans.search_plans({}, profile_id="other") == []


def test_deleted_plans_are_left_out_unless_asked(three_plans: dict[str, str]) -> None:
    plans.delete_plan(three_plans["release"])
    assert ids({"status": "active"}) == set()
    assert ids({"status": "active"}, include_deleted=True) == {three_plans["release"]}


def explain(filters: Any, **options: Any) -> str:
    """The plan of the search the store runs, as text (SQLite's EXPLAIN QUERY PLAN details, or
    PostgreSQL's JSON plan with sequential scans off: three plans would not need an index)."""
    with get_backend().session() as conn:
        sql, params = build_search_query(filters, dialect=dialect_of(conn), **options)
        if isinstance(get_backend(), SQLiteBackend):
            return " | ".join(r[3] for r in conn.execute("EXPLAIN QUERY PLAN " + sql, params))
        conn.execute("SET enable_seqscan = off")
        try:
            plan = conn.execute("EXPLAIN (FORMAT JSON) " + sql, params).fetchone()[0]
        finally:
            conn.execute("RESET enable_seqscan")
        return json.dumps(json.loads(plan))


def test_indexed_paths_use_their_expression_index(three_plans: dict[str, str]) -> None:
    sqlite = isinstance(get_backend(), SQLiteBackend)
    uses = "USING INDEX " if sqlite else ""
    # On three rows PostgreSQL reads live plans (is_deleted = 0) through the partial
    # live-name index and filters the type; with deleted plans included the type index is the
    # one that applies.
    type_options = {} if sqlite else {"include_deleted": True}
    assert f"{uses}idx_plans_status" in explain({"status": "active"})
    assert f"{uses}idx_plans_type" in explain(
        [("$.type", "in", ["sprint", "release"])], **type_options
    )
    assert "idx_plans_status" not in explain({"$.scope_target.points": 20})


def test_indexed_search_reads_matches_in_index_order(
    three_plans: dict[str, str], backend: SQLBackend
) -> None:
    if not isinstance(backend, SQLiteBackend):
        pytest.skip("SQLite's sorts (temp B-trees); PostgreSQL's index use is checked above")
    # The index ends with (updated_at, id): only the outer sort of at most `limit` hits remains,
    # while a non-indexed path must also sort every match.
    assert explain({"status": "active"}).count("USE TEMP B-TREE FOR ORDER BY") == 1
    assert explain({"$.scope_target.points": 20}).count("USE TEMP B-TREE FOR ORDER BY") == 2


HOSTILE_VALUES = [
    "'",
    "')--",
    "$.a') OR 1=1 --",
    "x'; DROP TABLE plans; --",
    '" OR ""="',
    "active\x00' OR 1=1",
    "ünïcødé ✓ 🚀",
    "%",
    "_",
]


@pytest.mark.parametrize("value", HOSTILE_VALUES)
def test_hostile_values_match_literally_and_harm_nothing(
    three_plans: dict[str, str], value: str
) -> None:
    assert ids({"status": value}) == set()
    assert ids([("$.name", "contains", value)]) == set()
    assert ids([("$.scope_items", "contains", {"key": value})]) == set()
    assert ids([("$.status", "!=", value)]) == set(three_plans.values())
    assert_tables_intact(3)


def test_a_hostile_value_stored_in_a_plan_is_found_as_text(query: tuple[str, str]) -> None:
    name = "Robert'); DROP TABLE plans;--"
    plan_id = plans.create_plan(*query, name, plan_document(owner="ünï ' \" ✓"))
    assert ids({"$.name": name}) == {plan_id}
    assert ids({"$.owner": "ünï ' \" ✓"}) == {plan_id}


HOSTILE_PATHS = [
    "$.a'",
    "$.a')--",
    "$.a') OR 1=1 --",
    "status' OR '1'='1",
    "$.a; DROP TABLE plans",
    "$.stätus",
    "$.a[*]",
    '$."status"',
    "$." + "a" * 10_240,
]


@pytest.mark.parametrize("path", HOSTILE_PATHS, ids=lambda p: p[:20])
def test_hostile_paths_are_refused_before_any_sql(three_plans: dict[str, str], path: str) -> None:
    with pytest.raises(ValidationError) as info:
        plans.search_plans({path: "x"})
    assert len(str(info.value)) < 200  # one sentence, never the 10 kB input
    assert_tables_intact(3)


def assert_tables_intact(plan_count: int) -> None:
    with get_backend().session() as conn:
        assert conn.execute("SELECT COUNT(*) FROM plans").fetchone()[0] == plan_count
        if isinstance(get_backend(), SQLiteBackend):
            assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
