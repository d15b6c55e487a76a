"""Search current plan documents by JSON-path filters (the filters and the SQL they become are
in ``data.store.plan_search``, which documents them)."""

from __future__ import annotations

from typing import Any

from data.db.dialect import dialect_of
from data.store import get_backend
from data.store import plan_search as store


def search_plans(
    filters: Any = None,
    *,
    profile_id: str | None = None,
    query_id: str | None = None,
    include_deleted: bool = False,
    limit: int = 100,
) -> list[dict[str, Any]]:
    """Current plans whose documents match every filter, most recently changed first.

    Deleted plans are left out unless ``include_deleted``. Bad paths, operators or values raise
    ValidationError before anything runs.
    """
    with get_backend().session() as conn:
        sql, params = store.build_search_query(
            filters,
            profile_id=profile_id,
            query_id=query_id,
            include_deleted=include_deleted,
            limit=limit,
            dialect=dialect_of(conn),
        )
        return store.run_search(conn, sql, params)
