"""The client's Agile API calls and JIRA Software field reading, over real HTTP to the fake on both
deployments: boards, every sprint page, one sprint, the Sprint field and Epic Link found by schema,
the Sprint field's value and history read the same from Cloud objects and DC strings."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from data.errors import ValidationError
from data.jira.agile import agile_fields, parent_key, sprint_changes, sprint_record, sprint_refs
from data.jira.client import AGILE_PAGE, JiraClient
from data.jira.errors import JiraBoardError
from fakejira import FakeJira

NOW = datetime(2026, 11, 20, 12, tzinfo=UTC)


@pytest.fixture(scope="module", params=["cloud", "datacenter"])
def fake(request: pytest.FixtureRequest):
    with FakeJira(request.param, issues=300, seed=5, now=NOW, scrum=True) as server:
        yield server


@pytest.fixture()
def client(fake: FakeJira):
    email = "demo@example.com" if fake.deployment == "cloud" else None
    with JiraClient(fake.base_url, email=email, token="demo-token") as jira:
        yield jira


def test_boards_and_every_sprint_page(client: JiraClient, fake: FakeJira) -> None:
    assert [(b["id"], b["type"]) for b in client.boards()] == [(1, "scrum"), (2, "kanban")]
    assert client.boards(project="NOPE") == []
    fake.reset_counts()
    sprints = client.sprints(1)
    assert [s["id"] for s in sprints] == [s.id for s in fake.dataset.sprints]
    assert fake.request_counts["agile/board/sprint"] == -(-len(sprints) // AGILE_PAGE)
    records = [sprint_record(s) for s in sprints]
    assert [r.state for r in records[-3:]] == ["active", "future", "future"]
    assert records[0].start is not None and records[0].start.endswith("Z")
    assert records[-1].start is None and records[0].board_id == 1
    closed = client.sprints(1, states=["closed"])
    assert {s["state"] for s in closed} == {"closed"} and len(closed) == len(sprints) - 3
    assert client.sprint(3)["name"] == "DEMO Sprint 3"


def test_a_board_that_cannot_be_seen_or_has_no_sprints_is_one_sentence(
    client: JiraClient,
) -> None:
    with pytest.raises(JiraBoardError) as missing:
        client.sprints(77)
    assert str(missing.value) == (
        "JIRA has no board 77 this account can see; pick one of `flowcast sprint boards "
        "--profile …` and set it on the profile or query."
    )
    with pytest.raises(
        JiraBoardError,
        match=r"^Board 2 is a Kanban board without sprints; name a Scrum board instead\.$",
    ):
        client.sprints(2)


def test_sprint_field_value_and_history_read_alike_on_both_deployments(
    client: JiraClient, fake: FakeJira
) -> None:
    fields = agile_fields(client.fields())
    assert fields.sprint == (
        "customfield_10020" if fake.deployment == "cloud" else "customfield_10004"
    )
    assert fields.epic_link == (None if fake.deployment == "cloud" else "customfield_10101")
    issue = next(i for i in fake.dataset.issues() if len(i.sprints) >= 2 and len(i.histories) < 40)
    wanted = [fields.sprint, "parent"] + ([fields.epic_link] if fields.epic_link else [])
    pages = list(client.search_with_changelogs(f"key = {issue.key}", wanted))
    raw = pages[0][0][0]
    refs = sprint_refs(raw["fields"][fields.sprint])
    assert [r["id"] for r in refs] == list(issue.sprints)
    assert [sprint_record(r).name for r in refs] == [
        fake.dataset.sprint(i).name
        for i in issue.sprints  # type: ignore[union-attr]
    ]
    epic = fake.dataset.get(str(issue.parent_id)) if issue.parent_id else None
    assert parent_key(raw["fields"], fields) == (epic.key if epic else None)


def test_sprint_changes_from_histories() -> None:
    fields = agile_fields(
        [
            {
                "id": "customfield_7",
                "name": "Sprint",
                "schema": {"custom": "com.pyxis.greenhopper.jira:gh-sprint"},
            }
        ]
    )
    histories = [
        {
            "id": "2",
            "created": "2026-03-03T10:00:00.000-0600",
            "items": [
                {"field": "Sprint", "from": "76", "to": "76, 80", "toString": "S, with comma, 80"}
            ],
        },
        {
            "id": "1",
            "created": "2026-03-01T10:00:00.000-0600",
            "items": [{"field": "sprint", "from": "", "to": "76"}, {"field": "status", "to": "3"}],
        },
        {
            "id": "3",
            "created": "2026-03-04T10:00:00.000Z",
            "items": [{"fieldId": "customfield_99", "field": "Sprint", "from": "", "to": "1"}],
        },
    ]
    assert sprint_changes(histories, fields) == [
        ("2026-03-01T16:00:00.000Z", (), (76,)),
        ("2026-03-03T16:00:00.000Z", (76,), (76, 80)),
    ]
    bad = [
        {
            "id": "4",
            "created": "2026-03-04T10:00:00.000Z",
            "items": [{"field": "Sprint", "to": "Sprint 3"}],
        }
    ]
    with pytest.raises(ValidationError, match="names sprints 'Sprint 3', not sprint ids"):
        sprint_changes(bad, fields)


def test_data_center_sprint_strings_with_commas_in_names() -> None:
    text = (
        "com.atlassian.greenhopper.service.sprint.Sprint@1f58[activatedDate=<null>,"
        "autoStartStop=false,completeDate=<null>,endDate=<null>,goal=a, b,id=7,"
        "incompleteIssuesDestinationId=<null>,name=Team | Sprint 3, part 2,rapidViewId=4,"
        "sequence=7,startDate=2026-09-08T14:15:49.000Z,state=FUTURE,synced=false]"
    )
    record = sprint_record(sprint_refs([text])[0])
    assert (record.sprint_id, record.name, record.state, record.board_id) == (
        7,
        "Team | Sprint 3, part 2",
        "future",
        4,
    )
    assert record.goal == "a, b" and record.start == "2026-09-08T14:15:49.000Z"
    with pytest.raises(ValidationError, match="in state 'open'; expected closed, active or future"):
        sprint_record({"id": 1, "state": "open"})
