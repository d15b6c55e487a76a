"""Profile settings → metric mappings: defaults, every key, and what each bad value produces."""

from __future__ import annotations

from datetime import date

import pytest

from data.errors import ValidationError
from data.metrics.mappings import (
    DEFAULT_FLOW_TYPES,
    DoraMappings,
    MetricMappings,
    Stage,
    default_stages,
    mappings_from_profile,
    resolve_statuses,
    workflow_settings,
)


def test_an_empty_profile_gives_the_metrics_md_defaults():
    m = mappings_from_profile({})
    assert m == MetricMappings()
    assert m.monte_carlo_scope == "fixed"
    assert (m.committed_stage, m.done_stage, m.time_zone, m.points_field) == (
        "In Progress",
        "Done",
        "UTC",
        None,
    )
    assert (
        dict(m.flow_type_mappings)
        == DEFAULT_FLOW_TYPES
        == {"Story": "Feature", "Task": "Feature", "Bug": "Defect"}
    )
    assert m.dora == DoraMappings("fix_versions", ("Deployment",), ("Incident",), (), "2023")
    assert (m.pert_factor, m.data_points_count, m.monte_carlo_trials, m.metrics_window_weeks) == (
        3,
        12,
        10_000,
        12,
    )


def test_every_key_is_read():
    m = mappings_from_profile(
        {
            "jira_config": {"points_field": "customfield_10016"},
            "flow_type_mappings": {"Story": "Feature", "Spike": "Risk"},
            "forecast_settings": {"pert_factor": 2, "data_points_count": 8, "deadline": "2026-12-31",
                                  "milestone": "2026-10-01", "monte_carlo_trials": 500, "monte_carlo_seed": 7,
                                  "metrics_window_weeks": 6, "monte_carlo_scope": "growing"},
            "field_mappings": {
                "status_to_flow_state": {"Blocked": "Waiting"},
                "status_categories": {"Parked": "new"},
                "workflow_stages": [{"name": "Todo", "statuses": ["To Do"]},
                                    {"name": "Doing", "statuses": ["In Progress", "Blocked"]},
                                    {"name": "Shipped", "statuses": ["Done"]}],
                "committed_stage": "Doing",
                "done_stage": "Shipped",
                "time_zone": "Europe/Berlin",
                "dora": {"deployment_source": "issue_type", "deployment_issue_types": ["Release"],
                         "incident_issue_types": ["Incident", "Outage"], "incident_priorities": ["High"],
                         "tier_set": "2021"},
            },
        }
    )  # fmt: skip
    assert m.points_field == "customfield_10016"
    assert m.flow_type_mappings["Spike"] == "Risk"
    # The deadline is the approved plan's, never the profile's (issue 18): checked, not read.
    assert (m.pert_factor, m.data_points_count, m.deadline, m.milestone) == (
        2,
        8,
        None,
        date(2026, 10, 1),
    )
    assert (m.monte_carlo_trials, m.monte_carlo_seed, m.metrics_window_weeks) == (500, 7, 6)
    assert m.monte_carlo_scope == "growing"
    assert m.workflow_stages[1] == Stage("Doing", ("In Progress", "Blocked"))
    assert (m.committed_stage, m.done_stage, m.time_zone) == ("Doing", "Shipped", "Europe/Berlin")
    assert m.dora == DoraMappings(
        "issue_type", ("Release",), ("Incident", "Outage"), ("High",), "2021"
    )
    assert m.status_categories == {"Parked": "new"}


@pytest.mark.parametrize(
    ("profile", "message"),
    [
        ({"field_mappings": {"status_to_flow_state": {"Doing": "Busy"}}},
         "field_mappings.status_to_flow_state['Doing'] is 'Busy'; use one of New, Waiting, Active"),
        ({"flow_type_mappings": {"Story": "Value"}}, "flow_type_mappings['Story'] is 'Value'; use one of Feature"),
        ({"field_mappings": {"status_categories": {"X": "todo"}}}, "status_categories['X'] is 'todo'"),
        ({"field_mappings": {"dora": {"tier_set": "2022"}}}, "field_mappings.dora.tier_set is '2022'; use one of 2023, 2021."),
        ({"field_mappings": {"dora": {"deployment_source": "ci"}}}, "deployment_source is 'ci'"),
        ({"field_mappings": {"dora": {"incident_issue_types": 5}}}, "incident_issue_types must be a list of names"),
        ({"field_mappings": {"time_zone": "Mars/Base"}}, "time_zone is 'Mars/Base', which is not a time zone this machine knows"),
        ({"field_mappings": {"committed_stage": "Nowhere"}}, "committed_stage is 'Nowhere', which is not a workflow stage"),
        ({"field_mappings": {"committed_stage": "Done", "done_stage": "Backlog"}}, "committed_stage comes after done_stage"),
        ({"field_mappings": {"workflow_stages": [{"name": "A", "statuses": ["X"]}, {"name": "B", "statuses": ["X"]}]}},
         "Status 'X' is in workflow stages 'A' and 'B'; keep it in one."),
        ({"field_mappings": {"workflow_stages": [{"statuses": ["X"]}]}}, "Workflow stage 1 has no name; give every stage a name."),
        ({"field_mappings": {"workflow_stages": [{"name": 7}]}}, "workflow_stages[0] needs a name"),
        ({"field_mappings": {"workflow_stages": "A,B"}}, "workflow_stages must be a list"),
        ({"field_mappings": {"workflow_stages": [{"name": "A"}, {"name": "A"}]}}, "Workflow stage 'A' appears twice"),
        ({"forecast_settings": {"pert_factor": 0}}, "forecast_settings.pert_factor is 0; use a whole number of 1 or more."),
        ({"forecast_settings": {"data_points_count": "many"}}, "data_points_count is 'many'"),
        ({"forecast_settings": {"deadline": "next friday"}}, "forecast_settings.deadline is 'next friday'; use a date"),
        ({"field_mappings": []}, "field_mappings must be a JSON object, not list."),
        ({"forecast_settings": {"monte_carlo_scope": "elastic"}},
         "forecast_settings.monte_carlo_scope is 'elastic'; use one of fixed, growing."),
    ],
)  # fmt: skip
def test_bad_settings_are_refused_with_one_sentence(profile, message):
    with pytest.raises(ValidationError) as error:
        mappings_from_profile(profile)
    assert message in str(error.value)


def test_resolve_statuses_explicit_beats_category_and_lists_the_unplaceable():
    m = MetricMappings(status_to_flow_state={"Review": "Waiting", "Closed": "Canceled"})
    result = resolve_statuses(
        m,
        {"To Do": "new", "In Progress": "indeterminate", "Review": "indeterminate", "Done": "done"},
        ["To Do", "In Progress", "Review", "Done", "Closed", "Limbo"],
    )
    assert dict(result.flow_state) == {
        "To Do": "Waiting", "In Progress": "Active", "Review": "Waiting", "Done": "Done", "Closed": "Canceled",
    }  # fmt: skip
    # Default stages: Waiting of category new -> Backlog; Review (Waiting, in-progress category) -> In Progress.
    assert dict(result.stage_of) == {"To Do": 0, "In Progress": 1, "Review": 1, "Done": 2}
    assert result.unmapped == ("Limbo",)
    assert result.without_stage == ()


def test_workflow_settings_trims_names_and_stores_the_shown_default_as_none():
    stages = [{"name": " Todo ", "statuses": ["To Do"]}, {"name": "Done", "statuses": None}]
    assert workflow_settings(stages, "Todo", "Done") == {
        "workflow_stages": [{"name": "Todo", "statuses": ["To Do"]}, {"name": "Done", "statuses": []}],
        "committed_stage": "Todo",
        "done_stage": "Done",
    }  # fmt: skip
    default = default_stages(MetricMappings(), {"To Do": "new", "Done": "done"}, ["Done", "To Do"])
    assert default == [{"name": "Backlog", "statuses": ["To Do"]},
                       {"name": "In Progress", "statuses": []},
                       {"name": "Done", "statuses": ["Done"]}]  # fmt: skip
    assert workflow_settings(default, "In Progress", "Done", default)["workflow_stages"] is None


@pytest.mark.parametrize(
    ("stages", "committed", "done", "message"),
    [
        ([{"name": "", "statuses": []}], "A", "A", "Workflow stage 1 has no name; give every stage a name."),
        ([{"name": "A"}, {"name": "A"}], "A", "A", "Workflow stage 'A' appears twice; rename one."),
        ([{"name": "A", "statuses": ["X"]}, {"name": "B", "statuses": ["X"]}], "A", "B",
         "Status 'X' is in workflow stages 'A' and 'B'; keep it in one."),
        ([{"name": "A"}], "Z", "A", "field_mappings.committed_stage is 'Z', which is not a workflow stage; use one of A."),
        ([{"name": "A"}], "A", "Z", "field_mappings.done_stage is 'Z', which is not a workflow stage; use one of A."),
        ([{"name": "A"}, {"name": "B"}], "B", "A", "committed_stage comes after done_stage; pick a committed stage"),
        ([{"name": "A"}], None, "A", "No committed stage is chosen; pick the stage where cycle time starts."),
        ([{"name": "A"}], "A", None, "No done stage is chosen; pick the stage where cycle time ends."),
        ([], "A", "A", "There are no workflow stages; add one or reset to the default."),
    ],
)  # fmt: skip
def test_bad_stage_edits_are_refused_with_one_sentence(stages, committed, done, message):
    with pytest.raises(ValidationError) as error:
        workflow_settings(stages, committed, done)
    assert message in str(error.value)
