"""Canonical JSON, content hashes and the JSON-path diff (pure)."""

from __future__ import annotations

import hashlib

import pytest

from data.errors import ValidationError
from data.plans.documents import MAX_DOCUMENT_BYTES, canonical_json, content_hash, diff_documents


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
