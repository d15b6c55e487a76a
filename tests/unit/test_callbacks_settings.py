"""Settings adapters as plain functions, on a real database and the fake JIRA."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from dash import no_update

from callbacks import settings
from data import profile_manager
from data.errors import ValidationError
from data.jira.fake.server import DEFAULT_EMAIL, DEFAULT_TOKEN, FakeJira
from data.jira.sync import sync
from data.mapping_choices import stored_choices
from layouts import ids
from layouts.settings import NEW_QUERY


@pytest.fixture
def fake() -> Iterator[FakeJira]:
    with FakeJira(deployment="cloud", issues=50, seed=3) as server:
        yield server


@pytest.fixture
def profile_id(backend, fake: FakeJira) -> str:
    return profile_manager.create_profile(
        "Team",
        {"jira_config": {"base_url": fake.base_url, "deployment": "cloud",
                         "email": DEFAULT_EMAIL, "token": DEFAULT_TOKEN}},
    )  # fmt: skip


def test_create_rename_duplicate_delete_profile(backend):
    alert, version, confirm = settings.profile_action(ids.SETTINGS_PROFILE_CREATE, "Alpha", None, 3)
    assert alert.color == "success" and version == 4 and confirm is False
    alpha = backend.get_app_state("active_profile_id")
    assert profile_manager.get_profile(alpha)["name"] == "Alpha"

    settings.profile_action(ids.SETTINGS_PROFILE_RENAME, "Alpha two", alpha, 4)
    assert profile_manager.get_profile(alpha)["name"] == "Alpha two"

    settings.profile_action(ids.SETTINGS_PROFILE_DUPLICATE, "Copy", alpha, 5)
    assert {p["name"] for p in profile_manager.list_profiles()} == {"Alpha two", "Copy"}

    # Delete asks first; only the confirmation deletes.
    assert settings.profile_action(ids.SETTINGS_PROFILE_DELETE, None, alpha, 6) == (
        no_update, no_update, True
    )  # fmt: skip
    assert len(profile_manager.list_profiles()) == 2
    settings.profile_action(ids.SETTINGS_PROFILE_DELETE_CONFIRM, None, alpha, 6)
    assert [p["name"] for p in profile_manager.list_profiles()] == ["Copy"]


def test_a_clashing_name_is_an_alert_and_changes_nothing(backend):
    settings.profile_action(ids.SETTINGS_PROFILE_CREATE, "Alpha", None, 0)
    alert, version, _confirm = settings.profile_action(
        ids.SETTINGS_PROFILE_CREATE, "alpha", None, 1
    )
    assert alert.color == "danger" and "already exists" in str(alert.children)
    assert version is no_update
    assert len(profile_manager.list_profiles()) == 1


def test_saving_the_connection_with_an_empty_token_keeps_the_saved_one(profile_id, fake):
    settings.save_jira_connection(profile_id, fake.base_url + "/", "cloud", "me@example.com", "")
    jira = profile_manager.get_profile(profile_id)["jira_config"]
    assert jira["token"] == DEFAULT_TOKEN
    assert jira["base_url"] == fake.base_url and jira["email"] == "me@example.com"


def test_test_connection_names_the_server_and_user(profile_id, fake):
    alert = settings.test_jira_connection(profile_id, fake.base_url, "auto", DEFAULT_EMAIL, "")
    assert alert.color == "success" and "Cloud" in alert.children


@pytest.mark.parametrize(
    "url", ["not a url", "acme.atlassian.net", "ftp://acme.net", "http://", ""]
)
def test_a_url_that_is_not_http_is_refused_by_test_and_save(profile_id, fake, url):
    # "not a url" used to escape as httpx.UnsupportedProtocol (an "Unexpected error" alert) from
    # Test connection, and Save stored it.
    with pytest.raises(ValidationError, match="is not a JIRA URL; use the site address"):
        settings.test_jira_connection(profile_id, url, "auto", DEFAULT_EMAIL, "")
    with pytest.raises(ValidationError, match="is not a JIRA URL"):
        settings.save_jira_connection(profile_id, url, "cloud", "me@example.com", "")
    assert profile_manager.get_profile(profile_id)["jira_config"]["base_url"] == fake.base_url


@pytest.mark.parametrize(
    ("pert", "points", "message"),
    [
        (0, 12, "PERT factor must be a whole number from 1 to 52"),
        (None, 12, "PERT factor must be a whole number from 1 to 52"),
        (3.5, 12, "PERT factor must be a whole number from 1 to 52"),
        (53, 12, "PERT factor must be a whole number from 1 to 52"),
        (3, None, "Data points must be a whole number from 1 to 520"),
        (3, "abc", "Data points must be a whole number from 1 to 520"),
        (3, 521, "Data points must be a whole number from 1 to 520"),
    ],
)
def test_bad_forecast_settings_are_refused_with_the_fields_rule(profile_id, pert, points, message):
    # The browser sends None for an empty or out-of-range number input: the message names the
    # field and its rule (it used to read "pert factor is None").
    before = profile_manager.get_profile(profile_id)["forecast_settings"]
    with pytest.raises(ValidationError, match=message):
        settings.save_forecast_settings(profile_id, pert, points, None, None)
    assert profile_manager.get_profile(profile_id)["forecast_settings"] == before


def test_forecast_settings_are_saved(profile_id):
    settings.save_forecast_settings(profile_id, "4", 10.0, "2027-01-31", "")
    saved = profile_manager.get_profile(profile_id)["forecast_settings"]
    assert saved == {"pert_factor": 4, "data_points_count": 10, "deadline": "2027-01-31",
                     "milestone": None}  # fmt: skip


def test_bad_jql_shows_jiras_message_and_saves_nothing(profile_id):
    alert, version, _ = settings.query_action(
        ids.SETTINGS_QUERY_SAVE, profile_id, NEW_QUERY, "Broken", "project = DEMO AND foo ~ bar", 0
    )
    assert alert.color == "danger"
    assert "Field 'foo' does not exist" in str(alert.children)
    assert version is no_update
    assert profile_manager.list_queries(profile_id) == []


def test_good_jql_creates_then_updates_then_deletes_a_query(profile_id):
    alert, version, _ = settings.query_action(
        ids.SETTINGS_QUERY_SAVE, profile_id, NEW_QUERY, "Stories", "project = DEMO", 0
    )
    assert alert.color == "success" and version == 1
    query_id = profile_manager.list_queries(profile_id)[0]["id"]
    settings.query_action(
        ids.SETTINGS_QUERY_SAVE,
        profile_id,
        query_id,
        "Stories",
        "project = DEMO AND issuetype = Story",
        1,
    )
    assert profile_manager.get_query(profile_id, query_id)["jql"].endswith("issuetype = Story")
    settings.query_action(ids.SETTINGS_QUERY_DELETE_CONFIRM, profile_id, query_id, None, None, 2)
    assert profile_manager.list_queries(profile_id) == []


def _form(**changes):
    """The Settings mapping form as ``_mappings_save`` collects it."""
    form = {
        "points_field": "customfield_10016",
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
        "deployment_source": "issue_type",
        "deployment_types": ["Release"],
        "incident_types": ["Incident"],
        "incident_priorities": ["Highest", "High"],
        "tier_set": "2021",
    }
    return {**form, **changes}


def test_mappings_are_saved_under_the_metrics_keys(profile_id):
    alert = settings.save_mappings(profile_id, _form())
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
    settings.save_mappings(
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
        ({"time_zone": "Mars/Olympus"}, "field_mappings.time_zone is 'Mars/Olympus'; use an IANA zone"),
        ({"tier_set": "2022"}, "field_mappings.dora.tier_set is '2022'; use one of 2023, 2021."),
    ],
)  # fmt: skip
def test_bad_mappings_are_refused_and_nothing_is_saved(profile_id, changes, message):
    before = profile_manager.get_profile(profile_id)
    with pytest.raises(ValidationError) as error:
        settings.save_mappings(profile_id, _form(**changes))
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
    return settings.edit_stages(trigger, names, [s["statuses"] for s in STAGES], DEFAULT)


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
    assert settings.edit_stages(ids.SETTINGS_STAGE_ADD, [None], [None], DEFAULT)[0] == {
        "name": "", "statuses": []
    }  # fmt: skip


def test_renaming_the_committed_stage_renames_the_choice():
    assert settings.follow_rename(["A", "B", "C"], ["A", "Build", "C"], "B") == "Build"
    assert settings.follow_rename(["A", "B", "C"], ["A", "Build", "C"], "C") is no_update
    # A stage added or removed is no rename.
    assert settings.follow_rename(["A", "B"], ["A", "B", "C"], "B") is no_update
    assert settings.follow_rename(["A", "B", "C"], ["A", "C"], "B") is no_update


def test_discover_offers_jiras_statuses_types_and_priorities(profile_id):
    offered = {"statuses": ["Parked"], "categories": {}, "issue_types": [], "priorities": []}
    _controls, choices = settings.discover_mappings(profile_id, offered)
    assert choices["statuses"] == ["Blocked", "Done", "In Progress", "In Review", "Parked", "To Do"]
    assert choices["categories"]["In Review"] == "indeterminate"
    assert {"Story", "Bug", "Incident"} <= set(choices["issue_types"])
    assert choices["priorities"] == ["Highest", "High", "Medium", "Low", "Lowest"]
    stages, deployments, incidents, priorities = settings.offered_options(
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
    derived = settings.derived_stages(profile, choices)
    assert derived == [
        {"name": "Backlog", "statuses": ["To Do"]},
        {"name": "In Progress", "statuses": ["Blocked", "In Progress", "In Review"]},
        {"name": "Done", "statuses": ["Done"]},
    ]
    # A status moved to Done by its flow state moves to the Done stage.
    profile_manager.update_profile(
        profile_id, {"field_mappings": {"status_to_flow_state": {"In Review": "Done"}}}
    )
    stages = settings.derived_stages(profile_manager.get_profile(profile_id), choices)
    assert stages[2] == {"name": "Done", "statuses": ["Done", "In Review"]}
    # A profile with its own stages (committed and done among them) still gets the default.
    settings.save_mappings(profile_id, _form())
    assert settings.derived_stages(profile_manager.get_profile(profile_id), choices) == derived
    assert settings.render(profile_id, query_id) is not None


def test_the_query_list_follows_a_rename_and_a_deletion(profile_id):
    # Renaming or deleting a query that is not the selected one leaves the selection as it was,
    # so the page is not re-rendered: the list used to keep the old names and deleted queries.
    other = profile_manager.create_query(profile_id, "Stories", "project = DEMO")
    profile_manager.update_query(profile_id, other, name="Stories only", jql="project = DEMO")
    options, kept = settings.query_list(profile_id, other)
    assert [o["label"] for o in options] == [
        *(q["name"] for q in profile_manager.list_queries(profile_id)),
        "+ New query",
    ]
    assert "Stories only" in [o["label"] for o in options] and kept == other
    profile_manager.delete_query(profile_id, other)
    options, kept = settings.query_list(profile_id, other)
    assert other not in [o["value"] for o in options] and kept == NEW_QUERY
