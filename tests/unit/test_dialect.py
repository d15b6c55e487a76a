"""The dialect seam (data/db/dialect.py): placeholders and JSON paths as each engine reads them."""

from __future__ import annotations

import pytest

from data.db.dialect import POSTGRESQL_DIALECT, SQLITE_DIALECT, bind, dialect_of, translate


@pytest.mark.parametrize(
    ("sql", "expected"),
    [
        (
            "SELECT 1 FROM t WHERE a = ? AND b = ?",
            ("SELECT 1 FROM t WHERE a = %s AND b = %s", False),
        ),
        (
            "SELECT 1 WHERE (?1 IS NULL OR a = ?1) LIMIT ?12",
            ("SELECT 1 WHERE (%(p1)s IS NULL OR a = %(p1)s) LIMIT %(p12)s", True),
        ),
        # Quoted text keeps its ? (a JSON path, a literal); every literal % is doubled.
        (
            "SELECT 'a?b', \"c?\" FROM t WHERE x LIKE '5%' AND y = ?",
            (
                "SELECT 'a?b', \"c?\" FROM t WHERE x LIKE '5%%' AND y = %s",
                False,
            ),
        ),
        ("SELECT 'it''s ?' WHERE a = ?", ("SELECT 'it''s ?' WHERE a = %s", False)),
    ],
)
def test_placeholders_become_psycopg_ones(sql: str, expected: tuple[str, bool]) -> None:
    assert translate(sql, True) == expected


def test_a_statement_without_parameters_is_sent_as_written() -> None:
    assert translate("SELECT '100%' WHERE a LIKE 'x%'", False) == (
        "SELECT '100%' WHERE a LIKE 'x%'",
        False,
    )


def test_mixed_placeholder_styles_are_a_programming_error() -> None:
    with pytest.raises(ValueError, match="mixes"):
        translate("SELECT ?1, ?", True)


def test_numbered_parameters_are_bound_by_name() -> None:
    assert bind(("a", None, 3), True) == {"p1": "a", "p2": None, "p3": 3}
    assert bind(("a",), False) == ("a",)


@pytest.mark.parametrize(
    ("path", "sqlite", "postgresql"),
    [
        # One key: the ->> 'key' form PostgreSQL's expression indexes are written in (m0001, m0002).
        ("$.base_url", "c ->> '$.base_url'", "c ->> 'base_url'"),
        ("$.scope_target.points", "c ->> '$.scope_target.points'", "c #>> '{scope_target,points}'"),
        ("$.scope_items[0].key", "c ->> '$.scope_items[0].key'", "c #>> '{scope_items,0,key}'"),
        ("$[2]", "c ->> '$[2]'", "c #>> '{2}'"),
    ],
)
def test_json_paths_in_each_dialect(path: str, sqlite: str, postgresql: str) -> None:
    assert SQLITE_DIALECT.json_text("c", path) == sqlite
    assert POSTGRESQL_DIALECT.json_text("c", path) == postgresql


@pytest.mark.parametrize("path", ["status", "$.a'b", "$..a", "$.a; DROP TABLE t", "$"])
def test_only_validated_paths_reach_sql(path: str) -> None:
    with pytest.raises(ValueError, match="not a validated JSON path"):
        POSTGRESQL_DIALECT.json_text("c", path)


def test_a_sqlite_connection_speaks_sqlite(tmp_path: object) -> None:
    import sqlite3

    assert dialect_of(sqlite3.connect(":memory:")) is SQLITE_DIALECT
