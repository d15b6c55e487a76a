"""Faults injected into the fake JIRA over real HTTP, and its request accounting."""

from __future__ import annotations

import re
import socket
from datetime import UTC, datetime

import httpx
import pytest

from fakejira import FakeJira, dead_jira
from fakejira.errors import FakeJiraConfigError

NOW = datetime(2026, 11, 20, 12, tzinfo=UTC)
AUTH = ("demo@example.com", "demo-token")
SEARCH = {"jql": "project = DEMO", "fields": ["summary"]}


@pytest.fixture()
def fake():
    with FakeJira("cloud", issues=40, seed=2, now=NOW) as server:
        yield server


@pytest.fixture()
def client(fake: FakeJira):
    with httpx.Client(base_url=fake.base_url, auth=AUTH, timeout=10) as http:
        yield http


def search(client: httpx.Client) -> httpx.Response:
    return client.post("/rest/api/3/search/jql", json=SEARCH)


def test_429_carries_retry_after_and_the_rate_limit_headers(
    fake: FakeJira, client: httpx.Client
) -> None:
    fault = fake.faults.add("429", count=2, retry_after=3)
    statuses = [search(client).status_code for _ in range(3)]
    assert statuses == [429, 429, 200] and fault.fired == 2
    fake.faults.add("429")
    limited = search(client)
    assert limited.headers["Retry-After"] == "1"  # the default wait
    assert limited.headers["X-RateLimit-Remaining"] == "0"
    assert limited.headers["X-RateLimit-NearLimit"] == "true"
    assert limited.headers["RateLimit-Reason"] == "jira-burst-based"
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\dZ", limited.headers["X-RateLimit-Reset"])
    assert limited.json() == {"errorMessages": ["Rate limit exceeded."], "errors": {}}


def test_data_center_429_uses_its_own_headers() -> None:
    with FakeJira("datacenter", issues=5, now=NOW) as server:
        server.faults.add("429", retry_after=2)
        response = httpx.get(
            f"{server.base_url}/rest/api/2/myself", headers={"Authorization": "Bearer demo-token"}
        )
        assert response.status_code == 429
        assert (
            response.headers["Retry-After"],
            response.headers["X-RateLimit-Interval-Seconds"],
            response.headers["X-RateLimit-FillRate"],
        ) == ("2", "5", "1")


@pytest.mark.parametrize("kind", ["500", "502", "503", "504"])
def test_server_errors(fake: FakeJira, client: httpx.Client, kind: str) -> None:
    fake.faults.add(kind)
    failed = search(client)
    assert failed.status_code == int(kind) and "Retry-After" not in failed.headers
    assert failed.json()["errorMessages"]
    assert search(client).status_code == 200


def test_503_may_carry_retry_after(fake: FakeJira, client: httpx.Client) -> None:
    fake.faults.add("503", retry_after=4)
    assert search(client).headers["Retry-After"] == "4"


def test_faults_can_target_one_endpoint_and_wait_their_turn(
    fake: FakeJira, client: httpx.Client
) -> None:
    fake.faults.add("500", endpoint="changelog", after=2, count=None)
    assert client.get("/rest/api/3/myself").status_code == 200
    statuses = [client.get("/rest/api/3/issue/DEMO-1/changelog").status_code for _ in range(4)]
    assert statuses == [200, 200, 500, 500]
    assert search(client).status_code == 200


def test_a_reset_connection_fails_the_request_and_the_next_one_works(
    fake: FakeJira, client: httpx.Client
) -> None:
    fake.faults.add("reset")
    with pytest.raises(httpx.TransportError):
        search(client)
    assert search(client).status_code == 200
    assert [record.status for record in fake.request_log] == [0, 200]


def test_a_truncated_body_stops_halfway_through_its_promised_length(fake: FakeJira) -> None:
    fake.faults.add("truncate", count=2)
    with httpx.Client(base_url=fake.base_url, auth=AUTH) as http:
        with pytest.raises(httpx.TransportError):
            search(http)
    request = b"GET /rest/api/3/serverInfo HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
    with socket.create_connection(("127.0.0.1", fake.port), timeout=5) as raw:
        raw.sendall(request)
        received = b""
        while chunk := raw.recv(65536):
            received += chunk
    head, _, body = received.partition(b"\r\n\r\n")
    promised = int(re.search(rb"Content-Length: (\d+)", head).group(1))  # type: ignore[union-attr]
    assert head.startswith(b"HTTP/1.1 200") and len(body) == promised // 2 < promised


def test_a_slow_response_trips_a_short_client_timeout(fake: FakeJira) -> None:
    fake.faults.add("slow", delay_ms=1500)
    with httpx.Client(base_url=fake.base_url, auth=AUTH, timeout=0.2) as impatient:
        with pytest.raises(httpx.ReadTimeout):
            search(impatient)
    fake.faults.add("slow", delay_ms=50)
    with httpx.Client(base_url=fake.base_url, auth=AUTH, timeout=10) as patient:
        assert search(patient).status_code == 200


def test_a_stall_sends_half_the_answer_then_nothing_until_delay_ms(fake: FakeJira) -> None:
    fake.faults.add("stall", delay_ms=3000)
    with httpx.Client(base_url=fake.base_url, auth=AUTH, timeout=0.5) as impatient:
        with impatient.stream("POST", "/rest/api/3/search/jql", json=SEARCH) as response:
            # The status line and headers came: the silence is mid-body, not before the answer.
            assert response.status_code == 200
            promised = int(response.headers["Content-Length"])
            received = b""
            with pytest.raises(httpx.ReadTimeout):
                for chunk in response.iter_raw():
                    received += chunk
    assert 0 < len(received) == promised // 2
    with httpx.Client(base_url=fake.base_url, auth=AUTH, timeout=10) as patient:
        assert search(patient).status_code == 200


def test_a_stall_ends_with_the_connection_closed_after_delay_ms(fake: FakeJira) -> None:
    fake.faults.add("stall", delay_ms=200)
    with httpx.Client(base_url=fake.base_url, auth=AUTH, timeout=10) as patient:
        with pytest.raises(httpx.RemoteProtocolError, match="incomplete|complete message"):
            search(patient)


def test_malformed_is_a_200_with_json_content_type_whose_body_is_not_json(
    fake: FakeJira, client: httpx.Client
) -> None:
    fake.faults.add("malformed")
    answer = search(client)
    assert answer.status_code == 200 and answer.headers["Content-Type"].startswith(
        "application/json"
    )
    assert int(answer.headers["Content-Length"]) == len(answer.content)
    with pytest.raises(ValueError):
        answer.json()
    assert search(client).json()["issues"]


def test_html_is_a_sign_in_page_instead_of_json(fake: FakeJira, client: httpx.Client) -> None:
    fake.faults.add("html", endpoint="search/jql")
    assert client.get("/rest/api/3/myself").status_code == 200  # only the search is hit
    answer = search(client)
    assert answer.status_code == 200 and answer.headers["Content-Type"].startswith("text/html")
    assert answer.text.startswith("<!DOCTYPE html>") and "Sign in" in answer.text


def test_410_answers_as_a_removed_api(fake: FakeJira, client: httpx.Client) -> None:
    fake.faults.add("410", endpoint="search/jql")
    gone = search(client)
    assert gone.status_code == 410
    assert "The requested API has been removed" in gone.json()["errorMessages"][0]


def test_a_dead_jira_refuses_at_once_or_never_accepts() -> None:
    with dead_jira("refused") as url:
        with pytest.raises(httpx.ConnectError, match="refused"):
            httpx.get(f"{url}/rest/api/2/serverInfo", timeout=5)
    with dead_jira("silent") as url:
        with pytest.raises(httpx.ConnectTimeout):
            httpx.get(f"{url}/rest/api/2/serverInfo", timeout=httpx.Timeout(5, connect=0.3))
    with pytest.raises(FakeJiraConfigError, match="Unknown dead JIRA 'gone'"):
        dead_jira("gone").__enter__()


def test_the_token_expires_after_n_requests_until_faults_are_cleared(
    fake: FakeJira, client: httpx.Client
) -> None:
    fake.faults.add("expire-token", after=3)
    statuses = [search(client).status_code for _ in range(5)]
    assert statuses == [200, 200, 200, 401, 401]
    assert client.get("/rest/api/3/serverInfo").status_code == 200  # public either way
    fake.faults.clear()
    assert search(client).status_code == 200


def test_an_expired_token_on_data_center_turns_the_caller_anonymous() -> None:
    with (
        FakeJira("datacenter", issues=5, now=NOW) as server,
        httpx.Client(
            base_url=server.base_url, headers={"Authorization": "Bearer demo-token"}
        ) as http,
    ):
        server.faults.add("expire-token", after=1)
        assert http.get("/rest/api/2/myself").status_code == 200
        expired = http.get("/rest/api/2/myself")
        assert expired.status_code == 401 and expired.headers["X-AUSERNAME"] == "anonymous"


def test_requests_are_counted_per_endpoint(fake: FakeJira, client: httpx.Client) -> None:
    fake.faults.add("503")
    search(client)
    search(client)
    client.get("/rest/api/3/issue/DEMO-1/changelog")
    client.post("/rest/api/3/changelog/bulkfetch", json={"issueIdsOrKeys": ["DEMO-1"]})
    client.get("/rest/api/3/nothing-here")
    assert fake.request_counts == {
        "search/jql": 2,
        "issue/changelog": 1,
        "changelog/bulkfetch": 1,
        "unknown": 1,
    }
    assert fake.total_requests == 5
    assert [r.status for r in fake.request_log] == [503, 200, 200, 200, 404]
    fake.reset_counts()
    assert fake.total_requests == 0 and fake.request_log == []


def test_latency_applies_to_every_request_and_requests_still_succeed() -> None:
    with FakeJira("cloud", issues=10, now=NOW, latency_ms=20) as server:
        response = httpx.post(f"{server.base_url}/rest/api/3/search/jql", auth=AUTH, json=SEARCH)
        assert response.status_code == 200 and len(response.json()["issues"]) == 10


@pytest.mark.parametrize(
    ("spec", "expected"),
    [
        ("429:count=3,retry_after=1", ("429", 3, 0, "", 1.0)),
        ("reset:after=5,endpoint=search", ("reset", 1, 5, "search", None)),
        ("slow:delay_ms=2000,count=all", ("slow", None, 0, "", None)),
        ("expire-token:after=20", ("expire-token", 1, 20, "", None)),
    ],
)
def test_fault_specs_parse(spec: str, expected: tuple) -> None:
    fault = FakeJira("cloud", issues=0).faults.add_spec(spec)
    assert (fault.kind, fault.count, fault.after, fault.endpoint, fault.retry_after) == expected


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        (
            "418",
            "Unknown fault kind '418'; use one of 429, 503, 500, 502, 504, 410, reset, slow, "
            "stall, truncate, malformed, html, expire-token.",
        ),
        (
            "429:count=x",
            "Bad fault option 'count=x' in '429:count=x'; use count=N|all, after=N, "
            "endpoint=NAME, retry_after=SECONDS or delay_ms=N.",
        ),
        ("429:colour=red", "Bad fault option 'colour=red'"),
        ("500:count=0", "Fault count must be 1 or more (or all), got 0."),
    ],
)
def test_bad_fault_specs_are_refused(spec: str, message: str) -> None:
    with pytest.raises(FakeJiraConfigError) as caught:
        FakeJira("cloud", issues=0).faults.add_spec(spec)
    assert str(caught.value).startswith(message)


def test_bad_constructor_arguments_are_refused() -> None:
    with pytest.raises(FakeJiraConfigError, match="Unknown deployment 'server'"):
        FakeJira("server")
    with pytest.raises(FakeJiraConfigError, match="Project key 'demo-1' is not a JIRA key"):
        FakeJira("cloud", issues=0, project="demo-1")


def test_the_server_binds_loopback_only(fake: FakeJira) -> None:
    assert fake.base_url.startswith("http://127.0.0.1:")
    assert fake._server is not None and fake._server.server_address[0] == "127.0.0.1"


def test_stop_also_ends_kept_alive_connections() -> None:
    server = FakeJira("cloud", issues=3, now=NOW).start()
    with httpx.Client(base_url=server.base_url, auth=AUTH, timeout=5) as http:
        assert http.get("/rest/api/3/myself").status_code == 200
        server.stop()
        with pytest.raises(httpx.TransportError):
            http.get("/rest/api/3/myself")


def test_a_bug_in_the_fake_answers_500_instead_of_dropping_the_connection(
    fake: FakeJira, client: httpx.Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: object, **kwargs: object) -> bytes:
        raise RuntimeError("simulated bug")

    assert fake.renderer is not None
    monkeypatch.setattr(fake.renderer, "issue_json", broken)
    response = client.get("/rest/api/3/issue/DEMO-1")
    assert response.status_code == 500
    assert response.json() == {"errorMessages": ["Internal server error"], "errors": {}}
