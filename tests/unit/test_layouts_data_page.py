"""The Data page's audit table: each entry's change as readable lines, not cut-off JSON."""

from __future__ import annotations

from layouts.data_page import MAX_SHOWN, audit_changes


def test_an_update_lists_only_the_fields_that_changed_by_their_path() -> None:
    old = {"version": 1, "content_hash": "04c8", "jira_config": {"token": "***", "email": "a@x"}}
    new = {"version": 2, "content_hash": "b7b7", "change_summary": "Two epics added",
           "jira_config": {"token": "***", "email": "b@x"}}  # fmt: skip
    assert audit_changes(old, new) == [
        "+ change_summary: Two epics added",
        "content_hash: 04c8 → b7b7",
        "jira_config.email: a@x → b@x",
        "version: 1 → 2",
    ]


def test_a_creation_a_deletion_and_a_plain_value() -> None:
    assert audit_changes(None, {"name": "Team", "queries": ["a", "b"]}) == [
        "+ name: Team",
        '+ queries: ["a", "b"]',
    ]
    assert audit_changes({"name": "Team", "extra": None}, None) == ["− extra: null", "− name: Team"]
    assert audit_changes("all-work", "bugs") == ["all-work → bugs"]
    assert audit_changes(None, "flowcast-demo") == ["+ flowcast-demo"]
    assert audit_changes({"a": 1}, {"a": 1}) == ["no field changed"]


def test_a_long_value_ends_in_an_ellipsis_and_the_other_fields_stay_whole() -> None:
    notes = "n" * (MAX_SHOWN + 50)
    lines = audit_changes({"version": 1}, {"version": 2, "notes": notes})
    assert lines[0] == f"+ notes: {notes[: MAX_SHOWN - 1]}…" and lines[1] == "version: 1 → 2"
