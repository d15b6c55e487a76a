"""Rendering the fake dataset as Cloud and Data Center JSON."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from fakejira.dataset import Dataset
from fakejira.render import Renderer

NOW = datetime(2026, 11, 20, 12, tzinfo=UTC)


@pytest.mark.parametrize(
    "zone", ["America/Chicago", "Australia/Lord_Howe", "Asia/Kolkata", "Etc/UTC"]
)
def test_timestamps_match_zoneinfo_across_daylight_saving_changes(zone: str) -> None:
    renderer = Renderer(Dataset(0, now=NOW, timezone=zone), "cloud", "http://jira.test")
    tz = ZoneInfo(zone)
    start_ms = int(datetime(2026, 1, 1, tzinfo=UTC).timestamp() * 1000)
    hour = 3_600_000
    # Find the hours in which the offset changes, then check every 37 s around them
    # (Lord Howe shifts by 30 minutes at 02:00 local; Kolkata has a :30 offset all year).
    offsets = [
        datetime.fromtimestamp((start_ms + n * hour) / 1000, tz).utcoffset()
        for n in range(365 * 24)
    ]
    changes = [n for n in range(1, len(offsets)) if offsets[n] != offsets[n - 1]]
    assert len(changes) == (0 if zone in ("Asia/Kolkata", "Etc/UTC") else 2)
    instants = [start_ms + n * 7 * hour + 12_345 for n in range(365 * 24 // 7)]
    for n in changes:
        instants += range(start_ms + (n - 2) * hour, start_ms + (n + 1) * hour, 37_001)
    for ms in instants:
        local = datetime.fromtimestamp(ms / 1000, tz)
        assert renderer.timestamp(ms) == f"{local:%Y-%m-%dT%H:%M:%S}.{ms % 1000:03d}{local:%z}"


def test_chicago_timestamps_show_both_offsets() -> None:
    renderer = Renderer(Dataset(0, now=NOW), "cloud", "http://jira.test")
    summer = int(datetime(2026, 8, 12, 17, 29, 57, 32_000, tzinfo=UTC).timestamp() * 1000)
    winter = summer + int(timedelta(days=120).total_seconds() * 1000)
    assert renderer.timestamp(summer) == "2026-08-12T12:29:57.032-0500"
    assert renderer.timestamp(winter) == "2026-12-10T11:29:57.032-0600"


def heavy_issue(dataset: Dataset):
    return next(i for i in dataset.issues() if len(i.histories) > 40)


@pytest.mark.parametrize("deployment", ["cloud", "datacenter"])
def test_history_items_have_field_ids_on_cloud_only(deployment: str) -> None:
    dataset = Dataset(60, seed=1, now=NOW)
    renderer = Renderer(dataset, deployment, "http://jira.test")  # type: ignore[arg-type]
    histories = [
        json.loads(text) for i in dataset.issues() for text in renderer.histories_bytes(i, "2")
    ]
    items = [item for h in histories for item in h["items"]]
    assert items
    assert all(("fieldId" in item) == (deployment == "cloud") for item in items)
    points = "customfield_10016" if deployment == "cloud" else "customfield_10002"
    point_items = [item for item in items if item["field"] == "Story Points"]
    assert point_items and all(item.get("fieldId", points) == points for item in point_items)


def test_the_cached_rendering_follows_changes_to_the_issue() -> None:
    dataset = Dataset(20, seed=1, now=NOW)
    renderer = Renderer(dataset, "cloud", "http://jira.test")
    issue = dataset.issues()[0]
    before = json.loads(renderer.issue_json(issue, "2", ["labels", "updated"]))
    dataset.touch([issue.key], at=NOW + timedelta(days=1), status="Done")
    dataset.touch([issue.key], at=NOW + timedelta(days=2))
    after = json.loads(renderer.issue_json(issue, "2", ["labels", "updated"]))
    assert "touched" in after["fields"]["labels"] and "touched" not in before["fields"]["labels"]
    assert after["fields"]["updated"] != before["fields"]["updated"]


def test_id_only_and_description_formats() -> None:
    dataset = Dataset(5, seed=1, now=NOW)
    renderer = Renderer(dataset, "cloud", "http://jira.test")
    issue = dataset.issues()[0]
    assert json.loads(renderer.issue_json(issue, "3", None)) == {"id": str(issue.id)}
    v3 = json.loads(renderer.issue_json(issue, "3", ["description"]))["fields"]["description"]
    v2 = json.loads(renderer.issue_json(issue, "2", ["description"]))["fields"]["description"]
    assert v3["type"] == "doc" and v3["content"][0]["content"][0]["text"] == v2.split("\n")[0]


@pytest.mark.parametrize("deployment", ["cloud", "datacenter"])
def test_flagged_items_carry_jiras_option_or_an_unexpected_value(deployment: str) -> None:
    dataset = Dataset(issues=20, seed=5, now=NOW)
    issue = dataset.issues()[0]
    start = datetime.fromtimestamp(issue.updated_ms / 1000, UTC)
    dataset.flag([issue.key], start + timedelta(hours=1))
    dataset.flag([issue.key], start + timedelta(hours=2), "Waiting for vendor")
    dataset.flag([issue.key], start + timedelta(hours=3), None)
    renderer = Renderer(dataset, deployment, "http://127.0.0.1:1")
    items = [json.loads(text)["items"][0] for text in renderer.histories_bytes(issue, "2")[-3:]]
    assert [(i["field"], i["fromString"], i["toString"]) for i in items] == [
        ("Flagged", None, "Impediment"),
        ("Flagged", "Impediment", "Waiting for vendor"),
        ("Flagged", "Waiting for vendor", None),
    ]
    assert (items[0]["from"], items[0]["to"], items[1]["to"]) == (None, "[10019]", None)
