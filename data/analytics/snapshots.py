"""Weekly snapshots: the headline metrics of each ISO week computed as of its end, stored (with the
forecast of every plan of the query), backfilled over past weeks as a job, and read back as the
weekly review (trends, week-over-week deltas, forecast drift)."""

from __future__ import annotations

import numbers
from collections.abc import Sequence
from dataclasses import dataclass, field, fields
from datetime import datetime
from typing import Any

import numpy as np
import pandas as pd

from data.analytics.backfill import Replay
from data.analytics.loading import (
    load_query_frames,
    save_snapshots,
    save_weekly_statistics,
)
from data.analytics.report import (
    MetricsContext,
    context_from_frames,
    dora_section,
    flow_section,
    headline_forecast,
    jsonable,
    profile_of,
    query_mappings,
    require_query,
    with_imported_statistics,
)
from data.analytics.sprints import closed_sprints
from data.errors import ValidationError
from data.jobs import ProgressCallback, StepCallback, backfill_task, run_job
from data.metrics.dora import DoraMetrics
from data.metrics.flow import FlowMetrics
from data.metrics.frames import (
    QueryFrames,
    date_to_day,
    day_to_date,
    local_day_of,
    local_midnight_ms,
    restrict_to,
    utc_timestamp,
    week_key_of_day,
    week_start_day,
)
from data.metrics.mappings import MetricMappings, mappings_from_profile
from data.metrics.weekly import weekly_statistics
from data.store import get_backend
from data.timeutil import utc_now, validate_week_key, week_start

# Snapshots --------------------------------------------------------------------------------------
HEADLINES: tuple[tuple[str, str], ...] = (
    ("forecast", "remaining_items"),
    ("forecast", "throughput_mean_items"),
    ("forecast", "p85_weeks_items"),
    ("flow", "velocity_per_week"),
    ("flow", "flow_time_p85_days"),
    ("flow", "efficiency"),
    ("flow", "load"),
    ("dora", "deployments_per_week"),
    ("dora", "lead_time_median_hours"),
    ("dora", "change_failure_rate"),
    ("dora", "time_to_restore_median_hours"),
)


def snapshot_rows(
    ctx: MetricsContext,
    week: str,
    flow: FlowMetrics | None = None,
    dora: DoraMetrics | None = None,
) -> list[tuple[str, str, dict[str, Any], dict[str, Any] | None]]:
    """The (week, type, metrics, forecast) rows stored for one ISO week (``flow`` and ``dora``:
    the context's sections, computed here unless given)."""
    f = headline_forecast(ctx)
    flow = flow or flow_section(ctx)
    dora = dora or dora_section(ctx)
    mc = f.when_items  # the scope model the profile shows
    dates = (mc.dates if mc else None) or {}
    weeks = (mc.weeks if mc else None) or {}
    forecast_metrics = {
        "as_of": ctx.frames.as_of.isoformat(),
        "remaining_items": f.remaining_items,
        "remaining_points": f.remaining_points,
        "window_weeks": f.window.weeks,
        "throughput_mean_items": f.pert_items.most_likely_rate,
        "pert_expected_weeks_items": f.pert_items.expected_weeks,
        "pert_expected_date_items": f.pert_items.expected_date,
        "p50_weeks_items": weeks.get("p50"),
        "p85_weeks_items": weeks.get("p85"),
        "p95_weeks_items": weeks.get("p95"),
        "probability_by_deadline": mc.probability_by_deadline if mc else None,
        "monte_carlo_scope": f.scope_model,
    }
    drift = {
        "unit": "items",
        "scope": f.scope_model,
        "p50": dates.get("p50"),
        "p85": dates.get("p85"),
        "p95": dates.get("p95"),
        "deadline": ctx.mappings.deadline,
    }
    flow_metrics_row = {
        "as_of": ctx.frames.as_of.isoformat(),
        "window_weeks": flow.window_weeks,
        "velocity_per_week": flow.velocity_per_week,
        "completed": flow.completed,
        "flow_time_p50_days": (flow.time_percentiles_days or {}).get("p50"),
        "flow_time_p85_days": (flow.time_percentiles_days or {}).get("p85"),
        "flow_time_p95_days": (flow.time_percentiles_days or {}).get("p95"),
        "efficiency": flow.efficiency,
        "load": flow.load_now,
        "distribution": flow.distribution,
    }
    # The deployment listing and the weekly series are not stored, so they are not converted.
    kept = (f.name for f in fields(dora) if f.name not in ("deployment_list", "weekly"))
    dora_row = jsonable({name: getattr(dora, name) for name in kept})
    dora_row["as_of"] = ctx.frames.as_of.isoformat()
    return [
        (week, "forecast", jsonable(forecast_metrics), jsonable(drift)),
        (week, "flow", jsonable(flow_metrics_row), None),
        (week, "dora", dora_row, None),
    ]


def sprint_results(
    closed: list[dict[str, Any]] | None, weeks: list[str], ends: list[pd.Timestamp], zone: str
) -> dict[str, list[dict[str, Any]]] | None:
    """The closed sprints' reports by the week (local to ``zone``) they were completed in, up to
    each week's end; None when the query reads no board (no sprints row is stored then)."""
    if closed is None:
        return None
    found: dict[str, list[dict[str, Any]]] = {}
    for week, end in zip(weeks, ends, strict=True):
        start = week_end_instant(week, zone) - pd.Timedelta(days=7)
        found[week] = [
            jsonable(row)
            for row in closed
            if start <= pd.Timestamp(row["complete"]) < min(end, week_end_instant(week, zone))
        ]
    return found


def plan_forecast(
    rows: Sequence[tuple[str, str, dict[str, Any], dict[str, Any] | None]], *, with_points: bool
) -> dict[str, Any]:
    """What a week's snapshot records for each plan of the query (``data.plans.add_metrics``):
    the items P50/P85 completion dates, the remaining items (and points when the profile has a
    points field) and P(deadline) when there is a deadline. Unknown values are left out."""
    metrics, drift = next((m, f or {}) for _, t, m, f in rows if t == "forecast")
    values = {
        "p50_date": drift.get("p50"),
        "p85_date": drift.get("p85"),
        "remaining_items": metrics.get("remaining_items"),
        "remaining_points": metrics.get("remaining_points") if with_points else None,
        "probability_by_deadline": metrics.get("probability_by_deadline"),
    }
    return {name: value for name, value in values.items() if value is not None}


def week_end_instant(week: str, zone: str) -> pd.Timestamp:
    """Local Monday 00:00 after the ISO week, as a UTC instant."""
    start = date_to_day(week_start(week))
    return pd.Timestamp(int(local_midnight_ms(start + 7, zone)[0]), unit="ms", tz="UTC")


def current_week(zone: str, now: datetime | None = None) -> str:
    stamp = utc_timestamp(now or utc_now())
    day = local_day_of(np.array([stamp.value // 1_000_000]), zone)
    return week_key_of_day(int(week_start_day(day)[0]))


def snapshot_weeks(
    profile_id: str,
    query_id: str,
    week: str | None = None,
    backfill: int = 1,
    *,
    now: datetime | None = None,
    step: StepCallback | None = None,
    one_replay: bool = True,
) -> list[str]:
    """Compute and store snapshots for ``backfill`` weeks ending with ``week`` (default: this week).

    ``step`` (a job's) is told the progress before each week and before the write, and may raise
    TaskCancelled there: the snapshots are written in one go after the last week, so a
    cancelled backfill changes nothing.

    Each week is computed as of its end (or ``now`` for the running week), from the issues and
    transitions known by then: from one history replay of them all (``data.analytics.backfill``)
    for every week it covers, else (and with ``one_replay`` False, the reference the replay is
    tested against) restricted to the week's end and replayed for that week alone. Re-running a week replaces its rows. Each week's forecast is also
    recorded for every plan of the query, against its current version (``plan_forecast``).
    Returns the weeks stored.
    """
    if isinstance(backfill, bool) or not isinstance(backfill, int) or not 1 <= backfill <= 520:
        raise ValidationError(f"{backfill!r} is not a number of weeks to backfill; use 1 to 520.")
    mappings = query_mappings(profile_id, query_id)
    zone = mappings.time_zone
    now_stamp = utc_timestamp(now or utc_now())
    target = validate_week_key(week) if week else current_week(zone, now_stamp.to_pydatetime())
    today = day_to_date(int(local_day_of(np.array([now_stamp.value // 1_000_000]), zone)[0]))
    if week_start(target) > today:
        raise ValidationError(f"{target} has not started yet; pick this week or an earlier one.")
    first = date_to_day(week_start(target)) - 7 * (backfill - 1)
    weeks = [week_key_of_day(first + 7 * i) for i in range(backfill)]
    ends = [min(week_end_instant(w, zone), now_stamp) for w in weeks]
    with get_backend().session() as conn:
        frames = load_query_frames(
            conn, profile_id, query_id, max(ends), subtask_counting=mappings.subtask_counting
        )
    backend = get_backend()
    imported = None if len(frames.issues) else backend.get_project_data(profile_id, query_id)
    rows = []
    plan_forecasts = {}
    sprint_rows = sprint_results(closed_sprints(profile_id, query_id), weeks, ends, zone)
    replay = Replay(frames, mappings) if len(frames.issues) and one_replay else None
    for i, (w, end) in enumerate(zip(weeks, ends, strict=True)):
        if step is not None:
            step(95 * i / len(weeks), f"Computing week {w} ({i + 1} of {len(weeks)})")
        if imported is None:
            ctx, computed = week_rows(frames, mappings, replay, (w, end), (profile_id, query_id))
        else:
            ctx = context_from_frames(restrict_to(frames, end), mappings, profile_id, query_id)
            ctx = with_imported_statistics(ctx, imported)
            computed = snapshot_rows(ctx, w)
        rows.extend(computed)
        if sprint_rows is not None:
            rows.append((w, "sprints", {"as_of": ctx.frames.as_of.isoformat(),
                                        "sprints": sprint_rows[w]}, None))  # fmt: skip
        plan_forecasts[w] = plan_forecast(computed, with_points=bool(mappings.points_field))
    if step is not None:
        step(95, f"Saving {len(weeks)} weekly snapshots")
    save_snapshots(backend, profile_id, query_id, rows, plan_forecasts)
    if len(frames.issues):
        # The latest week's statistics become the query's project_data (never erase an import).
        save_weekly_statistics(backend, profile_id, query_id, ctx.weekly, mappings.points_field)
    return weeks


def week_rows(
    frames: QueryFrames,
    mappings: MetricMappings,
    replay: Replay | None,
    week: tuple[str, pd.Timestamp],
    ids: tuple[str, str],
) -> tuple[MetricsContext, list[tuple[str, str, dict[str, Any], dict[str, Any] | None]]]:
    """One week's context and ``snapshot_rows`` as of its end: from the one replay when it
    covers the week (``data.analytics.backfill``), else restricted and replayed alone."""
    key, end = week
    if replay is None or not replay.covers(end):
        ctx = context_from_frames(restrict_to(frames, end), mappings, *ids)
        return ctx, snapshot_rows(ctx, key)
    at = replay.week(end)
    weekly = weekly_statistics(at.frames, at.history, mappings.time_zone)
    ctx = MetricsContext(*ids, mappings, at.frames, at.history, weekly)
    window = ctx.window(mappings.metrics_window_weeks, clip_to_data=False)
    return ctx, snapshot_rows(ctx, key, replay.flow(at, window), replay.dora(at, window))


def backfill_snapshots(
    profile_id: str,
    query_id: str,
    weeks: int,
    progress: ProgressCallback | None = None,
    *,
    week: str | None = None,
) -> list[str]:
    """``snapshot_weeks`` for ``weeks`` weeks ending with ``week`` (default: this week) as a job
    (``task_progress`` record ``backfill:<profile>:<query>``): progress per week, Cancel between
    weeks, one run per query, whether the dashboard or ``flowcast snapshot`` started it."""
    busy = (
        f"Snapshots of query {query_id!r} are already being backfilled; wait for that run to "
        "finish or cancel it on the Weekly review page."
    )
    task = backfill_task(profile_id, query_id)
    with run_job(task, f"Backfilling {weeks} weeks", progress, busy=busy) as job:
        stored = snapshot_weeks(profile_id, query_id, week, weeks, step=job.step)
        job.finish(f"Stored snapshots for {stored[0]} to {stored[-1]}")
    return stored


# Weekly review ----------------------------------------------------------------------------------
DELTA_COLUMNS = ["metric", "previous_week", "week", "previous", "current", "delta",
                 "partial_week", "partial"]  # fmt: skip


@dataclass(frozen=True)
class WeeklyReview:
    trends: pd.DataFrame  # week + one column per headline "type.metric"
    deltas: pd.DataFrame  # DELTA_COLUMNS: the last two complete weeks, then the partial one
    drift: pd.DataFrame  # week, p50, p85, p95 (forecast completion dates, items)
    partial: dict[str, str]  # week -> the day its snapshot was computed, for unfinished weeks
    # week -> the sprints completed in it (their reports as stored), for weeks that closed any
    sprints: dict[str, list[dict[str, Any]]] = field(default_factory=dict)


def _is_number(value: Any) -> bool:
    """A real number (Python or numpy, not bool), not NaN: a value a delta can be taken of."""
    return (
        isinstance(value, numbers.Real | np.number)
        and not isinstance(value, bool | np.bool_)
        and not pd.isna(value)
    )


def _computed_before_its_end(snap: dict[str, Any], zone: str) -> str | None:
    """The local day a snapshot was computed on when that was before its week ended (the week
    was not over), else None. Snapshots stored without ``as_of`` count as complete."""
    as_of = (snap.get("metrics") or {}).get("as_of")
    if not isinstance(as_of, str):
        return None
    computed = pd.Timestamp(as_of)
    if computed.tzinfo is None:
        computed = computed.tz_localize("UTC")
    if computed >= week_end_instant(snap["snapshot_date"], zone):
        return None
    return computed.tz_convert(zone).date().isoformat()


def review_from_snapshots(snapshots: Sequence[dict[str, Any]], zone: str = "UTC") -> WeeklyReview:
    """Trends, deltas and drift from stored snapshots (``zone``: the metrics time zone, where
    weeks end). Week over week compares the last two complete weeks; a week whose snapshot was
    computed before it ended (the running week) is partial: shown beside them, not compared."""
    by_week: dict[str, dict[str, Any]] = {}
    partial: dict[str, str] = {}
    closed: dict[str, list[dict[str, Any]]] = {}
    drift_rows = []
    for snap in snapshots:
        row = by_week.setdefault(snap["snapshot_date"], {"week": snap["snapshot_date"]})
        for metric_type, name in HEADLINES:
            if snap["metric_type"] == metric_type:
                row[f"{metric_type}.{name}"] = snap["metrics"].get(name)
        day = _computed_before_its_end(snap, zone)
        if day is not None:
            partial[snap["snapshot_date"]] = day
        if snap["metric_type"] == "sprints" and (snap["metrics"] or {}).get("sprints"):
            closed[snap["snapshot_date"]] = snap["metrics"]["sprints"]
        if snap["metric_type"] == "forecast" and snap.get("forecast"):
            drift_rows.append(
                {
                    "week": snap["snapshot_date"],
                    **{k: snap["forecast"].get(k) for k in ("p50", "p85", "p95")},
                }
            )
    columns = ["week", *(f"{t}.{n}" for t, n in HEADLINES)]
    trends = pd.DataFrame(sorted(by_week.values(), key=lambda r: r["week"]), columns=columns)
    complete = trends[~trends["week"].isin(list(partial))]
    latest = trends.iloc[-1] if len(trends) else None
    running = latest if latest is not None and latest["week"] in partial else None
    deltas = []
    if len(complete) >= 2:
        previous, current = complete.iloc[-2], complete.iloc[-1]
        for column in columns[1:]:
            before, now = previous[column], current[column]
            numeric = _is_number(before) and _is_number(now)
            deltas.append(
                {
                    "metric": column,
                    "previous_week": previous["week"],
                    "week": current["week"],
                    "previous": None if pd.isna(before) else before,
                    "current": None if pd.isna(now) else now,
                    "delta": (now - before) if numeric else None,
                    "partial_week": None if running is None else running["week"],
                    "partial": None
                    if running is None or pd.isna(running[column])
                    else running[column],
                }
            )
    drift = pd.DataFrame(
        sorted(drift_rows, key=lambda r: r["week"]), columns=["week", "p50", "p85", "p95"]
    )
    return WeeklyReview(
        trends,
        pd.DataFrame(deltas, columns=DELTA_COLUMNS),
        drift,
        partial,
        dict(sorted(closed.items())),
    )


def stored_snapshots(
    profile_id: str, query_id: str, weeks: int = 26
) -> tuple[list[dict[str, Any]], str]:
    """The query's stored snapshots of its last ``weeks`` weeks and the profile's metrics time
    zone: what ``review_from_snapshots`` reads."""
    zone = mappings_from_profile(profile_of(profile_id)).time_zone
    require_query(profile_id, query_id)
    return get_backend().get_metrics_snapshots(profile_id, query_id, limit=weeks), zone


def weekly_review(profile_id: str, query_id: str, weeks: int = 26) -> WeeklyReview:
    return review_from_snapshots(*stored_snapshots(profile_id, query_id, weeks))
