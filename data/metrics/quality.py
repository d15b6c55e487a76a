"""The data-quality note: what the mappings could not place, so nothing is dropped silently."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from data.metrics.flow_views import FLAG_OPTION, unexpected_flags
from data.metrics.frames import QueryFrames
from data.metrics.history import History
from data.metrics.mappings import MetricMappings
from data.timezones import time_zone_reason


@dataclass(frozen=True)
class DataQuality:
    unmapped_statuses: tuple[str, ...]
    # Issues that were in an unmapped status at creation, at as_of, or through a transition.
    issues_touching_unmapped: int
    statuses_without_stage: tuple[str, ...]
    statuses_without_flow_state: tuple[str, ...]
    unmapped_issue_types: tuple[str, ...]
    issues_without_changelog: int
    issues_without_points: int
    # The calendar of every day and week: the zone, where it came from, and that as a sentence.
    time_zone: str
    time_zone_source: str
    time_zone_reason: str
    # Flagged values other than JIRA's Impediment (they count as flagged) and on how many issues.
    unexpected_flag_values: tuple[str, ...] = ()
    issues_with_unexpected_flags: int = 0

    @property
    def unmapped_status_count(self) -> int:
        return len(self.unmapped_statuses)

    @property
    def note(self) -> str:
        parts = []
        # A zone the user chose, or the JIRA user's, is not a data problem; falling back to UTC is.
        if self.time_zone_source in ("default", "jira_unknown"):
            parts.append(self.time_zone_reason)
        if self.unmapped_statuses:
            parts.append(
                f"{self.unmapped_status_count} status(es) map to no flow state or stage and are "
                f"ignored: {', '.join(self.unmapped_statuses)} ({self.issues_touching_unmapped} issue(s))."
            )
        if self.statuses_without_stage:
            parts.append(f"In no workflow stage: {', '.join(self.statuses_without_stage)}.")
        if self.statuses_without_flow_state:
            parts.append(
                f"In a stage but without a flow state: {', '.join(self.statuses_without_flow_state)}."
            )
        if self.unmapped_issue_types:
            parts.append(
                "Issue types left out of flow velocity, time, efficiency and distribution: "
                f"{', '.join(self.unmapped_issue_types)}; work in progress (flow load, ageing), "
                "cycle time and CFD include every issue type."
            )
        if self.unexpected_flag_values:
            values = ", ".join(repr(v) for v in self.unexpected_flag_values)
            parts.append(
                f"The Flagged field held {values} instead of JIRA's {FLAG_OPTION!r} on "
                f"{self.issues_with_unexpected_flags} issue(s); those times count as blocked. "
                "If that field is not JIRA's Flagged field, correct field_mappings.flagged."
            )
        if self.issues_without_changelog:
            parts.append(f"{self.issues_without_changelog} issue(s) have no status history.")
        return " ".join(parts) or "All statuses and issue types are mapped."


def data_quality(frames: QueryFrames, history: History, mappings: MetricMappings) -> DataQuality:
    status_map = history.status_map
    unmapped = set(status_map.unmapped)
    issues, transitions = frames.issues, frames.transitions
    touching = np.zeros(len(issues), bool)
    if unmapped:
        touching |= issues["status"].isin(unmapped).to_numpy()
        touching |= issues["initial_status"].isin(unmapped).to_numpy()
        hit = transitions["to_status"].isin(unmapped).to_numpy()
        touching[transitions["issue"].to_numpy()[hit]] = True
    has_history = np.zeros(len(issues), bool)
    has_history[transitions["issue"].to_numpy()] = True
    types = sorted(set(issues["issue_type"].unique()) - set(mappings.flow_type_mappings) - {""})
    odd_flags = unexpected_flags(frames)
    flags = frames.flags
    odd_issues = flags.loc[flags["value"].isin(list(odd_flags["value"])), "issue"].nunique()
    return DataQuality(
        unmapped_statuses=status_map.unmapped,
        issues_touching_unmapped=int(touching.sum()),
        statuses_without_stage=status_map.without_stage,
        statuses_without_flow_state=status_map.without_flow_state,
        unmapped_issue_types=tuple(types),
        issues_without_changelog=int((~has_history).sum()),
        issues_without_points=int(issues["points"].isna().sum()),
        time_zone=mappings.time_zone,
        time_zone_source=mappings.time_zone_source,
        time_zone_reason=time_zone_reason(
            mappings.time_zone, mappings.time_zone_source, mappings.jira_time_zone
        ),
        unexpected_flag_values=tuple(str(v) for v in odd_flags["value"]),
        issues_with_unexpected_flags=int(odd_issues),
    )
