"""Plan document rules and carry-forward of scope items (pure)."""

from __future__ import annotations

import copy
from datetime import date
from typing import Any

import pytest

from data.errors import ValidationError
from data.plans.plan_document import (
    carry_forward,
    check_dates,
    is_iso_date,
    validate_plan_document,
)


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


TODAY = date(2026, 12, 3)


@pytest.mark.parametrize(
    ("deadline", "milestone", "message"),
    [
        ("2027-02-31", None, "The deadline '2027-02-31' is not a date on the calendar; pick one"),
        ("31/01/2027", None, "The deadline '31/01/2027' is not a date on the calendar"),
        (None, "tomorrow", "The milestone 'tomorrow' is not a date on the calendar"),
        ("1999-01-01", None, r"The deadline 1999-01-01 is in the past; pick today \(2026-12-03\)"),
        ("2027-03-31", "2026-12-02", "The milestone 2026-12-02 is in the past"),
        ("2027-03-31", "2027-04-01", "The milestone 2027-04-01 is after the deadline 2027-03-31"),
    ],
)
def test_dates_entered_are_refused_in_one_sentence(deadline, milestone, message) -> None:
    with pytest.raises(ValidationError, match=message):
        check_dates(deadline, milestone, TODAY)


def test_dates_that_hold_are_accepted_and_a_saved_one_may_have_passed() -> None:
    check_dates(None, None, TODAY)
    check_dates("2026-12-03", "2026-12-03", TODAY)  # today is not the past
    check_dates("2027-03-31", "2027-01-29", TODAY)
    # A deadline saved before it passed stays as it is when other settings are saved.
    check_dates("2026-11-30", None, TODAY, kept=("2026-11-30", None))
    with pytest.raises(ValidationError, match="in the past"):
        check_dates("2026-11-29", None, TODAY, kept=("2026-11-30", None))


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
