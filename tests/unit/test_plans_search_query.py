"""How search filters become SQL: no input text in the statement, every value bound (pure)."""

from __future__ import annotations

from typing import Any

import pytest

from data.errors import ValidationError
from data.store.plan_search import INDEXED_PATHS, build_search_query, normalize_filters


def where_clause(sql: str) -> str:
    return sql[sql.index("WHERE") :]


def test_indexed_paths_use_the_index_expression_and_bind_only_the_value() -> None:
    sql, params = build_search_query({"status": "active"})
    assert "p.data ->> '$.status' = ?" in sql
    assert params == ["active", 100]


def test_other_paths_are_bound_as_parameters() -> None:
    sql, params = build_search_query([("$.scope_target.points", ">", 10)])
    assert "p.data ->> ? > ?" in sql
    assert params == ["$.scope_target.points", 10, 100]


@pytest.mark.parametrize(
    "value",
    ["')--", "$.a') OR 1=1 --", "x'; DROP TABLE plans; --", "ünï©ødé ✓", "\x00", "a" * 1000],
)
def test_hostile_values_never_reach_the_statement(value: str) -> None:
    sql, params = build_search_query([("$.status", "=", value), ("$.name", "contains", value)])
    assert value not in sql
    assert params.count(value) == 3


def test_the_statement_only_contains_constant_text() -> None:
    # Every path and value here is bound, so the WHERE clause is the same for any input of this shape.
    first, _ = build_search_query(
        [("$.a.b[0].c", "=", "x"), ("$.type", "in", ["release", "sprint"])]
    )
    second, _ = build_search_query([("$.z", "=", "y"), ("$.type", "in", ["a", "b"])])
    assert where_clause(first) == where_clause(second)


def test_operators_build_the_documented_conditions() -> None:
    cases: list[tuple[Any, str, list[Any]]] = [
        (("$.x", "=", None), "p.data ->> ? IS NULL", ["$.x"]),
        (("$.x", "!=", "a"), "p.data ->> ? IS NOT ?", ["$.x", "a"]),
        (("$.x", "<", 3), "p.data ->> ? < ?", ["$.x", 3]),
        (("$.x", "in", [1, 2]), "p.data ->> ? IN (?, ?)", ["$.x", 1, 2]),
        (("$.flag", "=", True), "p.data ->> ? = ?", ["$.flag", 1]),
    ]
    for filt, fragment, params in cases:
        sql, bound = build_search_query([filt])
        assert fragment in sql
        assert bound == [*params, 100]


def test_contains_with_an_object_binds_field_paths() -> None:
    sql, params = build_search_query(
        [("$.scope_items", "contains", {"key": "DEMO-1", "decision": "approved"})]
    )
    assert "json_each(p.data, ?)" in sql
    assert params == ["$.scope_items", ".key", "DEMO-1", ".decision", "approved", 100]


def test_deleted_plans_are_excluded_unless_asked() -> None:
    assert "p.is_deleted = 0" in build_search_query({})[0]
    assert "p.is_deleted = 0" not in build_search_query({}, include_deleted=True)[0]


def test_profile_and_query_scope_are_bound() -> None:
    sql, params = build_search_query({}, profile_id="p'", query_id="q")
    assert "p.profile_id = ? AND p.query_id = ?" in sql
    assert params == ["p'", "q", 100]


def test_indexed_path_table_is_the_migration_s_expressions() -> None:
    from data.db.schema.m0002_plans import UP

    for path, expression in INDEXED_PATHS.items():
        assert f"ON plans({expression.removeprefix('p.')}, updated_at, id)" in UP
        assert path in expression


@pytest.mark.parametrize(
    ("filters", "message"),
    [
        ("status=active", "Search filters are"),
        ([("$.a", "=")], r"Each search filter is \(path, operator, value\)"),
        ([("$.a", "LIKE", "x")], "'LIKE' is not a search operator"),
        ([("$.a", "; DROP TABLE plans", "x")], "is not a search operator"),
        ([("$.a') OR 1=1 --", "=", "x")], "is not a JSON path Flowcast can search"),
        ([("$.a", "in", [])], "'in' needs a list of 1 to 100 values"),
        ([("$.a", "in", "abc")], "'in' needs a list"),
        ([("$.a", "in", list(range(101)))], "'in' needs a list of 1 to 100"),
        ([("$.a", "<", None)], "must be a text, a finite number or true/false, not NoneType"),
        ([("$.a", "=", [1])], "must be a text, a finite number or true/false or null, not list"),
        ([("$.a", "=", {"x": 1})], "not dict"),
        ([("$.a", "=", float("nan"))], "not float"),
        ([("$.a", "=", "x" * 1001)], "1001 characters long; use at most 1000"),
        ([("$.a", "contains", {"bad key": 1})], "is not a valid field name"),
        ([("$.a", "contains", {})], "'contains' with an object needs 1 to 20 fields"),
        ([("$.a", "=", 1)] * 21, "Use at most 20 search filters"),
    ],
)
def test_bad_filters_say_what_is_wrong(filters: Any, message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        build_search_query(filters)


@pytest.mark.parametrize("limit", [0, 1001, "10", True, None])
def test_limit_must_be_a_bounded_integer(limit: Any) -> None:
    with pytest.raises(ValidationError, match="is not a result limit; use 1 to 1000"):
        build_search_query({}, limit=limit)


def test_filter_forms_normalize_alike() -> None:
    expected = [("$.status", "=", "active")]
    assert normalize_filters({"status": "active"}) == expected
    assert normalize_filters([("status", "=", "active")]) == expected
    assert normalize_filters([{"path": "$.status", "op": "=", "value": "active"}]) == expected
    assert normalize_filters(None) == []
