"""Metrics per plan version (forecast drift) and the approved artifacts registry (weekly sign-off)."""

from __future__ import annotations

import pytest

from data import plans
from data.errors import NotFoundError, ValidationError
from data.plans.errors import PlanLockedError
from data.profiles import manager as pm
from data.store.sql_backend import SQLBackend
from tests.integration.plans_support import audit_entries, make_query, plan_document


@pytest.fixture
def backend(both_engines: SQLBackend) -> SQLBackend:
    """Every test here runs on the SQLite file and on a PostgreSQL database."""
    return both_engines


@pytest.fixture
def query(backend: SQLBackend) -> tuple[str, str]:
    return make_query()


@pytest.fixture
def plan_id(query: tuple[str, str]) -> str:
    return plans.create_plan(*query, "Release 2.0", plan_document())


def test_weekly_forecast_is_recorded_per_version_and_shows_drift(plan_id: str) -> None:
    assert (
        plans.add_metrics(
            plan_id,
            "2026-W47",
            {"p50_date": "2027-01-15", "p85_date": "2027-01-29", "remaining_items": 30},
        )
        == 1
    )
    plans.create_version(plan_id, plan_document(status="active"))
    assert (
        plans.add_metrics(plan_id, "2026-W48", {"p85_date": "2027-02-05", "remaining_items": 27.5})
        == 2
    )
    drift = plans.get_metrics(plan_id, metric_name="p85_date")
    assert [(m["week"], m["version"], m["value"]) for m in drift] == [
        ("2026-W47", 1, "2027-01-29"),
        ("2026-W48", 2, "2027-02-05"),
    ]
    remaining = plans.get_metrics(plan_id, metric_name="remaining_items")
    assert [m["value"] for m in remaining] == [30, 27.5]  # numbers stay numbers
    assert isinstance(remaining[0]["value"], int)
    assert {m["metric_name"] for m in plans.get_metrics(plan_id, version=1)} == {
        "p50_date",
        "p85_date",
        "remaining_items",
    }


def test_recording_a_week_again_replaces_it(plan_id: str) -> None:
    plans.add_metrics(plan_id, "2026-W47", {"remaining_items": 30})
    plans.add_metrics(plan_id, "2026-W47", {"remaining_items": 28})
    assert [m["value"] for m in plans.get_metrics(plan_id)] == [28]


def test_metrics_can_target_an_older_version(plan_id: str) -> None:
    plans.create_version(plan_id, plan_document(status="active"))
    assert plans.add_metrics(plan_id, "2026-W47", {"remaining_items": 3}, version=1) == 1
    with pytest.raises(NotFoundError, match="has no version 9"):
        plans.add_metrics(plan_id, "2026-W47", {"remaining_items": 3}, version=9)


@pytest.mark.parametrize(
    ("week", "metrics", "message"),
    [
        ("2026-47", {"x": 1}, "is not an ISO week key"),
        ("2026-W47", {}, "Metrics are an object of 1 to 100"),
        ("2026-W47", {"P85": 1}, "'P85' is not a metric name"),
        ("2026-W47", {"x'--": 1}, "is not a metric name"),
        ("2026-W47", {"x": True}, "Metric 'x' is True; use a finite number or an ISO date"),
        ("2026-W47", {"x": float("inf")}, "Metric 'x' is inf"),
        ("2026-W47", {"x": "soon"}, "Metric 'x' is 'soon'"),
    ],
)
def test_bad_metrics_are_refused(
    plan_id: str, week: str, metrics: dict[str, object], message: str
) -> None:
    with pytest.raises(ValidationError, match=message):
        plans.add_metrics(plan_id, week, metrics)
    assert plans.get_metrics(plan_id) == []


def test_deleted_plans_take_no_metrics(plan_id: str) -> None:
    plans.delete_plan(plan_id)
    with pytest.raises(PlanLockedError, match="is deleted"):
        plans.add_metrics(plan_id, "2026-W47", {"remaining_items": 1})


def snapshot(backend: SQLBackend, query: tuple[str, str], week: str, remaining: int) -> None:
    backend.save_metrics_snapshot(
        *query, week, "forecast", {"remaining_items": remaining}, {"p85": "2027-01-29"}
    )


def test_sign_off_week_registers_the_snapshot(backend: SQLBackend, query: tuple[str, str]) -> None:
    snapshot(backend, query, "2026-W47", 30)
    signed = plans.sign_off_week(*query, "2026-W47", "On track", actor="lead")
    assert (
        signed["phase"],
        signed["artifact_type"],
        signed["approval_notes"],
        signed["approved_by"],
    ) == (
        "weekly_review",
        "2026-W47",
        "On track",
        "lead",
    )
    sign_off = plans.get_week_sign_off(*query, "2026-W47")
    assert sign_off is not None and sign_off["snapshot_changed"] is False
    assert plans.get_week_sign_off(*query, "2026-W48") is None
    assert (
        audit_entries("approved_artifact", "demo/main/-/weekly_review/2026-W47")[0]["actor"]
        == "lead"
    )


def test_a_changed_snapshot_is_flagged_after_sign_off(
    backend: SQLBackend, query: tuple[str, str]
) -> None:
    snapshot(backend, query, "2026-W47", 30)
    plans.sign_off_week(*query, "2026-W47")
    snapshot(backend, query, "2026-W47", 29)
    assert plans.get_week_sign_off(*query, "2026-W47")["snapshot_changed"] is True  # type: ignore[index]


def test_signing_again_replaces_the_single_artifact(
    backend: SQLBackend, query: tuple[str, str]
) -> None:
    snapshot(backend, query, "2026-W47", 30)
    snapshot(backend, query, "2026-W48", 25)
    plans.sign_off_week(*query, "2026-W47", "first")
    plans.sign_off_week(*query, "2026-W47", "second")
    plans.sign_off_week(*query, "2026-W48", "next week")
    listed = plans.list_approved_artifacts(query[0], query[1], phase="weekly_review")
    assert [(a["artifact_type"], a["approval_notes"]) for a in listed] == [
        ("2026-W48", "next week"),
        ("2026-W47", "second"),
    ]


def test_sign_off_needs_a_snapshot_and_a_real_week(query: tuple[str, str]) -> None:
    with pytest.raises(
        NotFoundError, match="has no metrics snapshot for 2026-W47; take that week's snapshot"
    ):
        plans.sign_off_week(*query, "2026-W47")
    with pytest.raises(ValidationError, match="is not a week of 2026"):
        plans.sign_off_week(*query, "2026-W54")
    assert plans.list_approved_artifacts(query[0]) == []


def test_approve_artifact_contract(query: tuple[str, str]) -> None:
    with pytest.raises(ValidationError, match="is not a phase name"):
        plans.approve_artifact(
            *query,
            "Weekly Review",
            "x",
            reference_table="plan_versions",
            reference_id="x",
            content_hash="h",
        )
    with pytest.raises(ValidationError, match="is not an artifact type"):
        plans.approve_artifact(
            *query,
            "planning",
            "a b",
            reference_table="plan_versions",
            reference_id="x",
            content_hash="h",
        )
    with pytest.raises(ValidationError, match="cannot hold approved artifacts"):
        plans.approve_artifact(
            *query, "planning", "x", reference_table="profiles", reference_id="x", content_hash="h"
        )
    with pytest.raises(NotFoundError, match="No query 'nope'"):
        plans.approve_artifact(
            query[0],
            "nope",
            "planning",
            "x",
            reference_table="plan_versions",
            reference_id="x",
            content_hash="h",
        )


def test_artifacts_go_with_their_query(backend: SQLBackend, query: tuple[str, str]) -> None:
    snapshot(backend, query, "2026-W47", 30)
    plans.sign_off_week(*query, "2026-W47")
    pm.delete_query(*query)
    assert plans.list_approved_artifacts(query[0]) == []


def test_approve_artifact_registers_and_replaces_a_plan_artifact(
    query: tuple[str, str], plan_id: str
) -> None:
    digest = plans.get_specific_version(plan_id, 1)["content_hash"]
    first = plans.approve_artifact(
        *query,
        "release_review",
        "go_live",
        plan_id=plan_id,
        reference_table="plan_versions",
        reference_id=plan_id,
        reference_version=1,
        content_hash=digest,
        notes="first",
        actor="cto",
    )
    assert (first["plan_id"], first["reference_version"], first["approved_by"]) == (
        plan_id,
        1,
        "cto",
    )
    plans.create_version(plan_id, plan_document(status="active"))
    plans.approve_artifact(
        *query,
        "release_review",
        "go_live",
        plan_id=plan_id,
        reference_table="plan_versions",
        reference_id=plan_id,
        reference_version=2,
        content_hash="h2",
    )
    assert (
        plans.get_approved_artifact(*query, "release_review", "go_live") is None
    )  # plan-level only
    artifact = plans.get_approved_artifact(*query, "release_review", "go_live", plan_id=plan_id)
    assert artifact is not None and artifact["reference_version"] == 2
    assert len(plans.list_approved_artifacts(query[0], plan_id=plan_id)) == 1


def test_approve_artifact_refuses_missing_references(query: tuple[str, str], plan_id: str) -> None:
    common = {"content_hash": "h"}
    with pytest.raises(NotFoundError, match="no plan_versions entry 'release-2-0' version 5"):
        plans.approve_artifact(
            *query,
            "planning",
            "x",
            reference_table="plan_versions",
            reference_id=plan_id,
            reference_version=5,
            **common,
        )
    with pytest.raises(NotFoundError, match="no metrics_snapshots entry '2026-W47'"):
        plans.approve_artifact(
            *query,
            "weekly_review",
            "2026-W47",
            reference_table="metrics_snapshots",
            reference_id="2026-W47",
            **common,
        )
    other = pm.create_query(query[0], "Other", "project = X")
    with pytest.raises(NotFoundError, match="Query 'other' has no plan 'release-2-0'"):
        plans.approve_artifact(
            query[0],
            other,
            "planning",
            "x",
            plan_id=plan_id,
            reference_table="plan_versions",
            reference_id=plan_id,
            reference_version=1,
            **common,
        )
    assert plans.list_approved_artifacts(query[0]) == []


def test_signing_again_with_empty_notes_keeps_the_earlier_notes(
    backend: SQLBackend, query: tuple[str, str]
) -> None:
    snapshot(backend, query, "2026-W47", 30)
    first = plans.sign_off_week(*query, "2026-W47", "On track")
    assert (first["re_signed"], first["notes_kept"]) == (False, False)
    again = plans.sign_off_week(*query, "2026-W47", "")
    assert (again["re_signed"], again["notes_kept"], again["approval_notes"]) == (
        True,
        True,
        "On track",
    )
    replaced = plans.sign_off_week(*query, "2026-W47", "Slipping")
    assert (replaced["notes_kept"], replaced["approval_notes"]) == (False, "Slipping")
