"""The changelog cache's lean parse (an old app's file, stored as written): the same checks as
the full schema, without the keys no schema names; a file Flowcast wrote keeps everything."""

from __future__ import annotations

import copy
import json

import pytest

from data.legacy.schemas import CHANGELOG_CACHE

ENTRY = {
    "key": "A-1",
    "last_updated": "2025-11-20T10:00:00.000000",
    "changelog": {
        "histories": [
            {
                "id": "1",
                "created": "2025-06-02T11:00:00.000+0000",
                "author": {"displayName": "Ann", "avatarUrls": {"48x48": "https://x"}},
                "items": [
                    {"field": "status", "fieldtype": "jira", "from": "1", "to": "3",
                     "fromString": "To Do", "toString": "In Progress"},
                ],
            }
        ],
        "total": 1,
    },
}  # fmt: skip


def _broken(change) -> dict:
    entry = copy.deepcopy(ENTRY)
    change(entry)
    return {"A-1": entry}


BROKEN = [
    lambda e: e["changelog"].__setitem__("histories", "x"),
    lambda e: e["changelog"]["histories"][0].__setitem__("items", "x"),
    lambda e: e["changelog"]["histories"][0].__setitem__("created", 12345),
    lambda e: e["changelog"]["histories"][0].pop("created"),
    lambda e: e["changelog"]["histories"][0]["items"][0].__setitem__("toString", [1]),
    lambda e: e["changelog"].__setitem__("total", "many"),
    lambda e: e.__setitem__("last_updated", 5),
]


def test_an_old_apps_changelog_cache_is_parsed_without_the_keys_no_schema_names():
    parsed, problems = CHANGELOG_CACHE.parse(json.dumps({"A-1": ENTRY}))
    assert problems == []
    history = parsed["A-1"]["changelog"]["histories"][0]
    assert "author" not in history
    assert history["items"] == [
        {"field": "status", "fromString": "To Do", "toString": "In Progress"}
    ]
    assert parsed["A-1"]["last_updated"] == ENTRY["last_updated"]


def test_a_changelog_cache_flowcast_wrote_is_parsed_whole():
    entry = {**ENTRY, "flowcast_meta": {"expires_at": "2099-01-01T00:00:00.000Z"}}
    parsed, problems = CHANGELOG_CACHE.parse(json.dumps({"A-1": entry}))
    assert problems == [] and parsed == {"A-1": entry}


@pytest.mark.parametrize("change", BROKEN)
def test_the_lean_parse_refuses_what_the_full_schema_refuses(change):
    text = json.dumps(_broken(change))
    lean, lean_problems = CHANGELOG_CACHE.parse(text)
    whole, whole_problems = CHANGELOG_CACHE.parse(text.replace("fieldtype", "flowcast_meta"))
    assert lean is None and whole is None
    assert lean_problems and lean_problems == whole_problems
