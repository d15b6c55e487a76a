"""The JIRA client over httpx.MockTransport: auth, paging, retries, error mapping, secrets."""

from __future__ import annotations

import base64
import json
import logging
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from typing import Any

import httpx
import pytest

from data.errors import ValidationError
from data.jira.client import JiraClient, RetryPolicy, epoch_to_iso, retry_after_seconds
from data.jira.errors import (
    JiraAuthError,
    JiraDeploymentMismatch,
    JiraQueryError,
    JiraRateLimited,
    JiraUnavailable,
)
from data.jira.pages import History

SECRET = "s3cret-token-value"
Handler = Callable[[httpx.Request], httpx.Response]


class Recorder:
    """Answers requests with a handler and keeps them, plus the time the client slept before each
    retry (the default policy's waits, slept in steps of at most a second for the countdown)."""

    def __init__(self, handler: Handler) -> None:
        self.handler = handler
        self.requests: list[httpx.Request] = []
        self.sleeps: list[float] = []
        self.told: list[str] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        return self.handler(request)

    def sleep(self, seconds: float) -> None:
        if len(self.sleeps) < len(self.requests):  # the first step of the wait after a request
            self.sleeps.append(0.0)
        self.sleeps[-1] += seconds

    def client(self, deployment: str = "cloud", **options: Any) -> JiraClient:
        policy = RetryPolicy(sleep=self.sleep, on_retry=self.told.append)
        return JiraClient(
            "https://acme.example",
            deployment=deployment,
            email="me@example.com",
            token=SECRET,
            retry=options.pop("retry", policy),
            transport=httpx.MockTransport(self),
            **options,
        )


def ok(body: Any, **headers: str) -> httpx.Response:
    return httpx.Response(200, json=body, headers=headers)


def test_cloud_sends_basic_email_token_and_datacenter_sends_bearer() -> None:
    rec = Recorder(lambda r: ok({"accountId": "1", "displayName": "Me"}))
    rec.client("cloud").myself()
    rec.client("datacenter").myself()
    expected = base64.b64encode(f"me@example.com:{SECRET}".encode()).decode()
    assert rec.requests[0].headers["Authorization"] == f"Basic {expected}"
    assert rec.requests[1].headers["Authorization"] == f"Bearer {SECRET}"


@pytest.mark.parametrize(
    ("deployment_type", "expected"), [("Cloud", "cloud"), ("Server", "datacenter")]
)
def test_deployment_is_detected_from_server_info(deployment_type: str, expected: str) -> None:
    rec = Recorder(lambda r: ok({"deploymentType": deployment_type, "version": "x"}))
    assert rec.client("auto").deployment == expected


def test_datacenter_anonymous_200_on_myself_is_an_auth_error() -> None:
    rec = Recorder(lambda r: ok({"self": "x"}, **{"X-AUSERNAME": "anonymous"}))
    with pytest.raises(JiraAuthError, match="anonymous"):
        rec.client("datacenter").myself()


def test_cloud_search_follows_tokens_until_is_last() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        body = json.loads(request.content)
        token = body.get("nextPageToken")
        if token is None:
            return ok(
                {"issues": [{"id": "1", "key": "A-1"}], "nextPageToken": "t2", "isLast": False}
            )
        assert token == "t2"
        return ok({"issues": [{"id": "2", "key": "A-2"}], "isLast": True})

    rec = Recorder(handler)
    pages = list(rec.client().search("project = A", ["summary"]))
    assert [[i["key"] for i in issues] for issues, _ in pages] == [["A-1"], ["A-2"]]
    first = json.loads(rec.requests[0].content)
    assert rec.requests[0].url.path == "/rest/api/2/search/jql"
    assert first["fields"] == ["summary"] and "startAt" not in first


def test_datacenter_search_steps_by_the_echoed_max_results() -> None:
    """Asked for 1000, the server caps at 2 and says so; startAt must step by 2, not 1000."""

    def handler(request: httpx.Request) -> httpx.Response:
        start = json.loads(request.content)["startAt"]
        issues = [{"id": str(n), "key": f"A-{n}"} for n in range(start, min(start + 2, 5))]
        return ok({"startAt": start, "maxResults": 2, "total": 5, "issues": issues})

    rec = Recorder(handler)
    keys = [i["key"] for issues, _ in rec.client("datacenter").search("p", ["id"]) for i in issues]
    assert keys == ["A-0", "A-1", "A-2", "A-3", "A-4"]
    starts = sorted(json.loads(r.content)["startAt"] for r in rec.requests)
    assert starts == [0, 2, 4]


def test_429_waits_what_retry_after_asks_with_a_countdown() -> None:
    answers = iter([httpx.Response(429, headers={"Retry-After": "3"}), ok([])])
    rec = Recorder(lambda r: next(answers))
    assert rec.client().fields() == []
    assert rec.sleeps == [3.0]
    assert [m.split("; ")[-1] for m in rec.told] == [
        "retrying in 3 s (attempt 1 of 4)",
        "retrying in 2 s (attempt 1 of 4)",
        "retrying in 1 s (attempt 1 of 4)",
    ]


def test_a_retry_after_longer_than_the_wait_left_stops_at_once_and_says_when() -> None:
    answers = iter(
        [
            httpx.Response(429, headers={"Retry-After": "7"}),
            httpx.Response(429, headers={"Retry-After": "500"}),
            ok([]),
        ]
    )
    rec = Recorder(lambda r: next(answers))
    with pytest.raises(JiraRateLimited, match=r"asked to wait 500 s .* try again in 9 minutes"):
        rec.client().fields()
    assert rec.sleeps == [7.0] and len(rec.requests) == 2


def test_retry_after_may_be_an_http_date() -> None:
    soon = format_datetime(datetime.now(UTC) + timedelta(seconds=30), usegmt=True)
    assert 28 <= (retry_after_seconds(soon) or 0) <= 30
    assert retry_after_seconds("Wed, 21 Oct 2015 07:28:00 GMT") == 0.0  # in the past: now
    assert retry_after_seconds("soon") is None and retry_after_seconds(None) is None


def test_backoff_without_retry_after_doubles_with_jitter_within_the_total_wait() -> None:
    rec = Recorder(lambda r: httpx.Response(503))
    with pytest.raises(JiraUnavailable, match=r"503 .*4 times in \d+ s"):
        rec.client().fields()
    # 4 attempts: 2 and 4 s (each times a factor in 0.7–1.3), then 8 s cut to what is left of 15.
    assert len(rec.requests) == 4 and len(rec.sleeps) == 3
    for delay, base in zip(rec.sleeps[:2], [2, 4], strict=True):
        assert 0.7 * base <= delay <= 1.3 * base
    assert 0.7 * 8 <= rec.sleeps[2] <= 1.3 * 8 and sum(rec.sleeps) <= 15.0
    assert rec.told[0].startswith("JIRA is busy: 503 on GET /rest/api/2/field; retrying in")


def test_rate_limit_that_never_ends_is_a_typed_error() -> None:
    rec = Recorder(lambda r: httpx.Response(429, headers={"Retry-After": "1"}))
    with pytest.raises(JiraRateLimited, match="4 times in"):
        rec.client().fields()


def test_a_non_idempotent_call_is_retried_only_when_jira_cannot_have_acted() -> None:
    rec = Recorder(lambda r: httpx.Response(502))
    with pytest.raises(JiraUnavailable, match="once"):
        rec.client()._send("POST", "/rest/api/2/thing", idempotent=False)
    answers = iter([httpx.Response(503, headers={"Retry-After": "1"}), ok({})])
    rec = Recorder(lambda r: next(answers))
    assert rec.client()._send("POST", "/rest/api/2/thing", idempotent=False).status_code == 200


def test_bad_jql_carries_jiras_sentence() -> None:
    message = "The value 'NOPE' does not exist for the field 'project'."
    rec = Recorder(lambda r: httpx.Response(400, json={"errorMessages": [message], "errors": {}}))
    with pytest.raises(JiraQueryError) as info:
        list(rec.client().search("project = NOPE", ["id"]))
    assert message in str(info.value)
    assert len(rec.requests) == 1  # a 400 is not retried


def test_401_names_the_credentials_to_fix_per_deployment() -> None:
    body = {"message": "Client must be authenticated to access this resource.", "status-code": 401}
    rec = Recorder(lambda r: httpx.Response(401, json=body))
    with pytest.raises(JiraAuthError, match="email and API token"):
        rec.client("cloud").fields()
    with pytest.raises(JiraAuthError, match="personal access token"):
        rec.client("datacenter").fields()


def test_basic_auth_disabled_on_datacenter_explains_the_pat() -> None:
    body = {"message": "Basic Authentication has been disabled on this instance."}
    rec = Recorder(lambda r: httpx.Response(403, json=body))
    with pytest.raises(JiraAuthError, match="personal access token"):
        rec.client("cloud").fields()


def test_410_on_the_legacy_search_explains_the_deployment_mismatch() -> None:
    body = {"errorMessages": ["The requested API has been removed."], "errors": {}}
    rec = Recorder(lambda r: httpx.Response(410, json=body))
    with pytest.raises(JiraDeploymentMismatch, match="deployment to cloud"):
        list(rec.client("datacenter").search("project = A", ["id"]))


def test_token_never_appears_in_repr_errors_or_logs(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    rec = Recorder(lambda r: httpx.Response(401, json={"message": "no"}))
    client = rec.client("cloud")
    with pytest.raises(JiraAuthError) as info:
        client.fields()
    encoded = base64.b64encode(f"me@example.com:{SECRET}".encode()).decode()
    for text in (repr(client), str(info.value), caplog.text):
        assert SECRET not in text and encoded not in text


def test_cloud_changelogs_come_from_bulkfetch_for_status_and_accept_epoch_seconds() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/search/jql"):
            return ok({"issues": [{"id": "10", "key": "A-1", "fields": {}}], "isLast": True})
        body = json.loads(request.content)
        assert body["issueIdsOrKeys"] == ["10"] and body["fieldIds"] == ["status"]
        history = {
            "id": "1",
            "created": 1492070429,
            "items": [{"field": "status", "toString": "Done"}],
        }
        return ok({"issueChangeLogs": [{"issueId": "10", "changeHistories": [history]}]})

    rec = Recorder(handler)
    [(issues, _)] = list(rec.client().search_with_changelogs("project = A", ["status"]))
    changelog = issues[0]["changelog"]
    assert changelog["total"] == 1
    # 1492070429 s after the epoch is 2017-04-13T08:00:29 UTC (not 1970: it is seconds, not ms).
    assert changelog["histories"][0]["created"] == "2017-04-13T08:00:29.000+00:00"


def test_datacenter_rereads_issues_whose_changelog_is_short() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/rest/api/2/search":
            issue = {
                "id": "10",
                "key": "A-1",
                "changelog": {"total": 3, "histories": [{"id": "1"}]},
            }
            return ok({"startAt": 0, "maxResults": 1000, "total": 1, "issues": [issue]})
        assert request.url.path == "/rest/api/2/issue/A-1"
        assert request.url.params["expand"] == "changelog"
        return ok({"changelog": {"total": 3, "histories": [{"id": "1"}, {"id": "2"}, {"id": "3"}]}})

    rec = Recorder(handler)
    [(issues, total)] = list(rec.client("datacenter").search_with_changelogs("p", ["status"]))
    assert total == 1
    assert [h["id"] for h in issues[0]["changelog"]["histories"]] == ["1", "2", "3"]


@pytest.mark.parametrize("odd", [False, True])
def test_datacenter_pages_decode_typed_unless_their_shape_is_another(odd: bool) -> None:
    history = {"id": "7", "created": "2026-01-02T03:04:05.678-0600", "author": {"name": "x"}}
    history["items"] = [{"field": "status", "fromString": "To Do", "toString": "Done"}]
    issue = {"id": "10", "key": "A-1", "fields": {}, "changelog": {"total": 2}}
    issue["changelog"]["histories"] = [history, "not a history" if odd else history]

    def handler(request: httpx.Request) -> httpx.Response:
        return ok({"startAt": 0, "maxResults": 1000, "total": 1, "issues": [issue]})

    rec = Recorder(handler)
    [(issues, _)] = list(rec.client("datacenter").search_with_changelogs("p", ["status"]))
    first = issues[0]["changelog"]["histories"][0]
    if odd:  # the generic decode, as JIRA sent it
        assert issues[0]["changelog"]["histories"] == [history, "not a history"]
    else:  # typed: the author is skipped, the rest is what JIRA sent
        assert isinstance(first, History) and not hasattr(first, "author")
        assert (first.id, first.created) == (history["id"], history["created"])
        assert [item.as_dict() for item in first.items] == [
            {"field": "status", "fieldId": None, "from": None, "fromString": "To Do", "to": None,
             "toString": "Done"}
        ]  # fmt: skip


def test_epoch_milliseconds_are_told_from_seconds() -> None:
    assert (
        epoch_to_iso(1492070429000) == epoch_to_iso(1492070429) == "2017-04-13T08:00:29.000+00:00"
    )


def _changelog_pages(request: httpx.Request) -> httpx.Response:
    """``/issue/A-1/changelog`` with 45 histories in pages of 20, oldest first."""
    start = int(request.url.params["startAt"])
    values = [{"id": str(n), "items": []} for n in range(start, min(start + 20, 45))]
    last = start + 20 >= 45
    return ok({"startAt": start, "maxResults": 20, "total": 45, "isLast": last, "values": values})


def test_cloud_completes_a_40_history_changelog_by_paging_the_issue_changelog() -> None:
    rec = Recorder(_changelog_pages)
    issue = {"id": "10", "key": "A-1", "changelog": {"total": 45, "histories": [{}] * 40}}
    assert rec.client("cloud").complete_changelogs([issue]) == 1
    assert [h["id"] for h in issue["changelog"]["histories"]] == [str(n) for n in range(45)]
    assert [r.url.params["startAt"] for r in rec.requests] == ["0", "20", "40"]


def test_cloud_falls_back_to_per_issue_changelogs_when_bulkfetch_is_missing() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/search/jql"):
            return ok({"issues": [{"id": "10", "key": "A-1", "fields": {}}], "isLast": True})
        if request.url.path.endswith("/changelog/bulkfetch"):
            return httpx.Response(404, json={"errorMessages": ["Not found"], "errors": {}})
        return _changelog_pages(request)

    rec = Recorder(handler)
    [(issues, _)] = list(rec.client().search_with_changelogs("project = A", ["status"]))
    assert len(issues[0]["changelog"]["histories"]) == issues[0]["changelog"]["total"] == 45


def test_what_is_wrong_with_the_profile_itself_is_not_something_jira_said() -> None:
    """Raised before any request: ValidationError ("Please check"), not a JiraError."""
    with pytest.raises(ValidationError, match="Unknown deployment 'server'"):
        JiraClient("https://acme.example", deployment="server")
    with pytest.raises(ValidationError, match="has no JIRA URL; set it in Settings"):
        JiraClient.from_profile({"name": "Team", "jira_config": {}})
    rec = Recorder(lambda r: ok([]))
    client = JiraClient(
        "https://acme.example", deployment="cloud", token=SECRET, transport=httpx.MockTransport(rec)
    )
    with pytest.raises(ValidationError, match="need the account email"):
        client.fields()
    assert rec.requests == []
