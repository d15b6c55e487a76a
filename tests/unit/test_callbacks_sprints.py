"""Sprints page adapter as plain functions over a synced Scrum fake (real HTTP, a real SQLite
file): what it says without a board, before a fetch, on a Kanban board; the picker's order; the
scope-change table against the fake's own model of who was in the sprint when."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from typing import Any

import pytest
from dash import dcc, html

from callbacks import sprints
from data.jira.errors import JiraBoardError
from data.jira.sync import sync
from data.profiles import manager as profile_manager
from fakejira import FakeJira
from layouts import ids
from tests.integration.jira_support import FAST_RETRY, closed_sprint_counts, make_profile


def _walk(component: Any) -> Iterator[Any]:
    if isinstance(component, list | tuple):
        for item in component:
            yield from _walk(item)
        return
    yield component
    children = getattr(component, "children", None)
    for child in children if isinstance(children, list | tuple) else [children]:
        if child is not None and not isinstance(child, str | int | float):
            yield from _walk(child)


def _by_id(page: Any, component_id: str) -> Any:
    return next(c for c in _walk(page) if getattr(c, "id", None) == component_id)


def _text(component: Any) -> str:
    return " ".join(
        c.children for c in _walk(component) if isinstance(getattr(c, "children", None), str)
    )


def _table(page: Any, component_id: str) -> list[list[str]]:
    rows = [c for c in _walk(_by_id(page, component_id)) if isinstance(c, html.Tr)]
    return [[cell.children for cell in row.children] for row in rows]


@pytest.fixture
def scrum(backend) -> Iterator[FakeJira]:
    with FakeJira("cloud", issues=250, seed=9, scrum=True) as fake:
        yield fake


def test_without_a_board_the_page_says_where_to_name_one(scrum: FakeJira) -> None:
    profile_id, query_id = make_profile(scrum)
    expected = "This query reads no board: name one in Settings › Queries to see sprints."
    assert _text(sprints.render(profile_id, query_id)) == expected  # no "press Fetch" before
    sync(profile_id, query_id, retry=FAST_RETRY)
    notice = _by_id(sprints.render(profile_id, query_id), ids.SPRINTS_NOTICE)
    assert _text(notice) == expected


def test_before_a_fetch_and_on_a_kanban_board_the_page_says_no_sprints_are_stored(
    scrum: FakeJira,
) -> None:
    profile_id, query_id = make_profile(scrum, board_id=2)
    page = sprints.render(profile_id, query_id)
    expected = "No sprints stored yet: press Fetch."
    assert _text(page) == expected  # that sentence alone, not the general "not fetched" note
    with pytest.raises(JiraBoardError, match="Board 2 is a Kanban board without sprints"):
        sync(profile_id, query_id, retry=FAST_RETRY)
    assert _text(_by_id(sprints.render(profile_id, query_id), ids.SPRINTS_NOTICE)) == expected


def test_the_picker_lists_the_active_sprint_first_then_the_closed_ones_newest_first(
    scrum: FakeJira,
) -> None:
    profile_id, query_id = make_profile(scrum, board_id=1)
    sync(profile_id, query_id, retry=FAST_RETRY)
    page = sprints.render(profile_id, query_id)
    picker = _by_id(page, ids.SPRINTS_PICKER)
    assert isinstance(picker, dcc.Dropdown)
    active = [s.id for s in scrum.dataset.sprints if s.state == "active"]
    closed = [s.id for s in scrum.dataset.sprints if s.state == "closed"]
    assert [o["value"] for o in picker.options] == active + closed[::-1]
    assert picker.value == active[0]
    assert "(active, " in picker.options[0]["label"]
    for graph_id in (ids.SPRINTS_BURNDOWN, ids.SPRINTS_VELOCITY):
        assert _by_id(page, graph_id).figure.data, graph_id


def test_a_closed_sprints_scope_table_counts_what_the_fake_did(scrum: FakeJira) -> None:
    profile_id, query_id = make_profile(scrum, board_id=1)
    sync(profile_id, query_id, retry=FAST_RETRY)
    sprint = [s for s in scrum.dataset.sprints if s.state == "closed"][-2]
    assert sprint.start_ms is not None and sprint.complete_ms is not None
    selection = {"profile": profile_id, "query": query_id}
    content = sprints.show_sprint(selection, sprint.id, "points")
    expected = closed_sprint_counts(scrum, sprint)
    rows = {row[0]: row[1:] for row in _table(content, ids.SPRINTS_SCOPE_TABLE)}
    assert rows[sprint.name] == ["Items", "Points"]  # the header names the sprint
    assert rows["Committed at start"][0] == str(expected["committed"])
    assert rows["Completed"][0] == str(expected["completed"])
    assert rows["Carried over"][0] == str(expected["carried_over"])
    say_do = expected["completed"] / expected["committed"]
    assert rows["Say/do (completed ÷ committed)"][0] == f"{say_do:.0%}"
    burndown = _by_id(content, ids.SPRINTS_BURNDOWN).figure
    assert burndown.layout.title.text == f"Burndown of {sprint.name} (remaining points)"
    assert [t.name for t in burndown.data] == ["Scope", "Remaining", "Ideal"]
    forecast = _table(content, ids.SPRINTS_FORECAST)
    assert [row[0].split(" (")[0] for row in forecast[1:]] == ["In sprints", "In weeks"]
    # Both tables download as CSV with the rows shown, named after the profile and query.
    for name, table_id in (("sprint-scope", ids.SPRINTS_SCOPE_TABLE),
                           ("sprint-forecast", ids.SPRINTS_FORECAST)):  # fmt: skip
        file = _by_id(content, ids.table_csv_data(name)).data
        day = profile_manager.metrics_today(profile_manager.get_profile(profile_id))
        assert file["filename"] == f"p-{scrum.port}-auto_q_{name}_{day.isoformat()}.csv"
        assert list(csv.reader(io.StringIO(file["content"]))) == _table(content, table_id)


def test_a_sprint_of_another_board_is_refused_in_one_sentence(scrum: FakeJira) -> None:
    profile_id, query_id = make_profile(scrum, board_id=1)
    sync(profile_id, query_id, retry=FAST_RETRY)
    alert = sprints.show_sprint({"profile": profile_id, "query": query_id}, 999, "items")
    assert "Sprint 999 is not a started sprint of the query's board" in _text(alert)
