"""Plan document rules and carry-forward of scope items (pure)."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from data.errors import ValidationError
from data.plans.plan_document import carry_forward, is_iso_date, validate_plan_document


def plan(**changes: Any) -> dict[str, Any]:
    document: dict[str, Any] = {
        "name": "Release 2.0",
        "type": "release",
        "status": "active",
        "scope_target": {"items": 40, "points": 120.5},
        "deadline": "2027-01-29",
        "milestone": None,
        "forecast_settings": {"pert_factor": 3},
        "scope_items": [{"key": "DEMO-1", "decision": "pending", "title": "Checkout"}],
    }
    document.update(changes)
    return document


def test_a_complete_document_is_valid_and_returned_unchanged() -> None:
    document = plan(custom={"kept": True})
    assert validate_plan_document(document) == document


def test_the_name_is_trimmed_in_a_copy() -> None:
    document = plan(name="  Release 2.0 ")
    assert validate_plan_document(document)["name"] == "Release 2.0"
    assert document["name"] == "  Release 2.0 "


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"name": ""}, "A plan needs a name"),
        ({"type": "epic"}, r"\$.type is 'epic'; use one of release, milestone, sprint"),
        ({"status": None}, r"\$.status is None; use one of planned, active"),
        ({"scope_target": [40]}, r"\$.scope_target must be an object"),
        ({"scope_target": {"items": -1}}, r"\$.scope_target.items is -1; use a whole number"),
        ({"scope_target": {"items": 2.5}}, r"\$.scope_target.items is 2.5"),
        ({"scope_target": {"points": True}}, r"\$.scope_target.points is True; use a number"),
        ({"deadline": "29/01/2027"}, r"\$.deadline is '29/01/2027'; use an ISO date"),
        ({"milestone": "2027-02-30"}, r"\$.milestone is '2027-02-30'"),
        ({"deadline": "2027-W05-1"}, r"\$.deadline is '2027-W05-1'"),
        ({"forecast_settings": 3}, r"\$.forecast_settings must be an object"),
        ({"scope_items": {"key": "A"}}, r"\$.scope_items must be a list"),
        ({"scope_items": ["A"]}, r"\$.scope_items\[0\] must be an object"),
        (
            {"scope_items": [{"decision": "pending"}]},
            r"\$.scope_items\[0\].key must be a non-empty",
        ),
        (
            {"scope_items": [{"key": "A", "decision": "maybe"}]},
            r"\$.scope_items\[0\].decision is 'maybe'",
        ),
        (
            {
                "scope_items": [
                    {"key": "A", "decision": "pending"},
                    {"key": "A", "decision": "pending"},
                ]
            },
            r"\$.scope_items\[1\].key 'A' appears twice",
        ),
        (
            {
                "scope_items": [
                    {"key": "A", "decision": "pending", "carried_from": {"version": 0, "key": "A"}}
                ]
            },
            r"\$.scope_items\[0\].carried_from must be",
        ),
    ],
)
def test_rule_violations_name_the_path(changes: dict[str, Any], message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        validate_plan_document(plan(**changes))


def test_a_document_must_be_an_object() -> None:
    with pytest.raises(ValidationError, match="A plan must be a JSON object"):
        validate_plan_document(["not", "a", "plan"])


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2027-01-29", True),
        ("2024-02-29", True),
        ("2023-02-29", False),
        ("2027-1-29", False),
        (20270129, False),
    ],
)
def test_iso_dates(value: object, expected: bool) -> None:
    assert is_iso_date(value) is expected


def items(*pairs: tuple[str, str]) -> list[dict[str, Any]]:
    return [{"key": key, "decision": decision} for key, decision in pairs]


def test_carry_forward_keeps_approved_and_pending_drops_rejected_and_records_origin() -> None:
    base = plan(scope_items=items(("A", "approved"), ("B", "rejected"), ("C", "pending")))
    result = carry_forward(base, 4)
    assert result["scope_items"] == [
        {"key": "A", "decision": "approved", "carried_from": {"version": 4, "key": "A"}},
        {"key": "C", "decision": "pending", "carried_from": {"version": 4, "key": "C"}},
    ]
    # Everything but the scope items is copied unchanged, and the base is not modified.
    assert {k: v for k, v in result.items() if k != "scope_items"} == {
        k: v for k, v in base.items() if k != "scope_items"
    }
    assert [i["key"] for i in base["scope_items"]] == ["A", "B", "C"]


def test_carry_forward_replaces_an_older_origin_with_the_base_version() -> None:
    base = plan(
        scope_items=[
            {"key": "A", "decision": "approved", "carried_from": {"version": 1, "key": "A"}}
        ]
    )
    assert carry_forward(base, 3)["scope_items"][0]["carried_from"] == {"version": 3, "key": "A"}


def test_carry_forward_when_everything_was_rejected_leaves_an_empty_scope() -> None:
    assert carry_forward(plan(scope_items=items(("A", "rejected"))), 2)["scope_items"] == []


def test_carry_forward_of_a_document_without_scope_items_copies_it() -> None:
    base = plan()
    del base["scope_items"]
    assert carry_forward(base, 1) == base


def test_carried_document_is_still_valid() -> None:
    base = plan(scope_items=items(("A", "approved"), ("B", "pending")))
    assert validate_plan_document(carry_forward(copy.deepcopy(base), 2))
