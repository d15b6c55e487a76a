"""The fake JIRA as Data Center, over real HTTP: startAt paging with the echoed 1000 cap,
oldest-first changelogs without fieldId, PAT/Basic auth and the anonymous-200 trap."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import httpx
import pytest

from fakejira import FakeJira

NOW = datetime(2026, 11, 20, 12, tzinfo=UTC)
BEARER = {"Authorization": "Bearer demo-token"}


@pytest.fixture(scope="module")
def fake():
    with FakeJira("datacenter", issues=1200, seed=7, now=NOW, timezone="Etc/UTC") as server:
        yield server


@pytest.fixture()
def client(fake: FakeJira):
    with httpx.Client(base_url=fake.base_url, headers=BEARER, timeout=10) as http:
        yield http


def test_server_info_says_server_and_needs_no_credentials(fake: FakeJira) -> None:
    response = httpx.get(f"{fake.base_url}/rest/api/2/serverInfo")
    info = response.json()
    assert info["deploymentType"] == "Server" and info["versionNumbers"] == [10, 3, 19]
    assert response.headers["X-AUSERNAME"] == "anonymous"


def test_myself_with_a_personal_access_token(client: httpx.Client) -> None:
    response = client.get("/rest/api/2/myself")
    me = response.json()
    assert (me["name"], me["key"], me["timeZone"]) == ("demo", "JIRAUSER10000", "Etc/UTC")
    assert "accountId" not in me and "username" not in me
    assert response.headers["X-AUSERNAME"] == "demo"


def test_default_page_is_fifty_navigable_fields(client: httpx.Client) -> None:
    page = client.get("/rest/api/2/search", params={"jql": "project = DEMO"}).json()
    assert list(page) == [
        "expand",
        "startAt",
        "maxResults",
        "total",
        "issues",
        "warningMessages",
        "names",
        "schema",
    ]
    assert (page["startAt"], page["maxResults"], page["total"]) == (0, 50, 1200)
    issue = page["issues"][0]
    assert issue["key"] == "DEMO-1200" and "summary" in issue["fields"]
    assert "statuscategorychangedate" not in issue["fields"]  # a Cloud-only field
    assert "customfield_10002" in issue["fields"]  # DC's story points field


def test_max_results_is_capped_at_1000_and_echoed(client: httpx.Client) -> None:
    page = client.get(
        "/rest/api/2/search",
        params={"jql": "project = DEMO", "maxResults": 5000, "fields": "summary"},
    ).json()
    assert (page["maxResults"], len(page["issues"]), page["total"]) == (1000, 1000, 1200)


def test_start_at_paging_reads_everything_once(fake: FakeJira, client: httpx.Client) -> None:
    keys, start = [], 0
    while True:
        page = client.post(
            "/rest/api/2/search",
            json={
                "jql": "project = DEMO ORDER BY key ASC",
                "startAt": start,
                "maxResults": 500,
                "fields": ["status"],
            },
        ).json()
        assert page["total"] == 1200
        if not page["issues"]:
            break
        keys += [i["key"] for i in page["issues"]]
        start += len(page["issues"])
    assert keys == [i.key for i in fake.dataset.issues()]
    assert page == {"startAt": 1200, "maxResults": 500, "total": 1200, "issues": []}


def test_empty_result_and_validate_only_shapes(client: httpx.Client) -> None:
    empty = client.post(
        "/rest/api/2/search", json={"jql": "project = DEMO AND key = DEMO-1 AND key = DEMO-2"}
    ).json()
    assert empty == {"startAt": 0, "maxResults": 50, "total": 0, "issues": []}
    count = client.get(
        "/rest/api/2/search", params={"jql": "project = DEMO", "maxResults": 0}
    ).json()
    assert count == {
        "expand": None,
        "startAt": 0,
        "maxResults": 0,
        "total": 1200,
        "issues": [],
        "warningMessages": None,
        "names": None,
        "schema": None,
    }


def test_embedded_changelog_is_whole_oldest_first_without_field_ids(
    fake: FakeJira, client: httpx.Client
) -> None:
    issue = next(i for i in fake.dataset.issues() if len(i.histories) > 45)
    page = client.post(
        "/rest/api/2/search",
        json={"jql": f"key = {issue.key}", "fields": ["status"], "expand": ["changelog"]},
    ).json()
    changelog = page["issues"][0]["changelog"]
    assert changelog["total"] == changelog["maxResults"] == len(issue.histories)
    assert [h["id"] for h in changelog["histories"]] == [str(h.id) for h in issue.histories]
    items = [item for h in changelog["histories"] for item in h["items"]]
    assert items and all("fieldId" not in item for item in items)
    author = changelog["histories"][0]["author"]
    assert author["name"] and author["key"].startswith("JIRAUSER") and "accountId" not in author
    assert re.fullmatch(r".*\.\d{3}\+0000", changelog["histories"][0]["created"])


def test_issue_with_expand_changelog_is_whole(fake: FakeJira, client: httpx.Client) -> None:
    issue = next(i for i in fake.dataset.issues() if len(i.histories) > 45)
    body = client.get(f"/rest/api/2/issue/{issue.key}", params={"expand": "changelog"}).json()
    assert body["changelog"]["total"] == len(body["changelog"]["histories"]) == len(issue.histories)
    missing = client.get("/rest/api/2/issue/DEMO-99999")
    assert missing.status_code == 404
    assert missing.json() == {"errorMessages": ["Issue Does Not Exist"], "errors": {}}


def test_validate_query_must_be_a_boolean(client: httpx.Client) -> None:
    response = client.get(
        "/rest/api/2/search", params={"jql": "project = DEMO", "validateQuery": "strict"}
    )
    assert response.status_code == 400
    assert response.json()["errorMessages"] == [
        "The value 'strict' for 'validateQuery' is not a boolean."
    ]


def test_bad_jql_and_unbounded_queries(client: httpx.Client) -> None:
    bad = client.post("/rest/api/2/search", json={"jql": "project = NOSUCHPROJECT"})
    assert bad.status_code == 400
    assert bad.json() == {
        "errorMessages": ["The value 'NOSUCHPROJECT' does not exist for the field 'project'."],
        "errors": {},
    }
    # Data Center runs unbounded queries.
    everything = client.post("/rest/api/2/search", json={"jql": "ORDER BY created DESC"})
    assert everything.json()["total"] == 1200


@pytest.mark.parametrize(
    "path", ["/rest/api/2/search/jql", "/rest/api/3/myself", "/rest/api/2/issue/DEMO-1/changelog"]
)
def test_cloud_only_endpoints_do_not_exist(client: httpx.Client, path: str) -> None:
    assert client.get(path).status_code == 404


def test_basic_auth_with_user_name_and_password_works(fake: FakeJira) -> None:
    for user in ("demo", "demo@example.com"):
        response = httpx.get(f"{fake.base_url}/rest/api/2/myself", auth=(user, "demo-token"))
        assert response.status_code == 200 and response.json()["name"] == "demo"


def test_basic_auth_with_a_wrong_password_is_401(fake: FakeJira) -> None:
    response = httpx.get(f"{fake.base_url}/rest/api/2/myself", auth=("demo", "nope"))
    assert response.status_code == 401
    assert response.json() == {
        "message": "Client must be authenticated to access this resource.",
        "status-code": 401,
    }


def test_basic_auth_can_be_disabled_like_data_center_11() -> None:
    with FakeJira("datacenter", issues=5, now=NOW, basic_auth=False) as server:
        refused = httpx.get(f"{server.base_url}/rest/api/2/myself", auth=("demo", "demo-token"))
        assert refused.status_code == 403
        assert refused.json() == {
            "message": "Basic Authentication has been disabled on this instance."
        }
        assert httpx.get(f"{server.base_url}/rest/api/2/myself", headers=BEARER).status_code == 200


@pytest.mark.parametrize("headers", [{}, {"Authorization": "Bearer wrong-token"}])
def test_a_bad_token_is_answered_as_anonymous(fake: FakeJira, headers: dict[str, str]) -> None:
    with httpx.Client(base_url=fake.base_url, headers=headers) as anonymous:
        fields = anonymous.get("/rest/api/2/field")
        assert fields.status_code == 200 and fields.headers["X-AUSERNAME"] == "anonymous"
        everything = anonymous.post("/rest/api/2/search", json={"jql": "status = Done"})
        assert everything.status_code == 200 and everything.json()["total"] == 0
        project = anonymous.post("/rest/api/2/search", json={"jql": "project = DEMO"})
        assert project.status_code == 400
        assert project.json()["errorMessages"] == [
            "The value 'DEMO' does not exist for the field 'project'."
        ]
        me = anonymous.get("/rest/api/2/myself")
        assert me.status_code == 401
        issue = anonymous.get("/rest/api/2/issue/DEMO-1")
        assert issue.status_code == 401 and issue.json()["errorMessages"] == [
            "You do not have the permission to see the specified issue.",
            "Login Required",
        ]


def test_anonymous_myself_mode_answers_200_with_nobody_in_it() -> None:
    with FakeJira("datacenter", issues=5, now=NOW, anonymous_myself=True) as server:
        response = httpx.get(
            f"{server.base_url}/rest/api/2/myself", headers={"Authorization": "Bearer stale-token"}
        )
        assert response.status_code == 200 and response.json() == {}
        assert response.headers["X-AUSERNAME"] == "anonymous"
        assert (
            httpx.get(f"{server.base_url}/rest/api/2/myself", headers=BEARER).json()["name"]
            == "demo"
        )
