"""The typed decoder of Data Center search pages (data/jira/pages.py): what it keeps equals a
generic decode of the same bytes, and an answer of another shape is left to the generic decode.
That a sync stores the same rows from either is tests/integration/test_jira_sync_rows.py's."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import pytest

from data.jira.pages import History, Item, search_page
from fakejira.dataset import Dataset
from fakejira.render import Renderer

NOW = datetime(2026, 11, 20, 12, tzinfo=UTC)


def _page_bytes(issues: int = 40) -> bytes:
    """A search answer as the fake Data Center renders it: full issues, embedded changelogs."""
    dataset = Dataset(issues, seed=3, now=NOW, scrum=True)
    renderer = Renderer(dataset, "datacenter", "http://jira.test")
    fields = ["summary", "status", "created", "fixVersions", renderer.custom_id("points")]
    rendered = [renderer.issue_json(issue, "2", fields, "full") for issue in dataset.issues()]
    return b'{"startAt":0,"maxResults":1000,"total":%d,"issues":[%s]}' % (
        len(rendered),
        b",".join(rendered),
    )


ITEM_KEYS = ("field", "fieldId", "from", "fromString", "to", "toString")


def _kept(issue: dict[str, Any]) -> dict[str, Any]:
    """The parts of a generically decoded issue that a sync reads."""
    changelog = issue.get("changelog")
    return {
        "id": issue.get("id"),
        "key": issue.get("key"),
        "fields": issue.get("fields"),
        "changelog": None
        if changelog is None
        else {
            "total": changelog.get("total"),
            "histories": [
                (
                    h.get("id"),
                    h.get("created"),
                    [{k: i.get(k) for k in ITEM_KEYS} for i in h["items"]],
                )
                for h in changelog.get("histories")
            ],
        },
    }


def _plain(issue: dict[str, Any]) -> dict[str, Any]:
    """A typed issue with its histories and items as the generic reading's values."""
    changelog = issue["changelog"]
    return {
        **issue,
        "changelog": None
        if changelog is None
        else {
            "total": changelog["total"],
            "histories": [
                (h.id, h.created, [i.as_dict() for i in h.items]) for h in changelog["histories"]
            ],
        },
    }


def test_a_page_keeps_what_a_generic_decode_gives_for_the_parts_a_sync_reads() -> None:
    raw = _page_bytes()
    generic = json.loads(raw)
    typed = search_page(raw)
    assert typed is not None
    for key in ("startAt", "maxResults", "total"):
        assert typed[key] == generic[key]
    assert [_plain(issue) for issue in typed["issues"]] == [
        _kept(issue) for issue in generic["issues"]
    ]
    assert all(
        type(h) is History for issue in typed["issues"] for h in issue["changelog"]["histories"]
    )
    histories = [h for issue in generic["issues"] for h in issue["changelog"]["histories"]]
    assert histories and all("author" in h for h in histories)  # what the decoder skips


def test_keys_jira_left_out_read_as_none() -> None:
    raw = (
        b'{"issues": [{"key": "A-1", "changelog": {"histories": [{"items": [{}]}]}}, {"id": "2"}]}'
    )
    assert search_page(raw) == {
        "startAt": None,
        "maxResults": None,
        "total": None,
        "issues": [
            {
                "id": None,
                "key": "A-1",
                "fields": None,
                "changelog": {
                    "total": None,
                    "histories": [History(id=None, created=None, items=[Item()])],
                },
            },
            {"id": "2", "key": None, "fields": None, "changelog": None},
        ],
    }
    assert search_page(b'{"total": 0}') == {
        "startAt": None,
        "maxResults": None,
        "total": 0,
        "issues": None,
    }


@pytest.mark.parametrize(
    "body",
    [
        b'{"issues": "none"}',
        b'{"issues": [1]}',
        b'{"issues": [{"key": "A-1", "changelog": []}]}',
        b'{"issues": [{"key": "A-1", "changelog": {"histories": {}}}]}',
        b'{"issues": [{"key": "A-1", "changelog": {"histories": ["x"]}}]}',
        b'{"issues": [{"key": "A-1", "changelog": {"histories": [{"items": [null]}]}}]}',
        b"[]",
        b'{"issues": [',
        b"\xff\xfe",
    ],
)
def test_another_shape_is_left_to_the_generic_decode(body: bytes) -> None:
    assert search_page(body) is None
