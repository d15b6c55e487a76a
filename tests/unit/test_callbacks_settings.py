"""Settings adapters as plain functions, on a real database and the fake JIRA."""

from __future__ import annotations

import pytest
from dash import no_update

from callbacks import settings
from data import plans
from data.errors import ValidationError
from data.plans.approved import approve_deadline
from data.profiles import manager as profile_manager
from fakejira import dead_jira
from fakejira.server import DEFAULT_EMAIL, DEFAULT_TOKEN
from layouts import ids
from tests.components import find_component


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


@pytest.mark.parametrize(
    ("milestone", "message"),
    [
        ("2027-02-31", "The milestone '2027-02-31' is not a date on the calendar"),
        ("31/01/2027", "The milestone '31/01/2027' is not a date on the calendar"),
        ("1999-01-01", "The milestone 1999-01-01 is in the past"),
        # After the selected query's approved deadline (the plan's, not a Settings field).
        ("2099-04-01", "The milestone 2099-04-01 is after the deadline 2099-03-31"),
    ],
)
def test_bad_milestones_are_refused_and_nothing_is_saved(profile_id, milestone, message):
    query_id = profile_manager.create_query(profile_id, "All", "project = DEMO")
    approve_deadline(profile_id, query_id, "2099-03-31", "test", submitter="ann", approver="bob")
    settings.save_forecast_settings(profile_id, 3, 12, "2099-01-31", query_id)
    before = profile_manager.get_profile(profile_id)["forecast_settings"]
    with pytest.raises(ValidationError, match=message):
        settings.save_forecast_settings(profile_id, 3, 12, milestone, query_id)
    assert profile_manager.get_profile(profile_id)["forecast_settings"] == before


def test_forecast_settings_are_saved_without_a_deadline(profile_id):
    settings.save_forecast_settings(profile_id, "4", 10.0, "2027-01-31")
    saved = profile_manager.get_profile(profile_id)["forecast_settings"]
    assert saved == {"pert_factor": 4, "data_points_count": 10, "milestone": "2027-01-31"}


def test_settings_shows_the_approved_plans_deadline_or_why_there_is_none(profile_id):
    query_id = profile_manager.create_query(profile_id, "All", "project = DEMO")

    def shown() -> str:
        page = settings.render(profile_id, query_id)
        return find_component(page, ids.SETTINGS_FORECAST_DEADLINE).children

    assert shown() == "no approved plan: approve one with a deadline on the Plans page"
    plan_id = approve_deadline(
        profile_id, query_id, "2027-05-31", "test", submitter="ann", approver="bob"
    )
    assert shown() == "2027-05-31 (approved plan 'All plan', version 1)"
    link = find_component(
        settings.render(profile_id, query_id), ids.SETTINGS_FORECAST_DEADLINE_LINK
    )
    assert link.href == "/plans"
    # A new draft with another deadline changes nothing until it is approved.
    plans.create_version(plan_id, {**plans.get_current_plan(plan_id)["data"], "deadline": None})
    assert shown() == "2027-05-31 (approved plan 'All plan', version 1)"
    plans.submit_version(plan_id)
    plans.approve_version(plan_id, actor="bob")
    assert shown() == (
        "the approved plan (version 2) has no deadline: set one on the Plans page and approve it"
    )


def test_bad_jql_shows_jiras_message_and_saves_nothing(profile_id):
    alert, version, _ = settings.query_action(
        ids.SETTINGS_QUERY_SAVE, profile_id, None, "Broken", "project = DEMO AND foo ~ bar", 0
    )
    assert alert.color == "danger"
    assert "Field 'foo' does not exist" in str(alert.children)
    assert version is no_update
    assert profile_manager.list_queries(profile_id) == []


def test_good_jql_creates_then_updates_then_deletes_a_query(profile_id):
    alert, version, _ = settings.query_action(
        ids.SETTINGS_QUERY_SAVE, profile_id, None, "Stories", "project = DEMO", 0
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


def test_the_query_list_follows_a_rename_and_a_deletion(profile_id):
    # Renaming or deleting a query that is not the selected one leaves the selection as it was,
    # so the page is not re-rendered: the list used to keep the old names and deleted queries.
    other = profile_manager.create_query(profile_id, "Stories", "project = DEMO")
    profile_manager.update_query(profile_id, other, name="Stories only", jql="project = DEMO")
    options, kept = settings.query_list(profile_id, other)
    assert [o["label"] for o in options] == [
        q["name"] for q in profile_manager.list_queries(profile_id)
    ]
    assert "Stories only" in [o["label"] for o in options] and kept is no_update
    profile_manager.delete_query(profile_id, other)
    options, kept = settings.query_list(profile_id, other)
    assert other not in [o["value"] for o in options] and kept is None


def test_save_says_whether_it_renamed_the_chosen_query_or_changed_its_jql(profile_id):
    # Typing a new name with a query chosen renames that query: the form says so before Save
    # ("Editing 'Stories': a new name renames it.", "Save changes") and the answer after it.
    query_id = profile_manager.create_query(profile_id, "Stories", "project = DEMO")
    value, name, jql, no_delete, editing, save = settings.query_form(
        ids.SETTINGS_QUERY_SELECT, query_id, profile_id
    )
    assert (name, jql, no_delete, save) == ("Stories", "project = DEMO", False, "Save changes")
    assert editing == "Editing 'Stories': a new name renames it."
    answers = [
        ("Stories", "project = DEMO", "Nothing changed in query 'Stories'."),
        ("Story work", "project = DEMO", "Renamed query 'Stories' to 'Story work'."),
        ("Story work", "project = DEMO AND type = Story",
         "Saved the JQL of query 'Story work'; fetch it to update its data."),
        ("Stories", "project = DEMO",
         "Renamed query 'Story work' to 'Stories' and saved its JQL; fetch it to update its data."),
    ]  # fmt: skip
    for typed_name, typed_jql, said in answers:
        alert, _version, _ = settings.query_action(
            ids.SETTINGS_QUERY_SAVE, profile_id, query_id, typed_name, typed_jql, 0
        )
        assert alert.children == said
    assert [q["id"] for q in profile_manager.list_queries(profile_id)] == [query_id]


def test_new_query_blanks_the_form_and_creates_a_second_query(profile_id):
    query_id = profile_manager.create_query(profile_id, "Stories", "project = DEMO")
    form = settings.query_form(ids.SETTINGS_QUERY_NEW, query_id, profile_id)
    assert form == (None, "", "", True, "New query: name it and write its JQL.", "Create query")
    alert, version, _ = settings.query_action(
        ids.SETTINGS_QUERY_SAVE, profile_id, form[0], "Bugs", "project = DEMO AND type = Bug", 0
    )
    assert alert.children == "Created query 'Bugs'; it is now selected." and version == 1
    assert [q["name"] for q in profile_manager.list_queries(profile_id)] == ["Bugs", "Stories"]
    # A choice left over from the previous profile is not a query of this one: a blank form,
    # not a "Not found" alert.
    assert settings.query_form(ids.SETTINGS_QUERY_SELECT, "all-work", profile_id)[0] is None


def test_a_query_saved_while_jira_does_not_answer_is_saved_with_a_warning(profile_id):
    # Saving checks the JQL with JIRA; when nothing answers, the query is saved all the same and
    # the alert says its JQL was not checked (it used to be refused, and nothing was saved).
    with dead_jira() as url:
        settings.save_jira_connection(profile_id, url, "cloud", DEFAULT_EMAIL, "")
        alert, version, _ = settings.query_action(
            ids.SETTINGS_QUERY_SAVE, profile_id, None, "Stories", "project = DEMO", 0
        )
        assert alert.color == "warning" and version == 1
        text = str(alert.children)
        assert "Saved without checking the JQL" in text and "Created query 'Stories'" in text
        assert "Nothing answered at " + url in text and "The next fetch will say" in text
        [query] = profile_manager.list_queries(profile_id)
        assert (query["name"], query["jql"]) == ("Stories", "project = DEMO")

        # Changed JQL is saved unchecked too; a rename that keeps the JQL asks JIRA nothing.
        alert, _version, _ = settings.query_action(
            ids.SETTINGS_QUERY_SAVE, profile_id, query["id"], "Stories", "project = OPS", 1
        )
        assert alert.color == "warning" and "Saved the JQL of query 'Stories'" in str(
            alert.children
        )
        alert, _version, _ = settings.query_action(
            ids.SETTINGS_QUERY_SAVE, profile_id, query["id"], "Story work", "project = OPS", 2
        )
        assert (alert.color, alert.children) == (
            "success", "Renamed query 'Stories' to 'Story work'."
        )  # fmt: skip
    assert profile_manager.get_query(profile_id, query["id"])["jql"] == "project = OPS"


def test_a_query_saved_while_jira_is_busy_is_saved_with_a_warning(profile_id, fake):
    fake.faults.add("503", count=None, endpoint="search/jql")
    alert, version, _ = settings.query_action(
        ids.SETTINGS_QUERY_SAVE, profile_id, None, "Stories", "project = DEMO", 0
    )
    assert alert.color == "warning" and version == 1
    assert "Its JQL was not checked" in str(alert.children)
    assert [q["name"] for q in profile_manager.list_queries(profile_id)] == ["Stories"]


def test_the_plan_review_switch_saves_the_profiles_setting(profile_id):
    switch = find_component(settings.render(profile_id, None), ids.SETTINGS_PLAN_SELF_APPROVAL)
    assert switch.value is False
    alert = settings.save_self_approval(profile_id, True)
    assert alert.color == "success" and "may approve it too" in alert.children
    assert profile_manager.get_profile(profile_id)["plan_review"] == {"submitter_may_approve": True}
    switch = find_component(settings.render(profile_id, None), ids.SETTINGS_PLAN_SELF_APPROVAL)
    assert switch.value is True
    assert (
        "someone other than the submitter"
        in settings.save_self_approval(profile_id, False).children
    )
