"""Plans adapters as plain functions: versions, workflow, rollback, diff, baseline overlay."""

from __future__ import annotations

from dash import no_update

from callbacks import plans as plans_page
from callbacks.plan_baseline import baseline_series
from data import plans
from data.acting import acting_as
from data.profiles import manager as profile_manager
from data.team import accounts
from layouts import ids

NO_FORM = (None, None, None, None, None)


def _query(backend) -> dict[str, str]:
    profile_id = profile_manager.create_profile("Team")
    query_id = profile_manager.create_query(profile_id, "All", "project = DEMO")
    return {"profile": profile_id, "query": query_id}


def _form(items: int, summary: str = "") -> tuple:
    return ("Release 1", "release", items, "2027-03-31", summary)


def test_save_creates_then_versions_the_plan(backend):
    selection = _query(backend)
    _page, alert = plans_page.plan_action(ids.PLANS_SAVE, selection, _form(100), None, None)
    assert "version 1" in alert.children
    _page, alert = plans_page.plan_action(ids.PLANS_SAVE, selection, _form(120, "more"), None, None)
    assert "version 2" in alert.children
    _page, alert = plans_page.plan_action(ids.PLANS_SAVE, selection, _form(120), None, None)
    assert alert.children == "Nothing changed."
    plan = plans.list_plans(selection["profile"], selection["query"])[0]
    assert plan["version"] == 2 and plan["data"]["scope_target"] == {"items": 120}


def test_the_first_version_keeps_the_summary_typed_for_it(backend):
    selection = _query(backend)
    plans_page.plan_action(ids.PLANS_SAVE, selection, _form(100, "Scope from kickoff"), None, None)
    plan = plans.list_plans(selection["profile"], selection["query"])[0]
    assert [v["change_summary"] for v in plans.get_version_history(plan["id"], 5)] == [
        "Scope from kickoff"
    ]
    other_query = profile_manager.create_query(selection["profile"], "Bugs", "project = BUG")
    other = {"profile": selection["profile"], "query": other_query}
    plans_page.plan_action(ids.PLANS_SAVE, other, _form(100, "  "), None, None)
    plan = plans.list_plans(other["profile"], other["query"])[0]
    assert plans.get_version_history(plan["id"], 5)[0]["change_summary"] == "Created"


def test_workflow_approval_makes_the_baseline_drawn_on_the_burndown(backend):
    selection = _query(backend)
    plans_page.plan_action(ids.PLANS_SAVE, selection, _form(100), None, None)
    assert baseline_series(selection["profile"], selection["query"]) is None
    plans_page.plan_action(ids.PLANS_SUBMIT, selection, NO_FORM, None, None)
    _page, alert = plans_page.plan_action(ids.PLANS_APPROVE, selection, NO_FORM, "ok", None)
    assert "baseline" in alert.children
    series = baseline_series(selection["profile"], selection["query"])
    assert series["remaining"] == [100, 0] and series["dates"][1] == "2027-03-31"


def test_illegal_steps_are_alerts_and_keep_the_page(backend):
    selection = _query(backend)
    page, alert = plans_page.plan_action(ids.PLANS_APPROVE, selection, NO_FORM, None, None)
    assert page is no_update and "Create the plan first" in alert.children
    plans_page.plan_action(ids.PLANS_SAVE, selection, _form(100), None, None)
    page, alert = plans_page.plan_action(ids.PLANS_APPROVE, selection, NO_FORM, None, None)
    assert page is no_update and alert.color == "danger"  # a draft cannot be approved
    # The page speaks the page's language, not the command line's.
    assert "submit it first." in str(alert.children) and "flowcast" not in str(alert.children)


def test_rollback_and_diff(backend):
    selection = _query(backend)
    plans_page.plan_action(ids.PLANS_SAVE, selection, _form(100), None, None)
    plans_page.plan_action(ids.PLANS_SAVE, selection, _form(150), None, None)
    table = plans_page.show_diff(selection, 1, 2)
    cells = [td.children for td in _cells(table)]
    assert cells == ["$.scope_target.items", "changed", "100", "150"]
    _page, alert = plans_page.plan_action(ids.PLANS_ROLLBACK, selection, NO_FORM, None, 1)
    assert "Version 3 restores the content of version 1" in alert.children
    plan = plans.list_plans(selection["profile"], selection["query"])[0]
    assert plan["data"]["scope_target"] == {"items": 100}


def _cells(component):
    """Every table cell (html.Td) under a component, in order."""
    if type(component).__name__ == "Td":
        yield component
        return
    children = getattr(component, "children", None)
    for child in children if isinstance(children, list | tuple) else [children]:
        if child is not None and not isinstance(child, str | int | float):
            yield from _cells(child)


def _baseline_note(selection) -> str:
    page = plans_page.render(selection["profile"], selection["query"])
    return next(_by_id(page, ids.PLANS_BASELINE)).children


def _by_id(component, component_id):
    if getattr(component, "id", None) == component_id:
        yield component
    children = getattr(component, "children", None)
    for child in children if isinstance(children, list | tuple) else [children]:
        if child is not None and not isinstance(child, str | int | float):
            yield from _by_id(child, component_id)


def test_the_page_says_whether_the_baseline_is_on_the_burndown(backend):
    # An approved version without a deadline has no baseline line; the page used to say
    # "drawn on the Forecast burndown" anyway.
    selection = _query(backend)
    no_deadline = ("Release 1", "release", 100, None, "")
    plans_page.plan_action(ids.PLANS_SAVE, selection, no_deadline, None, None)
    assert _baseline_note(selection).startswith("No approved baseline yet")
    plans_page.plan_action(ids.PLANS_SUBMIT, selection, NO_FORM, None, None)
    plans_page.plan_action(ids.PLANS_APPROVE, selection, NO_FORM, "ok", None)
    assert "not on the Forecast burndown: it needs a scope target in items and a deadline" in (
        _baseline_note(selection)
    )
    plans_page.plan_action(ids.PLANS_SAVE, selection, _form(100), None, None)
    plans_page.plan_action(ids.PLANS_SUBMIT, selection, NO_FORM, None, None)
    plans_page.plan_action(ids.PLANS_APPROVE, selection, NO_FORM, "ok", None)
    assert (
        _baseline_note(selection) == "Approved baseline: version 2 (drawn on the Forecast burndown)"
    )


def test_a_bad_scope_target_says_what_is_wrong_with_it(backend):
    selection = _query(backend)
    for items, message in (
        (
            -5,
            "Please check: The scope target -5 is negative; enter the number of items, 0 or more.",
        ),
        (
            2.5,
            "Please check: The scope target 2.5 is not a whole number of items; enter one like 120.",
        ),
    ):
        page, alert = plans_page.plan_action(ids.PLANS_SAVE, selection, _form(items), None, None)
        assert page is no_update and _text(alert) == message
    assert plans.list_plans(selection["profile"], selection["query"]) == []


def test_a_plan_deadline_in_the_past_or_not_on_the_calendar_is_refused(backend):
    selection = _query(backend)
    for deadline, message in (
        ("1999-01-01", "Please check: The deadline 1999-01-01 is in the past; pick today ("),
        ("2027-02-31", "Please check: The deadline '2027-02-31' is not a date on the calendar"),
    ):
        form = ("Release 1", "release", 100, deadline, "")
        page, alert = plans_page.plan_action(ids.PLANS_SAVE, selection, form, None, None)
        assert page is no_update and _text(alert).startswith(message)
    assert plans.list_plans(selection["profile"], selection["query"]) == []


def _text(component) -> str:
    """The visible text of a component tree, as a browser would join it."""
    if isinstance(component, str | int | float):
        return str(component)
    children = getattr(component, "children", None)
    if children is None:
        return ""
    parts = children if isinstance(children, list | tuple) else [children]
    return "".join(_text(child) for child in parts)


def test_the_submitters_own_approval_is_refused_on_the_page_while_others_review(backend):
    selection = _query(backend)
    for name, display in (("ann", "Ann Lee"), ("bob", "Bob Stone")):
        accounts.add_user(name, "correct horse battery", "lead", display)
    plans_page.plan_action(ids.PLANS_SAVE, selection, _form(100), None, None)
    with acting_as("Ann Lee"):
        plans_page.plan_action(ids.PLANS_SUBMIT, selection, NO_FORM, None, None)
        page, alert = plans_page.plan_action(ids.PLANS_APPROVE, selection, NO_FORM, None, None)
    assert page is no_update and alert.color == "danger"
    assert "Ann Lee submitted version 1" in str(alert.children)
    with acting_as("Bob Stone"):
        _page, alert = plans_page.plan_action(ids.PLANS_APPROVE, selection, NO_FORM, None, None)
    assert alert.color == "success" and "baseline" in alert.children
