"""SQL of plan search: current plan documents by JSON-path filters, safely (``data.plans.search``
runs it in a store session).

The seed built ``data ->> '$.{key}'`` and ``LIMIT {limit}`` from user input (an injection hole).
Here no input ever becomes SQL text: every path passes ``validate_json_path`` and is then *bound*
(``p.data ->> ?``), and every value is bound. The only exception proves the rule: a path that has
an expression index (``$.status``, ``$.type``) is written as the index's own constant text, because
SQLite only uses an expression index when the query repeats its expression exactly.

Filters are either ``{path: value}`` (equality) or a list of ``(path, operator, value)``:

- ``=``, ``!=`` — equal / not equal (``None`` matches a missing or null value; ``!=`` also
  matches plans that lack the path);
- ``<``, ``>`` — SQLite ordering (numbers before text; ISO dates compare as dates);
- ``in`` — one of a list of 1 to 100 values;
- ``contains`` — for a list: has an element equal to the value, or, given an object such as
  ``{"key": "DEMO-12", "decision": "approved"}``, an object element with those fields; for a text:
  contains the value as a substring.

The filters are built per dialect, side by side (``data.db.dialect``): SQLite's ``->>`` yields
typed values and ``json_each`` walks arrays; on PostgreSQL a plain path is bound as its steps
(``p.data #> ?`` with ``{a,b,0}``), text compares as text (``#>>``) and numbers and booleans as
jsonb values (``= jsonb(?)``), ``contains`` is jsonb containment (``@>``) or ``strpos``, and
``<``/``>`` keep SQLite's order (numbers before text). A text PostgreSQL cannot hold (a NUL
character) matches nothing there, as no stored document can contain it.
"""

from __future__ import annotations

import json
import math
from typing import Any

from data.db.dialect import SQLITE_DIALECT, Dialect, path_steps
from data.db.sqlite import Connection
from data.errors import ValidationError
from data.store.json_paths import validate_identifier, validate_json_path
from data.store.plans import PLAN_SELECT, plan_from_row

# The exact expressions of idx_plans_status / idx_plans_type (m0002): constants, never input.
INDEXED_PATHS = {
    "$.status": "p.data ->> '$.status'",
    "$.type": "p.data ->> '$.type'",
}
OPERATORS = ("=", "!=", "<", ">", "in", "contains")
MAX_FILTERS = 20
MAX_IN_VALUES = 100
MAX_TEXT_VALUE = 1_000
MAX_LIMIT = 1_000

Filter = tuple[str, str, Any]


def _scalar(value: Any, where: str, *, allow_none: bool = True) -> Any:
    if value is None and allow_none:
        return None
    if isinstance(value, str):
        if len(value) > MAX_TEXT_VALUE:
            raise ValidationError(
                f"The value for {where} is {len(value)} characters long; use at most {MAX_TEXT_VALUE}."
            )
        return value
    if isinstance(value, bool):
        return int(value)  # JSON true/false come out of ->> as 1/0
    if isinstance(value, int | float) and math.isfinite(value):
        return value
    raise ValidationError(
        f"The value for {where} must be a text, a finite number or true/false"
        f"{' or null' if allow_none else ''}, not {type(value).__name__}."
    )


def normalize_filters(filters: Any) -> list[Filter]:
    """``{path: value}`` or a list of ``(path, op, value)`` / ``{"path", "op", "value"}``."""
    if filters is None:
        return []
    if isinstance(filters, dict):
        items: list[Any] = [(path, "=", value) for path, value in filters.items()]
    elif isinstance(filters, list | tuple):
        items = list(filters)
    else:
        raise ValidationError(
            "Search filters are {path: value} or a list of (path, operator, value); "
            f"got {type(filters).__name__}."
        )
    if len(items) > MAX_FILTERS:
        raise ValidationError(f"Use at most {MAX_FILTERS} search filters, not {len(items)}.")
    normalized = []
    for item in items:
        if isinstance(item, dict) and set(item) == {"path", "op", "value"}:
            item = (item["path"], item["op"], item["value"])
        if not isinstance(item, list | tuple) or len(item) != 3:
            raise ValidationError(
                "Each search filter is (path, operator, value), e.g. ('$.status', '=', 'active')."
            )
        path, op, value = item
        if op not in OPERATORS:
            raise ValidationError(
                f"{str(op)[:20]!r} is not a search operator; use one of {', '.join(OPERATORS)}."
            )
        normalized.append((validate_json_path(path), op, value))
    return normalized


def _condition(path: str, op: str, value: Any) -> tuple[str, list[Any]]:
    """One WHERE term and its parameters, in order (SQLite)."""
    indexed = INDEXED_PATHS.get(path)
    expr, expr_params = (indexed, []) if indexed else ("p.data ->> ?", [path])
    if op == "=":
        if value is None:
            return f"{expr} IS NULL", expr_params
        return f"{expr} = ?", [*expr_params, _scalar(value, path)]
    if op == "!=":
        return f"{expr} IS NOT ?", [*expr_params, _scalar(value, path)]
    if op in ("<", ">"):
        return f"{expr} {op} ?", [*expr_params, _scalar(value, path, allow_none=False)]
    if op == "in":
        if not isinstance(value, list | tuple) or not 1 <= len(value) <= MAX_IN_VALUES:
            raise ValidationError(
                f'\'in\' needs a list of 1 to {MAX_IN_VALUES} values for {path}, e.g. ["active", "at_risk"].'
            )
        values = [_scalar(v, path, allow_none=False) for v in value]
        return f"{expr} IN ({', '.join('?' * len(values))})", [*expr_params, *values]
    # contains
    if isinstance(value, dict):
        if not 1 <= len(value) <= MAX_FILTERS:
            raise ValidationError(
                f"'contains' with an object needs 1 to {MAX_FILTERS} fields for {path}."
            )
        # Fields are read from the document by path (e.fullkey + ".key"), which stays in JSONB;
        # e.value would first convert each element to JSON text (measured ~4x slower).
        terms, params = ["e.type = 'object'"], [path]
        for key, field_value in value.items():
            validate_identifier("field name", key)
            terms.append("p.data ->> (e.fullkey || ?) = ?")
            params += [f".{key}", _scalar(field_value, f"{path}.{key}", allow_none=False)]
        sql = f"EXISTS (SELECT 1 FROM json_each(p.data, ?) e WHERE {' AND '.join(terms)})"  # noqa: S608 - constant terms, bound values
        return sql, params
    needle = _scalar(value, path, allow_none=False)
    return (
        "(CASE WHEN json_type(p.data, ?) = 'array' "
        "THEN EXISTS (SELECT 1 FROM json_each(p.data, ?) e WHERE e.value = ?) "
        "ELSE instr(p.data ->> ?, ?) > 0 END)",
        [path, path, needle, path, needle],
    )


# The exact expressions of idx_plans_status / idx_plans_type on PostgreSQL (m0002's PG steps).
POSTGRES_INDEXED_PATHS = {
    "$.status": "p.data ->> 'status'",
    "$.type": "p.data ->> 'type'",
}
_NEVER: tuple[str, list[Any]] = ("FALSE", [])
_ALWAYS: tuple[str, list[Any]] = ("TRUE", [])


def _postgres_value(value: Any, where: str, *, allow_none: bool = True) -> Any:
    """A checked filter value as PostgreSQL compares it (booleans stay booleans: jsonb true is
    not 1)."""
    return value if isinstance(value, bool) else _scalar(value, where, allow_none=allow_none)


def _storable(value: Any) -> bool:
    return not (isinstance(value, str) and "\x00" in value)


def _postgres_condition(path: str, op: str, value: Any) -> tuple[str, list[Any]]:
    """One WHERE term and its parameters, in order (PostgreSQL)."""
    indexed = POSTGRES_INDEXED_PATHS.get(path)
    steps = [path_steps(path)]
    text, text_params = (indexed, []) if indexed else ("p.data #>> ?", steps)
    doc, doc_params = "p.data #> ?", steps
    kind = "jsonb_typeof(p.data #> ?)"
    if op in ("=", "!="):
        checked = _postgres_value(value, path)
        if not _storable(checked):
            return _NEVER if op == "=" else _ALWAYS
        if checked is None:
            return f"{text} IS {'' if op == '=' else 'NOT '}NULL", text_params
        sql_op = "=" if op == "=" else "IS DISTINCT FROM"
        if isinstance(checked, str):
            return f"{text} {sql_op} ?", [*text_params, checked]
        return f"{doc} {sql_op} jsonb(?)", [*doc_params, json.dumps(checked)]
    if op in ("<", ">"):
        checked = _postgres_value(value, path, allow_none=False)
        if isinstance(checked, str):
            # Text after every number, as in SQLite; compared byte by byte as SQLite does.
            numbers_first = f"{kind} = 'number' OR " if op == "<" else ""
            return (
                f"({numbers_first}({kind} = 'string' AND p.data #>> ? COLLATE \"C\" {op} ?))",
                [*steps * (2 if op == "<" else 1), *steps, checked],
            )
        text_after = f"{kind} = 'string' OR " if op == ">" else ""
        return (
            f"({text_after}({kind} = 'number' AND (p.data #>> ?)::numeric {op} ?))",
            [*steps * (2 if op == ">" else 1), *steps, checked],
        )
    if op == "in":
        if not isinstance(value, list | tuple) or not 1 <= len(value) <= MAX_IN_VALUES:
            raise ValidationError(
                f'\'in\' needs a list of 1 to {MAX_IN_VALUES} values for {path}, e.g. ["active", "at_risk"].'
            )
        values = [_postgres_value(v, path, allow_none=False) for v in value]
        values = [v for v in values if _storable(v)] or [None]
        if all(isinstance(v, str) or v is None for v in values):
            return f"{text} IN ({', '.join('?' * len(values))})", [*text_params, *values]
        return (
            f"{doc} IN ({', '.join(['jsonb(?)'] * len(values))})",
            [*doc_params, *(json.dumps(v) for v in values)],
        )
    # contains
    if isinstance(value, dict):
        if not 1 <= len(value) <= MAX_FILTERS:
            raise ValidationError(
                f"'contains' with an object needs 1 to {MAX_FILTERS} fields for {path}."
            )
        element = {
            validate_identifier("field name", key): _postgres_value(
                field_value, f"{path}.{key}", allow_none=False
            )
            for key, field_value in value.items()
        }
        if not all(_storable(v) for v in element.values()):
            return _NEVER
        return f"{doc} @> jsonb(?)", [*doc_params, json.dumps([element])]
    needle = _postgres_value(value, path, allow_none=False)
    if not _storable(needle):
        return _NEVER
    return (
        f"(CASE WHEN {kind} = 'array' THEN p.data #> ? @> jsonb(?) "
        "ELSE strpos(p.data #>> ?, CAST(? AS text)) > 0 END)",
        [*steps, *steps, json.dumps([needle]), *steps, needle],
    )


def build_search_query(
    filters: Any,
    *,
    profile_id: str | None = None,
    query_id: str | None = None,
    include_deleted: bool = False,
    limit: int = 100,
    dialect: Dialect = SQLITE_DIALECT,
) -> tuple[str, list[Any]]:
    """The SQL and parameters ``search_plans`` runs in ``dialect`` (public so tests can EXPLAIN
    it)."""
    if isinstance(limit, bool) or not isinstance(limit, int) or not 1 <= limit <= MAX_LIMIT:
        raise ValidationError(f"{limit!r} is not a result limit; use 1 to {MAX_LIMIT}.")
    terms, params = [], []
    if not include_deleted:
        terms.append("p.is_deleted = 0")
    if profile_id is not None:
        terms.append("p.profile_id = ?")
        params.append(profile_id)
    if query_id is not None:
        terms.append("p.query_id = ?")
        params.append(query_id)
    condition = _condition if dialect is SQLITE_DIALECT else _postgres_condition
    for path, op, value in normalize_filters(filters):
        term, term_params = condition(path, op, value)
        terms.append(term)
        params += term_params
    where = f"WHERE {' AND '.join(terms)} " if terms else ""
    # Filter, order and limit on plans alone, then fetch the columns of the few hits: otherwise the
    # documents and review status of every match are built before the sort throws most away.
    hits = f"SELECT p.id FROM plans p {where}ORDER BY p.updated_at DESC, p.id DESC LIMIT ?"  # noqa: S608 - constant terms, bound values
    return (
        f"{PLAN_SELECT}WHERE p.id IN ({hits}) ORDER BY p.updated_at DESC, p.id DESC",
        [*params, limit],
    )


def run_search(conn: Connection, sql: str, params: list[Any]) -> list[dict[str, Any]]:
    """The plans a ``build_search_query`` result matches."""
    return [plan_from_row(r) for r in conn.execute(sql, params).fetchall()]
