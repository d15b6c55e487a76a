"""What the Settings page asks JIRA, against both deployments of the fake over HTTP."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from data.jira import metadata
from data.jira.errors import JiraAuthError
from data.profiles import manager as pm
from fakejira import FakeJira
from tests.integration.jira_support import FAST_RETRY, POINTS_FIELD, make_profile

pytestmark = pytest.mark.usefixtures("backend")


@pytest.fixture(params=["cloud", "datacenter"])
def fake(request: pytest.FixtureRequest) -> Iterator[FakeJira]:
    with FakeJira(request.param, issues=60, seed=9, timezone="Europe/Berlin") as server:
        yield server


def test_test_connection_detects_the_deployment_and_reads_the_user(fake: FakeJira) -> None:
    profile_id, _ = make_profile(fake)
    info = metadata.test_connection(profile_id, retry=FAST_RETRY)
    assert info.deployment == fake.deployment
    assert info.time_zone == "Europe/Berlin" and info.user_display_name
    assert info.server_version


def test_unsaved_form_values_can_be_tested_and_a_bad_token_is_named(fake: FakeJira) -> None:
    profile_id, _ = make_profile(fake)
    form = {**pm.get_profile(profile_id)}
    form["jira_config"] = {**form["jira_config"], "token": "typo"}
    with pytest.raises(JiraAuthError) as info:
        metadata.test_connection(form, retry=FAST_RETRY)
    assert "typo" not in str(info.value)


def test_story_points_field_is_found_by_name_schema_and_values(fake: FakeJira) -> None:
    profile_id, _ = make_profile(fake)
    candidates = metadata.discover_fields(profile_id, "project = DEMO", retry=FAST_RETRY)
    # The id differs per deployment (Cloud customfield_10016, DC customfield_10002); the empty
    # Cloud-only "Story point estimate" twin must not win.
    assert candidates[0].id == POINTS_FIELD[fake.deployment]
    assert candidates[0].values_seen > 0
    assert all(c.values_seen == 0 for c in candidates[1:])


def test_statuses_carry_their_categories(fake: FakeJira) -> None:
    profile_id, _ = make_profile(fake)
    statuses = {s.name: s.category for s in metadata.list_statuses(profile_id, retry=FAST_RETRY)}
    assert statuses == {
        "To Do": "new",
        "In Progress": "indeterminate",
        "In Review": "indeterminate",
        "Blocked": "indeterminate",
        "Done": "done",
    }


def test_validate_jql_returns_jiras_sentence(fake: FakeJira) -> None:
    profile_id, _ = make_profile(fake)
    assert metadata.validate_jql(profile_id, "project = DEMO", retry=FAST_RETRY) is None
    message = metadata.validate_jql(profile_id, "project = DEMO AND", retry=FAST_RETRY)
    assert message is not None and "Error in the JQL Query" in message


def test_priorities_come_in_jiras_order(fake: FakeJira) -> None:
    profile_id, _ = make_profile(fake)
    assert metadata.list_priorities(profile_id, retry=FAST_RETRY) == [
        "Highest", "High", "Medium", "Low", "Lowest"
    ]  # fmt: skip
