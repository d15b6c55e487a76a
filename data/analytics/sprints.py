"""A query's sprints and epics for the CLI and the pages: the stored rows read in one session,
turned into frames, and the pure metrics (data/metrics/sprints.py, epics.py) run on them."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date
from typing import Any

import numpy as np
import pandas as pd

from data.analytics import cache, report
from data.analytics.loading import load_query_frames
from data.errors import ValidationError
from data.metrics.epics import (
    DEFAULT_SUBTASK_COUNTING,
    EPIC_TYPE,
    check_subtask_counting,
    epic_items,
    epic_progress,
)
from data.metrics.frames import (
    NAT_MS,
    WEEK_MS,
    QueryFrames,
    as_of_instant,
    day_to_date,
    local_day_of,
    ms,
)
from data.metrics.mappings import MetricMappings, mappings_from_profile
from data.metrics.sprints import (
    sprint_burndown,
    sprint_forecast,
    sprint_length_days,
    sprint_reports,
    velocity,
)
from data.profiles import manager as pm
from data.store import get_backend
from data.store import sprints as store
from data.store.issues import issue_titles
from data.store.query_rows import data_fingerprint, database_file

VELOCITY_SPRINTS = 6
# What the Sprints page says instead of sprints: no board named (on the query or the profile),
# and a board named whose sprints were never fetched (a Kanban board is refused by the fetch).
NO_BOARD = "This query reads no board: name one in Settings › Queries to see sprints."
NOT_FETCHED = "No sprints stored yet: press Fetch."


def _ms(values: Any) -> np.ndarray:
    times = pd.to_datetime(pd.Series(values, dtype=object), utc=True, format="ISO8601")
    # The resolution pandas infers varies (s, ms, ns): state it before reading the integers.
    values = times.dt.as_unit("ms").astype("int64").to_numpy()
    return np.where(times.isna().to_numpy(), NAT_MS, values).astype("int64")


def _texts(values: Any) -> np.ndarray:
    # Object, also when empty: pandas would make an empty column float64, which cannot merge.
    return np.asarray(list(values), dtype=object)


def _read(
    profile_id: str, query_id: str, board_id: int | None = None
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """The board's sprints (every stored one without a board), the query's Sprint field history
    and its issues with the epics they name."""
    with get_backend().session() as conn:
        sprints = store.read_sprints(conn, profile_id, board_id)
        changes = store.read_query_sprint_changes(conn, profile_id, query_id)
        issues = store.read_query_agile_issues(conn, profile_id, query_id)
    sprint_frame = pd.DataFrame(
        {
            "sprint_id": [s["sprint_id"] for s in sprints],
            "name": _texts(s["name"] for s in sprints),
            "state": _texts(s["state"] for s in sprints),
            "start": _ms([s["start_at"] for s in sprints]),
            "end": _ms([s["end_at"] for s in sprints]),
            "complete": _ms([s["complete_at"] for s in sprints]),
        }
    )
    change_frame = pd.DataFrame(
        {
            "key": _texts(c[0] for c in changes),
            "at": _ms([c[1] for c in changes]),
            "sprint_id": np.asarray([c[2] for c in changes], dtype="int64"),
            "joined": np.asarray([bool(c[3]) for c in changes], dtype=bool),
        }
    )
    issue_frame = pd.DataFrame(
        {
            "key": _texts(r[0] for r in issues),
            "issue_type": _texts(r[1] for r in issues),
            "summary": _texts(r[2] for r in issues),
            "status": _texts(r[3] for r in issues),
            "points": np.asarray([r[4] for r in issues], dtype="float64"),
            "resolved": _ms([r[5] for r in issues]),
            "parent": _texts(r[6] for r in issues),
            "subtask": np.asarray([bool(r[7]) for r in issues], dtype=bool),
            "in_query": np.asarray([bool(r[8]) for r in issues], dtype=bool),
        }
    )
    return sprint_frame, change_frame, issue_frame


def _jsonable(value: Any) -> Any:
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, float) and np.isnan(value):
        return None
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, np.floating):
        return None if np.isnan(value) else float(value)
    return value


def _iso(ms: int) -> str | None:
    return None if ms == NAT_MS else pd.Timestamp(ms, unit="ms", tz="UTC").isoformat()


def _report_rows(reports: pd.DataFrame) -> list[dict[str, Any]]:
    """Sprint reports as JSON-ready rows (times as ISO strings)."""
    rows = [{k: _jsonable(v) for k, v in row.items()} for row in reports.to_dict("records")]
    for row in rows:
        for key in ("start", "end", "complete"):
            row[key] = _iso(int(row[key]))
    return rows


def _remembered(what: tuple[Any, ...], profile_id: str, query_id: str, compute: Any) -> Any:
    """``compute()``, kept in this process (data.analytics.cache's results) until the query's
    data, the profile's sprints or the settings the result reads change, or a few minutes
    pass (its "now" moves on)."""
    profile = pm.get_profile(profile_id)
    settings = (
        (profile.get("field_mappings") or {}).get("time_zone"),
        (profile.get("jira_config") or {}).get("user_time_zone"),
        repr(sorted((profile.get("forecast_settings") or {}).items())),
        pm.query_board(profile, pm.get_query(profile_id, query_id)),
    )
    with get_backend().session() as conn:
        key = (
            *what,
            database_file(conn),
            profile_id,
            query_id,
            data_fingerprint(conn, profile_id, query_id),
            store.sprints_stamp(conn, profile_id),
            settings,
        )
    found = cache.get_result(key)
    if found is None:
        found = compute()
        cache.put_result(key, found)
    return found


def sprint_items(issues: pd.DataFrame, profile: dict[str, Any]) -> pd.DataFrame:
    """The query's issues the sprint metrics count: with the profile's sub-task counting
    "parents" (the default) no sub-task, which JIRA puts in its parent's sprint and whose work
    its parent carries (sub-tasks are no sprint commitment and no part of JIRA's velocity); with
    "items" every one."""
    settings = profile.get("forecast_settings") or {}
    counting = check_subtask_counting(settings.get("subtask_counting") or DEFAULT_SUBTASK_COUNTING)
    counted = issues["in_query"].to_numpy(bool)
    if counting == "parents":
        counted = counted & ~issues["subtask"].to_numpy(bool)
    return issues[counted]


def _calendar(profile: dict[str, Any], as_of: Any) -> tuple[str, int]:
    """The profile's metrics time zone and the as-of instant in epoch ms: a date or a date-time
    without an offset is wall time in that zone (a date its local midnight), as for every other
    metric; None is now."""
    zone = mappings_from_profile(profile).time_zone  # an unknown override: one sentence
    return zone, int(as_of_instant(as_of, zone).value // 1_000_000)


def sprint_summary(
    profile_id: str, query_id: str, *, sprint_id: int | None = None, as_of: Any = None
) -> dict[str, Any]:
    """Every started sprint's report, the velocity of the last sprints, the forecast of the
    query's open work in sprints and one sprint's burndown (the active one unless named)."""
    if as_of is not None:
        return _sprint_summary(profile_id, query_id, sprint_id, as_of)
    return _remembered(
        ("sprints", sprint_id),
        profile_id,
        query_id,
        lambda: _sprint_summary(profile_id, query_id, sprint_id, None),
    )


def _sprint_summary(
    profile_id: str, query_id: str, sprint_id: int | None, as_of: Any
) -> dict[str, Any]:
    profile = pm.get_profile(profile_id)
    board = pm.query_board(profile, pm.get_query(profile_id, query_id))
    zone, as_of_ms = _calendar(profile, as_of)
    sprints, changes, issues = _read(profile_id, query_id, board)
    in_query = sprint_items(issues, profile)
    reports = sprint_reports(sprints, changes, in_query, as_of_ms)
    rows = _report_rows(reports)
    chosen = sprint_id
    if chosen is None:
        active = reports[reports["state"] == "active"]
        chosen = (
            int(active["sprint_id"].iloc[0])
            if len(active)
            else (int(reports["sprint_id"].iloc[-1]) if len(reports) else None)
        )
    burndown: list[dict[str, Any]] = []
    if chosen is not None:
        match = sprints[sprints["sprint_id"] == chosen]
        if match.empty or int(match["start"].iloc[0]) == NAT_MS:
            raise ValidationError(
                f"Sprint {chosen} is not a started sprint of the query's board; pick one "
                "from `flowcast sprint list`."
            )
        frame = sprint_burndown(match.iloc[0], changes, in_query, zone, as_of_ms)
        burndown = [{k: _jsonable(v) for k, v in r.items()} for r in frame.to_dict("records")]
    speeds = velocity(reports, VELOCITY_SPRINTS)
    open_items = in_query[(in_query["resolved"] == NAT_MS) & (in_query["issue_type"] != "Epic")]
    length = sprint_length_days(sprints)
    upcoming = sprints[sprints["state"].isin(["active", "future"]) & (sprints["end"] != NAT_MS)]
    next_start = (
        day_to_date(int(local_day_of(np.array([int(upcoming["end"].iloc[0])]), zone)[0]))
        if len(upcoming)
        else day_to_date(int(local_day_of(np.array([as_of_ms]), zone)[0]))
    )
    forecasts = {}
    for unit, remaining in (
        ("items", float(len(open_items))),
        ("points", float(open_items["points"].fillna(0).sum())),
    ):
        result = sprint_forecast(
            speeds[f"completed_{unit}"].to_numpy(float), remaining, next_start,
            sprint_days=length, unit=unit,
        )  # fmt: skip
        forecasts[unit] = _jsonable(asdict(result))
    return {
        "board_id": board,
        "sprints_stored": len(sprints),
        "sprints": rows,
        "sprint_id": chosen,
        "burndown": burndown,
        "velocity": [
            {k: _jsonable(v) for k, v in r.items()}
            for r in speeds.drop(columns="complete").to_dict("records")
        ],
        "forecast": forecasts,
        "sprint_days": length,
    }


@dataclass(frozen=True)
class SprintsPage:
    """What the Sprints page shows: ``notice`` (one sentence) when there is nothing to show,
    else the sprint summary (``sprint_summary``) and the weekly forecast beside the sprint one."""

    notice: str
    summary: dict[str, Any] | None
    # Per unit ("items", and "points" with a points field): remaining, pert_date, p50, p85.
    weekly: dict[str, dict[str, Any]]


def sprints_page(profile_id: str, query_id: str, sprint_id: int | None = None) -> SprintsPage:
    """The Sprints page's data for the query's board (the query's own, else the profile's)."""
    board = pm.query_board(pm.get_profile(profile_id), pm.get_query(profile_id, query_id))
    if board is None:  # a Kanban team's query: fetching again would not bring sprints
        return SprintsPage(NO_BOARD, None, {})
    summary = sprint_summary(profile_id, query_id, sprint_id=sprint_id)
    if not summary["sprints_stored"]:  # a board named, its sprints never fetched
        return SprintsPage(NOT_FETCHED, None, {})
    if not summary["sprints"]:
        return SprintsPage(
            f"Board {board} has no started sprint yet: this page fills in once one starts.",
            None,
            {},
        )
    return SprintsPage("", summary, weekly_forecast(profile_id, query_id))


def weekly_forecast(profile_id: str, query_id: str) -> dict[str, dict[str, Any]]:
    """The Forecast page's PERT and Monte Carlo (the scope model it shows), per unit."""
    ctx = report.load_context(profile_id, query_id)
    section = report.forecast_section(ctx)
    found: dict[str, dict[str, Any]] = {}
    for unit, pert in (("items", section.pert_items), ("points", section.pert_points)):
        when = section.when(unit)
        if pert is None or when is None:
            continue
        dates = when.dates or {}
        found[unit] = {
            "remaining": pert.remaining,
            "pert_date": pert.expected_date,
            "p50": dates.get("p50"),
            "p85": dates.get("p85"),
            "reason": pert.reason or when.reason,
        }
    return found


def closed_sprints(profile_id: str, query_id: str) -> list[dict[str, Any]] | None:
    """The reports of the closed sprints of the query's board (``sprint_summary``'s rows),
    oldest first; None when the query reads no board. What the weekly snapshots record."""
    profile = pm.get_profile(profile_id)
    board = pm.query_board(profile, pm.get_query(profile_id, query_id))
    if board is None:
        return None
    sprints, changes, issues = _read(profile_id, query_id, board)
    closed = sprints[sprints["state"] == "closed"]
    reports = sprint_reports(closed, changes, sprint_items(issues, profile), NAT_MS)
    return _report_rows(reports)


def epics_summary(
    profile_id: str, query_id: str, *, as_of: Any = None, trials: int = 2_000
) -> dict[str, Any]:
    """Epic progress rows (risk order) and the epics named but outside the query, from the
    query's frames at ``as_of`` (default now; the frame cache's, no history replayed)."""
    mappings = report.query_mappings(profile_id, query_id)
    instant = None if as_of is None else as_of_instant(as_of, mappings.time_zone).to_pydatetime()
    with get_backend().session() as conn:
        frames = load_query_frames(
            conn, profile_id, query_id, instant, subtask_counting=mappings.subtask_counting
        )
    return _epics(profile_id, frames, mappings, trials)


@report.per_context
def epics_section(ctx: report.MetricsContext, trials: int = 2_000) -> dict[str, Any]:
    """``epics_summary`` of a loaded context (the Forecast page's): its frames, once per
    context."""
    return _epics(ctx.profile_id, ctx.frames, ctx.mappings, trials)


def _epics(
    profile_id: str, frames: QueryFrames, mappings: MetricMappings, trials: int
) -> dict[str, Any]:
    counting, window = mappings.subtask_counting, mappings.data_points_count
    zone, as_of_ms = mappings.time_zone, int(frames.as_of.value // 1_000_000)
    issues = frames.issues
    parent = issues["parent"].to_numpy(object)
    keys = issues["key"].to_numpy(object)
    is_epic = (issues["issue_type"] == EPIC_TYPE).to_numpy()
    # The epics' names and status, and the parents named outside the query that are epics.
    outside = pd.Index(pd.unique(parent[pd.notna(parent)])).difference(pd.Index(keys))
    with get_backend().session() as conn:
        titles = issue_titles(conn, profile_id, [*keys[is_epic], *outside])
    named = [key for key in outside if titles.get(key, ("",))[0] == EPIC_TYPE]
    members = pd.DataFrame(
        {
            "key": keys,
            "issue_type": issues["issue_type"].to_numpy(object),
            "summary": np.array(
                [titles[k][1] if e else "" for k, e in zip(keys, is_epic, strict=True)], object
            ),
            # The status stored at the last fetch, as the epics table shows it.
            "status": issues["current_status"].to_numpy(object),
            "points": issues["points"].to_numpy(float),
            "done_at": ms(issues["resolved"]),
            "parent": parent,
            "subtask": issues["subtask"].to_numpy(bool),
            "in_query": True,
        }
    )
    epics_outside = pd.DataFrame(
        {
            "key": _texts(named),
            "issue_type": _texts(EPIC_TYPE for _ in named),
            "summary": _texts(titles[k][1] for k in named),
            "status": _texts(titles[k][2] for k in named),
            "points": np.full(len(named), np.nan),
            "done_at": np.full(len(named), NAT_MS, "int64"),
            "parent": _texts(None for _ in named),
            "subtask": np.zeros(len(named), bool),
            "in_query": False,
        }
    )
    frame = pd.concat([members, epics_outside], ignore_index=True)
    # The team's throughput counts the items the epics count (no epics; sub-tasks as the setting says).
    items = epic_items(members, counting).items["done_at"].to_numpy("int64")
    done = items[items != NAT_MS]
    start = as_of_ms - window * WEEK_MS
    weeks = np.bincount(
        ((done[(done >= start) & (done < as_of_ms)] - start) // WEEK_MS).astype("int64"),
        minlength=window,
    )[:window]
    today = day_to_date(int(local_day_of(np.array([as_of_ms]), zone)[0]))
    table = epic_progress(
        frame, weeks.astype(float), start, today, subtask_counting=counting, trials=trials
    )
    missing = sorted(set(table["epic"]) - set(keys))
    return {
        "subtask_counting": counting,
        "window_weeks": window,
        "epics": [{k: _jsonable(v) for k, v in r.items()} for r in table.to_dict("records")],
        "outside_scope": missing,
        "note": (
            f"{len(missing)} epic(s) named as parents are not in the query ({', '.join(missing[:5])}); "
            "add them to the query's JQL to see their names and status."
            if missing
            else ""
        ),
    }


def set_subtask_counting(profile_id: str, counting: str) -> None:
    """How the profile's epic views count sub-tasks: ``parents`` (only through their parent,
    the default) or ``items`` (as items of their own as well)."""
    pm.update_profile(
        profile_id, {"forecast_settings": {"subtask_counting": check_subtask_counting(counting)}}
    )
