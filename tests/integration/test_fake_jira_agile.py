"""The fake JIRA's Scrum side over real HTTP, on both deployments: the Agile API's boards, sprint
pages and sprints validated against Atlassian's Jira Software OpenAPI schemas
(test_fake_jira_agile_schemas.json), read by the `jira` package from PyPI too; the Sprint field
and its history; epics and sub-tasks."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import jsonschema
import pytest
from jira import JIRA
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT7

from fakejira import FakeJira
from fakejira.dataset import Dataset

NOW = datetime(2026, 11, 20, 12, tzinfo=UTC)
SCHEMAS = json.loads(Path(__file__).with_name("test_fake_jira_agile_schemas.json").read_text())
REGISTRY = Registry().with_resource(
    "urn:jira-agile", Resource.from_contents(SCHEMAS, default_specification=DRAFT7)
)
GH_SPRINT = "com.pyxis.greenhopper.jira:gh-sprint"
GH_EPIC_LINK = "com.pyxis.greenhopper.jira:gh-epic-link"


def validate(instance: object, schema_name: str) -> None:
    schema = {"$ref": f"urn:jira-agile#/components/schemas/{schema_name}"}
    jsonschema.Draft7Validator(schema, registry=REGISTRY).validate(instance)


@pytest.fixture(scope="module", params=["cloud", "datacenter"])
def fake(request: pytest.FixtureRequest):
    with FakeJira(request.param, issues=400, seed=11, now=NOW, scrum=True) as server:
        yield server


@pytest.fixture()
def client(fake: FakeJira):
    if fake.deployment == "cloud":
        options: dict[str, Any] = {"auth": ("demo@example.com", "demo-token")}
    else:
        options = {"headers": {"Authorization": "Bearer demo-token"}}
    with httpx.Client(base_url=fake.base_url, timeout=10, **options) as http:
        yield http


def field_id(client: httpx.Client, custom: str) -> str:
    """A custom field's id found by its schema, as a client must (ids differ per site)."""
    fields = client.get("/rest/api/2/field").json()
    return next(f["id"] for f in fields if (f.get("schema") or {}).get("custom") == custom)


def test_boards_page_validates_and_filters(client: httpx.Client) -> None:
    page = client.get("/rest/agile/1.0/board").json()
    validate(page, "PageOfBoards")
    assert [(b["id"], b["type"]) for b in page["values"]] == [(1, "scrum"), (2, "kanban")]
    assert page["isLast"] is True and page["total"] == 2
    assert page["values"][0]["location"]["projectKey"] == "DEMO"
    scrum = client.get("/rest/agile/1.0/board", params={"type": "scrum"}).json()
    assert [b["name"] for b in scrum["values"]] == ["DEMO Scrum"]
    assert (
        client.get("/rest/agile/1.0/board", params={"projectKeyOrId": "NOPE"}).json()["values"]
        == []
    )


def test_sprint_pages_walk_every_sprint_in_order(client: httpx.Client, fake: FakeJira) -> None:
    seen: list[dict[str, Any]] = []
    start = 0
    while True:
        page = client.get(
            "/rest/agile/1.0/board/1/sprint", params={"startAt": start, "maxResults": 10}
        ).json()
        validate(page, "PageOfSprints")
        assert page["startAt"] == start and page["maxResults"] == 10
        seen += page["values"]
        if page["isLast"]:
            break
        assert len(page["values"]) == 10
        start += len(page["values"])
    assert [s["id"] for s in seen] == [s.id for s in fake.dataset.sprints]
    states = [s["state"] for s in seen]
    # Closed sprints, then exactly one active one, then two future ones (the last undated).
    assert states == ["closed"] * (len(seen) - 3) + ["active", "future", "future"]
    closed = [s for s in seen if s["state"] == "closed"]
    assert all({"startDate", "endDate", "completeDate"} <= set(s) for s in closed)
    assert all(s["startDate"].endswith("Z") for s in closed)
    assert "completeDate" not in seen[-3] and "startDate" in seen[-2]
    assert "startDate" not in seen[-1]
    # maxResults is capped at 50, as the Agile API pages.
    assert client.get("/rest/agile/1.0/board/1/sprint?maxResults=500").json()["maxResults"] == 50


def test_sprint_state_filter_and_single_sprint(client: httpx.Client) -> None:
    active = client.get("/rest/agile/1.0/board/1/sprint", params={"state": "active"}).json()
    assert [s["state"] for s in active["values"]] == ["active"]
    both = client.get("/rest/agile/1.0/board/1/sprint", params={"state": "active,future"}).json()
    assert [s["state"] for s in both["values"]] == ["active", "future", "future"]
    sprint = client.get(f"/rest/agile/1.0/sprint/{active['values'][0]['id']}").json()
    validate(sprint, "SprintBean")
    assert sprint == active["values"][0] and sprint["originBoardId"] == 1


@pytest.mark.parametrize(
    ("path", "status", "message"),
    [
        ("/rest/agile/1.0/board/99/sprint", 404, "Board does not exist"),
        ("/rest/agile/1.0/board/99", 404, "Board does not exist"),
        ("/rest/agile/1.0/board/2/sprint", 400, "The board does not support sprints"),
        ("/rest/agile/1.0/sprint/999", 404, "Sprint with id 999 does not exist."),
        ("/rest/agile/1.0/board/1/sprint?state=open", 400, "not a valid sprint state"),
    ],
)
def test_agile_refusals(client: httpx.Client, path: str, status: int, message: str) -> None:
    response = client.get(path)
    assert response.status_code == status
    assert message in response.json()["errorMessages"][0]


def test_sprint_field_is_found_by_schema_and_shaped_per_deployment(
    client: httpx.Client, fake: FakeJira
) -> None:
    sprint_field = field_id(client, GH_SPRINT)
    issue = next(i for i in fake.dataset.issues() if len(i.sprints) >= 2)
    fields = client.get(f"/rest/api/2/issue/{issue.key}", params={"fields": sprint_field}).json()[
        "fields"
    ]
    values = fields[sprint_field]
    assert len(values) == len(issue.sprints)
    if fake.deployment == "cloud":
        assert [v["id"] for v in values] == list(issue.sprints)
        assert {"id", "name", "state", "boardId"} <= set(values[0])
    else:
        # Data Center still sends Java's toString() of each sprint.
        assert all(v.startswith("com.atlassian.greenhopper.service.sprint.Sprint@") for v in values)
        assert [int(v.split(",id=")[1].split(",")[0]) for v in values] == list(issue.sprints)


def _sprint_ids(text: str | None) -> tuple[int, ...]:
    return tuple(int(part) for part in (text or "").split(", ") if part)


def test_sprint_history_replays_to_the_field(client: httpx.Client, fake: FakeJira) -> None:
    """Each issue's Sprint changelog items, read from `from`/`to` ids, chain and end at the
    field's current value."""
    sprint_field = field_id(client, GH_SPRINT)
    checked = 0
    # Issues within Cloud's 40-history cap, so the embedded changelog is the whole of it.
    for issue in [i for i in fake.dataset.issues() if i.sprints and len(i.histories) <= 40][:60]:
        body = client.get(
            f"/rest/api/2/issue/{issue.key}",
            params={"fields": sprint_field, "expand": "changelog"},
        ).json()
        histories = sorted(
            body["changelog"]["histories"],
            key=lambda h: datetime.strptime(h["created"], "%Y-%m-%dT%H:%M:%S.%f%z"),
        )
        items = [
            item
            for h in histories
            for item in h["items"]
            if item.get("fieldId", item["field"]) in (sprint_field, "Sprint")
        ]
        current: tuple[int, ...] = ()
        for item in items:
            assert _sprint_ids(item["from"]) == current
            current = _sprint_ids(item["to"])
        assert current == issue.sprints
        checked += 1
    assert checked == 60


def test_scenarios_a_sprint_report_needs_are_all_there() -> None:
    """Added after the sprint started, removed mid-sprint, carried over to the next sprint."""
    dataset = Dataset(issues=600, seed=7, now=NOW, scrum=True)
    by_id = {s.id: s for s in dataset.sprints}
    added_late = removed = carried = 0
    for issue in dataset.issues():
        for history in issue.histories:
            for name, old, new in history.changes:
                if name != "sprint":
                    continue
                joined = set(new) - set(old)  # type: ignore[arg-type]
                left = set(old) - set(new)  # type: ignore[arg-type]
                for sprint_id in joined:
                    sprint = by_id[sprint_id]
                    if (
                        sprint.complete_ms is not None
                        and history.created_ms >= sprint.complete_ms - 1
                    ):
                        continue
                    prior = [by_id[i] for i in old if by_id[i].complete_ms == history.created_ms]  # type: ignore[union-attr]
                    if prior:
                        carried += 1
                    elif sprint.start_ms is not None and history.created_ms > sprint.start_ms:
                        added_late += 1
                for sprint_id in left:
                    sprint = by_id[sprint_id]
                    assert sprint.start_ms is not None and history.created_ms > sprint.start_ms
                    removed += 1
    assert added_late > 20 and removed > 5 and carried > 50


def test_without_scrum_there_is_one_kanban_board_and_no_sprints() -> None:
    with FakeJira("cloud", issues=50, seed=7, now=NOW) as fake:
        auth = ("demo@example.com", "demo-token")
        boards = httpx.get(f"{fake.base_url}/rest/agile/1.0/board", auth=auth).json()
        assert [b["type"] for b in boards["values"]] == ["kanban"]
        assert not any(i.sprints or i.parent_id for i in fake.dataset.issues())


def test_epics_and_sub_tasks_link_to_their_parents(client: httpx.Client, fake: FakeJira) -> None:
    dataset = fake.dataset
    child = next(
        i
        for i in dataset.issues()
        if i.parent_id and dataset.get(str(i.parent_id)).issue_type == "Epic"  # type: ignore[union-attr]
    )
    epic = dataset.get(str(child.parent_id))
    sub = next(i for i in dataset.issues() if i.issue_type == "Sub-task")
    story = dataset.get(str(sub.parent_id))
    assert epic is not None and story is not None and story.issue_type == "Story"
    sub_fields = client.get(
        f"/rest/api/2/issue/{sub.key}", params={"fields": "parent,issuetype"}
    ).json()["fields"]
    assert sub_fields["parent"]["key"] == story.key and sub_fields["issuetype"]["subtask"] is True
    if fake.deployment == "cloud":
        fields = client.get(f"/rest/api/2/issue/{child.key}", params={"fields": "parent"}).json()[
            "fields"
        ]
        assert fields["parent"]["key"] == epic.key
        assert fields["parent"]["fields"]["issuetype"]["name"] == "Epic"
    else:
        link = field_id(client, GH_EPIC_LINK)
        fields = client.get(
            f"/rest/api/2/issue/{child.key}", params={"fields": f"parent,{link}"}
        ).json()["fields"]
        assert fields[link] == epic.key and fields["parent"] is None
    types = [t["name"] for t in client.get("/rest/api/2/issuetype").json()]
    assert "Sub-task" in types


def test_issues_change_sprints_for_incremental_syncs(fake: FakeJira) -> None:
    dataset = fake.dataset
    active = next(s for s in dataset.sprints if s.state == "active")
    issue = next(i for i in dataset.issues() if not i.sprints and i.issue_type == "Story")
    at = datetime.fromtimestamp(issue.updated_ms / 1000, UTC) + timedelta(minutes=1)
    dataset.add_to_sprint([issue.key], active.id, at)
    assert issue.sprints == (active.id,) and issue.histories[-1].changes[0][0] == "sprint"
    dataset.remove_from_sprint([issue.key], active.id, at + timedelta(hours=1))
    assert issue.sprints == ()


def test_the_jira_package_reads_boards_sprints_and_a_sprint(fake: FakeJira) -> None:
    if fake.deployment == "cloud":
        jira = JIRA(server=fake.base_url, basic_auth=("demo@example.com", "demo-token"))
    else:
        jira = JIRA(server=fake.base_url, token_auth="demo-token")
    boards = jira.boards()
    assert [(b.id, b.name, b.type) for b in boards] == [
        (1, "DEMO Scrum", "scrum"),
        (2, "DEMO Kanban", "kanban"),
    ]
    # maxResults=0 asks pycontribs to page through everything (the fake caps pages at 50).
    sprints = jira.sprints(1, maxResults=0)
    assert [s.id for s in sprints] == [s.id for s in fake.dataset.sprints]
    closed = jira.sprints(1, state="closed", maxResults=0)
    assert all(s.state == "closed" for s in closed) and len(closed) == len(sprints) - 3
    one = jira.sprint(sprints[2].id)
    assert (one.id, one.name, one.state) == (sprints[2].id, sprints[2].name, sprints[2].state)
