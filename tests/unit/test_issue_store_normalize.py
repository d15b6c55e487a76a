"""Normalizing JIRA issue JSON (Cloud and Data Center shapes) into issue-store rows."""

from __future__ import annotations

import pytest

from data.jira.normalize import IssueDataError, normalize_issue


def _issue(**fields: object) -> dict[str, object]:
    base: dict[str, object] = {
        "summary": "Ship it",
        "created": "2026-08-12T12:29:57.032-0500",
        "issuetype": {"name": "Story"},
        "status": {"name": "Done", "statusCategory": {"key": "done"}},
        "project": {"key": "OPS"},
    }
    base.update(fields)
    return {"id": "10009", "key": "OPS-10", "fields": base}


def _history(
    hid: str, created: str, to: str, frm: str | None = None, field_id: bool = True
) -> dict[str, object]:
    item: dict[str, object] = {
        "field": "status",
        "fieldtype": "jira",
        "fromString": frm,
        "toString": to,
    }
    if field_id:
        item["fieldId"] = "status"
    return {"id": hid, "created": created, "items": [item]}


def test_offsets_are_normalized_to_utc_text() -> None:
    issue = normalize_issue(_issue())
    # 12:29:57.032 at UTC-5 is 17:29:57.032 UTC.
    assert issue.created == "2026-08-12T17:29:57.032Z"
    assert (issue.key, issue.issue_id, issue.project_key, issue.issue_type) == (
        "OPS-10",
        "10009",
        "OPS",
        "Story",
    )
    assert (issue.status, issue.status_category) == ("Done", "done")
    assert issue.transitions is None  # no changelog fetched: keep what the store has


def test_epoch_millis_created_is_accepted() -> None:
    # 1_700_000_000_000 ms = 2023-11-14T22:13:20Z
    assert normalize_issue(_issue(created=1_700_000_000_000)).created == "2023-11-14T22:13:20.000Z"


def test_points_come_from_the_mapped_field_and_may_be_strings() -> None:
    issue = normalize_issue(_issue(customfield_10016="5"), points_field="customfield_10016")
    assert issue.points == 5.0
    assert normalize_issue(_issue(), points_field="customfield_10016").points is None


def test_non_numeric_points_name_the_json_path() -> None:
    with pytest.raises(
        IssueDataError, match=r"issues\[3\]\.fields\.customfield_1: expected a number"
    ):
        normalize_issue(
            _issue(customfield_1="lots"), points_field="customfield_1", path="issues[3]"
        )


@pytest.mark.parametrize(
    ("raw", "where"),
    [
        ("not an object", "issue: expected an object"),
        ({"key": "A-1"}, r"issue\.fields: expected an object"),
        ({"key": "A-1", "fields": None}, r"issue\.fields: expected an object"),
        ({"fields": {}}, r"issue\.key: expected the issue key"),
        ({"key": "A-1", "fields": {"created": None}}, r"issue\.fields\.created: missing"),
        (
            {"key": "A-1", "fields": {"created": "yesterday"}},
            r"issue\.fields\.created: expected a date-time",
        ),
    ],
)
def test_malformed_issues_say_where(raw: object, where: str) -> None:
    with pytest.raises(IssueDataError, match=where):
        normalize_issue(raw)


def test_cloud_newest_first_and_datacenter_oldest_first_give_the_same_transitions() -> None:
    histories = [
        _history("1", "2026-01-05T09:00:00.000+0000", "In Progress", "To Do"),
        _history("2", "2026-01-06T09:00:00.000+0100", "In Review", "In Progress"),
        _history("3", "2026-01-07T09:00:00.000-0800", "Done", "In Review"),
    ]
    cloud = normalize_issue(
        {**_issue(), "changelog": {"total": 3, "histories": list(reversed(histories))}}
    )
    dc_histories = [
        _history(
            h["id"],
            h["created"],
            h["items"][0]["toString"],
            h["items"][0]["fromString"],
            field_id=False,
        )  # type: ignore[index]
        for h in histories
    ]
    dc = normalize_issue({**_issue(), "changelog": {"total": 3, "histories": dc_histories}})
    assert cloud.transitions == dc.transitions
    assert [t[2] for t in cloud.transitions or []] == ["In Progress", "In Review", "Done"]
    # 09:00+01:00 = 08:00Z; 09:00-08:00 = 17:00Z
    assert [t[0] for t in cloud.transitions or []] == [
        "2026-01-05T09:00:00.000Z",
        "2026-01-06T08:00:00.000Z",
        "2026-01-07T17:00:00.000Z",
    ]


def test_non_status_items_and_empty_targets_are_ignored() -> None:
    histories = [
        {
            "id": "5",
            "created": "2026-01-05T09:00:00.000Z",
            "items": [{"field": "Sprint", "toString": "S1"}],
        },
        {
            "id": "6",
            "created": "2026-01-05T10:00:00.000Z",
            "items": [{"field": "status", "toString": ""}],
        },
        _history("7", "2026-01-05T11:00:00.000Z", "In Progress"),
    ]
    issue = normalize_issue({**_issue(), "changelog": {"total": 3, "histories": histories}})
    assert issue.transitions == [("2026-01-05T11:00:00.000Z", None, "In Progress", "7")]
    assert issue.changelog_total == 3


def test_fix_versions_and_flags_are_kept_for_dora() -> None:
    issue = normalize_issue(
        _issue(
            fixVersions=[
                {"name": "1.2", "released": True, "releaseDate": "2026-02-01", "self": "x"}
            ],
            customfield_10021=[{"value": "Impediment"}],
            labels=["a"],
        ),
        flagged_field="customfield_10021",
    )
    assert issue.fields["fixVersions"] == [
        {"name": "1.2", "released": True, "releaseDate": "2026-02-01"}
    ]
    assert issue.fields["flagged"] is True and issue.fields["labels"] == ["a"]
