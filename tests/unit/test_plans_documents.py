"""Canonical JSON, content hashes and the JSON-path diff (pure)."""

from __future__ import annotations

import hashlib
import json
import re
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from data.errors import ValidationError
from data.store.documents import MAX_DOCUMENT_BYTES, canonical_json, content_hash, diff_documents


def test_canonical_json_sorts_keys_and_drops_spaces() -> None:
    assert (
        canonical_json({"b": 1, "a": {"d": [1, 2], "c": "é"}}) == '{"a":{"c":"é","d":[1,2]},"b":1}'
    )


def test_key_order_does_not_change_the_hash() -> None:
    one = content_hash(canonical_json({"a": 1, "b": [1, {"x": 2, "y": 3}]}))
    two = content_hash(canonical_json({"b": [1, {"y": 3, "x": 2}], "a": 1}))
    assert one == two


def test_hash_is_sha256_of_the_canonical_utf8_text() -> None:
    text = canonical_json({"name": "Größe"})
    assert content_hash(text) == hashlib.sha256('{"name":"Größe"}'.encode()).hexdigest()


@pytest.mark.parametrize("bad", [float("nan"), float("inf"), -float("inf")])
def test_non_finite_numbers_are_refused(bad: float) -> None:
    with pytest.raises(ValidationError, match="NaN or an infinite number"):
        canonical_json({"x": bad})


def test_values_json_cannot_hold_are_refused() -> None:
    with pytest.raises(ValidationError, match="cannot be stored as JSON"):
        canonical_json({"when": object()})


def test_oversized_documents_are_refused() -> None:
    with pytest.raises(ValidationError, match=f"keep it under {MAX_DOCUMENT_BYTES} bytes"):
        canonical_json({"x": "a" * MAX_DOCUMENT_BYTES})


def test_diff_of_equal_documents_is_empty() -> None:
    assert diff_documents({"a": [1, {"b": 2}]}, {"a": [1, {"b": 2}]}) == []


def test_diff_reports_added_removed_and_changed_paths_with_values() -> None:
    old = {"status": "planned", "scope_target": {"items": 10, "points": 30}, "gone": True}
    new = {
        "status": "active",
        "scope_target": {"items": 12, "points": 30},
        "deadline": "2027-01-29",
    }
    assert diff_documents(old, new) == [
        {"path": "$.deadline", "change": "added", "old": None, "new": "2027-01-29"},
        {"path": "$.gone", "change": "removed", "old": True, "new": None},
        {"path": "$.scope_target.items", "change": "changed", "old": 10, "new": 12},
        {"path": "$.status", "change": "changed", "old": "planned", "new": "active"},
    ]


def test_plain_lists_are_compared_index_by_index() -> None:
    assert diff_documents({"x": [1, 2, 3]}, {"x": [1, 5]}) == [
        {"path": "$.x[1]", "change": "changed", "old": 2, "new": 5},
        {"path": "$.x[2]", "change": "removed", "old": 3, "new": None},
    ]


def test_scope_items_are_matched_by_key_not_position() -> None:
    old = {
        "scope_items": [{"key": "A", "decision": "pending"}, {"key": "B", "decision": "pending"}]
    }
    new = {
        "scope_items": [
            {"key": "N", "decision": "pending"},
            {"key": "A", "decision": "approved"},
            {"key": "B", "decision": "pending"},
        ]
    }
    # Inserting N first does not make A and B look changed; A's decision change is reported at its
    # new index 1.
    assert diff_documents(old, new) == [
        {"path": "$.scope_items[0]", "change": "added", "old": None, "new": new["scope_items"][0]},
        {
            "path": "$.scope_items[1].decision",
            "change": "changed",
            "old": "pending",
            "new": "approved",
        },
    ]


def test_removed_keyed_item_uses_its_old_index() -> None:
    old = {
        "scope_items": [{"key": "A", "decision": "pending"}, {"key": "B", "decision": "rejected"}]
    }
    new = {"scope_items": [{"key": "A", "decision": "pending"}]}
    assert diff_documents(old, new) == [
        {"path": "$.scope_items[1]", "change": "removed", "old": old["scope_items"][1], "new": None}
    ]


def test_type_changes_are_one_change_and_true_is_not_one() -> None:
    assert diff_documents({"a": 1}, {"a": True}) == [
        {"path": "$.a", "change": "changed", "old": 1, "new": True}
    ]
    assert diff_documents({"a": {"b": 1}}, {"a": [1]}) == [
        {"path": "$.a", "change": "changed", "old": {"b": 1}, "new": [1]}
    ]
    assert diff_documents({"a": 1}, {"a": 1.0}) == []


def test_keys_that_are_not_identifiers_are_quoted_in_paths() -> None:
    changes = diff_documents({"m": {"In Progress": "wip"}}, {"m": {"In Progress": "active"}})
    assert changes[0]["path"] == '$.m."In Progress"'


def test_reordered_scope_items_are_diffed_by_index() -> None:
    old = {
        "scope_items": [{"key": "A", "decision": "pending"}, {"key": "B", "decision": "pending"}]
    }
    new = {"scope_items": [old["scope_items"][1], old["scope_items"][0]]}
    assert [c["path"] for c in diff_documents(old, new)] == [
        "$.scope_items[0].key",
        "$.scope_items[1].key",
    ]


# JSON without floats (1 and 1.0 are the same number to the diff but not to the hash), with lists
# of keyed objects like scope items mixed in.
scalars = st.none() | st.booleans() | st.integers(-5, 5) | st.sampled_from(["a", "b", "A"])
keyed_items = st.lists(
    st.fixed_dictionaries({"key": st.sampled_from(["K1", "K2", "K3"]), "decision": scalars}),
    max_size=3,
    unique_by=lambda item: item["key"],
)
documents = st.recursive(
    scalars | keyed_items,
    lambda children: (
        st.lists(children, max_size=3)
        | st.dictionaries(st.sampled_from(["x", "y", "key", "In Progress"]), children, max_size=3)
    ),
    max_leaves=12,
)


@given(documents, documents)
def test_the_diff_is_empty_exactly_when_the_content_hash_is_equal(a: object, b: object) -> None:
    same_hash = content_hash(canonical_json(a)) == content_hash(canonical_json(b))
    assert (diff_documents(a, b) == []) == same_hash


_STEP = re.compile(r'\.([A-Za-z_][A-Za-z0-9_]*)|\.("(?:[^"\\]|\\.)*")|\[(\d+)\]')


def value_at(document: Any, path: str) -> Any:
    """Follow a diff path (``$.a."In Progress"[2]``) into a document."""
    position = 1
    while position < len(path):
        match = _STEP.match(path, position)
        assert match, path[position:]
        name, quoted, index = match.groups()
        document = document[int(index)] if index else document[name or json.loads(quoted)]
        position = match.end()
    return document


@given(documents, documents)
def test_every_change_carries_the_values_found_at_its_path(a: Any, b: Any) -> None:
    for change in diff_documents(a, b):
        if change["change"] == "removed":
            assert (change["new"], value_at(a, change["path"])) == (None, change["old"])
        else:
            # Added and changed entries use the path in the new document.
            assert value_at(b, change["path"]) == change["new"]
            if change["change"] == "added":
                assert change["old"] is None
