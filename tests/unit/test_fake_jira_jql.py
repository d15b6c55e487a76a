"""The fake JIRA's JQL: what parses, what each clause selects, and JIRA's wording for refusals."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from fakejira.catalog import DONE, STATUSES
from fakejira.dataset import Dataset, Issue
from fakejira.jql_engine import BoolNode, Clause, Evaluator, JqlError, parse, tokenize

NOW = datetime(2026, 11, 20, 12, tzinfo=UTC)
NOW_MS = int(NOW.timestamp() * 1000)


@pytest.fixture(scope="module")
def dataset() -> Dataset:
    return Dataset(issues=400, seed=11, now=NOW)


def run(dataset: Dataset, jql: str, deployment: str = "cloud") -> list[Issue]:
    evaluator = Evaluator(dataset, deployment, lambda: NOW_MS)  # type: ignore[arg-type]
    predicate, sort_key = evaluator.compile(parse(jql))
    return sorted((i for i in dataset.issues() if predicate(i)), key=sort_key)


def refusal(dataset: Dataset, jql: str) -> str:
    with pytest.raises(JqlError) as caught:
        run(dataset, jql)
    return str(caught.value)


def test_tokenizer_keeps_quoted_strings_whole_and_marks_positions() -> None:
    tokens = tokenize('status = "In Progress" AND key in (DEMO-1)')
    assert [(t.kind, t.text) for t in tokens] == [
        ("word", "status"),
        ("op", "="),
        ("string", "In Progress"),
        ("word", "AND"),
        ("word", "key"),
        ("word", "in"),
        ("punct", "("),
        ("word", "DEMO-1"),
        ("punct", ")"),
        ("end", ""),
    ]
    assert tokens[3].pos == 23


def test_parser_gives_and_precedence_over_or() -> None:
    query = parse("project = DEMO OR status = Done AND type = Bug ORDER BY created DESC, key")
    assert isinstance(query.where, BoolNode) and query.where.op == "or"
    right = query.where.children[1]
    assert isinstance(right, BoolNode) and right.op == "and"
    assert query.order_by == (("created", True), ("key", False))


def test_parser_reads_not_in_and_is_not_empty() -> None:
    query = parse("status not in (Done, Blocked) AND resolution is not EMPTY")
    assert isinstance(query.where, BoolNode)
    first, second = query.where.children
    assert first == Clause("status", "not in", ("Done", "Blocked"), 0)
    assert isinstance(second, Clause) and (second.op, second.values) == ("is not", (None,))


def test_project_clause_selects_every_issue_of_the_project(dataset: Dataset) -> None:
    assert len(run(dataset, "project = DEMO")) == len(dataset) == 400


def test_default_order_is_newest_key_first(dataset: Dataset) -> None:
    keys = [i.key for i in run(dataset, "project = DEMO")]
    assert keys[:2] == ["DEMO-400", "DEMO-399"] and keys[-1] == "DEMO-1"


@pytest.mark.parametrize(
    ("jql", "expected"),
    [
        ("issuetype in (Story, Bug)", lambda i: i.issue_type in ("Story", "Bug")),
        ("type = Incident", lambda i: i.issue_type == "Incident"),
        ('status = "In Progress"', lambda i: i.status == "3"),
        ("status != Done", lambda i: i.status != DONE),
        ("status not in (Done, 'To Do')", lambda i: i.status not in (DONE, "10000")),
        (
            "statusCategory = indeterminate",
            lambda i: STATUSES[i.status].category == "indeterminate",
        ),
        ("statusCategory != Done", lambda i: STATUSES[i.status].category != "done"),
        ("resolution = Unresolved", lambda i: i.resolved_ms is None),
        ("resolution is not EMPTY", lambda i: i.resolved_ms is not None),
        ("resolved is EMPTY", lambda i: i.resolved_ms is None),
        ("priority in (Highest, High)", lambda i: i.priority in ("1", "2")),
        ("assignee is EMPTY", lambda i: i.assignee is None),
        ("labels = backend", lambda i: "backend" in i.labels),
        ("NOT (type = Story OR type = Task)", lambda i: i.issue_type not in ("Story", "Task")),
        ("project = DEMO && !(status = Done)", lambda i: i.status != DONE),
    ],
)
def test_clauses_select_what_they_say(dataset: Dataset, jql: str, expected) -> None:
    found = {i.key for i in run(dataset, jql)}
    wanted = {i.key for i in dataset.issues() if expected(i)}
    assert found == wanted
    assert wanted, f"the dataset should hold issues for {jql!r}, else the test proves nothing"


def test_updated_is_read_in_the_jira_users_time_zone(dataset: Dataset) -> None:
    # "2026-11-01 00:00" in America/Chicago is 2026-11-01 05:00 UTC (CDT ends that day at 2am).
    pivot = datetime(2026, 11, 1, 0, 0, tzinfo=ZoneInfo("America/Chicago"))
    pivot_ms = int(pivot.timestamp() * 1000)
    assert pivot_ms == int(datetime(2026, 11, 1, 5, tzinfo=UTC).timestamp() * 1000)
    found = {i.key for i in run(dataset, 'project = DEMO AND updated >= "2026-11-01 00:00"')}
    assert found == {i.key for i in dataset.issues() if i.updated_ms >= pivot_ms}
    older = {i.key for i in run(dataset, 'updated < "2026/11/01 00:00"')}
    assert older == {i.key for i in dataset.issues()} - found


def test_created_accepts_dates_and_relative_periods(dataset: Dataset) -> None:
    month_ago = NOW_MS - 30 * 86_400_000
    assert {i.key for i in run(dataset, "created > -30d")} == {
        i.key for i in dataset.issues() if i.created_ms > month_ago
    }
    midnight = int(datetime(2026, 6, 1, tzinfo=ZoneInfo("America/Chicago")).timestamp() * 1000)
    assert {i.key for i in run(dataset, 'created <= "2026-06-01"')} == {
        i.key for i in dataset.issues() if i.created_ms <= midnight
    }


def test_key_list_and_ordering(dataset: Dataset) -> None:
    found = run(dataset, "key in (DEMO-3, DEMO-1, DEMO-2) ORDER BY key ASC")
    assert [i.key for i in found] == ["DEMO-1", "DEMO-2", "DEMO-3"]
    newest = run(dataset, "project = DEMO ORDER BY updated DESC")
    assert [i.updated_ms for i in newest] == sorted((i.updated_ms for i in newest), reverse=True)


@pytest.mark.parametrize(
    ("jql", "message"),
    [
        ("foo = bar", "Field 'foo' does not exist or you do not have permission to view it."),
        ("project = NOPE", "The value 'NOPE' does not exist for the field 'project'."),
        ("status = Dancing", "The value 'Dancing' does not exist for the field 'status'."),
        (
            "project = DEMO status = Done",
            "Error in the JQL Query: Expecting either 'OR' or 'AND' but got 'status'. "
            "(line 1, character 16)",
        ),
        (
            'summary ~ "abc',
            "Error in the JQL Query: The quoted string 'abc' has not been "
            "completed. (line 1, character 11)",
        ),
        (
            "project = DEMO AND (",
            "Error in the JQL Query: Expecting a field name but got end of query.",
        ),
        ("status ~ Done", "The operator '~' is not supported by the 'status' field."),
        (
            "project foo DEMO",
            "Error in the JQL Query: Expecting operator but got 'foo'. Valid operators are '=', "
            "'!=', '<', '>', '<=', '>=', '~', '!~', 'IN', 'NOT IN', 'IS' and 'IS NOT'. "
            "(line 1, character 9)",
        ),
        (
            'updated >= "yesterday"',
            "Date value 'yesterday' for field 'updated' is invalid. Valid formats include: "
            "'yyyy/MM/dd HH:mm', 'yyyy-MM-dd HH:mm', 'yyyy/MM/dd', 'yyyy-MM-dd', or a period "
            "format e.g. '-5d', '4w 2d'.",
        ),
        ("key = DEMO-99999", "An issue with key 'DEMO-99999' does not exist for field 'key'."),
        ("project in projectsLeadByUser()", "Unable to find JQL function 'projectsLeadByUser()'."),
        (
            "project = DEMO ORDER BY sprintiness",
            "Field 'sprintiness' does not exist or you do not have permission to view it.",
        ),
        ("project = DEMO ORDER BY labels", "Not able to sort using field 'labels'."),
        (
            "project = DEMO % 2",
            "Error in the JQL Query: The character '%' is a reserved JQL "
            "character. You must enclose it in a string or use the escape "
            "'\\u0025' instead. (line 1, character 16)",
        ),
    ],
)
def test_bad_queries_are_refused_with_jiras_sentence(
    dataset: Dataset, jql: str, message: str
) -> None:
    assert refusal(dataset, jql) == message


def test_anonymous_caller_sees_no_project(dataset: Dataset) -> None:
    evaluator = Evaluator(dataset, "datacenter", lambda: NOW_MS, anonymous=True)
    with pytest.raises(JqlError, match="The value 'DEMO' does not exist for the field 'project'"):
        evaluator.compile(parse("project = DEMO"))
    predicate, _ = evaluator.compile(parse("status = Done"))
    assert not any(predicate(i) for i in dataset.issues())
