"""The metrics time zone of a profile: read from JIRA by every sync and Test connection, shown
by `flowcast profile show` and the Settings page, overridable there, and used by the report."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from click.testing import CliRunner

from callbacks import settings, settings_mappings
from cli.main import cli
from data.analytics.report import build_report
from data.errors import ValidationError
from data.jira import metadata
from data.jira.sync import sync
from data.profiles import manager as pm
from data.profiles.mapping_choices import stored_choices
from fakejira import DEFAULT_EMAIL, FakeJira
from layouts import ids
from layouts.settings_mappings import FOLLOW_JIRA_ZONE, mappings_card
from tests.integration.jira_support import FAST_RETRY, make_profile

pytestmark = pytest.mark.usefixtures("backend")


@pytest.fixture(params=["cloud", "datacenter"])
def fake(request: pytest.FixtureRequest) -> Iterator[FakeJira]:
    with FakeJira(request.param, issues=40, seed=11, timezone="America/Chicago") as server:
        yield server


def _cli(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    return result.exit_code, result.output


def test_a_sync_records_the_jira_users_zone_and_the_report_uses_it(fake: FakeJira) -> None:
    profile_id, query_id = make_profile(fake)
    # Before the first sync nobody has asked JIRA: UTC, and the report says why.
    quality = build_report(profile_id, query_id).to_json()["data_quality"]
    assert (quality["time_zone"], quality["time_zone_source"]) == ("UTC", "default")
    assert "the JIRA user's time zone is not known yet" in quality["note"]

    sync(profile_id, query_id, retry=FAST_RETRY)
    assert pm.get_profile(profile_id)["jira_config"]["user_time_zone"] == "America/Chicago"
    data = build_report(profile_id, query_id).to_json()
    assert data["time_zone"] == "America/Chicago"
    assert data["data_quality"]["time_zone_source"] == "jira"
    assert data["data_quality"]["time_zone_reason"] == (
        "Days and ISO weeks are counted in America/Chicago, the JIRA user's time zone."
    )


def test_test_connection_records_the_zone(fake: FakeJira) -> None:
    profile_id, _ = make_profile(fake)
    info = metadata.test_connection(profile_id, retry=FAST_RETRY)
    assert info.time_zone == "America/Chicago"
    assert pm.metrics_time_zone(pm.get_profile(profile_id))["source"] == "jira"


def test_the_settings_test_connection_records_the_zone_and_says_it(fake: FakeJira) -> None:
    profile_id, _ = make_profile(fake)
    alert = settings.test_jira_connection(profile_id, fake.base_url, "auto", DEFAULT_EMAIL, "")
    assert "time zone America/Chicago" in alert.children
    assert pm.get_profile(profile_id)["jira_config"]["user_time_zone"] == "America/Chicago"


def test_profile_show_and_update_set_and_clear_the_override(fake: FakeJira) -> None:
    profile_id, _ = make_profile(fake)
    sync_free = fake.total_requests
    pm.record_jira_time_zone(profile_id, "America/Chicago")
    code, out = _cli("profile", "show", profile_id)
    assert code == 0
    assert (
        "metrics_time_zone        Days and ISO weeks are counted in America/Chicago, the JIRA "
        "user's time zone." in out
    )

    code, out = _cli("profile", "update", profile_id, "--time-zone", "Europe/Berlin")
    assert code == 0 and "counted in Europe/Berlin, set in Settings" in out
    shown = json.loads(_cli("profile", "show", profile_id, "--json")[1])["metrics_time_zone"]
    assert shown == {
        "name": "Europe/Berlin",
        "source": "override",
        "jira": "America/Chicago",
        "reason": "Days and ISO weeks are counted in Europe/Berlin, set in Settings; the JIRA "
        "user's time zone is America/Chicago, so days near midnight can differ from JIRA's.",
    }
    code, out = _cli("profile", "update", profile_id, "--time-zone", "jira")
    assert code == 0 and "the JIRA user's time zone." in out
    assert pm.get_profile(profile_id)["field_mappings"]["time_zone"] is None
    assert fake.total_requests == sync_free  # none of this asks JIRA


@pytest.mark.parametrize("name", ["Mars/Olympus", "US/Pacific-New"])
def test_a_bad_zone_name_is_one_sentence_and_nothing_changes(fake: FakeJira, name: str) -> None:
    profile_id, _ = make_profile(fake)
    result = CliRunner().invoke(cli, ["profile", "update", profile_id, "--time-zone", name])
    assert result.exit_code == 1
    assert result.output == (
        f"Error: The time zone is {name!r}, which is not a time zone this machine knows "
        "(misspelt, or a retired IANA name); use one such as Europe/Berlin, America/Chicago or "
        "UTC.\n"
    )
    assert not pm.get_profile(profile_id)["field_mappings"].get("time_zone")
    with pytest.raises(ValidationError, match="not a time zone this machine knows"):
        pm.set_metrics_time_zone(profile_id, name)


def test_the_settings_form_follows_jira_or_overrides(fake: FakeJira) -> None:
    profile_id, _ = make_profile(fake)
    pm.record_jira_time_zone(profile_id, "America/Chicago")
    form = {
        "points_field": None,
        "field_names": {},
        "statuses": [],
        "states": [],
        "issue_types": [],
        "items": [],
        "stages": [
            {"name": "Backlog", "statuses": ["To Do"]},
            {"name": "In Progress", "statuses": ["In Progress"]},
            {"name": "Done", "statuses": ["Done"]},
        ],
        "committed": "In Progress",
        "done": "Done",
        "default_stages": [],
        "time_zone": "Asia/Tokyo",
        "deployment_source": "fix_versions",
        "deployment_types": [],
        "incident_types": ["Incident"],
        "incident_priorities": [],
        "tier_set": "2023",
    }
    settings_mappings.save_mappings(profile_id, form)
    assert pm.metrics_time_zone(pm.get_profile(profile_id))["name"] == "Asia/Tokyo"
    settings_mappings.save_mappings(profile_id, {**form, "time_zone": FOLLOW_JIRA_ZONE})
    zone = pm.metrics_time_zone(pm.get_profile(profile_id))
    assert (zone["name"], zone["source"]) == ("America/Chicago", "jira")


def _zone_dropdown(profile_id: str):
    profile = pm.get_profile(profile_id)
    choices = stored_choices(profile)
    card = mappings_card(
        profile, choices, settings_mappings.derived_stages(profile, choices),
        settings_mappings.VOCABULARY,
    )  # fmt: skip
    return next(
        c for c in card._traverse() if getattr(c, "id", None) == ids.SETTINGS_MAPPING_TIME_ZONE
    )


def test_the_settings_page_shows_the_jira_zone_as_the_default_choice(fake: FakeJira) -> None:
    profile_id, _ = make_profile(fake)
    dropdown = _zone_dropdown(profile_id)
    assert dropdown.value == FOLLOW_JIRA_ZONE
    assert dropdown.options[0]["label"] == (
        "The JIRA user's time zone (not read yet: UTC until the next fetch)"
    )
    pm.record_jira_time_zone(profile_id, "America/Chicago")
    assert _zone_dropdown(profile_id).options[0] == {
        "label": "The JIRA user's time zone (America/Chicago)",
        "value": FOLLOW_JIRA_ZONE,
    }
    pm.set_metrics_time_zone(profile_id, "Asia/Tokyo")
    assert _zone_dropdown(profile_id).value == "Asia/Tokyo"
