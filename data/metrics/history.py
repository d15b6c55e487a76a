"""Replaying each issue's status history: flow-state facts and workflow-stage dates.

An issue's history is its creation (in its creation status) followed by its status transitions.
Statuses that map to no flow state, or to Ignore, do not change the flow state (the issue stays
in the state it was in); statuses in no workflow stage do not move it between stages. An issue
whose status is unknown ("", see ``frames.restrict_to``) waits in the first stage.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from data.metrics.frames import (
    NAT_MS,
    QueryFrames,
    first_per_issue,
    last_per_issue,
    local_day_of,
    ms,
    status_codes,
)
from data.metrics.mappings import FLOW_STATES, MetricMappings, StatusMap, resolve_statuses

NEW, WAITING, ACTIVE, DONE, CANCELED, IGNORE = range(len(FLOW_STATES))
UNMAPPED = -1
OPEN = np.iinfo(np.int64).max  # the end of a span still running at as_of


@dataclass(frozen=True)
class Spans:
    """Spans of time per issue, [start, end) in epoch ms (end = ``OPEN`` while still running)."""

    issue: np.ndarray
    start: np.ndarray
    end: np.ndarray

    def count_at(self, instants: np.ndarray, keep: np.ndarray | None = None) -> np.ndarray:
        """How many spans (of issues where ``keep``, a per-issue mask) contain each instant."""
        chosen = np.ones(len(self.issue), bool) if keep is None else keep[self.issue]
        starts = np.sort(self.start[chosen])
        ends = np.sort(self.end[chosen])
        instants = np.asarray(instants, dtype="int64")
        return (
            np.searchsorted(starts, instants, side="right")
            - np.searchsorted(ends, instants, side="right")
        ).astype("int64")


@dataclass(frozen=True)
class Events:
    """All history events in issue order, then time order (creation first)."""

    issue: np.ndarray
    at: np.ndarray
    state: np.ndarray
    stage: np.ndarray
    status: np.ndarray  # the status's code (``frames.status_codes``)


@dataclass(frozen=True)
class History:
    """Per-issue facts (``facts``: one row per issue) and stage dates (``stage_days``: issues x
    stages, local days, ``NAT_MS`` where not reached)."""

    status_map: StatusMap
    facts: pd.DataFrame
    stage_days: np.ndarray
    # Work in progress, the one definition every view uses: from the committed stage on, not yet
    # in the done stage, not canceled (replayed, so it can be counted at any instant).
    wip: Spans
    # Blocked: flagged (JIRA's Flagged field set) or in one of the mappings' blocked statuses,
    # while open.
    blocked: Spans
    # Open: from creation until the flow state is Done or Canceled (a reopen opens it again).
    open: Spans


def build_status_map(frames: QueryFrames, mappings: MetricMappings) -> StatusMap:
    """Each status's category: JIRA's status list (``frames.status_categories``) as the base, then
    the user's ``status_categories``, then what the issues in a status now say; explicit flow
    states still win over any category (``resolve_statuses``)."""
    issues, transitions = frames.issues, frames.transitions
    known = issues.loc[issues["status_category"] != "", ["current_status", "status_category"]]
    known = known.drop_duplicates("current_status")
    categories = {
        **frames.status_categories,
        **mappings.status_categories,
        **dict(zip(known["current_status"].astype(object), known["status_category"], strict=True)),
    }
    names = issues["status"].cat.categories
    used = np.unique(
        np.concatenate(
            [
                status_codes(issues["status"]),
                status_codes(issues["current_status"]),
                status_codes(issues["initial_status"]),
                status_codes(transitions["to_status"]),
            ]
        )
    )
    return resolve_statuses(mappings, categories, (names[c] for c in used if c >= 0 and names[c]))


def history_events(frames: QueryFrames, status_map: StatusMap) -> Events:
    issues, transitions = frames.issues, frames.transitions
    n = len(issues)
    created = ms(issues["created"])
    t_issue = transitions["issue"].to_numpy(dtype="int64")
    # A transition stamped before its issue's creation (clock skew) happened at creation.
    t_at = np.maximum(ms(transitions["at"]), created[t_issue])
    issue = np.concatenate([np.arange(n, dtype="int64"), t_issue])
    at = np.concatenate([created, t_at]).astype("int64")
    codes = np.concatenate(
        [status_codes(issues["initial_status"]), status_codes(transitions["to_status"])]
    ).astype("int64")
    state_lookup, stage_lookup = state_and_stage_lookups(frames, status_map)
    order = np.argsort(issue, kind="stable")
    return Events(
        issue=issue[order],
        at=at[order],
        state=state_lookup[codes[order]],
        stage=stage_lookup[codes[order]],
        status=codes[order],
    )


def replayed_spans(
    frames: QueryFrames, mappings: MetricMappings, status_map: StatusMap, events: Events
) -> tuple[Spans, Spans, Spans]:
    """The work-in-progress, blocked and open spans of the frames' history events."""
    mapped = (events.state >= 0) & (events.state != IGNORE)
    state = _carried(mapped, events.state, events.issue)
    wip = _wip_spans(events, state, status_map.committed_index, status_map.done_index)
    open_ = spans_where((state != DONE) & (state != CANCELED), events.issue, events.at)
    names = frames.issues["status"].cat.categories
    blocked_codes = np.flatnonzero(names.isin(list(mappings.blocked_statuses)))
    # Blocked only while open: a flag left on a done item stops counting when it is done.
    blocked = _intersection(_blocked_spans(events, frames, blocked_codes), open_)
    return wip, blocked, open_


def state_and_stage_lookups(
    frames: QueryFrames, status_map: StatusMap
) -> tuple[np.ndarray, np.ndarray]:
    """Each status code's flow state (``UNMAPPED`` when none) and workflow stage (-1 when none);
    the unknown status "" waits in the first stage."""
    names = frames.issues["status"].cat.categories
    state_of = {name: code for code, name in enumerate(FLOW_STATES)}
    state_lookup = np.array(
        [
            WAITING if u == "" else state_of.get(status_map.flow_state.get(u, ""), UNMAPPED)
            for u in names
        ],
        dtype="int8",
    )
    stage_lookup = np.array(
        [0 if u == "" else status_map.stage_of.get(u, -1) for u in names], dtype="int16"
    )
    return state_lookup, stage_lookup


def blocked_while_active(events: Events, blocked: Spans) -> Spans:
    """The blocked time spent in an Active flow state (flow efficiency counts it as waiting)."""
    if not len(blocked.issue):
        return blocked  # nothing blocked: no Active spans to replay
    return _intersection(_state_spans(events, ACTIVE), blocked)


def build_history(frames: QueryFrames, mappings: MetricMappings) -> History:
    status_map = build_status_map(frames, mappings)
    events = history_events(frames, status_map)
    n = len(frames.issues)
    as_of_ms = frames.as_of.value // 1_000_000
    facts = _flow_facts(events, n, as_of_ms)
    facts["issue_type"] = frames.issues["issue_type"].to_numpy()
    facts["points"] = frames.issues["points"].fillna(0.0).to_numpy()
    facts["created"] = ms(frames.issues["created"])
    # Issues without a changelog: their resolution date is the best "done" time we have.
    resolved = ms(frames.issues["resolved"])
    no_history = np.ones(n, bool)
    no_history[frames.transitions["issue"].to_numpy(dtype="int64")] = False
    use_resolved = no_history & (facts["done_at"].to_numpy() != NAT_MS) & (resolved != NAT_MS)
    facts.loc[use_resolved, "done_at"] = resolved[use_resolved]
    stage_days = _stage_days(events, n, len(status_map.stage_names), mappings.time_zone)
    wip, blocked, open_ = replayed_spans(frames, mappings, status_map, events)
    # Flow efficiency counts blocked time as waiting, even in an Active status.
    blocked_active = durations_ms(blocked_while_active(events, blocked), n, as_of_ms)
    facts["active_ms"] = facts["active_ms"] - blocked_active
    facts["waiting_ms"] = facts["waiting_ms"] + blocked_active
    facts["blocked_ms"] = durations_ms(blocked, n, as_of_ms)
    return History(status_map, facts, stage_days, wip, blocked, open_)


def _state_spans(events: Events, wanted: int) -> Spans:
    """The spans in flow state ``wanted`` (of the latest mapped status)."""
    mapped = (events.state >= 0) & (events.state != IGNORE)
    state = _carried(mapped, events.state, events.issue)
    return spans_where(state == wanted, events.issue, events.at)


def _blocked_spans(events: Events, frames: QueryFrames, blocked_codes: np.ndarray) -> Spans:
    """Flagged (any value of the Flagged field; "" = cleared) or in a blocked status."""
    in_status = spans_where(np.isin(events.status, blocked_codes), events.issue, events.at)
    flags = frames.flags
    f_issue = flags["issue"].to_numpy(dtype="int64")
    # A flag set before its issue's creation (clock skew) was set at creation.
    f_at = np.maximum(ms(flags["at"]), ms(frames.issues["created"])[f_issue])
    flagged = spans_where(flags["value"].to_numpy(dtype=object) != "", f_issue, f_at)
    return _union(in_status, flagged)


def _sweep(a: Spans, b: Spans) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The elementary segments of two span sets per issue: (issue, start, end, in a, in b)."""
    issue = np.concatenate([a.issue, a.issue, b.issue, b.issue])
    at = np.concatenate([a.start, a.end, b.start, b.end])
    one_a, one_b = np.ones(len(a.issue), "int64"), np.ones(len(b.issue), "int64")
    delta_a = np.concatenate([one_a, -one_a, 0 * one_b, 0 * one_b])
    delta_b = np.concatenate([0 * one_a, 0 * one_a, one_b, -one_b])
    order = np.lexsort((at, issue))
    issue, at = issue[order], at[order]
    # Each issue's spans close (``OPEN`` is a time too), so running sums restart at 0 per issue.
    in_a, in_b = np.cumsum(delta_a[order]) > 0, np.cumsum(delta_b[order]) > 0
    same = np.r_[issue[1:] == issue[:-1], False] if len(issue) else np.zeros(0, bool)
    end = np.r_[at[1:], 0] if len(at) else at
    keep = same & (end > at)
    return issue[keep], at[keep], end[keep], in_a[keep], in_b[keep]


def _union(a: Spans, b: Spans) -> Spans:
    issue, start, end, in_a, in_b = _sweep(a, b)
    keep = in_a | in_b
    return Spans(issue[keep], start[keep], end[keep])


def _intersection(a: Spans, b: Spans) -> Spans:
    if not len(a.issue) or not len(b.issue):
        return b if not len(b.issue) else a  # nothing in common: the empty one
    issue, start, end, in_a, in_b = _sweep(a, b)
    keep = in_a & in_b
    return Spans(issue[keep], start[keep], end[keep])


def durations_ms(spans: Spans, n: int, as_of_ms: int) -> np.ndarray:
    """Per issue, the time inside ``spans`` up to ``as_of``."""
    length = np.clip(np.minimum(spans.end, as_of_ms) - spans.start, 0, None)
    return np.bincount(spans.issue, weights=length, minlength=n)[:n].astype("int64")


def _carried(valid: np.ndarray, values: np.ndarray, issue: np.ndarray) -> np.ndarray:
    """Each event's latest valid value so far within its issue (-1 before the first one)."""
    rows = np.arange(len(issue))
    if not len(rows):
        return np.zeros(0, "int64")
    latest = np.maximum.accumulate(np.where(valid, rows, -1))
    first_row = np.maximum.accumulate(np.where(np.r_[True, issue[1:] != issue[:-1]], rows, 0))
    return np.where(latest >= first_row, values[np.maximum(latest, 0)], -1).astype("int64")


def spans_where(flag: np.ndarray, issue: np.ndarray, at: np.ndarray) -> Spans:
    """The spans during which a per-event flag (holding until the issue's next event) is true."""
    count = len(issue)
    if not count:
        empty = np.zeros(0, "int64")
        return Spans(empty, empty, empty)
    new_issue = np.r_[True, issue[1:] != issue[:-1]]
    first = np.flatnonzero(new_issue | np.r_[True, flag[1:] != flag[:-1]])
    following = np.r_[first[1:], count - 1]
    continues = np.r_[issue[first[1:]] == issue[first[:-1]], False]
    end = np.where(continues, at[following], OPEN)
    keep = flag[first]
    return Spans(issue[first][keep], at[first][keep], end[keep])


def _wip_spans(events: Events, state: np.ndarray, committed: int, done: int) -> Spans:
    """Committed, not done, not canceled: the stage reached by the latest status in a stage is
    at least the committed stage and before the done stage, and the flow state (of the latest
    mapped status) is not Canceled. At as_of this is exactly ``ageing_wip``'s set: the latest
    stage with a date (``_stage_days``) is the stage of the latest staged status. ``state``: each
    event's flow state of the latest mapped status so far (``_carried``)."""
    stage = _carried(events.stage >= 0, events.stage, events.issue)
    flag = (stage >= committed) & (stage < done) & (state != CANCELED)
    return spans_where(flag, events.issue, events.at)


def _flow_facts(events: Events, n: int, as_of_ms: int) -> pd.DataFrame:
    keep = (events.state >= 0) & (events.state != IGNORE)
    issue, at, state = events.issue[keep], events.at[keep], events.state[keep]
    count = len(issue)
    same_next = np.r_[issue[1:] == issue[:-1], False] if count else np.zeros(0, bool)
    end = np.where(same_next, np.r_[at[1:], 0] if count else at, max(as_of_ms, 0))
    end = np.maximum(end, at)
    duration = end - at
    new_run = (
        np.r_[True, (issue[1:] != issue[:-1]) | (state[1:] != state[:-1])] if count else same_next
    )
    run_start = at[np.maximum.accumulate(np.where(new_run, np.arange(count), 0))] if count else at

    final_state = np.full(n, -1, "int8")
    final_since = np.full(n, NAT_MS, "int64")
    owners, last = last_per_issue(np.ones(count, bool), issue)
    final_state[owners] = state[last]
    final_since[owners] = run_start[last]

    def first_time(mask: np.ndarray) -> np.ndarray:
        out = np.full(n, NAT_MS, "int64")
        owner, index = first_per_issue(mask, issue)
        out[owner] = at[index]
        return out

    in_flow = (state == ACTIVE) | (state == WAITING)
    return pd.DataFrame(
        {
            "state": final_state,
            "done_at": np.where(final_state == DONE, final_since, NAT_MS),
            "canceled_at": np.where(final_state == CANCELED, final_since, NAT_MS),
            "flow_start": first_time(in_flow),
            "first_active": first_time(state == ACTIVE),
            "active_ms": np.bincount(issue, weights=duration * (state == ACTIVE), minlength=n)[:n],
            "waiting_ms": np.bincount(issue, weights=duration * (state == WAITING), minlength=n)[
                :n
            ],
        }
    )


def _stage_days(events: Events, n: int, stages: int, zone: str) -> np.ndarray:
    """jira-agile-metrics stage dates: first entry into each stage, cleared by any later move to an
    earlier stage; a skipped stage takes the date of the next later stage that has one."""
    keep = events.stage >= 0
    issue, stage = events.issue[keep], events.stage[keep]
    day = local_day_of(events.at[keep], zone)
    position = np.arange(len(issue))
    days = np.full((n, stages), NAT_MS, "int64")
    for k in range(stages):
        last_clear = np.full(n, -1, "int64")
        owners, index = last_per_issue(stage < k, issue)
        last_clear[owners] = index
        owners, index = first_per_issue((stage == k) & (position > last_clear[issue]), issue)
        days[owners, k] = day[index]
    for k in range(stages - 2, -1, -1):
        missing = days[:, k] == NAT_MS
        days[missing, k] = days[missing, k + 1]
    return days
