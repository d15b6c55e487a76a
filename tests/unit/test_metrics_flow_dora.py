"""Golden tests: the five Flow metrics, the four DORA keys with tiers, the data-quality note."""

from __future__ import annotations

import pytest

from data.analytics.report import (
    context_from_frames,
    cycle_section,
    dora_section,
    flow_section,
    quality_section,
)
from data.metrics.dora import tier_for
from data.metrics.mappings import DoraMappings, MetricMappings
from layouts.dora import key_values
from tests.unit.metrics_builders import build_frames, issue

STATES = {
    "To Do": "Waiting",
    "In Progress": "Active",
    "Blocked": "Waiting",
    "Done": "Done",
}

# Window: 2 complete weeks before Wed 2026-03-25 -> W11 (Mar 9-15) and W12 (Mar 16-22).
FLOW_ISSUES = [
    # Waiting Mar 9-10 and 11-12 (2 days), Active Mar 10-11 and 12-13 (2 days); flow time 4 days.
    issue("F-1", "2026-03-09T00:00:00Z", [("2026-03-10T00:00:00Z", "In Progress"),
          ("2026-03-11T00:00:00Z", "Blocked"), ("2026-03-12T00:00:00Z", "In Progress"),
          ("2026-03-13T00:00:00Z", "Done")]),
    # Waiting 06:00-12:00 (0.25 day), Active 2 days; flow time 2.25 days.
    issue("F-2", "2026-03-16T06:00:00Z", [("2026-03-16T12:00:00Z", "In Progress"),
          ("2026-03-18T12:00:00Z", "Done")], type="Bug"),
    # Waiting since Mar 2, Active since Mar 20: in the load, not completed.
    issue("F-3", "2026-03-02T00:00:00Z", [("2026-03-20T00:00:00Z", "In Progress")]),
    # An Epic: no flow item type -> left out (and reported).
    issue("F-4", "2026-03-10T00:00:00Z", [("2026-03-11T00:00:00Z", "In Progress"),
          ("2026-03-12T00:00:00Z", "Done")], type="Epic"),
    # Straight from To Do to Done: Waiting 1 day; flow time 1 day.
    issue("F-5", "2026-03-16T06:00:00Z", [("2026-03-17T06:00:00Z", "Done")], type="Task"),
    # In progress since Mar 14: in the load.
    issue("F-6", "2026-03-12T00:00:00Z", [("2026-03-14T00:00:00Z", "In Progress")], type="Bug"),
]  # fmt: skip


@pytest.fixture(scope="module")
def flow():
    frames = build_frames(FLOW_ISSUES, "2026-03-25T12:00:00Z")
    ctx = context_from_frames(
        frames, MetricMappings(status_to_flow_state=STATES, metrics_window_weeks=2)
    )
    return ctx, flow_section(ctx)


def test_flow_velocity_and_distribution(flow):
    _, result = flow
    # Completed in the window: F-1 (Feature, W11), F-2 (Defect, W12), F-5 (Feature, W12) = 3 in 2 weeks.
    assert result.completed == 3
    assert result.velocity_per_week == 1.5
    weekly = result.velocity.set_index("week")
    assert weekly.loc["2026-W11", ["Feature", "Defect", "total"]].tolist() == [1, 0, 1]
    assert weekly.loc["2026-W12", ["Feature", "Defect", "total"]].tolist() == [1, 1, 2]
    assert result.distribution == pytest.approx(
        {"Feature": 2 / 3, "Defect": 1 / 3, "Risk": 0.0, "Debt": 0.0}
    )
    shares = result.distribution_weekly.set_index("week")
    assert shares.loc["2026-W12", ["Feature", "Defect"]].tolist() == [0.5, 0.5]


def test_flow_time_percentiles(flow):
    _, result = flow
    # Flow times [4, 2.25, 1] -> sorted [1, 2.25, 4], n = 3:
    # p50 = 2.25; p85: rank 0.85 * 2 = 1.7 -> 2.25 + 0.7 * 1.75 = 3.475; p95: rank 1.9 -> 2.25 + 0.9 * 1.75 = 3.825.
    assert result.time_percentiles_days == pytest.approx({"p50": 2.25, "p85": 3.475, "p95": 3.825})


def test_flow_efficiency(flow):
    _, result = flow
    # Active 2 + 2 + 0 = 4 days; Waiting 2 + 0.25 + 1 = 3.25 days -> 4 / 7.25.
    assert result.efficiency == pytest.approx(4 / 7.25)


def test_flow_load_is_work_in_progress_committed_not_done(flow):
    ctx, result = flow
    # Work in progress = reached the committed stage (In Progress), not done, not canceled.
    # Mar 16 00:00 (end of W11): F-6 in progress since Mar 14; F-3 still waits in To Do (before
    # commitment: not load); F-1 and F-4 done; F-2, F-5 not created yet -> 1.
    # Mar 23 00:00 (end of W12): F-3 (in progress since Mar 20) and F-6; F-2, F-5 done -> 2.
    assert result.load["items"].tolist() == [1, 2]
    assert result.load_now == 2
    # The card, the ageing chart and its table count the same items.
    ageing = cycle_section(ctx).ageing_wip
    assert sorted(ageing["key"]) == ["F-3", "F-6"] and len(ageing) == result.load_now


def test_data_quality_lists_unmapped_types_and_statuses(flow):
    ctx, _ = flow
    quality = quality_section(ctx)
    assert quality.unmapped_issue_types == ("Epic",)
    assert quality.unmapped_statuses == ()
    assert (
        "Issue types left out of flow velocity, time, efficiency and distribution: Epic; work "
        "in progress (flow load, ageing), cycle time and CFD include every issue type."
    ) in quality.note


def test_unmapped_status_keeps_the_previous_state_and_is_counted():
    frames = build_frames(
        [issue("U-1", "2026-03-09T00:00:00Z", [("2026-03-10T00:00:00Z", "In Progress"),
               ("2026-03-11T00:00:00Z", "Parked"), ("2026-03-12T00:00:00Z", "Done")])],
        "2026-03-25T12:00:00Z",
    )  # fmt: skip
    ctx = context_from_frames(
        frames, MetricMappings(status_to_flow_state=STATES, metrics_window_weeks=2)
    )
    quality = quality_section(ctx)
    assert (quality.unmapped_statuses, quality.unmapped_status_count, quality.issues_touching_unmapped) == (
        ("Parked",), 1, 1,
    )  # fmt: skip
    assert "Parked" in quality.note
    # "Parked" does not change the state: Active from Mar 10 to Mar 12 = 2 days, Waiting 1 day.
    assert flow_section(ctx).efficiency == pytest.approx(2 / 3)


# DORA -------------------------------------------------------------------------------------------
# Window: 4 complete weeks before Mon 2026-03-30 -> W10..W13 = Mar 2 .. Mar 29.
DORA_STATES = {**STATES, "Resolved": "Done"}
DORA_ISSUES = [
    # v1 released Tue Mar 3 (over at Mar 4 00:00): D-1 active since Mar 2 00:00 -> 48 h;
    # D-2 never active, created Mar 1 00:00 -> 72 h.
    issue("D-1", "2026-03-01T00:00:00Z", [("2026-03-02T00:00:00Z", "In Progress"),
          ("2026-03-03T00:00:00Z", "Done")], versions=[("v1", True, "2026-03-03")]),
    issue("D-2", "2026-03-01T00:00:00Z", [("2026-03-03T00:00:00Z", "Done")],
          versions=[("v1", True, "2026-03-03")]),
    # v2 released Mar 10 (over at Mar 11 00:00): D-3 active since Mar 9 12:00 -> 36 h.
    issue("D-3", "2026-03-05T00:00:00Z", [("2026-03-09T12:00:00Z", "In Progress"),
          ("2026-03-10T00:00:00Z", "Done")], versions=[("v2", True, "2026-03-10")]),
    # v4 released Mar 24: D-4 active since Mar 23 00:00 -> 48 h.
    issue("D-4", "2026-03-20T00:00:00Z", [("2026-03-23T00:00:00Z", "In Progress"),
          ("2026-03-24T00:00:00Z", "Done")], versions=[("v4", True, "2026-03-24")]),
    # v5 is not released: no deployment.
    issue("D-5", "2026-03-20T00:00:00Z", [("2026-03-23T00:00:00Z", "In Progress")],
          versions=[("v5", False, "2026-03-26")]),
    # Incidents (High). I-1 on v1's release day -> v1; 2 h to restore.
    issue("I-1", "2026-03-03T15:00:00Z", [("2026-03-03T17:00:00Z", "Resolved")], type="Incident",
          priority="High", resolved="2026-03-03T17:00:00Z"),
    # I-2 after v3 (Mar 11) -> v3; 24 h.
    issue("I-2", "2026-03-12T10:00:00Z", [("2026-03-13T10:00:00Z", "Resolved")], type="Incident",
          priority="High", resolved="2026-03-13T10:00:00Z"),
    # I-3 before any deployment: linked to none; 12 h.
    issue("I-3", "2026-03-02T08:00:00Z", [("2026-03-02T20:00:00Z", "Resolved")], type="Incident",
          priority="High", resolved="2026-03-02T20:00:00Z"),
    # I-5 is v3's only member (an incident is not a change: v3 has no changes); created Mar 9
    # -> latest deployment before it is v1; 48 h.
    issue("I-5", "2026-03-09T08:00:00Z", [("2026-03-11T08:00:00Z", "Resolved")], type="Incident",
          priority="High", resolved="2026-03-11T08:00:00Z", versions=[("v3", True, "2026-03-11")]),
    # Low priority: filtered out of the incidents.
    issue("I-4", "2026-03-25T00:00:00Z", [("2026-03-25T01:00:00Z", "Resolved")], type="Incident",
          priority="Low", resolved="2026-03-25T01:00:00Z"),
]  # fmt: skip


def _dora(tier_set: str = "2023", **dora):
    frames = build_frames(DORA_ISSUES, "2026-03-30T12:00:00Z")
    mappings = MetricMappings(
        status_to_flow_state=DORA_STATES,
        metrics_window_weeks=4,
        dora=DoraMappings(incident_priorities=("High",), tier_set=tier_set, **dora),
    )
    return dora_section(context_from_frames(frames, mappings))


def test_dora_from_fix_versions_2023():
    result = _dora()
    assert (result.window_start, result.window_end, result.window_weeks) == (
        "2026-03-02",
        "2026-03-29",
        4,
    )
    # Deployments v1 (Mar 3), v2 (Mar 10), v3 (Mar 11), v4 (Mar 24) = 4 in 4 weeks.
    assert result.deployments == 4 and result.deployments_per_week == 1.0
    # Deployment days per week W10..W13 = [1, 2, 0, 1] -> median 1 -> high (>= 1, < 5).
    assert result.deployment_days_per_week_median == 1.0
    assert result.deployment_days_per_month_median == 4.0
    assert result.deployment_frequency_tier == "high"
    # Lead times [48, 72, 36, 48] h -> median (48 + 48) / 2 = 48 h -> high (< 1 week).
    assert (result.lead_time_median_hours, result.lead_time_changes) == (48.0, 4)
    assert result.lead_time_tier == "high"
    # v1 (I-1, I-5) and v3 (I-2) have incidents: 2 / 4 = 50% -> low (> 15%).
    assert (result.change_failure_rate, result.failed_deployments) == (0.5, 2)
    assert result.change_failure_rate_tier == "low"
    # Restore times [2, 24, 12, 48] h -> median (12 + 24) / 2 = 18 h -> high (< 1 day).
    assert (result.time_to_restore_median_hours, result.restored_incidents) == (18.0, 4)
    assert result.time_to_restore_tier == "high"
    assert result.deployments_without_changes == 1  # v3
    assert result.incidents_without_deployment == 1  # I-3
    listing = result.deployment_list.set_index("name")
    assert listing.loc["v1", ["changes", "incidents"]].tolist() == [2, 2]
    assert listing.loc["v3", ["changes", "incidents"]].tolist() == [0, 1]


def test_dora_2021_tiers():
    result = _dora("2021")
    # Same numbers, 2021 bounds: frequency median 1 day/week -> high (< 3 for elite);
    # 48 h lead time -> high (< 1 week); 50% -> low (> 30%); 18 h -> high (< 1 day).
    assert (result.deployment_frequency_tier, result.lead_time_tier) == ("high", "high")
    assert (result.change_failure_rate_tier, result.time_to_restore_tier) == ("low", "high")


def test_dora_from_deployment_issues():
    issues = [
        issue(
            "DEP-1", "2026-03-04T00:00:00Z", [("2026-03-04T12:00:00Z", "Done")], type="Deployment"
        ),
        issue(
            "DEP-2", "2026-03-18T00:00:00Z", [("2026-03-18T12:00:00Z", "Done")], type="Deployment"
        ),
        # Done Mar 3 -> ships with DEP-1: active Mar 2 12:00 -> Mar 4 12:00 = 48 h.
        issue(
            "S-1",
            "2026-03-01T00:00:00Z",
            [("2026-03-02T12:00:00Z", "In Progress"), ("2026-03-03T00:00:00Z", "Done")],
        ),
        # Done Mar 10 -> ships with DEP-2: active Mar 9 12:00 -> Mar 18 12:00 = 216 h.
        issue(
            "S-2",
            "2026-03-01T00:00:00Z",
            [("2026-03-09T12:00:00Z", "In Progress"), ("2026-03-10T00:00:00Z", "Done")],
        ),
        # Done after the last deployment: not shipped yet.
        issue("S-3", "2026-03-01T00:00:00Z", [("2026-03-19T00:00:00Z", "Done")]),
        # Created an hour after DEP-2 -> DEP-2 failed.
        issue("INC-1", "2026-03-18T13:00:00Z", [("2026-03-18T15:00:00Z", "Done")], type="Incident"),
    ]
    frames = build_frames(issues, "2026-03-30T12:00:00Z")
    mappings = MetricMappings(
        status_to_flow_state=STATES, metrics_window_weeks=4,
        dora=DoraMappings(deployment_source="issue_type"),
    )  # fmt: skip
    result = dora_section(context_from_frames(frames, mappings))
    assert result.deployments == 2
    assert result.lead_time_median_hours == (48 + 216) / 2  # 132 h -> high
    assert result.lead_time_tier == "high"
    assert (result.change_failure_rate, result.time_to_restore_median_hours) == (0.5, 2.0)
    # Days per week W10..W13 = [1, 0, 1, 0] -> median 0.5 < 1; 2 deployment days in March -> medium.
    assert result.deployment_days_per_week_median == 0.5
    assert result.deployment_frequency_tier == "medium"


def test_dora_without_deployments_or_incidents_has_no_tiers():
    frames = build_frames([issue("N-1", "2026-03-02T00:00:00Z")], "2026-03-30T12:00:00Z")
    result = dora_section(context_from_frames(frames, MetricMappings(status_to_flow_state=STATES)))
    assert result.deployments == 0 and result.change_failure_rate is None
    assert result.lead_time_tier is None and result.time_to_restore_tier is None
    # Zero deployment days in every week and month -> low.
    assert result.deployment_frequency_tier == "low"


@pytest.mark.parametrize(
    ("metric", "value", "tier_set", "expected"),
    [
        ("change_failure_rate", 0.05, "2023", "elite"),  # <= 5%
        ("change_failure_rate", 0.0501, "2023", "high"),
        ("change_failure_rate", 0.15, "2021", "elite"),  # <= 15%
        ("change_failure_rate", 0.31, "2021", "low"),
        ("lead_time_hours", 23.9, "2023", "elite"),  # < 1 day
        ("lead_time_hours", 24.0, "2023", "high"),
        ("lead_time_hours", 24 * 30, "2023", "low"),
        ("lead_time_hours", 0.5, "2021", "elite"),  # < 1 hour
        ("lead_time_hours", 24 * 100, "2021", "medium"),  # < 6 months
        ("time_to_restore_hours", 0.9, "2023", "elite"),
        ("time_to_restore_hours", 24 * 7, "2023", "low"),
        ("deployment_days_per_week", 5, "2023", "elite"),
        ("deployment_days_per_week", 3, "2021", "elite"),
        ("deployment_days_per_week", 4, "2023", "high"),
    ],
)
def test_tier_bounds(metric, value, tier_set, expected):
    assert tier_for(metric, value, tier_set) == expected


def test_ignore_status_keeps_the_state_without_a_report():
    frames = build_frames(
        [issue("G-1", "2026-03-09T00:00:00Z", [("2026-03-10T00:00:00Z", "In Progress"),
               ("2026-03-11T00:00:00Z", "Parked"), ("2026-03-12T00:00:00Z", "Done")])],
        "2026-03-25T12:00:00Z",
    )  # fmt: skip
    mappings = MetricMappings(
        status_to_flow_state={**STATES, "Parked": "Ignore"}, metrics_window_weeks=2
    )
    ctx = context_from_frames(frames, mappings)
    assert quality_section(ctx).unmapped_statuses == ()
    # Active Mar 10-12 (Parked ignored), Waiting Mar 9-10 -> 2 / 3.
    assert flow_section(ctx).efficiency == pytest.approx(2 / 3)


def test_flow_and_dora_without_issues():
    ctx = context_from_frames(build_frames([], "2026-03-25T12:00:00Z"), MetricMappings())
    flow = flow_section(ctx)
    # Flow and DORA windows are always metrics_window_weeks (12) long: 0 items in 12 weeks.
    assert flow.window_weeks == 12
    assert (flow.completed, flow.velocity_per_week, flow.efficiency, flow.load_now) == (
        0,
        0.0,
        None,
        0,
    )
    dora = dora_section(ctx)
    # No issues at all (never fetched, nothing imported): every key has no data, no "low" tier.
    assert (dora.deployments, dora.deployments_per_week, dora.deployment_frequency_tier) == (
        0,
        None,
        None,
    )
    assert dora.deployment_days_per_week_median is None
    assert dora.lead_time_tier is None and dora.change_failure_rate is None
    assert dora.change_failure_rate_tier is None and dora.time_to_restore_tier is None
    assert [(value, tier) for value, tier, _ in key_values(dora).values()] == [("–", None)] * 4
