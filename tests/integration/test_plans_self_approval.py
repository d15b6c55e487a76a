"""Approval by the submitter (issue 10 §4): refused by default while someone else may review
plans, allowed for a lone user or when the profile's setting says so; the audit names the user.
Real SQLite, real team accounts (argon2), the real CLI."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from cli.main import cli
from data import plans
from data.acting import acting_as
from data.errors import PermissionDenied
from data.plans.workflow import REVIEWER_ROLES
from data.profiles import manager as pm
from data.store.sqlite_backend import SQLiteBackend
from data.team import accounts
from tests.integration.plans_support import audit_entries, make_query, plan_document

PASSWORD = "correct horse battery"


@pytest.fixture
def query(backend: SQLiteBackend) -> tuple[str, str]:
    return make_query()


@pytest.fixture
def submitted(query: tuple[str, str]) -> str:
    """A plan whose version 1 Ann Lee submitted."""
    accounts.add_user("ann", PASSWORD, "lead", "Ann Lee")
    plan_id = plans.create_plan(*query, "Release 2.0", plan_document())
    with acting_as("Ann Lee"):
        plans.submit_version(plan_id)
    return plan_id


def approval_entries(plan_id: str) -> list[dict]:
    return [e for e in audit_entries("plan", plan_id) if e["action"] == "approve"]


def test_a_lone_user_may_approve_their_own_version(submitted: str) -> None:
    accounts.add_user("vic", PASSWORD, "viewer", "Vic Viewer")  # a viewer cannot review
    accounts.add_user("dan", PASSWORD, "lead", "Dan Gone")
    accounts.disable_user("dan", actor="test")  # a disabled account cannot either
    with acting_as("Ann Lee"):
        result = plans.approve_version(submitted)
    assert result["version_status"] == "approved"
    [entry] = approval_entries(submitted)
    assert entry["actor"] == "Ann Lee"
    assert entry["new_value"]["self_approved"] is True


def test_locally_without_accounts_the_submitter_approves(query: tuple[str, str]) -> None:
    plan_id = plans.create_plan(*query, "Release 2.0", plan_document())
    plans.submit_version(plan_id)
    assert plans.approve_version(plan_id)["version_status"] == "approved"


def test_with_two_reviewers_the_submitter_is_refused_and_another_approves(submitted: str) -> None:
    accounts.add_user("bob", PASSWORD, "admin", "Bob Stone")
    with acting_as("Ann Lee"), pytest.raises(PermissionDenied) as refused:
        plans.approve_version(submitted, notes="fine by me")
    message = str(refused.value)
    assert message.count(". ") == 0 and message.endswith(".")  # one sentence
    assert "Ann Lee submitted version 1" in message and "another lead or admin" in message
    assert "Submitters may approve their own plans" in message
    # Nothing was written: still awaiting review, no approval in the audit log.
    assert plans.get_current_plan(submitted)["version_status"] == "submitted"
    assert approval_entries(submitted) == []
    with acting_as("Bob Stone"):
        plans.approve_version(submitted, notes="fine by me")
    [entry] = approval_entries(submitted)
    assert entry["actor"] == "Bob Stone" and "self_approved" not in entry["new_value"]
    version = plans.get_specific_version(submitted, 1)
    assert (version["submitted_by"], version["reviewed_by"]) == ("Ann Lee", "Bob Stone")


def test_the_profile_setting_allows_the_submitter_to_approve(
    submitted: str, query: tuple[str, str]
) -> None:
    accounts.add_user("bob", PASSWORD, "lead", "Bob Stone")
    assert plans.submitter_may_approve(pm.get_profile(query[0])) is False
    plans.set_submitter_may_approve(query[0], True)
    assert plans.submitter_may_approve(pm.get_profile(query[0])) is True
    with acting_as("Ann Lee"):
        plans.approve_version(submitted)
    [entry] = approval_entries(submitted)
    assert (entry["actor"], entry["new_value"]["self_approved"]) == ("Ann Lee", True)
    [change] = [e for e in audit_entries("profile", query[0]) if e["action"] == "update"]
    assert change["new_value"]["plan_review"] == {"submitter_may_approve": True}


def test_a_rejection_still_needs_a_note_from_anyone(submitted: str) -> None:
    accounts.add_user("bob", PASSWORD, "lead", "Bob Stone")
    with acting_as("Bob Stone"), pytest.raises(Exception, match="A rejection needs review notes"):
        plans.reject_version(submitted, notes=" ")
    assert plans.get_current_plan(submitted)["version_status"] == "submitted"


def test_the_reviewer_roles_are_those_allowed_to_review_plans() -> None:
    allowed = [r for r in accounts.ROLES if accounts.ROLES.index(r) >= accounts.ROLES.index(
        accounts.ACTIONS["plan"])]  # fmt: skip
    assert list(REVIEWER_ROLES) == allowed


def test_the_cli_shows_and_changes_the_setting(query: tuple[str, str]) -> None:
    runner = CliRunner()
    shown = runner.invoke(cli, ["plan", "self-approval", "--profile", "Demo"])
    assert shown.exit_code == 0 and "someone other than the submitter approves" in shown.output
    turned_on = runner.invoke(cli, ["plan", "self-approval", "--profile", "Demo", "on"])
    assert turned_on.exit_code == 0 and "may approve it too" in turned_on.output
    assert plans.submitter_may_approve(pm.get_profile(query[0])) is True
    runner.invoke(cli, ["plan", "self-approval", "--profile", "Demo", "off"])
    assert plans.submitter_may_approve(pm.get_profile(query[0])) is False
