"""Demo mode: the built-in fake JIRA and a Demo profile whose first fetch works with no account."""

from __future__ import annotations

from pathlib import Path

import pytest

from data.analytics.sprints import sprint_summary
from data.jira import metadata
from data.jira.sync import sync
from data.profiles import manager as pm
from demo import DEMO_ISSUES, DEMO_PROFILE_ID, start_demo
from tests.integration.jira_support import assert_sound

pytestmark = pytest.mark.usefixtures("backend")


def test_the_demo_profile_fetches_from_the_built_in_fake(db_path: Path) -> None:
    fake = start_demo()
    try:
        queries = {q["name"]: q["id"] for q in pm.list_queries(DEMO_PROFILE_ID)}
        assert set(queries) == {"All work", "Bugs and incidents"}
        result = sync(DEMO_PROFILE_ID, queries["All work"])
        assert result.issue_count == DEMO_ISSUES  # sub-tasks left out of All work
        # The demo is a Scrum team: the Sprints page has the board's sprints after a fetch.
        summary = sprint_summary(DEMO_PROFILE_ID, queries["All work"])
        assert summary["board_id"] == 1
        assert [s["sprint_id"] for s in summary["sprints"]] == [
            s.id for s in fake.dataset.sprints if s.state != "future"
        ]
        bugs = sync(DEMO_PROFILE_ID, queries["Bugs and incidents"])
        expected = {i.key for i in fake.dataset.issues() if i.issue_type in ("Bug", "Incident")}
        assert bugs.issue_count == len(expected) > 0
        info = metadata.test_connection(DEMO_PROFILE_ID)
        assert info.deployment == "cloud" and info.user_display_name
        candidates = metadata.discover_fields(DEMO_PROFILE_ID, "project = DEMO")
        assert candidates[0].id == pm.get_profile(DEMO_PROFILE_ID)["jira_config"]["points_field"]
        assert_sound(db_path)
    finally:
        fake.stop()


def test_restarting_moves_only_the_address_and_keeps_user_changes(db_path: Path) -> None:
    first = start_demo(issues=20)
    first.stop()
    pm.update_profile(DEMO_PROFILE_ID, {"jira_config": {"points_field": "customfield_10026"}})
    second = start_demo(issues=20)
    try:
        config = pm.get_profile(DEMO_PROFILE_ID)["jira_config"]
        assert config["base_url"] == second.base_url != first.base_url
        assert config["points_field"] == "customfield_10026"
        assert len(pm.list_queries(DEMO_PROFILE_ID)) == 2
    finally:
        second.stop()


def test_settings_page_metadata_from_the_demo(db_path: Path) -> None:
    fake = start_demo(issues=20)
    try:
        statuses = {s.name: s.category for s in metadata.list_statuses(DEMO_PROFILE_ID)}
        assert statuses["To Do"] == "new" and statuses["Done"] == "done"
        assert statuses["In Review"] == "indeterminate"
        assert metadata.validate_jql(DEMO_PROFILE_ID, "project = DEMO") is None
        message = metadata.validate_jql(DEMO_PROFILE_ID, "project = NOPE")
        assert message is not None and "'NOPE' does not exist" in message
    finally:
        fake.stop()


def test_a_users_own_demo_profile_is_left_alone(db_path: Path) -> None:
    mine = pm.create_profile("Demo", {"jira_config": {"base_url": "https://acme.example"}})
    fake = start_demo(issues=20)
    try:
        assert pm.get_profile(mine)["jira_config"]["base_url"] == "https://acme.example"
        demo = pm.get_profile(DEMO_PROFILE_ID)
        assert demo["name"] == "Demo (2)" and demo["jira_config"]["base_url"] == fake.base_url
    finally:
        fake.stop()
