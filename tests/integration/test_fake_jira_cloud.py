"""The fake JIRA as Cloud, over real HTTP: shapes validated against Atlassian's OpenAPI schemas,
token paging, the 40-history cap, refusals, auth, and data changes between syncs."""

from __future__ import annotations

import json
import re
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import jsonschema
import pytest
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT7

from fakejira import FakeJira
from fakejira.catalog import DONE
from fakejira.dataset import Issue

NOW = datetime(2026, 11, 20, 12, tzinfo=UTC)
AUTH = ("demo@example.com", "demo-token")
SCHEMAS_FILE = Path(__file__).with_name("test_fake_jira_schemas.json")
SHARED_EXCERPT = Path("/work/shared/jira/openapi-excerpt.json")
TIMESTAMP = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}[+-]\d{4}$")


def _schemas() -> dict[str, Any]:
    document = json.loads(SCHEMAS_FILE.read_text())
    schemas = document["components"]["schemas"]
    # Where real Cloud responses (and the spec's own examples) disagree with the schema, the fake
    # follows the real responses; each deviation is listed here so it stays deliberate:
    # - history items carry null from/to/fromString/toString (NOTES §1.6, JR recordings);
    for name in ("from", "fromString", "to", "toString"):
        schemas["ChangeDetails"]["properties"][name]["type"] = ["string", "null"]
    # - serverInfo has defaultLocale (JR probe, and the spec's serverInfo example).
    schemas["ServerInformation"]["properties"]["defaultLocale"] = {"type": "object"}
    return document


DOCUMENT = _schemas()
REGISTRY = Registry().with_resource(
    "urn:jira-openapi", Resource.from_contents(DOCUMENT, default_specification=DRAFT7)
)


def validate(instance: object, schema_name: str, array: bool = False) -> None:
    ref: dict[str, Any] = {"$ref": f"urn:jira-openapi#/components/schemas/{schema_name}"}
    schema = {"type": "array", "items": ref} if array else ref
    # No format checking: JIRA's "-0500" offsets are not RFC 3339 date-times, though the spec
    # says date-time; the TIMESTAMP pattern below checks JIRA's real format instead.
    jsonschema.Draft7Validator(schema, registry=REGISTRY).validate(instance)


def test_vendored_schemas_match_the_shared_excerpt() -> None:
    if not SHARED_EXCERPT.exists():
        pytest.skip("the shared openapi-excerpt.json is only on the project's dev machines")
    shared = json.loads(SHARED_EXCERPT.read_text())["components"]["schemas"]
    vendored = json.loads(SCHEMAS_FILE.read_text())["components"]["schemas"]
    assert sorted(shared) == sorted(vendored)
    for name, schema in vendored.items():
        assert sorted(schema.get("properties", {})) == sorted(shared[name].get("properties", {}))


@pytest.fixture(scope="module")
def fake():
    with FakeJira("cloud", issues=300, seed=7, now=NOW) as server:
        yield server


@pytest.fixture()
def client(fake: FakeJira):
    with httpx.Client(base_url=fake.base_url, auth=AUTH, timeout=10) as http:
        yield http


def heavy_issue(fake: FakeJira) -> Issue:
    return next(i for i in fake.dataset.issues() if len(i.histories) > 45)


def walk(client: httpx.Client, body: dict[str, Any], version: str = "3") -> list[dict]:
    pages, token = [], None
    while True:
        page_body = dict(body, **({"nextPageToken": token} if token else {}))
        response = client.post(f"/rest/api/{version}/search/jql", json=page_body)
        assert response.status_code == 200, response.text
        page = response.json()
        validate(page, "SearchAndReconcileResults")
        pages.append(page)
        if page["isLast"]:
            assert "nextPageToken" not in page
            return pages
        token = page["nextPageToken"]


# ------------------------------------------------------------------ metadata


@pytest.mark.parametrize("version", ["2", "3"])
def test_server_info_says_cloud_and_needs_no_credentials(fake: FakeJira, version: str) -> None:
    response = httpx.get(f"{fake.base_url}/rest/api/{version}/serverInfo")
    assert response.status_code == 200
    info = response.json()
    validate(info, "ServerInformation")
    assert info["deploymentType"] == "Cloud" and info["baseUrl"] == fake.base_url
    assert TIMESTAMP.match(info["serverTime"])


@pytest.mark.parametrize("version", ["2", "3"])
def test_myself_carries_the_users_time_zone(client: httpx.Client, version: str) -> None:
    me = client.get(f"/rest/api/{version}/myself").json()
    validate(me, "User")
    assert me["timeZone"] == "America/Chicago" and me["emailAddress"] == AUTH[0]
    assert "name" not in me and me["accountId"]
    assert me["self"].startswith(f"{client.base_url}/rest/api/{version}/user?accountId=")


def test_fields_list_story_points_by_name_and_schema(client: httpx.Client) -> None:
    fields = client.get("/rest/api/2/field").json()
    validate(fields, "FieldDetails", array=True)
    points = [f for f in fields if f["name"] == "Story Points"]
    assert [(f["id"], f["schema"]["custom"]) for f in points] == [
        ("customfield_10016", "com.atlassian.jira.plugin.system.customfieldtypes:float")
    ]
    # Cloud sites often have the team-managed estimate field too (NOTES §3).
    assert any(f["name"] == "Story point estimate" for f in fields)


def test_statuses_and_categories_use_real_category_keys(client: httpx.Client) -> None:
    statuses = client.get("/rest/api/3/status").json()
    validate(statuses, "StatusDetails", array=True)
    assert {s["name"]: s["statusCategory"]["key"] for s in statuses} == {
        "To Do": "new",
        "In Progress": "indeterminate",
        "In Review": "indeterminate",
        "Blocked": "indeterminate",
        "Done": "done",
    }
    categories = client.get("/rest/api/3/statuscategory").json()
    validate(categories, "StatusCategory", array=True)
    assert {(c["id"], c["key"], c["colorName"]) for c in categories} == {
        (1, "undefined", "medium-gray"),
        (2, "new", "blue-gray"),
        (4, "indeterminate", "yellow"),
        (3, "done", "green"),
    }


def test_issue_types_priorities_project_and_versions(client: httpx.Client) -> None:
    types = client.get("/rest/api/2/issuetype").json()
    assert [t["name"] for t in types] == ["Epic", "Story", "Task", "Bug", "Incident"]
    assert all(t["self"].endswith(f"/rest/api/2/issuetype/{t['id']}") for t in types)
    priorities = client.get("/rest/api/2/priority").json()
    assert [p["name"] for p in priorities] == ["Highest", "High", "Medium", "Low", "Lowest"]
    project = client.get("/rest/api/3/project/DEMO").json()
    assert (project["key"], project["id"]) == ("DEMO", "10000")
    assert client.get("/rest/api/3/project/10000").json()["key"] == "DEMO"
    versions = client.get("/rest/api/3/project/DEMO/versions").json()
    assert {v["released"] for v in versions} == {True, False}
    assert all(re.fullmatch(r"\d{4}-\d\d-\d\d", v["releaseDate"]) for v in versions)
    missing = client.get("/rest/api/3/project/NOPE")
    assert missing.status_code == 404
    assert missing.json()["errorMessages"] == ["No project could be found with key 'NOPE'."]


# -------------------------------------------------------------------- search


def test_search_defaults_to_ids_only(client: httpx.Client) -> None:
    page = client.post("/rest/api/3/search/jql", json={"jql": "project = DEMO"}).json()
    validate(page, "SearchAndReconcileResults")
    assert list(page) == ["issues", "nextPageToken", "isLast"]
    assert len(page["issues"]) == 50 and page["issues"][0] == {"id": "10300"}


def test_token_paging_covers_every_issue_once(fake: FakeJira, client: httpx.Client) -> None:
    pages = walk(
        client,
        {
            "jql": "project = DEMO ORDER BY key ASC",
            "maxResults": 70,
            "fields": ["summary", "status"],
        },
    )
    # 300 issues in pages of 70: 70, 70, 70, 70, 20.
    assert [len(p["issues"]) for p in pages] == [70, 70, 70, 70, 20]
    assert list(pages[-1]) == ["issues", "isLast"]
    keys = [issue["key"] for page in pages for issue in page["issues"]]
    assert keys == [i.key for i in fake.dataset.issues()]


def test_get_reads_the_query_string_with_repeated_or_comma_fields(client: httpx.Client) -> None:
    response = client.get(
        "/rest/api/2/search/jql",
        params=[("jql", "key = DEMO-1"), ("fields", "summary,status"), ("fields", "created")],
    )
    (issue,) = response.json()["issues"]
    assert sorted(issue["fields"]) == ["created", "status", "summary"]
    assert isinstance(issue["id"], str) and issue["self"].endswith(
        f"/rest/api/2/issue/{issue['id']}"
    )


def test_post_ignores_the_query_string(client: httpx.Client) -> None:
    response = client.post(
        "/rest/api/3/search/jql?jql=nonsense%20%3D%3D&maxResults=0", json={"jql": "key = DEMO-2"}
    )
    assert response.status_code == 200 and len(response.json()["issues"]) == 1


def test_pages_are_capped_when_changelogs_are_asked_for(client: httpx.Client) -> None:
    page = client.post(
        "/rest/api/3/search/jql",
        json={
            "jql": "project = DEMO",
            "maxResults": 5000,
            "fields": ["*all"],
            "expand": "changelog",
        },
    ).json()
    assert len(page["issues"]) == 100 and page["isLast"] is False
    changelog_only = client.post(
        "/rest/api/3/search/jql",
        json={"jql": "project = DEMO", "maxResults": 5000, "expand": "changelog"},
    ).json()
    assert len(changelog_only["issues"]) == 100
    assert set(changelog_only["issues"][0]) == {"expand", "id", "self", "key", "changelog"}
    ids_only = client.post(
        "/rest/api/3/search/jql", json={"jql": "project = DEMO", "maxResults": 5000}
    ).json()
    assert len(ids_only["issues"]) == 300 and ids_only["isLast"] is True


def test_changelog_is_cut_at_forty_newest_first_with_the_true_total(
    fake: FakeJira, client: httpx.Client
) -> None:
    issue = heavy_issue(fake)
    page = client.post(
        "/rest/api/2/search/jql",
        json={"jql": f"key = {issue.key}", "fields": ["status"], "expand": "changelog"},
    ).json()
    validate(page, "SearchAndReconcileResults")
    changelog = page["issues"][0]["changelog"]
    assert (changelog["startAt"], changelog["maxResults"], changelog["total"]) == (
        0,
        40,
        len(issue.histories),
    )
    ids = [h["id"] for h in changelog["histories"]]
    assert ids == [str(h.id) for h in reversed(issue.histories)][:40]
    assert all("fieldId" in item for h in changelog["histories"] for item in h["items"])


def test_short_changelogs_come_whole(fake: FakeJira, client: httpx.Client) -> None:
    issue = next(i for i in fake.dataset.issues() if 3 < len(i.histories) < 40)
    page = client.post(
        "/rest/api/3/search/jql", json={"jql": f"key = {issue.key}", "expand": "changelog"}
    ).json()
    changelog = page["issues"][0]["changelog"]
    assert changelog["total"] == changelog["maxResults"] == len(issue.histories)


def test_expand_names_and_schema_as_a_comma_string(client: httpx.Client) -> None:
    page = client.get(
        "/rest/api/3/search/jql",
        params={
            "jql": "key = DEMO-1",
            "fields": "summary,customfield_10016",
            "expand": "names,schema",
        },
    ).json()
    validate(page, "SearchAndReconcileResults")
    assert page["names"] == {"summary": "Summary", "customfield_10016": "Story Points"}
    assert page["schema"]["customfield_10016"]["type"] == "number"


def test_values_have_jira_formats_and_self_links(fake: FakeJira, client: httpx.Client) -> None:
    page = client.post(
        "/rest/api/3/search/jql",
        json={
            "jql": "project = DEMO AND resolution = Done",
            "maxResults": 5,
            "fields": ["*all"],
            "expand": "changelog",
        },
    ).json()
    for issue in page["issues"]:
        validate(issue, "IssueBean")
        fields = issue["fields"]
        for name in ("created", "updated", "resolutiondate", "statuscategorychangedate"):
            assert TIMESTAMP.match(fields[name]), fields[name]
        assert fields["created"][-5:] in ("-0500", "-0600")  # America/Chicago, CDT or CST
        for nested in ("status", "issuetype", "project", "priority", "reporter", "resolution"):
            assert fields[nested]["self"].startswith(f"{fake.base_url}/rest/api/3/")
        for version in fields["fixVersions"]:
            assert re.fullmatch(r"\d{4}-\d\d-\d\d", version["releaseDate"])
        assert fields["description"]["type"] == "doc"  # v3 renders rich text as ADF


def test_v2_sends_plain_text_and_markup_passes_through(client: httpx.Client) -> None:
    page = client.post(
        "/rest/api/2/search/jql",
        json={"jql": "key in (DEMO-3, DEMO-7)", "fields": ["summary", "description"]},
    ).json()
    summaries = {i["key"]: i["fields"]["summary"] for i in page["issues"]}
    assert summaries == {
        "DEMO-3": "<script>alert(1)</script> in comment preview",
        "DEMO-7": "<img src=x onerror=alert(1)> in avatar upload",
    }
    assert all(isinstance(i["fields"]["description"], str) for i in page["issues"])


def test_same_seed_gives_the_same_bytes() -> None:
    bodies = []
    for _ in range(2):
        with FakeJira("cloud", issues=120, seed=9, now=NOW) as server:
            response = httpx.post(
                f"{server.base_url}/rest/api/3/search/jql",
                auth=AUTH,
                json={
                    "jql": "project = DEMO",
                    "maxResults": 200,
                    "fields": ["*all"],
                    "expand": "changelog",
                },
            )
            bodies.append(response.content.replace(server.base_url.encode(), b"BASE"))
    assert bodies[0] == bodies[1] and len(bodies[0]) > 10_000


def test_approximate_count(client: httpx.Client, fake: FakeJira) -> None:
    response = client.post(
        "/rest/api/3/search/approximate-count",
        json={"jql": "project = DEMO AND statusCategory = done"},
    )
    validate(response.json(), "JQLCountResultsBean")
    done = sum(i.status == DONE for i in fake.dataset.issues())
    assert response.json() == {"count": done}


# ------------------------------------------------------------------ refusals


def refused(response: httpx.Response, status: int) -> list[str]:
    assert response.status_code == status, response.text
    body = response.json()
    validate(body, "ErrorCollection")
    return body["errorMessages"]


@pytest.mark.parametrize("version", ["2", "3", "latest"])
def test_legacy_search_is_gone(client: httpx.Client, version: str) -> None:
    messages = refused(
        client.get(f"/rest/api/{version}/search", params={"jql": "project=DEMO"}), 410
    )
    assert messages == [
        "The requested API has been removed. Please migrate to the /rest/api/3/search/jql API. "
        "A full migration guideline is available at "
        "https://developer.atlassian.com/changelog/#CHANGE-2046"
    ]
    assert refused(client.post(f"/rest/api/{version}/search", json={"jql": "x"}), 410) == messages


def test_unbounded_jql_is_refused(client: httpx.Client) -> None:
    messages = refused(
        client.post("/rest/api/3/search/jql", json={"jql": "ORDER BY created DESC"}), 400
    )
    assert messages == [
        "Unbounded JQL queries are not allowed here. Please add a search restriction to your query."
    ]


@pytest.mark.parametrize(
    ("max_results", "status"), [(0, 400), (-1, 400), (5001, 400), (1, 200), (5000, 200)]
)
def test_max_results_must_be_between_1_and_5000(
    client: httpx.Client, max_results: int, status: int
) -> None:
    response = client.post(
        "/rest/api/3/search/jql", json={"jql": "project = DEMO", "maxResults": max_results}
    )
    assert response.status_code == status
    if status == 400:
        assert refused(response, 400) == ["The maxResults parameter must be between 1 and 5000."]


def test_bad_tokens_are_refused_and_empty_tokens_mean_page_one(client: httpx.Client) -> None:
    first = client.post("/rest/api/3/search/jql", json={"jql": "project = DEMO"}).json()
    for token in ("not-a-token!", "MTA6YWJj"):
        messages = refused(
            client.post(
                "/rest/api/3/search/jql", json={"jql": "project = DEMO", "nextPageToken": token}
            ),
            400,
        )
        assert messages == ["The provided next page token is invalid or expired."]
    # A token belongs to its query.
    refused(
        client.post(
            "/rest/api/3/search/jql",
            json={"jql": "project = DEMO AND type = Bug", "nextPageToken": first["nextPageToken"]},
        ),
        400,
    )
    for token in ("", None):
        again = client.post(
            "/rest/api/3/search/jql", json={"jql": "project = DEMO", "nextPageToken": token}
        ).json()
        assert again["issues"] == first["issues"]


def test_undeclared_body_fields_are_refused(client: httpx.Client) -> None:
    messages = refused(
        client.post("/rest/api/3/search/jql", json={"jql": "project = DEMO", "startAt": 50}), 400
    )
    assert messages == [
        "Invalid request payload. Refer to the REST API documentation and try again."
    ]


def test_expand_must_be_a_string_on_cloud(client: httpx.Client) -> None:
    refused(
        client.post(
            "/rest/api/3/search/jql", json={"jql": "project = DEMO", "expand": ["changelog"]}
        ),
        400,
    )


def test_post_without_a_body_is_unsupported_media_type(client: httpx.Client) -> None:
    response = client.post("/rest/api/3/search/jql")
    assert response.status_code == 415
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json() == {
        "title": "Unsupported Media Type",
        "detail": "Content-Type 'null' is not supported.",
        "instance": "/rest/api/3/search/jql",
    }


def test_bad_jql_comes_back_in_jiras_error_shape(client: httpx.Client) -> None:
    messages = refused(client.get("/rest/api/3/search/jql", params={"jql": "foo = bar"}), 400)
    assert messages == ["Field 'foo' does not exist or you do not have permission to view it."]


# ---------------------------------------------------------------- changelogs


def test_changelog_pages_oldest_first(fake: FakeJira, client: httpx.Client) -> None:
    issue = heavy_issue(fake)
    values, start, pages = [], 0, []
    while True:
        page = client.get(
            f"/rest/api/3/issue/{issue.key}/changelog", params={"startAt": start, "maxResults": 20}
        ).json()
        validate(page, "PageBeanChangelog")
        pages.append(page)
        values += page["values"]
        if page["isLast"]:
            break
        assert page["nextPage"].endswith(f"startAt={start + 20}")
        start += 20
    assert "nextPage" not in pages[-1] and all(p["total"] == len(issue.histories) for p in pages)
    assert [v["id"] for v in values] == [str(h.id) for h in issue.histories]


def test_changelog_of_a_missing_issue_is_404(client: httpx.Client) -> None:
    assert refused(client.get("/rest/api/3/issue/DEMO-9999/changelog"), 404) == [
        "Issue does not exist or you do not have permission to see it."
    ]


def test_bulkfetch_pages_every_history_with_a_token(fake: FakeJira, client: httpx.Client) -> None:
    issues = [heavy_issue(fake), *fake.dataset.issues()[:4]]
    gathered: dict[str, list[str]] = {}
    # The first issue is named twice, by key and by id: its histories still come once.
    names = [i.key for i in issues] + [str(issues[0].id)]
    body: dict[str, Any] = {"issueIdsOrKeys": names, "maxResults": 25}
    pages = 0
    while True:
        response = client.post("/rest/api/3/changelog/bulkfetch", json=body)
        page = response.json()
        validate(page, "BulkChangelogResponseBean")
        pages += 1
        for entry in page["issueChangeLogs"]:
            gathered.setdefault(entry["issueId"], []).extend(
                h["id"] for h in entry["changeHistories"]
            )
        if "nextPageToken" not in page:
            break
        body["nextPageToken"] = page["nextPageToken"]
    total = sum(len(i.histories) for i in issues)
    assert pages == -(-total // 25)  # ceil(total / 25)
    for issue in issues:
        assert sorted(gathered[str(issue.id)], key=int) == [str(h.id) for h in issue.histories]


def test_bulkfetch_filters_by_field_id(fake: FakeJira, client: httpx.Client) -> None:
    issue = heavy_issue(fake)
    page = client.post(
        "/rest/api/3/changelog/bulkfetch",
        json={"issueIdsOrKeys": [issue.key], "fieldIds": ["status"]},
    ).json()
    histories = page["issueChangeLogs"][0]["changeHistories"]
    status_changes = [h for h in issue.histories if any(c[0] == "status" for c in h.changes)]
    assert len(histories) == len(status_changes)
    assert {item["fieldId"] for h in histories for item in h["items"]} == {"status"}


@pytest.mark.parametrize("keys", [[], [f"DEMO-{n}" for n in range(1, 1002)]])
def test_bulkfetch_needs_1_to_1000_issues(client: httpx.Client, keys: list[str]) -> None:
    assert refused(
        client.post("/rest/api/3/changelog/bulkfetch", json={"issueIdsOrKeys": keys}), 400
    ) == ["issueIdsOrKeys must list between 1 and 1000 issue ids or keys."]


def test_issue_endpoint_serves_one_issue(fake: FakeJira, client: httpx.Client) -> None:
    issue = client.get("/rest/api/3/issue/DEMO-10").json()
    validate(issue, "IssueBean")
    assert (
        issue["key"] == "DEMO-10"
        and issue["fields"]["summary"] == fake.dataset.get("DEMO-10").summary
    )  # type: ignore[union-attr]
    assert refused(client.get("/rest/api/3/issue/DEMO-0"), 404)


def test_changelog_fetches_may_run_concurrently(fake: FakeJira) -> None:
    issues = fake.dataset.issues()[:16]
    results: dict[str, int] = {}

    def fetch(key: str) -> None:
        with httpx.Client(base_url=fake.base_url, auth=AUTH, timeout=10) as http:
            results[key] = http.get(f"/rest/api/3/issue/{key}/changelog").json()["total"]

    threads = [threading.Thread(target=fetch, args=(i.key,)) for i in issues]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results == {i.key: len(i.histories) for i in issues}


# ---------------------------------------------------------------------- auth


def unauthenticated(response: httpx.Response) -> None:
    assert response.status_code == 401
    assert response.json() == {
        "message": "Client must be authenticated to access this resource.",
        "status-code": 401,
    }


def test_requests_without_credentials_are_401(fake: FakeJira) -> None:
    unauthenticated(httpx.get(f"{fake.base_url}/rest/api/3/myself"))
    unauthenticated(
        httpx.post(f"{fake.base_url}/rest/api/3/search/jql", json={"jql": "project = DEMO"})
    )


def test_a_wrong_token_is_401_with_the_login_reason(fake: FakeJira) -> None:
    response = httpx.get(f"{fake.base_url}/rest/api/3/myself", auth=(AUTH[0], "wrong"))
    unauthenticated(response)
    assert response.headers["X-Seraph-LoginReason"] == "AUTHENTICATED_FAILED"


def test_an_api_token_sent_as_bearer_is_401(fake: FakeJira) -> None:
    unauthenticated(
        httpx.get(
            f"{fake.base_url}/rest/api/3/myself", headers={"Authorization": "Bearer demo-token"}
        )
    )


def test_ordinary_responses_carry_the_burst_rate_limit_headers(client: httpx.Client) -> None:
    headers = client.get("/rest/api/3/myself").headers
    assert headers["X-RateLimit-Limit"] == "350"
    assert headers["RateLimit-Policy"] == '"jira-burst-based";q=100;w=1'


# ------------------------------------------------------------- data changes


def test_touched_issues_show_up_in_an_updated_since_query() -> None:
    with (
        FakeJira("cloud", issues=80, seed=3, now=NOW) as server,
        httpx.Client(base_url=server.base_url, auth=AUTH) as http,
    ):
        since = NOW + timedelta(days=2)
        later = since + timedelta(minutes=30)
        server.dataset.touch(["DEMO-5", "DEMO-6"], at=later)
        # "since" written in the user's time zone, as a client formats it (12:00 UTC = 06:00 CST).
        jql = 'project = DEMO AND updated >= "2026-11-22 06:00"'
        keys = [
            i["key"]
            for i in http.post(
                "/rest/api/3/search/jql", json={"jql": jql, "fields": ["updated"]}
            ).json()["issues"]
        ]
        assert sorted(keys) == ["DEMO-5", "DEMO-6"]
        # They were touched at 12:30 UTC = 06:30 local, so a minute later selects nothing.
        later_jql = 'project = DEMO AND updated >= "2026-11-22 06:31"'
        assert http.post("/rest/api/3/search/jql", json={"jql": later_jql}).json()["issues"] == []


def test_deleted_and_moved_issues_leave_the_project_query() -> None:
    with (
        FakeJira("cloud", issues=30, seed=3, now=NOW) as server,
        httpx.Client(base_url=server.base_url, auth=AUTH) as http,
    ):
        server.dataset.delete("DEMO-4")
        new_key = server.dataset.move("DEMO-5", "OPS", at=NOW + timedelta(hours=1))
        pages = walk(http, {"jql": "project = DEMO", "fields": ["summary"]})
        keys = {i["key"] for p in pages for i in p["issues"]}
        assert len(keys) == 28 and "DEMO-4" not in keys and "DEMO-5" not in keys
        assert http.get("/rest/api/3/issue/DEMO-4").status_code == 404
        assert http.get("/rest/api/3/issue/DEMO-5").json()["key"] == new_key == "OPS-1"
