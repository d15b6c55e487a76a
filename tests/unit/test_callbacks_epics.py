"""The Forecast page's Epics view as plain functions over a synced Scrum fake (real HTTP, a real
SQLite file): each epic's totals against the fake's own parent links, the sub-task counting
switch, epics outside the query, a query without epics and a bad counting value."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from typing import Any

import pytest
from dash import html, no_update

from callbacks import forecast
from data.errors import ValidationError
from data.jira.sync import sync
from data.profiles import manager as pm
from fakejira import FakeJira
from layouts import ids
from layouts.epics import COLUMNS
from tests.components import find_component
from tests.integration.jira_support import FAST_RETRY, make_profile


def _texts(component: Any) -> str:
    if isinstance(component, str | int | float):
        return str(component)
    children = getattr(component, "children", None)
    parts = children if isinstance(children, list | tuple) else [children]
    return " ".join(_texts(c) for c in parts if c is not None)


def _rows(component: Any) -> dict[str, list[str]]:
    """The Epics table's rows by epic key (the header row left out), in their order."""
    table = find_component(component, ids.FORECAST_EPICS_TABLE)
    rows: list[html.Tr] = []

    def walk(c: Any) -> None:
        if isinstance(c, html.Tr):
            rows.append(c)
        children = getattr(c, "children", None)
        for child in children if isinstance(children, list | tuple) else [children]:
            if child is not None and not isinstance(child, str | int | float):
                walk(child)

    walk(table)
    return {row.children[0].children: [td.children for td in row.children[1:]] for row in rows[1:]}


@pytest.fixture
def scrum(backend) -> Iterator[FakeJira]:
    with FakeJira("cloud", issues=250, seed=9, scrum=True) as fake:
        yield fake


def _children(fake: FakeJira, epic_id: int, with_subtasks: bool) -> list[Any]:
    issues = fake.dataset.issues()
    direct = [i for i in issues if i.parent_id == epic_id]
    if not with_subtasks:
        return direct
    ids_ = {i.id for i in direct}
    return direct + [i for i in issues if i.issue_type == "Sub-task" and i.parent_id in ids_]


def test_each_epics_items_are_its_children_and_sub_tasks_count_when_asked(
    scrum: FakeJira,
) -> None:
    profile_id, query_id = make_profile(scrum)
    sync(profile_id, query_id, retry=FAST_RETRY)
    selection = {"profile": profile_id, "query": query_id}
    page = forecast.render(profile_id, query_id, "items")
    switch = find_component(page, ids.FORECAST_EPICS_COUNTING)
    assert switch.value == "parents"
    rows = _rows(page)
    epics = [i for i in scrum.dataset.issues() if i.issue_type == "Epic"]
    with_work = [e for e in epics if _children(scrum, e.id, False)]
    assert with_work and {e.key for e in with_work} <= set(rows) <= {e.key for e in epics}
    for epic in with_work:
        children = _children(scrum, epic.id, False)
        done = sum(c.resolved_ms is not None for c in children)
        assert rows[epic.key][0] == epic.summary
        assert rows[epic.key][2] == f"{done:,} / {len(children):,}", epic.key
    # Riskiest first: open epics without a P85 lead, then the latest P85 first; finished last.
    finished = [row[2].split(" / ")[0] == row[2].split(" / ")[1] for row in rows.values()]
    p85 = [row[7] for row in rows.values()]
    open_p85 = [d for d, done in zip(p85, finished, strict=True) if not done]
    dated = [d for d in open_p85 if d != "–"]
    assert open_p85[: len(open_p85) - len(dated)] == ["–"] * (len(open_p85) - len(dated))
    assert dated == sorted(dated, reverse=True)
    assert finished == sorted(finished)  # every finished epic after every open one

    assert forecast.count_subtasks(selection, "parents", 3) is no_update  # the saved one
    assert forecast.count_subtasks(selection, "items", 3) == 4  # the data version re-renders
    assert pm.get_profile(profile_id)["forecast_settings"]["subtask_counting"] == "items"
    again = forecast.render(profile_id, query_id, "items")
    counted = _rows(find_component(again, ids.FORECAST_EPICS))
    grown = [
        e
        for e in with_work
        if len(_children(scrum, e.id, True)) > len(_children(scrum, e.id, False))
    ]
    assert grown
    for epic in grown:
        total = len(_children(scrum, epic.id, True))
        assert counted[epic.key][2].endswith(f"/ {total:,}"), epic.key
    assert find_component(again, ids.FORECAST_EPICS_COUNTING).value == "items"
    # The table downloads as CSV: the header and the rows shown, in their order.
    file = find_component(again, ids.table_csv_data("epics")).data
    lines = list(csv.reader(io.StringIO(file["content"])))
    assert lines[0] == [label for _key, label in COLUMNS]
    assert {line[0]: line[1:] for line in lines[1:]} == counted
    assert [line[0] for line in lines[1:]] == list(counted)


def test_a_bad_counting_is_one_sentence_and_nothing_is_saved(scrum: FakeJira) -> None:
    profile_id, query_id = make_profile(scrum)
    with pytest.raises(ValidationError) as refused:
        forecast.count_subtasks({"profile": profile_id, "query": query_id}, "both", 1)
    assert str(refused.value) == (
        "Sub-task counting 'both' is not one of parents, items; choose parents "
        "(the default) or items."
    )
    assert "subtask_counting" not in (pm.get_profile(profile_id).get("forecast_settings") or {})


def test_epics_outside_the_query_are_named_with_what_to_do(scrum: FakeJira) -> None:
    profile_id, query_id = make_profile(scrum, jql="project = DEMO AND issuetype != Epic")
    sync(profile_id, query_id, retry=FAST_RETRY)
    view = find_component(forecast.render(profile_id, query_id, "items"), ids.FORECAST_EPICS)
    rows = _rows(view)
    assert rows and all(row[0] == "(not in the query)" for row in rows.values())
    assert f"{len(rows)} epic(s) named as parents are not in the query" in _texts(view)
    assert "add them to the query's JQL to see their names and status." in _texts(view)


def test_a_query_without_epics_says_so(scrum: FakeJira) -> None:
    profile_id, query_id = make_profile(scrum, jql="project = DEMO AND issuetype = Incident")
    sync(profile_id, query_id, retry=FAST_RETRY)
    view = find_component(forecast.render(profile_id, query_id, "items"), ids.FORECAST_EPICS)
    assert _texts(view) == (
        "None of this query's issues belongs to an epic (no parent or Epic Link), so there is "
        "no epic to show."
    )
