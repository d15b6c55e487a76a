"""Many weeks' snapshots from one history replay (issue 16 §2).

A backfill used to restrict the frames to each week's end and replay every issue's history
again (``restrict_to`` + ``build_history`` per week). Every per-issue fact a snapshot reads is a
function of the instant, though: the flow state at ``T`` is the one of the issue's last mapped
event by ``T``, the time spent in a state by ``T`` is its finished runs plus the running one cut
at ``T``, and a span (work in progress, blocked) replayed up to ``T`` is the full replay's span
cut at ``T`` (the replay only looks back). ``Replay`` replays the frames once (once per status
map: the statuses a week has seen, categorized by the issues created by then) and
``Replay.week(T)`` finds each issue's facts at ``T`` by one binary search; ``flow`` and ``dora``
compute the stored Flow and DORA values of the week from them (DORA through
``dora.dora_from``, the definition the dashboard uses), the forecast stays
``report.headline_forecast``.

The results are the per-week code's, value for value (tests/integration/test_backfill_replay.py
compares every stored value), with one exception the replay does not model: an issue without
any changelog resolved after ``T`` has an unknown status at ``T`` (``restrict_to``), so weeks
before such a resolution, and queries whose issues in one status disagree on its category, are
computed the per-week way (``Replay.covers``).
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from data.metrics.cycle_time import percentiles
from data.metrics.dora import DoraIssues, DoraMetrics, dora_from, incidents, no_deployments
from data.metrics.flow import FlowMetrics, flow_items
from data.metrics.frames import (
    DAY_MS,
    NAT_MS,
    QueryFrames,
    first_per_issue,
    local_day_of,
    local_midnight_ms,
    ms,
    status_codes,
    utc_timestamp,
)
from data.metrics.history import (
    ACTIVE,
    CANCELED,
    DONE,
    IGNORE,
    WAITING,
    Events,
    History,
    blocked_while_active,
    durations_ms,
    history_events,
    replayed_spans,
    state_and_stage_lookups,
)
from data.metrics.mappings import (
    FLOW_ITEMS,
    DoraMappings,
    MetricMappings,
    StatusMap,
    resolve_statuses,
)
from data.metrics.weekly import Window


@dataclass(frozen=True)
class _Runs:
    """The mapped history events (flow state neither unmapped nor Ignore) in issue, then time
    order, with what ``_flow_facts`` derives from them."""

    issue: np.ndarray
    at: np.ndarray
    state: np.ndarray
    run_start: np.ndarray  # start of the run of equal states the event belongs to
    active_before: np.ndarray  # time in Active of the issue's earlier events
    waiting_before: np.ndarray  # time in Waiting of the issue's earlier events
    key: np.ndarray  # issue * span + (at - origin): sorted, for the per-issue search
    origin: int
    span: int


class Replay:
    """One query's frames replayed once per status map; ``week(T)`` for any ``T`` up to
    their as-of that ``covers``."""

    def __init__(self, frames: QueryFrames, mappings: MetricMappings) -> None:
        self.frames = frames
        self.mappings = mappings
        issues = frames.issues
        self.n = len(issues)
        self.created = ms(issues["created"])
        self.resolved = ms(issues["resolved"])
        transitions = frames.transitions
        t_issue = transitions["issue"].to_numpy(dtype="int64")
        # Each issue's first status change, clamped to its creation as the events are.
        self.first_change = np.full(self.n, NEVER, "int64")
        np.minimum.at(
            self.first_change, t_issue, np.maximum(ms(transitions["at"]), self.created[t_issue])
        )
        # restrict_to gives an issue without any changelog an unknown status while its
        # resolution lies ahead, which the replay does not model: weeks before it are not covered.
        late = (self.first_change == NEVER) & (self.resolved != NAT_MS)
        self.covered_from = int(self.resolved[late].max()) if late.any() else NAT_MS
        self._status_seen = _first_seen(frames)
        self._categories = _current_categories(frames)
        self._points = issues["points"].fillna(0.0).to_numpy()
        self._incident = incidents(issues, mappings.dora)
        item = flow_items(issues["issue_type"], mappings.flow_type_mappings)
        self._counted = item.notna().to_numpy()
        self._item_code = pd.Categorical(item, categories=list(FLOW_ITEMS)).codes.astype("int64")
        self._deployments = _Deployments(frames, mappings.dora, mappings.time_zone)
        self._replays: dict[str, _StatusReplay] = {}
        self._events: Events | None = None

    def covers(self, end: pd.Timestamp) -> bool:
        """Whether ``week(end)`` has the per-week replay's facts (see the module)."""
        limit = utc_timestamp(end).value // 1_000_000
        return limit >= self.covered_from and self._categories is not None

    def status_map_at(self, limit: int) -> StatusMap:
        """``build_status_map`` of the frames restricted to ``limit`` (epoch ms): the statuses
        seen by then, categorized by the issues created by then (a covered ``limit``)."""
        assert self._categories is not None
        first_known, category_of = self._categories
        known = {name: category_of[name] for name, first in first_known.items() if first <= limit}
        categories = {**self.frames.status_categories, **self.mappings.status_categories, **known}
        names = self.frames.issues["status"].cat.categories
        seen = (names[c] for c in np.flatnonzero(self._status_seen <= limit) if names[c])
        return resolve_statuses(self.mappings, categories, seen)

    def _replay(self, limit: int) -> _StatusReplay:
        status_map = self.status_map_at(limit)
        key = repr(status_map)
        if key not in self._replays:
            self._replays[key] = self._shared(status_map, limit) or _StatusReplay(
                self.frames, self.mappings, status_map, self._events_under(status_map)
            )
        return self._replays[key]

    def _shared(self, status_map: StatusMap, limit: int) -> _StatusReplay | None:
        """The replay under the status map of the frames' as-of, for a week whose own map
        labels every status seen by its end alike (flow state and stage) and has the same
        committed and done stages: a week reads only events up to its end, whose statuses are
        all seen by then, so the two replays agree on everything it reads (a status first
        seen later moves the map, not the week). None when the labels differ."""
        final_limit = self.frames.as_of.value // 1_000_000
        if limit >= final_limit or not self.covers(self.frames.as_of):
            return None
        final = self._replay(final_limit)
        final_map = final.history.status_map
        if (status_map.committed_index, status_map.done_index) != (
            final_map.committed_index,
            final_map.done_index,
        ):
            return None
        seen = self._status_seen <= limit
        states, stages = state_and_stage_lookups(self.frames, status_map)
        final_states, final_stages = state_and_stage_lookups(self.frames, final_map)
        if (states[seen] != final_states[seen]).any() or (stages[seen] != final_stages[seen]).any():
            return None
        return final.relabelled(status_map)

    def _events_under(self, status_map: StatusMap) -> Events:
        """``history_events`` under ``status_map``: the events' order, times and statuses are
        the same under every map, so they are sorted once and only relabelled."""
        if self._events is None:
            self._events = history_events(self.frames, status_map)
            return self._events
        states, stages = state_and_stage_lookups(self.frames, status_map)
        events = self._events
        return replace(events, state=states[events.status], stage=stages[events.status])

    def week(self, end: pd.Timestamp) -> Week:
        """The issues as ``restrict_to(frames, end)`` and ``build_history`` of it have them,
        for what the snapshots read (``end`` must be covered; see ``Week``)."""
        stamp = utc_timestamp(end)
        limit = stamp.value // 1_000_000
        keep = self.created <= limit
        replay = self._replay(limit)
        runs = replay.runs
        last = _last_by(runs, self.n, limit)
        found = last >= 0

        def at_last(values: np.ndarray, none: int) -> np.ndarray:
            """Each issue's value at its last mapped event by then (``none`` without one)."""
            if not len(values):
                return np.full(len(last), none, "int64")
            return np.where(found, values[np.maximum(last, 0)], none)

        state = at_last(runs.state, -1).astype("int8")
        since = at_last(runs.run_start, NAT_MS)
        running = np.where(found, limit - at_last(runs.at, 0), 0)
        active = at_last(runs.active_before, 0) + np.where(state == ACTIVE, running, 0)
        waiting = at_last(runs.waiting_before, 0) + np.where(state == WAITING, running, 0)
        # Blocked time counts as waiting, even in an Active status (build_history).
        blocked_active = durations_ms(replay.overlap, self.n, limit)
        done_at = np.where(state == DONE, since, NAT_MS)
        resolved = np.where(self.resolved > limit, NAT_MS, self.resolved)
        # Issues without a status change by then: their resolution is the best "done" time.
        use_resolved = (self.first_change > limit) & (done_at != NAT_MS) & (resolved != NAT_MS)
        done_at = np.where(use_resolved, resolved, done_at)
        canceled_at = np.where(state == CANCELED, since, NAT_MS)
        # What weekly_statistics reads of the history, for the issues created by then.
        facts = pd.DataFrame(
            {
                "done_at": done_at[keep],
                "canceled_at": canceled_at[keep],
                "points": self._points[keep],
                "created": self.created[keep],
            }
        )
        return Week(
            frames=replace(self.frames, as_of=stamp),
            history=replace(replay.history, facts=facts),
            limit=limit,
            kept=keep,
            done_at=done_at,
            resolved=resolved,
            flow_start=np.where(replay.flow_start <= limit, replay.flow_start, NAT_MS),
            first_active=np.where(replay.first_active <= limit, replay.first_active, NAT_MS),
            active_ms=(active - blocked_active).astype(float),
            waiting_ms=(waiting + blocked_active).astype(float),
            wip_now=replay.wip_at(limit),
        )

    # Flow and DORA of a week -------------------------------------------------------------------
    def flow(self, week: Week, window: Window) -> FlowMetrics:
        """``flow_metrics`` of the week's values the snapshots store (velocity, flow time,
        efficiency, load now, distribution); its weekly frames are left empty."""
        done = week.done_at
        in_window = (
            self._counted & (done != NAT_MS) & (done >= window.start_ms) & (done < window.end_ms)
        )
        total = int(in_window.sum())
        by_item = np.bincount(self._item_code[in_window], minlength=len(FLOW_ITEMS))
        timed = in_window & (week.flow_start != NAT_MS)
        flow_days = (done[timed] - week.flow_start[timed]) / DAY_MS
        active = week.active_ms[in_window].sum()
        waiting = week.waiting_ms[in_window].sum()
        empty = pd.DataFrame()
        return FlowMetrics(
            window_weeks=window.weeks,
            velocity_per_week=total / window.weeks if window.weeks else None,
            velocity=empty,
            time_percentiles_days=percentiles(flow_days),
            time_histogram=empty,
            efficiency=float(active / (active + waiting)) if active + waiting > 0 else None,
            load_now=week.wip_now,
            load=empty,
            distribution={
                name: float(by_item[i] / total) if total else 0.0
                for i, name in enumerate(FLOW_ITEMS)
            },
            distribution_weekly=empty,
            completed=total,
        )

    def dora(self, week: Week, window: Window) -> DoraMetrics:
        """``dora_metrics`` of the week, from its deployments (``_Deployments``)."""
        deployments, change_of = self._deployments.at(week, self.mappings.time_zone)
        issues = DoraIssues(
            incident=self._incident,
            resolved=week.resolved,
            created=self.created,
            first_active=week.first_active,
            done_at=week.done_at,
            counted=week.kept,
        )
        return dora_from(issues, deployments, change_of, self.mappings.dora, window)


@dataclass(frozen=True)
class Week:
    """One week's end as the snapshots read it: the frames' clock (``frames.as_of``; its rows
    are the full frames', which the forecast does not read), the history (work in progress
    spans, which count alike at or before the week's end, and the facts ``weekly_statistics``
    reads of the issues created by then), and per issue of the full frames (in their order)
    whether it was created by then and its Done, resolution, flow start, first Active and time
    active and waiting as of then."""

    frames: QueryFrames
    history: History
    limit: int
    kept: np.ndarray
    done_at: np.ndarray
    resolved: np.ndarray
    flow_start: np.ndarray
    first_active: np.ndarray
    active_ms: np.ndarray
    waiting_ms: np.ndarray
    wip_now: int  # work in progress at the week's end


class _Deployments:
    """``dora._deployments`` for any week: fix versions (released, dated) count once an issue
    in them exists; deployment-type issues once Done."""

    def __init__(self, frames: QueryFrames, dora: DoraMappings, zone: str) -> None:
        issues = frames.issues
        self.source = dora.deployment_source
        types = issues["issue_type"].to_numpy(dtype=object)
        self.is_deploy_type = np.isin(types, list(dora.deployment_issue_types))
        self.is_change = ~self.is_deploy_type & ~np.isin(types, list(dora.incident_issue_types))
        self.keys = issues["key"].to_numpy(dtype=object)
        versions = frames.versions
        released = versions.loc[versions["released"] & versions["release_date"].notna()]
        self.member = released["issue"].to_numpy(dtype="int64")
        codes, names = pd.factorize(released["name"].to_numpy(dtype=object))
        self.name_code = codes.astype("int64")
        self.names = np.asarray(names, dtype=object)
        self.name_text = self.names.astype(str)
        self.day = released["release_date"].to_numpy(dtype="datetime64[D]").astype("int64")
        # Each release day's local midnight and the next one, converted once.
        self.days = np.unique(self.day)
        self.midnight = local_midnight_ms(self.days, zone) if len(self.days) else self.days
        self.next_midnight = local_midnight_ms(self.days + 1, zone) if len(self.days) else self.days

    def at(self, week: Week, zone: str) -> tuple[pd.DataFrame, np.ndarray]:
        change_of = np.full(len(self.keys), -1, "int64")
        if self.source != "fix_versions":
            return self._done_issues(week, zone, change_of)
        kept = week.kept[self.member]
        if not kept.any():
            return no_deployments(), change_of
        latest = np.full(len(self.names), np.iinfo(np.int64).min, "int64")
        np.maximum.at(latest, self.name_code[kept], self.day[kept])
        present = np.flatnonzero(latest != np.iinfo(np.int64).min)
        order = np.lexsort((self.name_text[present], latest[present]))
        named, day = present[order], latest[present][order]
        slot = np.searchsorted(self.days, day)
        deployments = pd.DataFrame(
            {
                "name": self.names[named],
                "at": self.next_midnight[slot],
                "link_at": self.midnight[slot],
                "day": day,
            }
        )
        # An issue in several released versions shipped with the first of them.
        row_of = np.full(len(self.names), -1, "int64")
        row_of[named] = np.arange(len(named))
        changes = kept & self.is_change[self.member]
        first = np.full(len(self.keys), np.iinfo(np.int64).max, "int64")
        np.minimum.at(first, self.member[changes], row_of[self.name_code[changes]])
        shipped = first != np.iinfo(np.int64).max
        change_of[shipped] = first[shipped]
        return deployments, change_of

    def _done_issues(
        self, week: Week, zone: str, change_of: np.ndarray
    ) -> tuple[pd.DataFrame, np.ndarray]:
        done = week.done_at
        shipped = self.is_deploy_type & (done != NAT_MS)
        at = done[shipped]
        order = np.argsort(at, kind="stable")
        at = at[order]
        deployments = pd.DataFrame(
            {
                "name": self.keys[shipped][order],
                "at": at,
                "link_at": at,
                "day": local_day_of(at, zone),
            }
        )
        # Each finished change ships with the first deployment at or after its Done.
        finished = self.is_change & (done != NAT_MS)
        slot = np.searchsorted(at, done[finished], side="left")
        change_of[np.flatnonzero(finished)] = np.where(slot < len(at), slot, -1)
        return deployments, change_of


class _StatusReplay:
    """The frames' history under one status map, and the per-issue facts ``Replay.week`` cuts."""

    def __init__(
        self, frames: QueryFrames, mappings: MetricMappings, status_map: StatusMap, events: Events
    ) -> None:
        n = len(frames.issues)
        wip, blocked, open_ = replayed_spans(frames, mappings, status_map, events)
        # The snapshots read the spans; the facts are each week's (``Replay.week``).
        self.history = History(status_map, pd.DataFrame(), np.zeros((0, 0), "int64"), wip,
                               blocked, open_)  # fmt: skip
        mapped = (events.state >= 0) & (events.state != IGNORE)
        self.runs = _runs_of(events.issue[mapped], events.at[mapped], events.state[mapped])
        in_flow = (events.state == ACTIVE) | (events.state == WAITING)
        self.flow_start = _first_time(events.issue, events.at, mapped & in_flow, n)
        self.first_active = _first_time(
            events.issue, events.at, mapped & (events.state == ACTIVE), n
        )
        self.overlap = blocked_while_active(events, blocked)
        # Work in progress at an instant, as Spans.count_at counts it, without sorting each week.
        self.wip_starts, self.wip_ends = np.sort(wip.start), np.sort(wip.end)

    def wip_at(self, limit: int) -> int:
        started = np.searchsorted(self.wip_starts, limit, side="right")
        return int(started - np.searchsorted(self.wip_ends, limit, side="right"))

    def relabelled(self, status_map: StatusMap) -> _StatusReplay:
        """This replay with ``status_map`` as its history's (``Replay._shared``)."""
        shared = copy.copy(self)
        shared.history = replace(self.history, status_map=status_map)
        return shared


NEVER = np.iinfo(np.int64).max


def _runs_of(issue: np.ndarray, at: np.ndarray, state: np.ndarray) -> _Runs:
    count = len(issue)
    rows = np.arange(count)
    new_issue = np.r_[True, issue[1:] != issue[:-1]] if count else np.zeros(0, bool)
    new_run = new_issue | (np.r_[True, state[1:] != state[:-1]] if count else new_issue)
    run_start = at[np.maximum.accumulate(np.where(new_run, rows, 0))] if count else at
    # Each event lasts until the issue's next one; an issue's last event runs until as-of.
    same_next = np.r_[~new_issue[1:], False] if count else new_issue
    duration = np.where(same_next, np.r_[at[1:], 0] - at if count else at, 0)
    first_row = np.maximum.accumulate(np.where(new_issue, rows, 0)) if count else rows

    def before(wanted: int) -> np.ndarray:
        total = np.cumsum(np.where(state == wanted, duration, 0))
        exclusive = total - np.where(state == wanted, duration, 0)
        return exclusive - exclusive[first_row] if count else exclusive

    origin = int(at.min()) if count else 0
    span = int(at.max()) - origin + 2 if count else 1
    if count and (int(issue.max()) + 2) * span >= 2**62:
        span = 0  # too long a history for one sorted key: not covered
    key = issue * span + (at - origin)
    return _Runs(issue, at, state, run_start, before(ACTIVE), before(WAITING), key, origin, span)


def _last_by(runs: _Runs, n: int, limit: int) -> np.ndarray:
    """Each issue's last mapped event at or before ``limit`` (its row in ``runs``), -1 if none."""
    if not len(runs.issue):
        return np.full(n, -1, "int64")
    offset = min(max(limit - runs.origin, -1), runs.span - 1)
    wanted = np.arange(n, dtype="int64")
    found = np.searchsorted(runs.key, wanted * runs.span + offset, side="right") - 1
    owner = runs.issue[np.maximum(found, 0)]
    return np.where((found >= 0) & (owner == wanted), found, -1)


def _first_time(issue: np.ndarray, at: np.ndarray, mask: np.ndarray, n: int) -> np.ndarray:
    out = np.full(n, NEVER, "int64")
    owners, index = first_per_issue(mask, issue)
    out[owners] = at[index]
    return out


def _first_seen(frames: QueryFrames) -> np.ndarray:
    """Per status code, the first instant the restricted frames contain it (an issue created in
    it or now in it, a status change to it), ``NEVER`` if they never do."""
    issues, transitions = frames.issues, frames.transitions
    created = ms(issues["created"])
    seen = np.full(len(issues["status"].cat.categories), NEVER, "int64")
    for codes, at in (
        (status_codes(issues["initial_status"]), created),
        (status_codes(issues["current_status"]), created),
        (status_codes(transitions["to_status"]), ms(transitions["at"])),
    ):
        present = codes >= 0
        np.minimum.at(seen, codes[present], at[present])
    return seen


def _current_categories(frames: QueryFrames) -> tuple[dict[str, int], dict[str, str]] | None:
    """For each status some issue is in now with a category: when the first such issue was
    created and the category; None when issues in one status disagree on its category (then
    which one the restricted frames see depends on which issues they keep)."""
    issues = frames.issues
    known = issues.loc[issues["status_category"] != "", ["current_status", "status_category"]]
    if known.empty:
        return {}, {}
    status = known["current_status"].astype(object).to_numpy()
    table = pd.DataFrame(
        {"status": status, "category": known["status_category"].to_numpy(dtype=object),
         "created": ms(issues["created"])[known.index.to_numpy()]}
    )  # fmt: skip
    grouped = table.groupby("status", sort=False)
    if (grouped["category"].nunique() > 1).any():
        return None
    first = grouped["created"].min()
    category = grouped["category"].first()
    return {str(k): int(v) for k, v in first.items()}, {str(k): str(v) for k, v in category.items()}
