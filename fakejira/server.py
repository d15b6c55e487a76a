"""The fake JIRA HTTP server: Cloud or Data Center behaviour over a generated dataset.

    with FakeJira(deployment="cloud", issues=500, seed=7) as fake:
        httpx.get(fake.base_url + "/rest/api/2/serverInfo")
        fake.faults.add("429", count=3, retry_after=1)
        fake.dataset.touch(["DEMO-1"])
        fake.request_counts["search/jql"]

It binds 127.0.0.1 only, serves each request on its own thread (clients may fetch pages and
changelogs concurrently) and follows the behaviour recorded in the shared JIRA notes (NOTES §9).
"""

from __future__ import annotations

import base64
import binascii
import json
import logging
import re
import socket
import struct
import sys
import threading
import time
import zlib
from collections import Counter, deque
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

from fakejira import metadata_bodies
from fakejira.catalog import DEPLOYMENTS, Deployment
from fakejira.dataset import Dataset, Issue, wall_clock_ms
from fakejira.errors import FakeJiraConfigError
from fakejira.faults import SEND_KINDS, Fault, Faults
from fakejira.jql_engine import Evaluator, JqlError, parse
from fakejira.render import HistoryParts, Renderer, dumps

logger = logging.getLogger(__name__)

DEFAULT_EMAIL = "demo@example.com"
DEFAULT_TOKEN = "demo-token"

LEGACY_SEARCH_GONE = (
    "The requested API has been removed. Please migrate to the /rest/api/3/search/jql API. A full "
    "migration guideline is available at https://developer.atlassian.com/changelog/#CHANGE-2046"
)
# What a proxy or single sign-on gateway in front of JIRA answers instead of the API.
SIGN_IN_PAGE = (
    b"<!DOCTYPE html><html><head><title>Sign in</title></head><body><h1>Sign in to continue"
    b"</h1><form method='post' action='/login'><input name='username'></form></body></html>"
)
UNBOUNDED = (
    "Unbounded JQL queries are not allowed here. Please add a search restriction to your query."
)
BAD_PAYLOAD = "Invalid request payload. Refer to the REST API documentation and try again."
NOT_AUTHENTICATED = "Client must be authenticated to access this resource."
BASIC_DISABLED = "Basic Authentication has been disabled on this instance."

# Largest Cloud search/jql page by what is asked for. The API allows maxResults up to 5000 but
# "may return fewer items per page where a large number of fields are requested" (NOTES §1.1);
# these caps are the fake's reading of that, so clients must follow nextPageToken, not count.
CLOUD_PAGE_CAP_IDS = 5000
CLOUD_PAGE_CAP_FIELDS = 1000
CLOUD_PAGE_CAP_HEAVY = 100
DC_PAGE_CAP = 1000
DC_SEARCH_WINDOW = 10_000
CHANGELOG_PAGE_CAP = 100
REQUEST_LOG_SIZE = 100_000
SEARCH_JQL_KEYS = {
    "jql",
    "nextPageToken",
    "maxResults",
    "fields",
    "expand",
    "properties",
    "fieldsByKeys",
    "reconcileIssues",
    "failFast",
}
BULKFETCH_KEYS = {"issueIdsOrKeys", "fieldIds", "maxResults", "nextPageToken"}


@dataclass(slots=True)
class Response:
    status: int
    body: bytes
    content_type: str = "application/json;charset=UTF-8"
    headers: dict[str, str] = field(default_factory=dict)


def json_response(status: int, value: object, headers: dict[str, str] | None = None) -> Response:
    """A JSON response from a value, or from JSON text/bytes already assembled."""
    if isinstance(value, bytes):
        body = value
    else:
        body = (value if isinstance(value, str) else dumps(value)).encode()
    return Response(status, body, headers=headers or {})


def error(status: int, *messages: str, headers: dict[str, str] | None = None) -> Response:
    return json_response(status, {"errorMessages": list(messages), "errors": {}}, headers)


class BadRequest(Exception):
    """A request the endpoint refuses; carries the response to send."""

    def __init__(self, response: Response) -> None:
        self.response = response


@dataclass(slots=True)
class Request:
    method: str
    path: str
    version: str
    params: dict[str, str]
    query: dict[str, list[str]]
    body: bytes
    headers: Any
    anonymous: bool = False  # Data Center let an unauthenticated caller in as anonymous
    authenticated: bool = False  # the credentials were checked and accepted

    def json_body(self, problem_json: bool) -> dict[str, Any]:
        """The JSON object body; 415 without a JSON Content-Type (NOTES §1.1), 400 if unreadable."""
        content_type = self.headers.get("Content-Type")
        if not content_type or not content_type.split(";")[0].strip().endswith("json"):
            shown = content_type or "null"
            if problem_json:
                raise BadRequest(
                    Response(
                        415,
                        dumps(
                            {
                                "title": "Unsupported Media Type",
                                "detail": f"Content-Type '{shown}' is not supported.",
                                "instance": self.path,
                            }
                        ).encode(),
                        content_type="application/problem+json",
                    )
                )
            raise BadRequest(
                json_response(415, {"message": "Unsupported Media Type", "status-code": 415})
            )
        try:
            value = json.loads(self.body or b"null")
        except ValueError:
            value = None
        if not isinstance(value, dict):
            raise BadRequest(error(400, BAD_PAYLOAD))
        return value

    def one(self, name: str) -> str | None:
        values = self.query.get(name)
        return values[-1] if values else None

    def listed(self, name: str) -> list[str] | None:
        """A list parameter given as repeated keys and/or comma-separated values."""
        values = self.query.get(name)
        if values is None:
            return None
        return [part.strip() for value in values for part in value.split(",") if part.strip()]


@dataclass(frozen=True, slots=True)
class RequestRecord:
    method: str
    path: str
    endpoint: str
    status: int  # 0 when the connection was reset before any response


Handler = Callable[["FakeJira", Request], Response]


class FakeJira:
    """A Cloud or Data Center JIRA on 127.0.0.1 over a deterministic generated project."""

    def __init__(
        self,
        deployment: str = "cloud",
        issues: int = 500,
        seed: int = 7,
        latency_ms: float = 0,
        *,
        now: datetime | None = None,
        project: str = "DEMO",
        email: str = DEFAULT_EMAIL,
        token: str = DEFAULT_TOKEN,
        basic_auth: bool = True,
        anonymous_myself: bool = False,
        port: int = 0,
        timezone: str = "America/Chicago",
        scrum: bool = False,
    ) -> None:
        if deployment not in DEPLOYMENTS:
            raise FakeJiraConfigError(
                f"Unknown deployment {deployment!r}; use 'cloud' or 'datacenter'."
            )
        if latency_ms < 0:
            raise FakeJiraConfigError(f"latency_ms must not be negative, got {latency_ms}.")
        if not re.fullmatch(r"[A-Z][A-Z0-9_]{0,9}", project):
            raise FakeJiraConfigError(
                f"Project key {project!r} is not a JIRA key; use 1-10 capitals/digits, e.g. DEMO."
            )
        self.deployment: Deployment = deployment  # type: ignore[assignment]
        self.latency_ms = latency_ms
        self.email = email
        self.token = token
        self.basic_auth = basic_auth
        self.anonymous_myself = anonymous_myself
        self.port = port
        self.dataset = Dataset(
            issues=issues, seed=seed, now=now, project=project, timezone=timezone, scrum=scrum
        )
        self.faults = Faults()
        self._counts: Counter[str] = Counter()
        # Bounded so a long-running demo server does not grow without end.
        self._log: deque[RequestRecord] = deque(maxlen=REQUEST_LOG_SIZE)
        self._stats_lock = threading.Lock()
        self._in_flight = 0
        self._peak_in_flight = 0
        self._search_cache: dict[tuple[str, bool, int], list[Issue]] = {}
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None
        self.renderer: Renderer | None = None

    # -------------------------------------------------------------- lifecycle

    def start(self) -> FakeJira:
        if self._server is not None:
            return self
        server = _Server(("127.0.0.1", self.port), _RequestHandler)
        server.app = self
        self._server = server
        self.port = server.server_address[1]
        self.renderer = Renderer(self.dataset, self.deployment, self.base_url)
        self._thread = threading.Thread(
            target=server.serve_forever,
            kwargs={"poll_interval": 0.05},
            name=f"fake-jira-{self.port}",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        server, self._server = self._server, None
        if server is None:
            return
        server.shutdown()
        server.close_connections()
        server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def serve_forever(self) -> None:
        """Run in the calling thread until interrupted (the CLI's foreground mode)."""
        self.start()
        try:
            while self._thread is not None and self._thread.is_alive():
                self._thread.join(0.5)
        finally:
            self.stop()

    def __enter__(self) -> FakeJira:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    @property
    def base_url(self) -> str:
        if self._server is None and self.renderer is None:
            raise RuntimeError("The fake JIRA is not started; call start() or use it in a with.")
        return f"http://127.0.0.1:{self.port}"

    # ------------------------------------------------------------ accounting

    @property
    def request_counts(self) -> Counter[str]:
        """Requests served so far by endpoint name (a copy), faulted ones included."""
        with self._stats_lock:
            return Counter(self._counts)

    @property
    def total_requests(self) -> int:
        with self._stats_lock:
            return sum(self._counts.values())

    @property
    def request_log(self) -> list[RequestRecord]:
        """The latest requests (up to REQUEST_LOG_SIZE), oldest first."""
        with self._stats_lock:
            return list(self._log)

    @property
    def peak_in_flight(self) -> int:
        """The most requests answered at once since the counts were last reset."""
        with self._stats_lock:
            return self._peak_in_flight

    def reset_counts(self) -> None:
        with self._stats_lock:
            self._counts.clear()
            self._log.clear()
            self._peak_in_flight = self._in_flight

    @contextmanager
    def _answering(self) -> Iterator[None]:
        with self._stats_lock:
            self._in_flight += 1
            self._peak_in_flight = max(self._peak_in_flight, self._in_flight)
        try:
            yield
        finally:
            with self._stats_lock:
                self._in_flight -= 1

    def _record(self, record: RequestRecord) -> None:
        with self._stats_lock:
            self._counts[record.endpoint] += 1
            self._log.append(record)

    # ------------------------------------------------------------------ auth

    def authenticate(self, request: Request) -> Response | None:
        """None if the caller may go on (request.anonymous tells how), else the refusal."""
        header = request.headers.get("Authorization") or ""
        scheme, _, credentials = header.partition(" ")
        scheme = scheme.lower()
        token_ok = not self.faults.token_expired
        refused = {"X-Seraph-LoginReason": "AUTHENTICATED_FAILED"}
        if scheme == "basic":
            try:
                user, _, secret = base64.b64decode(credentials).decode().partition(":")
            except (binascii.Error, UnicodeDecodeError):
                user, secret = "", ""
            if self.deployment == "datacenter" and not self.basic_auth:
                return json_response(403, {"message": BASIC_DISABLED})
            users = {self.email}
            if self.deployment == "datacenter":
                users.add(metadata_bodies.dc_username(self.email))
            if user in users and secret == self.token and token_ok:
                request.authenticated = True
                return None
            return self._unauthenticated(refused)
        if self.deployment == "cloud":
            # Cloud API tokens only work with Basic; Bearer is for OAuth 2.0 (NOTES §4).
            return self._unauthenticated(refused if scheme == "bearer" else {})
        if scheme == "bearer" and credentials == self.token and token_ok:
            request.authenticated = True
            return None
        # Data Center treats a missing or unknown token as an anonymous caller (NOTES §4).
        request.anonymous = True
        return None

    @staticmethod
    def _unauthenticated(headers: dict[str, str]) -> Response:
        return json_response(401, {"message": NOT_AUTHENTICATED, "status-code": 401}, headers)

    def common_headers(self, request: Request) -> dict[str, str]:
        if self.deployment == "cloud":
            return {  # as observed on an ordinary Cloud 200 (NOTES §4)
                "RateLimit": '"jira-burst-based";r=348;t=1',
                "RateLimit-Policy": '"jira-burst-based";q=100;w=1',
                "X-RateLimit-Limit": "350",
                "X-RateLimit-Remaining": "348",
            }
        user = metadata_bodies.dc_username(self.email) if request.authenticated else "anonymous"
        return {"X-AUSERNAME": user}

    def fault_response(self, fault: Fault) -> Response:
        if fault.kind == "429":
            retry_after = f"{fault.retry_after:g}"
            if self.deployment == "cloud":
                reset = datetime.now(UTC) + timedelta(seconds=fault.retry_after or 0)
                headers = {
                    "Retry-After": retry_after,
                    "X-RateLimit-Limit": "350",
                    "X-RateLimit-Remaining": "0",
                    "X-RateLimit-NearLimit": "true",
                    "X-RateLimit-Reset": f"{reset:%Y-%m-%dT%H:%MZ}",
                    "RateLimit-Reason": "jira-burst-based",
                }
            else:
                headers = {
                    "Retry-After": retry_after,
                    "X-RateLimit-Limit": "70",
                    "X-RateLimit-Remaining": "0",
                    "X-RateLimit-Interval-Seconds": "5",
                    "X-RateLimit-FillRate": "1",
                }
            return error(429, "Rate limit exceeded.", headers=headers)
        if fault.kind == "410":
            return error(410, LEGACY_SEARCH_GONE)
        if fault.kind == "malformed":
            return json_response(200, b'{"issues": [{"id": "10001", "key": \x00\xff garbled')
        if fault.kind == "html":
            return Response(200, SIGN_IN_PAGE, content_type="text/html; charset=utf-8")
        headers = {}
        if fault.retry_after is not None:
            headers["Retry-After"] = f"{fault.retry_after:g}"
        text = {
            "500": "Internal server error",
            "502": "Bad Gateway",
            "503": "Service Unavailable",
            "504": "Gateway Timeout",
        }[fault.kind]
        return error(int(fault.kind), text, headers=headers)

    # ---------------------------------------------------------------- search

    def matching(self, jql: str, anonymous: bool, bounded: bool) -> list[Issue]:
        """The issues the JQL selects, in its order; raises BadRequest with JIRA's message."""
        try:
            query = parse(jql)
            if bounded and query.where is None:
                raise BadRequest(error(400, UNBOUNDED))
            cache_key = (jql, anonymous, self.dataset.generation)
            cached = self._search_cache.get(cache_key)
            if cached is not None:
                return cached
            evaluator = Evaluator(self.dataset, self.deployment, wall_clock_ms, anonymous)
            predicate, sort_key = evaluator.compile(query)
            with self.dataset.lock:
                found = sorted((i for i in self.dataset.issues() if predicate(i)), key=sort_key)
        except JqlError as exc:
            raise BadRequest(error(400, str(exc))) from None
        if len(self._search_cache) > 16:
            self._search_cache.clear()
        self._search_cache[cache_key] = found
        return found

    def select_fields(self, requested: list[str] | None, default: str) -> list[str] | None:
        """Field ids to include, in catalog order; None means "id only" (Cloud search default)."""
        assert self.renderer is not None
        tokens = requested or [default]
        if all(token == "id" for token in tokens) and self.deployment == "cloud":
            return None
        known = self.renderer.field_ids
        include: set[str] = set()
        exclude: set[str] = set()
        for token in tokens:
            if token in ("*all", "*navigable"):
                include.update(known)
            elif token.startswith("-"):
                exclude.add(token[1:])
            elif token in known:
                include.add(token)
        return [fid for fid in known if fid in include and fid not in exclude]


# ======================================================================= endpoints


def _server_info(app: FakeJira, request: Request) -> Response:
    assert app.renderer is not None
    return json_response(200, metadata_bodies.server_info(app.renderer))


def _myself(app: FakeJira, request: Request) -> Response:
    assert app.renderer is not None
    if request.anonymous:
        if app.anonymous_myself:
            # The trap some Data Center setups spring (NOTES §4): 200, but nobody is logged in;
            # only X-AUSERNAME and the missing name/key tell.
            return json_response(200, {})
        return FakeJira._unauthenticated({})
    return json_response(200, metadata_bodies.myself(app.renderer, request.version, app.email))


def _fields(app: FakeJira, request: Request) -> Response:
    assert app.renderer is not None
    return json_response(200, metadata_bodies.fields(app.renderer))


def _statuses(app: FakeJira, request: Request) -> Response:
    assert app.renderer is not None
    return json_response(200, metadata_bodies.statuses(app.renderer, request.version))


def _categories(app: FakeJira, request: Request) -> Response:
    assert app.renderer is not None
    return json_response(200, metadata_bodies.categories(app.renderer, request.version))


def _issue_types(app: FakeJira, request: Request) -> Response:
    assert app.renderer is not None
    return json_response(200, metadata_bodies.issue_types(app.renderer, request.version))


def _priorities(app: FakeJira, request: Request) -> Response:
    assert app.renderer is not None
    return json_response(200, metadata_bodies.priorities(app.renderer, request.version))


def _project(app: FakeJira, request: Request) -> Response:
    assert app.renderer is not None
    key = _visible_project(app, request)
    return json_response(200, app.renderer.project(key, request.version))


def _visible_project(app: FakeJira, request: Request) -> str:
    """The project key or id in the path, or a 404 like JIRA's when it is unknown or hidden."""
    wanted = request.params["key"]
    ids = {str(pid): key for key, pid in app.dataset.projects.items()}
    key = ids.get(wanted, wanted.upper())
    if request.anonymous or key not in app.dataset.projects:
        raise BadRequest(error(404, f"No project could be found with key '{wanted}'."))
    return key


def _legacy_search_gone(app: FakeJira, request: Request) -> Response:
    return error(410, LEGACY_SEARCH_GONE)


def _int_param(value: object, name: str, default: int) -> int:
    if value is None or value == "":
        return default
    if isinstance(value, bool):
        raise BadRequest(error(400, f"The value '{value}' for '{name}' is not a number."))
    try:
        return int(value)  # type: ignore[call-overload]
    except (TypeError, ValueError):
        raise BadRequest(error(400, f"The value '{value}' for '{name}' is not a number.")) from None


def _string_list(value: object) -> list[str] | None:
    """A body list of strings; a bare string counts as a comma-separated list, as JIRA's JSON
    reader accepts (DevLake sends `"fields":"*all"`)."""
    if value is None:
        return None
    if isinstance(value, str):
        return [part.strip() for part in value.split(",") if part.strip()]
    if isinstance(value, list) and all(isinstance(item, str) for item in value):
        return [part.strip() for item in value for part in item.split(",") if part.strip()]
    raise BadRequest(error(400, BAD_PAYLOAD))


def _page_token(offset: int, fingerprint: str) -> str:
    raw = f"{offset}:{fingerprint}".encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _read_token(token: object, fingerprint: str) -> int:
    """The offset an opaque token stands for; empty or null is page 1 (NOTES §1.1)."""
    if token is None or token == "":
        return 0
    try:
        raw = base64.urlsafe_b64decode(str(token) + "=" * (-len(str(token)) % 4)).decode()
        offset_text, _, stamp = raw.partition(":")
        offset = int(offset_text)
        if stamp != fingerprint or offset < 0:
            raise ValueError
    except (ValueError, binascii.Error, UnicodeDecodeError):
        raise BadRequest(
            error(400, "The provided next page token is invalid or expired.")
        ) from None
    return offset


def _fingerprint(*parts: object) -> str:
    return f"{zlib.crc32(repr(parts).encode()):08x}"


def _names_and_schema(app: FakeJira, fields: list[str] | None, expand: set[str]) -> str:
    assert app.renderer is not None
    if not fields or not expand & {"names", "schema"}:
        return ""
    catalog = {item["id"]: item for item in metadata_bodies.fields(app.renderer)}
    parts = []
    if "names" in expand:
        parts.append('"names":' + dumps({fid: catalog[fid]["name"] for fid in fields}))
    if "schema" in expand:
        parts.append(
            '"schema":'
            + dumps({fid: catalog[fid]["schema"] for fid in fields if "schema" in catalog[fid]})
        )
    return "," + ",".join(parts)


def _search_jql(app: FakeJira, request: Request) -> Response:
    assert app.renderer is not None
    if request.method == "POST":
        body = request.json_body(problem_json=True)
        unknown = set(body) - SEARCH_JQL_KEYS
        if unknown:
            raise BadRequest(error(400, BAD_PAYLOAD))
        jql, token = body.get("jql"), body.get("nextPageToken")
        max_results = _int_param(body.get("maxResults"), "maxResults", 50)
        fields = _string_list(body.get("fields"))
        expand_value = body.get("expand")
        if expand_value is not None and not isinstance(expand_value, str):
            # Cloud's expand is a comma-separated string, not an array (NOTES §1.1).
            raise BadRequest(error(400, BAD_PAYLOAD))
        reconcile = body.get("reconcileIssues") or []
    else:
        jql, token = request.one("jql"), request.one("nextPageToken")
        max_results = _int_param(request.one("maxResults"), "maxResults", 50)
        fields = request.listed("fields")
        expand_value = request.one("expand")
        reconcile = request.listed("reconcileIssues") or []
    if not 1 <= max_results <= 5000:
        raise BadRequest(error(400, "The maxResults parameter must be between 1 and 5000."))
    if not isinstance(reconcile, list) or len(reconcile) > 50:
        raise BadRequest(error(400, "reconcileIssues takes at most 50 issue ids."))
    if not isinstance(jql, str) or not jql.strip():
        raise BadRequest(error(400, UNBOUNDED))
    expand = {part.strip() for part in str(expand_value or "").split(",") if part.strip()}
    selected = app.select_fields(fields, "id")
    fingerprint = _fingerprint(jql)
    offset = _read_token(token, fingerprint)
    found = app.matching(jql, request.anonymous, bounded=True)
    heavy = "changelog" in expand or any(f in ("*all", "*navigable") for f in fields or ())
    if heavy:
        cap = CLOUD_PAGE_CAP_HEAVY
    else:
        cap = CLOUD_PAGE_CAP_IDS if selected is None else CLOUD_PAGE_CAP_FIELDS
    page = found[offset : offset + min(max_results, cap)]
    changelog = "cloud" if "changelog" in expand else None
    issues = b",".join(
        app.renderer.issue_json(i, request.version, selected, changelog) for i in page
    )
    end = offset + len(page)
    tail = "" if end >= len(found) else f',"nextPageToken":"{_page_token(end, fingerprint)}"'
    is_last = "true" if end >= len(found) else "false"
    extra = _names_and_schema(app, selected, expand)
    return json_response(
        200, b'{"issues":[%s]%s}' % (issues, f'{tail},"isLast":{is_last}{extra}'.encode())
    )


def _approximate_count(app: FakeJira, request: Request) -> Response:
    body = request.json_body(problem_json=True)
    if set(body) - {"jql"}:
        raise BadRequest(error(400, BAD_PAYLOAD))
    jql = body.get("jql")
    if not isinstance(jql, str) or not jql.strip():
        raise BadRequest(error(400, UNBOUNDED))
    return json_response(200, {"count": len(app.matching(jql, request.anonymous, bounded=True))})


def _search_datacenter(app: FakeJira, request: Request) -> Response:
    assert app.renderer is not None
    if request.method == "POST":
        body = request.json_body(problem_json=False)
        jql = body.get("jql") or ""
        start_at = _int_param(body.get("startAt"), "startAt", 0)
        max_results = _int_param(body.get("maxResults"), "maxResults", 50)
        fields = _string_list(body.get("fields"))
        expand = set(_string_list(body.get("expand")) or ())
        validate = body.get("validateQuery", True)
    else:
        jql = request.one("jql") or ""
        start_at = _int_param(request.one("startAt"), "startAt", 0)
        max_results = _int_param(request.one("maxResults"), "maxResults", 50)
        fields = request.listed("fields")
        expand = set(request.listed("expand") or ())
        validate = (request.one("validateQuery") or "true").lower()
        validate = {"true": True, "false": False}.get(validate, validate)
    if not isinstance(validate, bool):
        # validateQuery is a boolean on Data Center; "strict"/"warn" are Cloud words (NOTES §1.4).
        raise BadRequest(
            error(400, f"The value '{validate}' for 'validateQuery' is not a boolean.")
        )
    if not isinstance(jql, str):
        raise BadRequest(error(400, BAD_PAYLOAD))
    start_at = max(start_at, 0)
    if max_results < 0:
        max_results = 50
    max_results = min(max_results, DC_PAGE_CAP)  # silently capped and echoed (NOTES §1.4)
    if start_at + max_results > DC_SEARCH_WINDOW and max_results:
        # The search platform's max_result_window (KB "Handling JQL REST API searching
        # exceeding max_result_window"); the wording is the index's own [inferred].
        raise BadRequest(
            error(
                400,
                "Result window is too large, from + size must be less than or equal to: "
                f"[{DC_SEARCH_WINDOW}] but was [{start_at + max_results}].",
            )
        )
    found = app.matching(jql, request.anonymous, bounded=False)
    if max_results == 0:
        return json_response(
            200,
            {
                "expand": None,
                "startAt": start_at,
                "maxResults": 0,
                "total": len(found),
                "issues": [],
                "warningMessages": None,
                "names": None,
                "schema": None,
            },
        )
    page = found[start_at : start_at + max_results]
    if not page:
        return json_response(
            200, {"startAt": start_at, "maxResults": max_results, "total": len(found), "issues": []}
        )
    selected = app.select_fields(fields, "*navigable")
    changelog = "full" if "changelog" in expand else None
    issues = b",".join(
        app.renderer.issue_json(i, request.version, selected, changelog) for i in page
    )
    names_schema = _names_and_schema(app, selected, expand)
    if not names_schema:
        names_schema = ',"names":null,"schema":null'
    elif '"names"' not in names_schema:
        names_schema += ',"names":null'
    elif '"schema"' not in names_schema:
        names_schema += ',"schema":null'
    head = (
        f'{{"expand":"schema,names","startAt":{start_at},"maxResults":{max_results},'
        f'"total":{len(found)},"issues":['
    )
    tail = f'],"warningMessages":null{names_schema}}}'
    return json_response(200, b"".join((head.encode(), issues, tail.encode())))


def _issue_or_404(app: FakeJira, request: Request) -> Issue:
    issue = app.dataset.get(request.params["key"])
    if request.anonymous:
        raise BadRequest(
            error(
                401, "You do not have the permission to see the specified issue.", "Login Required"
            )
        )
    if issue is None:
        text = (
            "Issue does not exist or you do not have permission to see it."
            if app.deployment == "cloud"
            else "Issue Does Not Exist"
        )
        raise BadRequest(error(404, text))
    return issue


def _issue(app: FakeJira, request: Request) -> Response:
    assert app.renderer is not None
    issue = _issue_or_404(app, request)
    selected = app.select_fields(request.listed("fields"), "*all")
    expand = set(request.listed("expand") or ())
    changelog = None
    if "changelog" in expand:
        changelog = "cloud" if app.deployment == "cloud" else "full"
    return json_response(
        200,
        app.renderer.issue_json(
            issue, request.version, selected if selected is not None else [], changelog
        ),
    )


def _issue_changelog(app: FakeJira, request: Request) -> Response:
    assert app.renderer is not None
    issue = _issue_or_404(app, request)
    start_at = max(_int_param(request.one("startAt"), "startAt", 0), 0)
    max_results = _int_param(request.one("maxResults"), "maxResults", CHANGELOG_PAGE_CAP)
    max_results = min(max(max_results, 1), CHANGELOG_PAGE_CAP)
    histories = app.renderer.histories_bytes(issue, request.version)  # oldest first
    values = b",".join(histories[start_at : start_at + max_results])
    link = f"{app.renderer.api(request.version)}/issue/{request.params['key']}/changelog"
    is_last = start_at + max_results >= len(histories)
    next_page = (
        ""
        if is_last
        else f',"nextPage":"{link}?maxResults={max_results}&startAt={start_at + max_results}"'
    )
    head = (
        f'{{"self":"{link}?maxResults={max_results}&startAt={start_at}"{next_page},'
        f'"maxResults":{max_results},"startAt":{start_at},"total":{len(histories)},'
        f'"isLast":{"true" if is_last else "false"},"values":['
    )
    return json_response(200, head.encode() + values + b"]}")


def _bulkfetch(app: FakeJira, request: Request) -> Response:
    assert app.renderer is not None
    body = request.json_body(problem_json=True)
    if set(body) - BULKFETCH_KEYS:
        raise BadRequest(error(400, BAD_PAYLOAD))
    keys = body.get("issueIdsOrKeys")
    if (
        not isinstance(keys, list)
        or not keys
        or len(keys) > 1000
        or not all(isinstance(key, str) for key in keys)
    ):
        raise BadRequest(
            error(400, "issueIdsOrKeys must list between 1 and 1000 issue ids or keys.")
        )
    field_ids = body.get("fieldIds") or []
    if (
        not isinstance(field_ids, list)
        or len(field_ids) > 10
        or len(set(map(str, field_ids))) != len(field_ids)
    ):
        raise BadRequest(error(400, "fieldIds must list at most 10 distinct field ids."))
    max_results = _int_param(body.get("maxResults"), "maxResults", 1000)
    if not 1 <= max_results <= 10000:
        raise BadRequest(error(400, "The maxResults parameter must be between 1 and 10000."))
    fingerprint = _fingerprint(sorted(keys), sorted(field_ids))
    offset = _read_token(body.get("nextPageToken"), fingerprint)
    wanted = set(map(str, field_ids)) or None
    found: list[tuple[int, int, HistoryParts]] = []
    with app.dataset.lock:
        issues = {}  # by id, so an issue named twice (by key and by id) counts once
        for key in keys:
            issue = app.dataset.get(key)
            if issue is not None:  # unknown or invisible issues are left out, not refused
                issues[issue.id] = issue
        for issue in issues.values():
            for history, parts in zip(
                issue.histories, app.renderer.histories_of(issue), strict=True
            ):
                # fieldIds filters before paging: histories without such items do not count.
                if wanted is None or any(field_id in wanted for field_id, _ in parts[3]):
                    found.append((history.created_ms, issue.id, parts))
    # "sorted by changelog date and issue IDs, starting from the oldest changelog and smallest
    # issue ID" (spec); each page groups its histories by issue.
    found.sort(key=lambda entry: entry[:2])
    page = found[offset : offset + max_results]
    grouped: dict[int, list[bytes]] = {}
    for _created, issue_id, parts in page:
        text = app.renderer.history_bytes(parts, request.version, wanted)
        assert text is not None  # histories without a wanted item were left out above
        grouped.setdefault(issue_id, []).append(text)
    entries = b",".join(
        b'{"issueId":"%d","changeHistories":[%s]}' % (issue_id, b",".join(texts))
        for issue_id, texts in grouped.items()
    )
    end = offset + len(page)
    tail = "" if end >= len(found) else f',"nextPageToken":"{_page_token(end, fingerprint)}"'
    return json_response(200, b'{"issueChangeLogs":[%s]%s}' % (entries, tail.encode()))


def _project_versions(app: FakeJira, request: Request) -> Response:
    assert app.renderer is not None
    key = _visible_project(app, request)
    return json_response(200, metadata_bodies.project_versions(app.renderer, request.version, key))


AGILE_PAGE_CAP = 50
BOARD_NOT_FOUND = "Board does not exist or you do not have permission to see it."
NO_SPRINTS = "The board does not support sprints"
SPRINT_STATES = ("future", "active", "closed")


def _agile_page(request: Request, values: list[object], *, total: bool) -> Response:
    """One page of an Agile API list: startAt / maxResults (default and cap 50) / isLast."""
    start_at = max(_int_param(request.one("startAt"), "startAt", 0), 0)
    max_results = _int_param(request.one("maxResults"), "maxResults", AGILE_PAGE_CAP)
    max_results = min(max(max_results, 1), AGILE_PAGE_CAP)
    page = values[start_at : start_at + max_results]
    body: dict[str, object] = {
        "maxResults": max_results,
        "startAt": start_at,
        "isLast": start_at + len(page) >= len(values),
    }
    if total:  # boards say how many there are; sprint pages do not
        body["total"] = len(values)
    body["values"] = page
    return json_response(200, body)


def _board_json(app: FakeJira, board: Any) -> dict[str, object]:
    project_id = app.dataset.projects[board.project]
    return {
        "id": board.id,
        "self": f"{app.base_url}/rest/agile/1.0/board/{board.id}",
        "name": board.name,
        "type": board.type,
        "location": {
            "projectId": project_id,
            "displayName": f"{board.project.title()} Project ({board.project})",
            "projectName": f"{board.project.title()} Project",
            "projectKey": board.project,
            "projectTypeKey": "software",
            "avatarURI": f"{app.base_url}/secure/projectavatar?size=small&pid={project_id}",
            "name": f"{board.project.title()} Project ({board.project})",
        },
    }


def _visible_board(app: FakeJira, request: Request) -> Any:
    board_id = request.params["board"]
    board = app.dataset.board(int(board_id)) if board_id.isdigit() else None
    if board is None or request.anonymous:
        raise BadRequest(error(404, BOARD_NOT_FOUND))
    return board


def _boards(app: FakeJira, request: Request) -> Response:
    boards = [] if request.anonymous else list(app.dataset.boards)
    kind = request.one("type")
    if kind:
        boards = [b for b in boards if b.type in kind.split(",")]
    name = (request.one("name") or "").lower()
    if name:
        boards = [b for b in boards if name in b.name.lower()]
    project = request.one("projectKeyOrId")
    if project:
        ids = {str(pid): key for key, pid in app.dataset.projects.items()}
        wanted = ids.get(project, project.upper())
        boards = [b for b in boards if b.project == wanted]
    return _agile_page(request, [_board_json(app, b) for b in boards], total=True)


def _board(app: FakeJira, request: Request) -> Response:
    return json_response(200, _board_json(app, _visible_board(app, request)))


def _board_sprints(app: FakeJira, request: Request) -> Response:
    assert app.renderer is not None
    board = _visible_board(app, request)
    if board.type != "scrum":
        raise BadRequest(error(400, NO_SPRINTS))
    states = request.listed("state") or list(SPRINT_STATES)
    unknown = [s for s in states if s not in SPRINT_STATES]
    if unknown:
        raise BadRequest(
            error(
                400,
                f"The value '{unknown[0]}' is not a valid sprint state (future, active, closed).",
            )
        )
    with app.dataset.lock:
        sprints = [
            app.renderer.sprint_json(s)
            for s in app.dataset.sprints
            if s.board_id == board.id and s.state in states
        ]
    return _agile_page(request, sprints, total=False)  # type: ignore[arg-type]


def _sprint(app: FakeJira, request: Request) -> Response:
    assert app.renderer is not None
    sprint_id = request.params["sprint"]
    sprint = app.dataset.sprint(int(sprint_id)) if sprint_id.isdigit() else None
    if sprint is None or request.anonymous:
        raise BadRequest(error(404, f"Sprint with id {sprint_id} does not exist."))
    return json_response(200, app.renderer.sprint_json(sprint))


@dataclass(frozen=True, slots=True)
class Route:
    pattern: re.Pattern[str]
    endpoint: str
    methods: dict[str, Handler]
    deployments: tuple[str, ...] = DEPLOYMENTS
    public: bool = False  # answered without credentials


def _route(path: str, endpoint: str, methods: dict[str, Handler], **options: Any) -> Route:
    return Route(
        re.compile(rf"^/rest/api/(?P<version>2|3|latest)/{path}$"), endpoint, methods, **options
    )


ROUTES = (
    _route("serverInfo", "serverInfo", {"GET": _server_info}, public=True),
    _route("myself", "myself", {"GET": _myself}),
    _route("field", "field", {"GET": _fields}),
    _route("status", "status", {"GET": _statuses}),
    _route("statuscategory", "statuscategory", {"GET": _categories}),
    _route("issuetype", "issuetype", {"GET": _issue_types}),
    _route("priority", "priority", {"GET": _priorities}),
    _route("project/(?P<key>[^/]+)", "project", {"GET": _project}),
    _route(
        "search/jql",
        "search/jql",
        {"GET": _search_jql, "POST": _search_jql},
        deployments=("cloud",),
    ),
    _route(
        "search/approximate-count",
        "search/approximate-count",
        {"POST": _approximate_count},
        deployments=("cloud",),
    ),
    _route(
        "search",
        "search",
        {"GET": _legacy_search_gone, "POST": _legacy_search_gone},
        deployments=("cloud",),
        public=True,
    ),
    _route(
        "search",
        "search",
        {"GET": _search_datacenter, "POST": _search_datacenter},
        deployments=("datacenter",),
    ),
    _route("issue/(?P<key>[^/]+)", "issue", {"GET": _issue}),
    _route(
        "issue/(?P<key>[^/]+)/changelog",
        "issue/changelog",
        {"GET": _issue_changelog},
        deployments=("cloud",),
    ),
    _route(
        "changelog/bulkfetch", "changelog/bulkfetch", {"POST": _bulkfetch}, deployments=("cloud",)
    ),
    _route("project/(?P<key>[^/]+)/versions", "project/versions", {"GET": _project_versions}),
)


def _agile_route(path: str, endpoint: str, methods: dict[str, Handler]) -> Route:
    # JIRA Software's own API, the same path on Cloud and Data Center.
    return Route(re.compile(rf"^/rest/agile/(?P<version>1\.0|latest)/{path}$"), endpoint, methods)


ROUTES += (
    _agile_route("board", "agile/board", {"GET": _boards}),
    _agile_route("board/(?P<board>[^/]+)", "agile/board", {"GET": _board}),
    _agile_route("board/(?P<board>[^/]+)/sprint", "agile/board/sprint", {"GET": _board_sprints}),
    _agile_route("sprint/(?P<sprint>[^/]+)", "agile/sprint", {"GET": _sprint}),
)


def find_route(deployment: str, path: str) -> tuple[Route, dict[str, str]] | None:
    for route in ROUTES:
        if deployment not in route.deployments:
            continue
        match = route.pattern.match(path)
        if match is None:
            continue
        params = match.groupdict()
        # Data Center has no REST API v3.
        if deployment == "datacenter" and params["version"] == "3":
            return None
        return route, params
    return None


# ============================================================================ HTTP


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False
    allow_reuse_address = True
    app: FakeJira

    def __init__(self, address: tuple[str, int], handler: type[BaseHTTPRequestHandler]) -> None:
        super().__init__(address, handler)
        self._open: set[socket.socket] = set()
        self._open_lock = threading.Lock()

    def process_request(self, request: Any, client_address: Any) -> None:
        with self._open_lock:
            self._open.add(request)
        super().process_request(request, client_address)

    def shutdown_request(self, request: Any) -> None:
        with self._open_lock:
            self._open.discard(request)
        super().shutdown_request(request)

    def close_connections(self) -> None:
        """End kept-alive connections too, so a stopped server really stops answering."""
        with self._open_lock:
            connections = list(self._open)
        for connection in connections:
            try:
                connection.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass  # already closed by its handler

    def handle_error(self, request: Any, client_address: Any) -> None:
        # A client hanging up mid-response (a timeout, a cancelled sync) is routine here.
        if isinstance(sys.exc_info()[1], ConnectionError):
            return
        super().handle_error(request, client_address)


class _RequestHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _Server
    timeout = 60  # idle keep-alive connections give up after a minute

    def version_string(self) -> str:
        return "AtlassianEdge" if self.server.app.deployment == "cloud" else "Apache-Coyote/1.1"

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - stdlib signature
        """Quiet: request counts and the request log replace access logging."""

    def do_GET(self) -> None:  # noqa: N802 - stdlib naming
        self._handle()

    def do_POST(self) -> None:  # noqa: N802
        self._handle()

    def do_PUT(self) -> None:  # noqa: N802
        self._handle()

    def do_DELETE(self) -> None:  # noqa: N802
        self._handle()

    def _handle(self) -> None:
        with self.server.app._answering():
            self._respond()

    def _respond(self) -> None:
        app = self.server.app
        url = urlsplit(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length > 0 else b""
        found = find_route(app.deployment, url.path)
        endpoint = found[0].endpoint if found else "unknown"
        if app.latency_ms:
            time.sleep(app.latency_ms / 1000)
        fault = app.faults.pick(endpoint)
        if fault is not None and fault.kind == "reset":
            app._record(RequestRecord(self.command, self.path, endpoint, 0))
            self._reset()
            return
        if fault is not None and fault.kind == "slow":
            time.sleep(fault.delay_ms / 1000)
        request = Request(self.command, url.path, "", {}, parse_qs(url.query), body, self.headers)
        if fault is not None and fault.kind not in SEND_KINDS:
            response = app.fault_response(fault)
            app.authenticate(request)  # so JIRA's headers say whom it took the caller for
        else:
            response = self._dispatch(app, found, request)
        # A proxy's page carries none of JIRA's headers.
        proxied = fault is not None and fault.kind == "html"
        headers = {**({} if proxied else app.common_headers(request)), **response.headers}
        app._record(RequestRecord(self.command, self.path, endpoint, response.status))
        self._send(response, headers, fault)

    def _dispatch(
        self, app: FakeJira, found: tuple[Route, dict[str, str]] | None, request: Request
    ) -> Response:
        if found is None:
            return json_response(
                404, {"message": f"null for uri: {app.base_url}{self.path}", "status-code": 404}
            )
        route, params = found
        handler = route.methods.get(request.method)
        if handler is None:
            return json_response(405, {"message": "Method Not Allowed", "status-code": 405})
        request.version = params.pop("version")
        request.params = params
        try:
            if not route.public:
                refusal = app.authenticate(request)
                if refusal is not None:
                    return refusal
            return handler(app, request)
        except BadRequest as refused:
            return refused.response
        except Exception:
            # A bug in the fake must look like a JIRA 500, not a dropped connection.
            logger.exception("fake JIRA failed on %s %s", request.method, request.path)
            return error(500, "Internal server error")

    def _send(self, response: Response, headers: dict[str, str], fault: Fault | None) -> None:
        """Send ``response``; a truncate or stall fault sends half its body, a stall then waits
        ``delay_ms`` before the connection closes."""
        cut = fault is not None and fault.kind in ("truncate", "stall")
        self.send_response(response.status)
        self.send_header("Content-Type", response.content_type)
        self.send_header("Content-Length", str(len(response.body)))
        for name, value in headers.items():
            self.send_header(name, value)
        if cut:
            self.send_header("Connection", "close")
            self.close_connection = True
        self.end_headers()
        self.wfile.write(response.body[: len(response.body) // 2] if cut else response.body)
        if fault is not None and fault.kind == "stall":
            self.wfile.flush()
            time.sleep(fault.delay_ms / 1000)

    def _reset(self) -> None:
        # SO_LINGER with a zero timeout makes close() send a TCP RST instead of a FIN.
        self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.close_connection = True
        self.connection.close()
