"""The current metrics context is reused until the query's stored data or mappings change."""

from __future__ import annotations

import json
from dataclasses import replace

from dash._utils import to_json

from callbacks import forecast
from data.analytics import cache
from data.analytics.report import (
    build_report,
    forecast_section,
    health_section,
    how_many_section,
    load_context,
)
from data.db.connection import get_db_connection, write_transaction
from data.jira.normalize import normalize_issue
from data.store.issues import remove_query_members, store_issues
from data.store.sqlite_backend import SQLiteBackend
from tests.metrics_support import POINTS, RAW, raw_issue


def _report_json(profile_id: str, query_id: str) -> str:
    return json.dumps(build_report(profile_id, query_id).to_json(), sort_keys=True, default=str)


def test_a_reused_context_gives_the_same_report(seeded: SQLiteBackend) -> None:
    first = load_context("team", "q")
    report = _report_json("team", "q")
    assert load_context("team", "q") is first  # nothing changed: reused
    assert _report_json("team", "q") == report  # computing sections did not alter it


def test_new_issues_removals_and_mappings_invalidate_it(seeded: SQLiteBackend) -> None:
    first = load_context("team", "q")
    assert len(first.frames.issues) == len(RAW)

    extra = normalize_issue(
        raw_issue("M-9", "2026-03-20T09:00:00.000+0000", []), points_field=POINTS
    )
    with get_db_connection(seeded.db_path) as conn, write_transaction(conn):
        store_issues(conn, "team", [extra])
        conn.execute(
            "INSERT INTO query_issues VALUES ('team', 'q', 'M-9', '2026-03-20T09:00:00.000Z')"
        )
    second = load_context("team", "q")
    assert second is not first and len(second.frames.issues) == len(RAW) + 1

    with get_db_connection(seeded.db_path) as conn, write_transaction(conn):
        remove_query_members(conn, "team", "q", ["M-9"])
    third = load_context("team", "q")
    assert third is not second and len(third.frames.issues) == len(RAW)

    profile = seeded.get_profile("team")
    profile["forecast_settings"]["data_points_count"] = 2
    seeded.save_profile(profile)
    fourth = load_context("team", "q")
    assert fourth is not third and fourth.mappings != third.mappings


def test_an_as_of_context_is_never_cached(seeded: SQLiteBackend) -> None:
    assert load_context("team", "q", "2026-03-11T00:00:00Z") is not load_context(
        "team", "q", "2026-03-11T00:00:00Z"
    )


def test_a_pages_sections_are_computed_once_per_context(seeded: SQLiteBackend) -> None:
    """Drawing a page again from the cached context reuses its sections; drawing it did not
    alter them (the second page equals the first and a fresh context's)."""
    ctx = load_context("team", "q")
    page = to_json(forecast.render("team", "q", "items"))
    assert forecast_section(ctx) is forecast_section(ctx)
    assert health_section(ctx) is health_section(ctx)
    assert how_many_section(ctx, unit="points") is how_many_section(ctx, unit="points")
    assert how_many_section(ctx, unit="points") is not how_many_section(ctx, unit="items")
    # The arguments as the function sees them: defaults given or not, by name or position.
    assert forecast_section(ctx, None) is forecast_section(ctx)
    assert how_many_section(ctx, None, "points") is how_many_section(ctx, unit="points")
    assert to_json(forecast.render("team", "q", "items")) == page
    fresh = replace(ctx, weekly=ctx.weekly.copy())
    assert fresh.sections == {} and forecast_section(fresh) is not forecast_section(ctx)
    cache.clear_contexts()
    assert load_context("team", "q") is not ctx
    assert to_json(forecast.render("team", "q", "items")) == page
