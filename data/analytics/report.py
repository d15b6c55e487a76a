"""The one entry point the CLI and the dashboard share.

``load_context(profile_id, query_id, as_of)`` reads a query once; the section functions
(``weekly_section``, ``forecast_section``, ``flow_section``, ``cycle_section``, ``dora_section``,
``quality_section``) compute what one dashboard page shows from it; ``build_report`` runs them all;
``weekly_review`` reads the stored snapshots (trends, week-over-week deltas, forecast drift);
``snapshot_weeks`` computes and stores weekly snapshots, replaying history for a backfill, and
records each week's forecast for the query's plans (forecast drift per plan version).
"""

from __future__ import annotations

import functools
import inspect
import math
import threading
from collections.abc import Callable
from dataclasses import dataclass, field, fields, is_dataclass, replace
from datetime import date, datetime
from typing import Any, Concatenate, ParamSpec, TypeVar, cast

import numpy as np
import pandas as pd

from data.analytics import cache
from data.analytics.flow_views import FlowViews, flow_views_json, flow_views_section
from data.analytics.loading import load_query_frames
from data.db.connection import read_transaction
from data.errors import no_profile, no_query
from data.metrics.cycle_time import CycleTime, ageing_wip, cumulative_flow, cycle_time
from data.metrics.dora import DoraMetrics, dora_metrics
from data.metrics.flow import FlowMetrics, flow_metrics
from data.metrics.forecast import (
    SCOPE_MODELS,
    Burndown,
    MonteCarloHowMany,
    MonteCarloWhen,
    PertForecast,
    burndown,
    forecast_view,
    how_many_date,
    monte_carlo_how_many,
    monte_carlo_when,
    pert_forecast,
)
from data.metrics.frames import (
    QueryFrames,
    as_of_day,
    as_of_instant,
    day_to_date,
    local_day_of,
)
from data.metrics.health import WEIGHTS as HEALTH_WEIGHTS
from data.metrics.health import Health, HealthInputs, health_summary
from data.metrics.history import History, build_history
from data.metrics.mappings import MetricMappings, mappings_from_profile
from data.metrics.quality import DataQuality, data_quality
from data.metrics.weekly import (
    Window,
    metrics_window,
    weekly_from_project_data,
    weekly_statistics,
    weekly_throughput,
)
from data.plans.approved import approved_plan, missing_deadline_note, plan_deadline
from data.store import get_backend
from data.store.query_rows import data_fingerprint, database_file


@dataclass(frozen=True)
class MetricsContext:
    """One query's frames at ``as_of`` with the derived history the sections share."""

    profile_id: str
    query_id: str
    mappings: MetricMappings
    frames: QueryFrames
    history: History
    weekly: pd.DataFrame
    # The sections computed from this context (``per_context``): a context never changes, so
    # a page drawn again from a cached context reuses them instead of computing them again.
    sections: dict[tuple[Any, ...], Any] = field(
        default_factory=dict, init=False, compare=False, repr=False
    )
    computing: threading.RLock = field(
        default_factory=threading.RLock, init=False, compare=False, repr=False
    )

    @property
    def today(self) -> date:
        return day_to_date(as_of_day(self.frames, self.mappings.time_zone))

    @property
    def as_of_ms(self) -> int:
        return int(self.frames.as_of.value // 1_000_000)

    def window(self, weeks: int, *, clip_to_data: bool = True) -> Window:
        return metrics_window(
            self.weekly, weeks, self.frames, self.mappings.time_zone, clip_to_data=clip_to_data
        )


P = ParamSpec("P")
R = TypeVar("R")


def per_context(
    section: Callable[Concatenate[MetricsContext, P], R],
) -> Callable[Concatenate[MetricsContext, P], R]:
    """Compute ``section(ctx, ...)`` once per context and arguments (which must be hashable).
    What it returns is shared by every later caller: treat it as read-only."""

    signature = inspect.signature(section)

    @functools.wraps(section)
    def remembered(ctx: MetricsContext, /, *args: P.args, **kwargs: P.kwargs) -> R:
        # The arguments as the function sees them: f(ctx) and f(ctx, None) are one entry.
        bound = signature.bind(ctx, *args, **kwargs)
        bound.apply_defaults()
        key = (section, *list(bound.arguments.items())[1:])
        # One computation per context at a time: two first renders of it (two tabs, two users)
        # wait for one result instead of computing it twice (re-entrant: sections use sections).
        with ctx.computing:
            if key not in ctx.sections:
                ctx.sections[key] = section(ctx, *args, **kwargs)
            return cast(R, ctx.sections[key])

    return remembered


def kept(ctx: MetricsContext, key: tuple[Any, ...], build: Callable[[], R]) -> R:
    """``build()`` once per context and ``key``, kept with the context like a ``per_context``
    section: ``key`` names the result and holds, as plain values (``frozen``), everything else
    ``build`` reads (a page's other stored data, its download names). Shared by every later
    caller: treat it as read-only."""
    with ctx.computing:
        if key not in ctx.sections:
            ctx.sections[key] = build()
        return cast(R, ctx.sections[key])


def frozen(value: Any) -> Any:
    """``value`` (JSON-like: dicts, lists and hashable scalars) as a hashable value equal for
    equal contents, for a ``kept`` key."""
    if isinstance(value, dict):
        return tuple(sorted((k, frozen(v)) for k, v in value.items()))
    if isinstance(value, (list, tuple)):
        return tuple(frozen(v) for v in value)
    return value


def context_from_frames(
    frames: QueryFrames, mappings: MetricMappings, profile_id: str = "", query_id: str = ""
) -> MetricsContext:
    """The pure part of ``load_context`` (tests and backfill call it on frames in memory)."""
    history = build_history(frames, mappings)
    weekly = weekly_statistics(frames, history, mappings.time_zone)
    return MetricsContext(profile_id, query_id, mappings, frames, history, weekly)


def profile_of(profile_id: str) -> dict[str, Any]:
    backend = get_backend()
    profile = backend.get_profile(profile_id)
    if profile is None:
        raise no_profile(profile_id)
    return profile


def require_query(profile_id: str, query_id: str) -> None:
    if get_backend().get_query(profile_id, query_id) is None:
        raise no_query(profile_id, query_id)


def query_mappings(profile_id: str, query_id: str) -> MetricMappings:
    """The profile's metric settings with the query's deadline: its approved plan's, the one
    source (issue 18), and what to say where the deadline would show when it gives none."""
    mappings = mappings_from_profile(profile_of(profile_id))
    require_query(profile_id, query_id)
    plan = approved_plan(profile_id, query_id)
    return replace(
        mappings, deadline=plan_deadline(plan), deadline_note=missing_deadline_note(plan)
    )


def load_context(
    profile_id: str, query_id: str, as_of: datetime | date | str | None = None
) -> MetricsContext:
    mappings = query_mappings(profile_id, query_id)
    # A date or a date-time without an offset is read in the metrics time zone.
    instant = None if as_of is None else as_of_instant(as_of, mappings.time_zone).to_pydatetime()
    key = None
    with get_backend().session() as conn, read_transaction(conn):
        fingerprint = data_fingerprint(conn, profile_id, query_id)
        if instant is None:
            key = (database_file(conn), profile_id, query_id, repr(mappings), fingerprint)
            cached = cache.get_context(key)
            if cached is not None:
                return cast(MetricsContext, cached)
        frames = load_query_frames(
            conn, profile_id, query_id, instant, fingerprint,
            subtask_counting=mappings.subtask_counting,
        )  # fmt: skip
    ctx = context_from_frames(frames, mappings, profile_id, query_id)
    if frames.issues.empty:
        ctx = with_imported_statistics(ctx, get_backend().get_project_data(profile_id, query_id))
    if key is not None:
        cache.put_context(key, ctx)
    return ctx


def with_imported_statistics(
    ctx: MetricsContext, document: dict[str, Any] | None
) -> MetricsContext:
    """A query without JIRA issues forecasts from its imported weekly statistics (import-csv),
    as they stood at the context's date."""
    weekly = weekly_from_project_data(document or {}, ctx.today)
    if weekly is None:
        return ctx
    # Weeks begun before as_of (a week starting exactly at as_of has not begun).
    last_day = local_day_of(np.array([ctx.as_of_ms - 1]), ctx.mappings.time_zone)[0]
    started = weekly["week_start"].to_numpy() <= np.datetime64(day_to_date(last_day))
    return replace(ctx, weekly=weekly.loc[started].reset_index(drop=True))


# Sections ---------------------------------------------------------------------------------------
@dataclass(frozen=True)
class ForecastSection:
    window: Window
    # week, week_start, items, points, created_items, created_points (window weeks)
    throughput: pd.DataFrame
    remaining_items: float
    remaining_points: float
    pert_items: PertForecast
    pert_points: PertForecast | None
    # Monte Carlo "when" with a fixed scope, and with a growing scope (arrivals sampled too);
    # None for a model not simulated (``forecast_section``'s ``scopes``) and for points without
    # a points field.
    monte_carlo_items: MonteCarloWhen | None
    monte_carlo_points: MonteCarloWhen | None
    growing_items: MonteCarloWhen | None
    growing_points: MonteCarloWhen | None
    # The scope model the profile shows (forecast_settings.monte_carlo_scope).
    scope_model: str
    how_many: MonteCarloHowMany | None  # by the deadline ahead, else four weeks from today
    burndown: Burndown
    view: tuple[date, date]  # what the burndown and burnup show first

    def when(self, unit: str) -> MonteCarloWhen | None:
        """The Monte Carlo "when" the pages show in ``unit`` (None in points without a points
        field): the growing-scope one when the profile asks for it, else the fixed-scope one."""
        growing = self.scope_model == "growing"
        if unit == "points":
            return self.growing_points if growing else self.monte_carlo_points
        return self.growing_items if growing else self.monte_carlo_items


@dataclass(frozen=True)
class CycleSection:
    cycle_time: CycleTime
    cumulative_flow: pd.DataFrame
    ageing_wip: pd.DataFrame
    throughput: pd.DataFrame  # week, items (every complete week)

    def oldest_wip(self, rows: int) -> pd.DataFrame:
        """The ``rows`` oldest items in progress, oldest first."""
        return self.ageing_wip.sort_values("age_days", ascending=False, kind="stable").head(rows)


def weekly_section(ctx: MetricsContext) -> pd.DataFrame:
    return ctx.weekly


def _forecast_basis(ctx: MetricsContext) -> tuple[Window, pd.DataFrame, dict[str, float]]:
    """The forecast window, its weeks' throughput and the remaining items and points."""
    window = ctx.window(ctx.mappings.data_points_count)
    throughput = weekly_throughput(ctx.weekly, window.weeks)
    last = ctx.weekly.iloc[-1] if len(ctx.weekly) else None
    remaining = {
        "items": float(last.remaining_items) if last is not None else 0.0,
        "points": float(last.remaining_points) if last is not None else 0.0,
    }
    return window, throughput, remaining


def _monte_carlo(
    ctx: MetricsContext,
    throughput: pd.DataFrame,
    remaining: dict[str, float],
    unit: str,
    growing: bool,
) -> MonteCarloWhen:
    m = ctx.mappings
    return monte_carlo_when(
        throughput[unit].to_numpy(dtype=float),
        remaining[unit],
        ctx.today,
        trials=m.monte_carlo_trials,
        seed=m.monte_carlo_seed,
        deadline=m.deadline,
        unit=unit,
        arrivals=throughput[f"created_{unit}"].to_numpy(dtype=float) if growing else None,
    )


@dataclass(frozen=True)
class HeadlineForecast:
    """What a weekly snapshot records of ``forecast_section``: the same values, without the
    points Monte Carlo, the how-many forecast and the burndown it does not store."""

    window: Window
    remaining_items: float
    remaining_points: float
    pert_items: PertForecast
    scope_model: str
    when_items: MonteCarloWhen  # ForecastSection.when("items")


def headline_forecast(ctx: MetricsContext) -> HeadlineForecast:
    m = ctx.mappings
    window, throughput, remaining = _forecast_basis(ctx)
    items = throughput["items"].to_numpy(dtype=float)
    return HeadlineForecast(
        window=window,
        remaining_items=remaining["items"],
        remaining_points=remaining["points"],
        pert_items=pert_forecast(items, remaining["items"], m.pert_factor, ctx.today, "items"),
        scope_model=m.monte_carlo_scope,
        when_items=_monte_carlo(
            ctx, throughput, remaining, "items", m.monte_carlo_scope == "growing"
        ),
    )


@per_context
def forecast_section(ctx: MetricsContext, scopes: tuple[str, ...] | None = None) -> ForecastSection:
    """PERT, Monte Carlo and burndown of a query. ``scopes`` = the Monte Carlo scope models to
    simulate (default: only the one the profile shows; a growing scope that never catches up
    costs a few hundred milliseconds, which pages and snapshots need not pay for a model they do
    not show)."""
    m = ctx.mappings
    wanted = {*(scopes or ()), m.monte_carlo_scope}
    window, throughput, remaining = _forecast_basis(ctx)
    today = ctx.today
    units = ("items", "points") if m.points_field else ("items",)
    pert = {
        u: pert_forecast(throughput[u].to_numpy(dtype=float), remaining[u], m.pert_factor, today, u)
        for u in units
    }

    def when(unit: str, growing: bool) -> MonteCarloWhen:
        return _monte_carlo(ctx, throughput, remaining, unit, growing)

    fixed = {u: when(u, False) for u in units} if "fixed" in wanted else {}
    growing = {u: when(u, True) for u in units} if "growing" in wanted else {}
    shown = growing if m.monte_carlo_scope == "growing" else fixed
    chart = burndown(ctx.weekly, pert["items"], today, m.deadline, m.milestone, pert.get("points"))
    first_day = chart.series["week_end"].iloc[0] if len(chart.series) else None
    ahead = [*(shown["items"].dates or {}).values(), pert["items"].expected_date, m.deadline,
             m.milestone]  # fmt: skip
    return ForecastSection(
        window=window,
        throughput=throughput,
        remaining_items=remaining["items"],
        remaining_points=remaining["points"],
        pert_items=pert["items"],
        pert_points=pert.get("points"),
        monte_carlo_items=fixed.get("items"),
        monte_carlo_points=fixed.get("points"),
        growing_items=growing.get("items"),
        growing_points=growing.get("points"),
        scope_model=m.monte_carlo_scope,
        how_many=how_many_section(ctx),
        burndown=chart,
        view=forecast_view(first_day, today, m.data_points_count, ahead),
    )


@per_context
def how_many_section(
    ctx: MetricsContext, target_date: date | None = None, unit: str = "items"
) -> MonteCarloHowMany | None:
    """Monte Carlo "how many ``unit`` by ``target_date``" (default: the deadline ahead, else four
    weeks from today) from the forecast window's throughput, at most the remaining work (plus
    what arrives, with the growing scope model)."""
    m = ctx.mappings
    window = ctx.window(m.data_points_count)
    throughput = weekly_throughput(ctx.weekly).tail(window.weeks)
    remaining = float(ctx.weekly.iloc[-1][f"remaining_{unit}"]) if len(ctx.weekly) else 0.0
    growing = m.monte_carlo_scope == "growing"
    return monte_carlo_how_many(
        throughput[unit].to_numpy(dtype=float),
        ctx.today,
        target_date or how_many_date(ctx.today, m.deadline),
        trials=m.monte_carlo_trials,
        seed=m.monte_carlo_seed,
        unit=unit,
        remaining=remaining,
        arrivals=throughput[f"created_{unit}"].to_numpy(dtype=float) if growing else None,
    )


@per_context
def flow_section(ctx: MetricsContext) -> FlowMetrics:
    m = ctx.mappings
    return flow_metrics(
        ctx.history,
        ctx.window(m.metrics_window_weeks, clip_to_data=False),
        m.time_zone,
        m.flow_type_mappings,
        ctx.as_of_ms,
    )


@per_context
def cycle_section(ctx: MetricsContext) -> CycleSection:
    zone = ctx.mappings.time_zone
    throughput = weekly_throughput(ctx.weekly)[["week", "week_start", "items"]]
    return CycleSection(
        cycle_time=cycle_time(ctx.frames, ctx.history),
        cumulative_flow=cumulative_flow(ctx.frames, ctx.history, zone),
        ageing_wip=ageing_wip(ctx.frames, ctx.history, zone),
        throughput=throughput,
    )


@per_context
def dora_section(ctx: MetricsContext) -> DoraMetrics:
    m = ctx.mappings
    return dora_metrics(
        ctx.frames,
        ctx.history,
        m.dora,
        ctx.window(m.metrics_window_weeks, clip_to_data=False),
        m.time_zone,
    )


@per_context
def quality_section(ctx: MetricsContext) -> DataQuality:
    return data_quality(ctx.frames, ctx.history, ctx.mappings)


@per_context
def health_section(ctx: MetricsContext) -> Health:
    """The health summary of the context, from the sections the pages show."""
    return health_from(
        ctx, forecast_section(ctx), flow_section(ctx), cycle_section(ctx), dora_section(ctx)
    )


def health_from(
    ctx: MetricsContext,
    forecast: ForecastSection,
    flow: FlowMetrics,
    cycle: CycleSection,
    dora: DoraMetrics,
) -> Health:
    """The health summary from the sections: delivery from the Monte Carlo shown,
    predictability from the forecast window's throughput, flow from ageing work in progress and
    Little's law, quality from the bug share and the change failure rate."""
    when = forecast.when("items")
    scatter = cycle.cycle_time.scatter
    window = forecast.window
    done = scatter["done_date"].to_numpy().astype("datetime64[D]")
    in_window = (done >= np.datetime64(window.start_date)) & (
        done <= np.datetime64(window.end_date)
    )
    inputs = HealthInputs(
        deadline=ctx.mappings.deadline,
        no_deadline=ctx.mappings.deadline_note,
        deadline_probability=when.probability_by_deadline if when else None,
        p85_date=(when.dates or {}).get("p85") if when else None,
        weekly_throughput=forecast.throughput["items"].to_numpy(dtype=float),
        wip_ages=cycle.ageing_wip["age_days"].to_numpy(dtype=float),
        cycle_time_p85=(cycle.cycle_time.percentiles_days or {}).get("p85"),
        window_cycle_times=scatter["cycle_time_days"].to_numpy(dtype=float)[in_window]
        if window.weeks
        else np.zeros(0),
        bug_share=flow.distribution.get("Defect", 0.0) if flow.completed else None,
        completed=flow.completed,
        change_failure_rate=dora.change_failure_rate,
        deployments=dora.deployments,
    )
    return health_summary(inputs, ctx.mappings.health_thresholds)


@dataclass(frozen=True)
class Report:
    profile_id: str
    query_id: str
    as_of: pd.Timestamp
    mappings: MetricMappings
    weekly: pd.DataFrame
    forecast: ForecastSection
    flow: FlowMetrics
    cycle: CycleSection
    dora: DoraMetrics
    quality: DataQuality
    health: Health
    flow_views: FlowViews

    def to_json(self, per_item: bool = True) -> dict[str, Any]:
        return report_json(self, per_item)


def report_from_context(
    ctx: MetricsContext, scopes: tuple[str, ...] | None = SCOPE_MODELS
) -> Report:
    """Every section; ``scopes``: the Monte Carlo scope models to simulate (default both, as
    ``report --json`` prints them; None: only the one the profile shows)."""
    forecast = forecast_section(ctx, scopes)
    flow = flow_section(ctx)
    cycle = cycle_section(ctx)
    dora = dora_section(ctx)
    return Report(
        profile_id=ctx.profile_id,
        query_id=ctx.query_id,
        as_of=ctx.frames.as_of,
        mappings=ctx.mappings,
        weekly=weekly_section(ctx),
        forecast=forecast,
        flow=flow,
        cycle=cycle,
        dora=dora,
        quality=quality_section(ctx),
        health=health_from(ctx, forecast, flow, cycle, dora),
        flow_views=flow_views_section(ctx, cycle.ageing_wip),
    )


def build_report(
    profile_id: str,
    query_id: str,
    as_of: datetime | str | None = None,
    scopes: tuple[str, ...] | None = SCOPE_MODELS,
) -> Report:
    return report_from_context(load_context(profile_id, query_id, as_of), scopes)


# JSON -------------------------------------------------------------------------------------------
_PLAIN = frozenset({str, int, bool, type(None)})


def jsonable(value: Any) -> Any:
    """Dataclasses, frames, dates and numpy values as plain JSON values (NaN/inf → null)."""
    # Plain values (most of a document, which is walked twice) are kept without a call.
    if type(value) in _PLAIN:
        return value
    if isinstance(value, dict):
        return {str(k): v if type(v) in _PLAIN else jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [v if type(v) in _PLAIN else jsonable(v) for v in value]
    if is_dataclass(value) and not isinstance(value, type):
        return {f.name: jsonable(getattr(value, f.name)) for f in fields(value)}
    if isinstance(value, pd.DataFrame):
        return frame_jsonable(value)
    if isinstance(value, pd.Timestamp):
        if pd.isna(value):
            return None
        # Naive midnights are the metrics' local calendar days (stage dates, CFD days).
        if value.tzinfo is None and value == value.normalize():
            return value.date().isoformat()
        return value.isoformat()
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, np.datetime64):
        return None if np.isnat(value) else str(value)
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if value is pd.NaT:
        return None
    return value


def frame_jsonable(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """A frame's rows as ``jsonable`` makes each record, built column by column: numeric and naive
    time columns convert at once instead of value by value (the per-issue lists are most of
    ``report --json``); other columns go through the records as before."""
    if not frame.columns.is_unique:
        return [jsonable(r) for r in frame.to_dict(orient="records")]
    columns: list[list[Any] | None] = [
        _column_jsonable(frame.iloc[:, i]) for i in range(frame.shape[1])
    ]
    rest = [i for i, column in enumerate(columns) if column is None]
    if rest:
        records = frame.iloc[:, rest].to_dict(orient="records")
        for i in rest:
            name = frame.columns[i]
            columns[i] = [jsonable(record[name]) for record in records]
    keys = [str(name) for name in frame.columns]
    return [dict(zip(keys, row, strict=True)) for row in zip(*columns, strict=True)]


def _column_jsonable(column: pd.Series) -> list[Any] | None:
    """``jsonable`` of each value of a text, numpy-typed number or naive time column; None for
    others."""
    dtype = column.dtype
    if isinstance(dtype, pd.StringDtype):
        # Keys, types and stages: the texts as they are, a missing one null.
        return column.to_numpy(dtype=object, na_value=None).tolist()
    if not isinstance(dtype, np.dtype):
        return None
    if dtype.kind in "iub":
        return column.to_numpy().tolist()
    if dtype.kind == "f":
        values = column.to_numpy()
        plain = values.tolist()
        if not np.isfinite(values).all():
            plain = [v if math.isfinite(v) else None for v in plain]
        return plain
    if dtype.kind == "M":
        return _times_jsonable(column.to_numpy())
    return None


def _times_jsonable(values: np.ndarray) -> list[str]:
    """Naive times as ``jsonable`` writes them: a midnight as its date, another time as
    ``Timestamp.isoformat`` (whole seconds: ``2026-11-23T12:00:00``), NaT as 'NaT'. Whole-second
    columns (every stage date) are formatted by numpy at once; finer ones value by value."""
    seconds = values.astype("datetime64[s]")
    if (values == seconds).sum() + np.isnat(values).sum() == len(values):
        days = seconds.astype("datetime64[D]")
        text = np.where(
            days == seconds,
            np.datetime_as_string(days, unit="D"),
            np.datetime_as_string(seconds, unit="s"),
        )
        return cast(list[str], text.tolist())
    times = pd.DatetimeIndex(values)
    midnight = np.asarray(times == times.normalize())
    # NaT is not a Timestamp to jsonable but a datetime: its isoformat, 'NaT', as before.
    return [
        stamp.date().isoformat() if is_midnight else stamp.isoformat()
        for stamp, is_midnight in zip(times, midnight, strict=True)
    ]


def _mc_json(mc: MonteCarloWhen | None) -> Any:
    if mc is None:
        return None
    data = jsonable(mc)
    data["percentiles_days"] = data.pop("days")
    data["percentiles_weeks"] = data.pop("weeks")
    data["completion_dates"] = data.pop("dates")
    return data


# The lists with a row per issue (most of a 10k-issue document's size and of its conversion): the
# standalone report shows its tables and charts from the frames, so it leaves them out.
PER_ITEM_PATHS = (
    ("cycle_time", "items"),
    ("ageing_wip", "items"),
    ("flow_views", "ageing_bands", "past_p85"),
    ("flow_views", "stale_work", "items"),
)


def report_json(report: Report, per_item: bool = True) -> dict[str, Any]:
    """Every metric with its definition name and parameters (docs/metrics.md names them); with
    ``per_item=False`` without the lists at ``PER_ITEM_PATHS``, every other value the same."""
    rows = jsonable if per_item else _left_out
    m = report.mappings
    f = report.forecast
    ct = report.cycle.cycle_time
    flow = report.flow
    document = {
        "as_of": report.as_of.isoformat(),
        "profile_id": report.profile_id,
        "query_id": report.query_id,
        "time_zone": m.time_zone,
        # How JIRA sub-tasks count in every metric below (docs/metrics.md, "Sub-tasks").
        "subtask_counting": m.subtask_counting,
        "weekly_statistics": {
            "definition": "weekly_statistics",
            "parameters": {"bucket": "ISO week", "points_field": m.points_field},
            "weeks": jsonable(report.weekly),
        },
        "throughput": {
            "definition": "weekly_throughput",
            "parameters": {"counts": "issues at their last entry into Done"},
            "weeks": jsonable(report.cycle.throughput),
        },
        "burndown": {
            "definition": "burndown_burnup",
            "parameters": {
                "deadline": m.deadline,
                "deadline_source": "approved plan" if m.deadline else m.deadline_note,
                "milestone": m.milestone,
            },
            "series": jsonable(f.burndown.series),
            "projection": jsonable(f.burndown.projection),
            "projection_points": jsonable(f.burndown.projection_points),
        },
        "forecast": {
            "remaining_items": f.remaining_items,
            "remaining_points": f.remaining_points,
            "window": {
                "weeks": f.window.weeks,
                "first_week": f.window.week_keys[0] if f.window.weeks else None,
                "last_week": f.window.week_keys[-1] if f.window.weeks else None,
            },  # fmt: skip
            "pert": {
                "definition": "pert",
                "parameters": {
                    "data_points_count": m.data_points_count,
                    "pert_factor": m.pert_factor,
                },
                "items": jsonable(f.pert_items),
                "points": jsonable(f.pert_points),
            },
            "monte_carlo_when": {
                "definition": "monte_carlo_when",
                "parameters": {
                    "trials": m.monte_carlo_trials,
                    "seed": m.monte_carlo_seed,
                    "resample": "weekly throughput, with replacement",
                    "finishing_week": "the share of it needed, so results are in days",
                    "percentiles": "linear interpolation",
                    "deadline": m.deadline,
                    "scope_shown": f.scope_model,
                },
                "items": _mc_json(f.monte_carlo_items),
                "points": _mc_json(f.monte_carlo_points),
                "growing_scope": {
                    "definition": "monte_carlo_when_growing_scope",
                    "parameters": {
                        "arrivals": "created items (points) per week of the window, resampled "
                        "with replacement, independently of throughput",
                    },
                    "items": _mc_json(f.growing_items),
                    "points": _mc_json(f.growing_points),
                },
            },
            "monte_carlo_how_many": {
                "definition": "monte_carlo_how_many",
                "parameters": {
                    "target_date": f.how_many.target_date if f.how_many else None,
                    "trials": m.monte_carlo_trials,
                },
                "items": jsonable(f.how_many),
            },
        },
        "cycle_time": {
            "definition": "jira_agile_metrics_cycle_time",
            "parameters": {
                "committed_stage": ct.committed_stage,
                "done_stage": ct.done_stage,
                "unit": "whole calendar days",
                "percentiles": "linear interpolation",
                "stages": [str(c) for c in ct.stage_dates.columns[1:]],
            },
            "count": ct.count,
            "percentiles_days": ct.percentiles_days,
            "histogram": jsonable(ct.histogram),
            # Per issue, as jira-agile-metrics' cycle data lists them (done date order).
            "items": rows(ct.scatter),
        },
        "cumulative_flow": {
            "definition": "cumulative_flow",
            "parameters": {"per": "local day", "counts": "issues that reached each stage"},
            "latest": jsonable(report.cycle.cumulative_flow.tail(1)),
            "days": len(report.cycle.cumulative_flow),
        },
        "ageing_wip": {
            "definition": "ageing_wip",
            "parameters": {"age": "today - committed date, days"},
            "count": len(report.cycle.ageing_wip),
            "items": rows(report.cycle.ageing_wip),
        },
        "flow": {
            "definition": "flow_framework",
            "parameters": {
                "window_weeks": flow.window_weeks,
                "flow_type_mappings": dict(m.flow_type_mappings),
            },
            "flow_velocity": {
                "value": flow.velocity_per_week,
                "unit": "items/week",
                "completed": flow.completed,
                "weekly": jsonable(flow.velocity),
            },  # fmt: skip
            "flow_time": {
                "percentiles_days": flow.time_percentiles_days,
                "histogram": jsonable(flow.time_histogram),
            },  # fmt: skip
            "flow_efficiency": {"value": flow.efficiency, "unit": "ratio"},
            "flow_load": {"value": flow.load_now, "unit": "items", "weekly": jsonable(flow.load)},
            "flow_distribution": {
                "window": flow.distribution,
                "weekly": jsonable(flow.distribution_weekly),
            },  # fmt: skip
        },
        "flow_views": flow_views_json(report.flow_views, jsonable, rows),
        "dora": {
            "definition": "dora",
            "parameters": {
                "tier_set": m.dora.tier_set,
                "deployment_source": m.dora.deployment_source,
                "deployment_issue_types": list(m.dora.deployment_issue_types),
                "incident_issue_types": list(m.dora.incident_issue_types),
                "incident_priorities": list(m.dora.incident_priorities),
                "window_weeks": report.dora.window_weeks,
                "medians": "linear interpolation",
            },
            **{
                k: v
                for k, v in jsonable(report.dora).items()
                if k not in ("tier_set", "deployment_source")
            },
        },
        "health": {
            "definition": "health_summary",
            "parameters": {
                "weights_percent": dict(HEALTH_WEIGHTS),
                "score": "weighted mean of the dimensions with data, weights rescaled to 100",
                "bands": {"green": ">= 70", "amber": ">= 40", "red": "< 40"},
            },
            **jsonable(report.health),
        },
        "data_quality": {
            **jsonable(report.quality),
            "unmapped_status_count": report.quality.unmapped_status_count,
            "note": report.quality.note,
        },
    }
    if not per_item:
        for *parents, key in PER_ITEM_PATHS:
            parent = document
            for part in parents:
                parent = parent[part]
            del parent[key]
    return jsonable(document)


def _left_out(_frame: pd.DataFrame) -> None:
    """A per-item list ``report_json`` leaves out (removed before the document is returned)."""
    return None
