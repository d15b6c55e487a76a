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
WIP_OPEN = np.iinfo(np.int64).max


@dataclass(frozen=True)
class Events:
    """All history events in issue order, then time order (creation first)."""

    issue: np.ndarray
    at: np.ndarray
    state: np.ndarray
    stage: np.ndarray


@dataclass(frozen=True)
class History:
    """Per-issue facts (``facts``: one row per issue) and stage dates (``stage_days``: issues x
    stages, local days, ``NAT_MS`` where not reached)."""

    status_map: StatusMap
    facts: pd.DataFrame
    stage_days: np.ndarray
    # Intervals in Active or Waiting (issue, start, end in ms; end = WIP_OPEN while still in it),
    # for replaying the load at any instant.
    wip_issue: np.ndarray
    wip_start: np.ndarray
    wip_end: np.ndarray


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
    names = issues["status"].cat.categories
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
    order = np.argsort(issue, kind="stable")
    return Events(
        issue=issue[order],
        at=at[order],
        state=state_lookup[codes[order]],
        stage=stage_lookup[codes[order]],
    )


def build_history(frames: QueryFrames, mappings: MetricMappings) -> History:
    status_map = build_status_map(frames, mappings)
    events = history_events(frames, status_map)
    n = len(frames.issues)
    as_of_ms = frames.as_of.value // 1_000_000
    facts, wip = _flow_facts(events, n, as_of_ms)
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
    return History(status_map, facts, stage_days, *wip)


def _flow_facts(
    events: Events, n: int, as_of_ms: int
) -> tuple[pd.DataFrame, tuple[np.ndarray, np.ndarray, np.ndarray]]:
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
    facts = pd.DataFrame(
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
    wip_end = np.where(same_next, end, WIP_OPEN)[in_flow]
    return facts, (issue[in_flow], at[in_flow], wip_end)


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
