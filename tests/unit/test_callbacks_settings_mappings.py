"""Settings field-mappings adapters as plain functions, on a real database and the fake JIRA."""

from __future__ import annotations

import pytest
from dash import no_update

from callbacks import settings, settings_mappings
from data.errors import ValidationError
from data.jira.sync import sync
from data.profiles import manager as profile_manager
from data.profiles.mapping_choices import stored_choices
from fakejira.server import DEFAULT_TOKEN
from layouts import ids
from layouts.settings_mappings import mappings_card


def _form(**changes):
    """The Settings mapping form as ``_mappings_save`` collects it."""
    form = {
        "points_field": "customfield_10016",
        "field_names": {},
        "statuses": ["To Do", "In Progress", "Done"],
        "states": ["Waiting", None, None],
        "issue_types": ["Bug"],
        "items": ["Defect"],
        "stages": [
            {"name": "Todo", "statuses": ["To Do"]},
            {"name": " Doing ", "statuses": ["In Progress", "In Review"]},
            {"name": "Shipped", "statuses": ["Done"]},
        ],
        "committed": "Doing",
        "done": "Shipped",
        "default_stages": [],
        "time_zone": "Europe/Berlin",
        "blocked_statuses": ["Blocked"],
        "stale_after_days": 10,
        "deployment_source": "issue_type",
        "deployment_types": ["Release"],
        "incident_types": ["Incident"],
        "incident_priorities": ["Highest", "High"],
        "tier_set": "2021",
    }
    return {**form, **changes}


def test_mappings_are_saved_under_the_metrics_keys(profile_id):
    alert = settings_mappings.save_mappings(profile_id, _form())
    assert alert.color == "success"
    profile = profile_manager.get_profile(profile_id)
    fm = profile["field_mappings"]
    assert profile["jira_config"]["points_field"] == "customfield_10016"
    assert fm["status_to_flow_state"] == {"To Do": "Waiting"}
    assert profile["flow_type_mappings"] == {"Bug": "Defect"}
    assert fm["workflow_stages"] == [
        {"name": "Todo", "statuses": ["To Do"]},
        {"name": "Doing", "statuses": ["In Progress", "In Review"]},
        {"name": "Shipped", "statuses": ["Done"]},
    ]
    assert (fm["committed_stage"], fm["done_stage"], fm["time_zone"]) == (
        "Doing", "Shipped", "Europe/Berlin"
    )  # fmt: skip
    assert (fm["blocked_statuses"], fm["stale_after_days"]) == (["Blocked"], 10)
    assert fm["dora"] == {
        "deployment_source": "issue_type", "deployment_issue_types": ["Release"],
        "incident_issue_types": ["Incident"], "incident_priorities": ["Highest", "High"],
        "tier_set": "2021",
    }  # fmt: skip
    assert profile["jira_config"]["token"] == DEFAULT_TOKEN


def test_stages_equal_to_the_shown_default_are_stored_as_none(profile_id):
    default = [
        {"name": "Backlog", "statuses": ["To Do"]},
        {"name": "In Progress", "statuses": ["In Progress", "Blocked"]},
        {"name": "Done", "statuses": ["Done"]},
    ]
    shown = [{**stage, "statuses": list(reversed(stage["statuses"]))} for stage in default]
    settings_mappings.save_mappings(
        profile_id,
        _form(stages=shown, committed="In Progress", done="Done", default_stages=default),
    )
    fm = profile_manager.get_profile(profile_id)["field_mappings"]
    assert fm["workflow_stages"] is None
    assert (fm["committed_stage"], fm["done_stage"]) == ("In Progress", "Done")


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"stages": [{"name": "Todo", "statuses": []}, {"name": "  ", "statuses": ["X"]}]},
         "Workflow stage 2 has no name; give every stage a name."),
        ({"stages": [{"name": "Doing", "statuses": ["A"]}, {"name": "Doing", "statuses": ["B"]}]},
         "Workflow stage 'Doing' appears twice; rename one."),
        ({"stages": [{"name": "Doing", "statuses": ["Done"]}, {"name": "Shipped", "statuses": ["Done"]}]},
         "Status 'Done' is in workflow stages 'Doing' and 'Shipped'; keep it in one."),
        ({"committed": "Build"},
         "field_mappings.committed_stage is 'Build', which is not a workflow stage; use one of Todo, Doing, Shipped."),
        ({"done": "Released"}, "field_mappings.done_stage is 'Released', which is not a workflow stage"),
        ({"committed": "Shipped", "done": "Doing"},
         "field_mappings.committed_stage comes after done_stage; pick a committed stage before the done stage."),
        ({"committed": None}, "No committed stage is chosen; pick the stage where cycle time starts."),
        ({"done": ""}, "No done stage is chosen; pick the stage where cycle time ends."),
        ({"stages": []}, "There are no workflow stages; add one or reset to the default."),
        ({"time_zone": "Mars/Olympus"}, "field_mappings.time_zone is 'Mars/Olympus', which is not a time zone this machine knows"),
        ({"tier_set": "2022"}, "field_mappings.dora.tier_set is '2022'; use one of 2023, 2021."),
        ({"stale_after_days": 0}, "field_mappings.stale_after_days is 0; use a whole number of 1 or more."),
        ({"stale_after_days": 2.5}, "field_mappings.stale_after_days is 2.5; use a whole number of days, 1 or more."),
    ],
)  # fmt: skip
def test_bad_mappings_are_refused_and_nothing_is_saved(profile_id, changes, message):
    before = profile_manager.get_profile(profile_id)
    with pytest.raises(ValidationError) as error:
        settings_mappings.save_mappings(profile_id, _form(**changes))
    assert message in str(error.value)
    assert profile_manager.get_profile(profile_id) == before


STAGES = [
    {"name": "A", "statuses": ["To Do"]},
    {"name": "B", "statuses": ["In Progress"]},
    {"name": "C", "statuses": ["Done"]},
]
DEFAULT = [{"name": "Backlog", "statuses": []}, {"name": "In Progress", "statuses": []},
           {"name": "Done", "statuses": []}]  # fmt: skip


def _edit(trigger):
    names = [s["name"] for s in STAGES]
    return settings_mappings.edit_stages(trigger, names, [s["statuses"] for s in STAGES], DEFAULT)


def test_the_stage_editor_adds_removes_moves_and_resets():
    assert _edit(ids.SETTINGS_STAGE_ADD) == [*STAGES, {"name": "", "statuses": []}]
    assert _edit(ids.SETTINGS_STAGES_RESET) == DEFAULT
    assert [s["name"] for s in _edit(ids.stage_control("remove", 1))] == ["A", "C"]
    assert [s["name"] for s in _edit(ids.stage_control("up", 2))] == ["A", "C", "B"]
    assert [s["name"] for s in _edit(ids.stage_control("down", 0))] == ["B", "A", "C"]
    # The ends do not move past themselves.
    assert _edit(ids.stage_control("up", 0)) == STAGES
    assert _edit(ids.stage_control("down", 2)) == STAGES
    # Unnamed and unpicked rows come back empty, not None.
    assert settings_mappings.edit_stages(ids.SETTINGS_STAGE_ADD, [None], [None], DEFAULT)[0] == {
        "name": "", "statuses": []
    }  # fmt: skip


def test_renaming_the_committed_stage_renames_the_choice():
    assert settings_mappings.follow_rename(["A", "B", "C"], ["A", "Build", "C"], "B") == "Build"
    assert settings_mappings.follow_rename(["A", "B", "C"], ["A", "Build", "C"], "C") is no_update
    # A stage added or removed is no rename.
    assert settings_mappings.follow_rename(["A", "B"], ["A", "B", "C"], "B") is no_update
    assert settings_mappings.follow_rename(["A", "B", "C"], ["A", "C"], "B") is no_update


def test_discover_offers_jiras_statuses_types_and_priorities(profile_id):
    offered = {"statuses": ["Parked"], "categories": {}, "issue_types": [], "priorities": []}
    _controls, choices = settings_mappings.discover_mappings(profile_id, offered)
    assert choices["statuses"] == ["Blocked", "Done", "In Progress", "In Review", "Parked", "To Do"]
    assert choices["categories"]["In Review"] == "indeterminate"
    assert {"Story", "Bug", "Incident"} <= set(choices["issue_types"])
    assert choices["priorities"] == ["Highest", "High", "Medium", "Low", "Lowest"]
    stages, deployments, incidents, priorities = settings_mappings.offered_options(
        choices, [["Gone"], None], ["Release"], None, []
    )
    assert stages[0][-1] == "Gone" and stages[1] == choices["statuses"]
    assert deployments[-1] == "Release" and incidents == choices["issue_types"]
    assert priorities == choices["priorities"]


def test_the_page_offers_the_fetched_statuses_and_shows_the_derived_stages(profile_id):
    query_id = profile_manager.create_query(profile_id, "All", "project = DEMO")
    sync(profile_id, query_id)
    profile = profile_manager.get_profile(profile_id)
    choices = stored_choices(profile)
    assert set(choices["statuses"]) == {"To Do", "In Progress", "In Review", "Blocked", "Done"}
    assert {"Story", "Bug"} <= set(choices["issue_types"])
    assert choices["priorities"] and set(choices["priorities"]) <= {
        "Highest", "High", "Medium", "Low", "Lowest"
    }  # fmt: skip
    derived = settings_mappings.derived_stages(profile, choices)
    assert derived == [
        {"name": "Backlog", "statuses": ["To Do"]},
        {"name": "In Progress", "statuses": ["Blocked", "In Progress", "In Review"]},
        {"name": "Done", "statuses": ["Done"]},
    ]
    # A status moved to Done by its flow state moves to the Done stage.
    profile_manager.update_profile(
        profile_id, {"field_mappings": {"status_to_flow_state": {"In Review": "Done"}}}
    )
    stages = settings_mappings.derived_stages(profile_manager.get_profile(profile_id), choices)
    assert stages[2] == {"name": "Done", "statuses": ["Done", "In Review"]}
    # A profile with its own stages (committed and done among them) still gets the default.
    settings_mappings.save_mappings(profile_id, _form())
    assert (
        settings_mappings.derived_stages(profile_manager.get_profile(profile_id), choices)
        == derived
    )
    assert settings.render(profile_id, query_id) is not None


def _points_options(profile_id: str) -> list[dict[str, str]]:
    """The story-points dropdown's options on the Settings page as it renders now."""
    profile = profile_manager.get_profile(profile_id)
    choices = stored_choices(profile)
    card = mappings_card(
        profile,
        choices,
        settings_mappings.derived_stages(profile, choices),
        settings_mappings.VOCABULARY,
    )
    return next(
        c for c in card._traverse() if getattr(c, "id", None) == ids.SETTINGS_MAPPING_POINTS
    ).options


def test_the_points_field_shows_the_name_discover_found(profile_id):
    settings_mappings.save_mappings(profile_id, _form())
    # Nothing has told the page the field's name yet: the bare id.
    assert _points_options(profile_id) == [
        {"label": "customfield_10016", "value": "customfield_10016"}
    ]
    _controls, choices = settings_mappings.discover_mappings(profile_id, stored_choices(
        profile_manager.get_profile(profile_id)
    ))  # fmt: skip
    assert choices["fields"]["customfield_10016"] == "Story Points"
    settings_mappings.save_mappings(profile_id, _form(field_names=choices["fields"]))
    assert _points_options(profile_id) == [
        {"label": "Story Points (customfield_10016)", "value": "customfield_10016"}
    ]
    # Saving with a field Discover did not name forgets the old name: the label is the new id.
    settings_mappings.save_mappings(
        profile_id, _form(points_field="customfield_10099", field_names=choices["fields"])
    )
    assert _points_options(profile_id) == [
        {"label": "customfield_10099", "value": "customfield_10099"}
    ]
