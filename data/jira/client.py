"""A small JIRA REST client on httpx for Cloud and Data Center (NOTES.md §1–§4, DESIGN.md 5).

- Deployment: ``serverInfo.deploymentType`` (``Cloud`` or ``Server``) unless the profile says.
- Auth: Cloud = Basic ``email:api_token``; Data Center = ``Bearer <PAT>``.
- Search: Cloud ``POST /rest/api/2/search/jql`` following ``nextPageToken`` until ``isLast`` (v2 so
  text fields are strings, not ADF); Data Center ``POST /rest/api/2/search`` by ``startAt``,
  stepping by the ``maxResults`` the server echoes (it silently caps at 1000), later pages three
  at a time once the first told the total, in windows bounded by id past its 10,000 search window.
- Changelogs: Cloud cuts embedded histories at 40 (newest first); the rest come from
  ``changelog/bulkfetch`` (or ``/issue/{key}/changelog`` where bulkfetch is refused). Data Center
  re-reads the issue with ``expand=changelog``.
- Retries: one loop per request (``JiraClient._call``) under a ``RetryPolicy`` that caps both the
  attempts and the total wait, so a JIRA that keeps failing is named within seconds. A JIRA that
  cannot be reached fails after one retry; 429/503 wait ``Retry-After``; a stalled answer ends at
  the read timeout. While waiting, the policy's ``on_retry`` hears a countdown, and which request
  JIRA is slow to answer.

The token lives in one private header value; ``repr()``, logs and exceptions never show it.
"""

from __future__ import annotations

import base64
import itertools
import json
import logging
import math
import random
import socket
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from itertools import islice
from typing import Any

import httpx
import orjson

from data.errors import JiraError, ValidationError
from data.jira.errors import (
    JiraAuthError,
    JiraBoardError,
    JiraDeploymentMismatch,
    JiraNoAnswer,
    JiraNotFound,
    JiraQueryError,
    JiraRateLimited,
    JiraRequestError,
    JiraResponseError,
    JiraUnavailable,
)
from data.jira.jql import split_order_by
from data.jira.pages import search_page
from data.secrets import unsealed

logger = logging.getLogger("data.jira.client")

CLOUD, DATACENTER = "cloud", "datacenter"
DEPLOYMENTS = ("auto", CLOUD, DATACENTER)
# Per-request caps the APIs document: Cloud search/jql 5000, Data Center search 1000 (echoed).
CLOUD_MAX_PAGE = 5000
DATACENTER_MAX_PAGE = 1000
# Data Center pages asked for at once or waiting for the sync, after the first page. Each holds
# ~25 MB while it arrives and decodes (a 12 MB body, then ~13 MB decoded): three keep a sync of
# 50,000 issues under its 350 MiB (issue 16), a fourth adds ~30 MiB.
DATACENTER_PAGE_WORKERS = 3
# Data Center's search window (max_result_window, default 10,000): startAt beyond it is refused.
DATACENTER_SEARCH_WINDOW = 10_000
BULKFETCH_MAX_ISSUES = 1000
BULKFETCH_MAX_RESULTS = 10000
ISSUE_CHANGELOG_PAGE = 100
AGILE_PAGE = 50  # the Agile API's default and largest page of boards or sprints
# Epoch values below this are seconds (the bulkfetch example), above it milliseconds.
_EPOCH_SECONDS_LIMIT = 100_000_000_000


@dataclass(frozen=True)
class RetryPolicy:
    """How one request is retried. One loop (``JiraClient._call``) with two limits, whichever comes
    first: ``max_attempts`` tries and ``max_total_wait`` seconds of waiting between them.

    - 429, and 503 with ``Retry-After``: wait what JIRA asks (seconds or an HTTP date); when that
      is more than the wait left, stop at once and say how long JIRA asked for.
    - 503 without ``Retry-After``, 502, 504, connection resets, cut-off or garbled bodies:
      ``first_delay`` doubling up to ``max_delay``, times a random factor in ``jitter``; the last
      wait is shortened to what is left of ``max_total_wait``.
    - Nothing listening, unknown host, no connection within ``connect_timeout``: fail fast after
      ``unreachable_attempts`` tries (one retry): a dead JIRA does not come back in seconds.
    - No byte for ``read_timeout`` (a stall): not retried, it has been waited for already.
    - Anything else (4xx, 500, a web page instead of JSON): not retried.

    Tests pass tiny delays and a no-op ``sleep``.
    """

    max_attempts: int = 4
    max_total_wait: float = 15.0
    first_delay: float = 2.0
    max_delay: float = 8.0
    jitter: tuple[float, float] = (0.7, 1.3)
    unreachable_attempts: int = 2
    connect_timeout: float = 5.0
    read_timeout: float = 30.0
    # A request unanswered this long is named to ``on_retry`` once a second until it answers.
    slow_notice: float = 5.0
    sleep: Callable[[float], None] = field(default=time.sleep, compare=False, repr=False)
    # Told, as one line a job can show, why the client waits: the countdown before a retry
    # ("JIRA is busy …; retrying in 4 s (attempt 2 of 4)") or the request JIRA is slow to answer.
    # The sleep may raise (a cancelled job) to stop waiting.
    on_retry: Callable[[str], None] | None = field(default=None, compare=False, repr=False)

    def timeout(self) -> httpx.Timeout:
        return httpx.Timeout(self.read_timeout, connect=self.connect_timeout)

    def backoff(self, attempt: int) -> float:
        """The wait after failed attempt ``attempt`` (1-based): first_delay doubling, capped, with
        jitter."""
        base = min(self.first_delay * 2 ** (attempt - 1), self.max_delay)
        return base * random.uniform(*self.jitter)

    def wait(self, delay: float, reason: str, attempt: int, attempts: int) -> None:
        """Sleep ``delay`` seconds, telling ``on_retry`` the seconds left once a second: the
        fraction down to the next whole second, then whole seconds, so the steps add up to
        ``delay`` itself (rounding what remains could overshoot the total-wait cap)."""
        seconds = math.ceil(delay)
        for left in range(seconds, 0, -1):
            if self.on_retry is not None:
                self.on_retry(f"{reason}; retrying in {left} s (attempt {attempt} of {attempts})")
            self.sleep(delay - (seconds - 1) if left == seconds else 1.0)


def retry_after_seconds(header: str | None) -> float | None:
    """A ``Retry-After`` value in seconds from now (it may be seconds or an HTTP date), or None."""
    if header is None:
        return None
    try:
        return max(float(header), 0.0)
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(header)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max((when - datetime.now(UTC)).total_seconds(), 0.0)


@dataclass(frozen=True)
class _Failure:
    """Why one attempt failed and what the retry loop may do about it.

    ``error`` builds the final error from the tally ("4 times in 14 s"); ``attempts`` is how
    many tries this kind of failure gets (1: none again); ``asked`` is JIRA's Retry-After, and
    ``too_long`` the error when that is longer than the wait left; ``unsent``: the request never
    reached JIRA, so even a non-idempotent call may be retried.
    """

    reason: str
    error: Callable[[str], JiraError]
    attempts: int
    asked: float | None = None
    too_long: Callable[[float], JiraError] | None = None
    unsent: bool = False


def _tally(attempts: int, seconds: float) -> str:
    """How often and for how long a request was tried ("4 times in 14 s")."""
    if attempts == 1:
        return "once"
    return f"{attempts} times in {seconds:.0f} s"


def _in_words(seconds: float) -> str:
    if seconds < 120:
        return f"{math.ceil(seconds)} s"
    return f"{math.ceil(seconds / 60)} minutes"


# What a request is for, in the words of the progress message ("Waiting for JIRA to answer …").
_PURPOSES = (
    ("/search/approximate-count", "the issue count"),
    ("/search", "a page of issues"),
    ("/changelog", "status histories"),
    ("/serverInfo", "the connection check"),
    ("/myself", "the connection check"),
)


def describe_request(method: str, path: str) -> str:
    """``a page of issues (POST /rest/api/2/search/jql)``, or the bare request when unlisted."""
    request = f"{method} {path}"
    for marker, purpose in _PURPOSES:
        if marker in path:
            return f"{purpose} ({request})"
    return request


class _SlowAnswers:
    """Names, once a second, the request JIRA has left unanswered longest (after ``after`` s)."""

    def __init__(self, notify: Callable[[str], None], after: float, gives_up: float) -> None:
        self._notify = notify
        self._after = after
        self._gives_up = gives_up
        self._lock = threading.Lock()
        self._waiting: dict[int, tuple[str, float]] = {}
        self._ids = itertools.count()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    @contextmanager
    def waiting(self, what: str) -> Iterator[None]:
        key = next(self._ids)
        with self._lock:
            self._waiting[key] = (what, time.monotonic())
            if self._thread is None:
                self._thread = threading.Thread(
                    target=self._watch, name="jira-slow-answers", daemon=True
                )
                self._thread.start()
        try:
            yield
        finally:
            with self._lock:
                del self._waiting[key]

    def _watch(self) -> None:
        while not self._stop.wait(1.0):
            with self._lock:
                oldest = min(self._waiting.values(), key=lambda w: w[1], default=None)
            if oldest is None:
                continue
            age = time.monotonic() - oldest[1]
            if age >= self._after:
                self._notify(
                    f"Waiting for JIRA to answer {oldest[0]}: {age:.0f} s so far "
                    f"(Flowcast gives up after {self._gives_up:g} s without data)"
                )

    def close(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join()


def jira_message(response: httpx.Response) -> str:
    """JIRA's own words from any of its error shapes (NOTES §4), or a short excerpt of the body."""
    try:
        body = response.json()
    except (json.JSONDecodeError, UnicodeDecodeError, ValueError):
        body = None
    parts: list[str] = []
    if isinstance(body, dict):
        parts += [str(m) for m in body.get("errorMessages") or [] if m]
        errors = body.get("errors")
        if isinstance(errors, dict):
            parts += [f"{k}: {v}" for k, v in errors.items()]
        for key in ("message", "detail", "title"):
            if not parts and body.get(key):
                parts.append(str(body[key]))
    if not parts:
        text = response.text.strip() if response.content else ""
        parts.append(text[:200] if text else response.reason_phrase or "no details")
    return " ".join(p.rstrip(".") + "." for p in parts)


def jira_base_url(url: str | None) -> str:
    """``url`` as a JIRA site address (stripped, no trailing slash): http(s) with a host, or a
    ValidationError saying what to enter (httpx would fail later with its own wording)."""
    text = (url or "").strip().rstrip("/")
    try:
        parsed = httpx.URL(text)
    except httpx.InvalidURL:
        parsed = None
    if parsed is None or parsed.scheme not in ("http", "https") or not parsed.host:
        raise ValidationError(
            f"{text!r} is not a JIRA URL; use the site address, e.g. https://acme.atlassian.net."
        )
    return text


class JiraClient:
    """One JIRA site with one set of credentials. Use as a context manager (closes the pool)."""

    def __init__(
        self,
        base_url: str,
        *,
        deployment: str = "auto",
        email: str | None = None,
        token: str | None = None,
        retry: RetryPolicy | None = None,
        max_workers: int = 4,
        page_size: int | None = None,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        if deployment not in DEPLOYMENTS:
            raise ValidationError(
                f"Unknown deployment {deployment!r}; use one of {', '.join(DEPLOYMENTS)}."
            )
        self.base_url = jira_base_url(base_url)
        self.retry = retry or RetryPolicy()
        self.max_workers = max(1, max_workers)
        self.page_size = page_size
        self._deployment = None if deployment == "auto" else deployment
        self._email = email
        self._token = token
        self._server_info: dict[str, Any] | None = None
        self._count_lock = threading.Lock()
        self.request_count = 0
        self._http = httpx.Client(
            base_url=self.base_url,
            timeout=self.retry.timeout(),
            transport=transport,
            headers={"Accept": "application/json"},
            follow_redirects=False,
            limits=httpx.Limits(max_connections=self.max_workers + 2),
        )
        self._slow = (
            None
            if self.retry.on_retry is None
            else _SlowAnswers(self.retry.on_retry, self.retry.slow_notice, self.retry.read_timeout)
        )

    @classmethod
    def from_profile(cls, profile: dict[str, Any], **options: Any) -> JiraClient:
        """A client for a profile's ``jira_config`` (base_url, deployment, email, token, page_size)."""
        config = profile.get("jira_config") or {}
        base_url = config.get("base_url")
        if not base_url:
            raise ValidationError(
                f"Profile {profile.get('name', profile.get('id'))!r} has no JIRA URL; set it in "
                "Settings → JIRA connection (or `flowcast profile update --jira-url`)."
            )
        options.setdefault("page_size", config.get("page_size"))
        return cls(
            base_url,
            deployment=config.get("deployment") or "auto",
            email=config.get("email"),
            token=unsealed(config["token"], str(profile.get("id")))
            if config.get("token")
            else None,
            **options,
        )

    def __repr__(self) -> str:
        return f"JiraClient({self.base_url!r}, deployment={self._deployment or 'auto'!r})"

    def __enter__(self) -> JiraClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        if self._slow is not None:
            self._slow.close()
        self._http.close()

    # Deployment and auth ---------------------------------------------------------------------
    def check_deployment(self) -> None:
        """Raise JiraDeploymentMismatch when the profile's deployment contradicts serverInfo."""
        if self._deployment is None:
            return
        reported = self.server_info().get("deploymentType")
        actual = CLOUD if reported == "Cloud" else DATACENTER if reported else None
        if actual is not None and actual != self._deployment:
            raise JiraDeploymentMismatch(
                f"The profile says {self._deployment} but {self.base_url} is "
                f"{'Jira Cloud' if actual == CLOUD else 'Jira Data Center'}; set the profile's "
                f"deployment to {actual} or auto."
            )

    @property
    def deployment(self) -> str:
        """``cloud`` or ``datacenter``: the profile's choice, else what serverInfo reports."""
        if self._deployment is None:
            info = self.server_info()
            self._deployment = CLOUD if info.get("deploymentType") == "Cloud" else DATACENTER
        return self._deployment

    def server_info(self) -> dict[str, Any]:
        """``/serverInfo``, asked without credentials first (both deployments serve it so, and
        the deployment, hence the auth scheme, may not be known yet); with them if refused."""
        if self._server_info is None:
            path = "/rest/api/2/serverInfo"
            try:
                info = self._request("GET", path, authorization=None)
            except JiraAuthError:
                info = self._request("GET", path, authorization=self._guess_authorization())
            if not isinstance(info, dict):
                raise JiraResponseError(f"JIRA's {path} answer is not an object; check the URL.")
            self._server_info = info
        return self._server_info

    def _guess_authorization(self) -> str | None:
        if self._deployment is not None:
            return self._authorization(self._deployment)
        return self._authorization(CLOUD if self._email else DATACENTER)

    def _authorization(self, deployment: str) -> str | None:
        if not self._token:
            return None
        if deployment == CLOUD:
            if not self._email:
                raise ValidationError(
                    "Jira Cloud API tokens need the account email (Basic auth); set the profile's email."
                )
            raw = f"{self._email}:{self._token}".encode()
            return "Basic " + base64.b64encode(raw).decode("ascii")
        return f"Bearer {self._token}"

    def myself(self) -> dict[str, Any]:
        """The calling user; raises JiraAuthError when Data Center treats the token as anonymous."""
        response, body = self._call("GET", "/rest/api/2/myself")
        if (
            _answered_as_anonymous(response)
            or not isinstance(body, dict)
            or not (body.get("accountId") or body.get("name") or body.get("key"))
        ):
            raise JiraAuthError(
                "JIRA answered as an anonymous user, so the token was ignored; create a new "
                "personal access token and store it in the profile."
            )
        return body

    # Search -------------------------------------------------------------------------------------
    def search(
        self, jql: str, fields: Sequence[str], *, changelog: bool = False
    ) -> Iterator[tuple[list[dict[str, Any]], int | None]]:
        """Yield ``(issues, total)`` per page; ``total`` is known on Data Center only."""
        if self.deployment == CLOUD:
            for issues in self._search_cloud(jql, fields, changelog):
                yield issues, None
        else:
            yield from self._search_datacenter(jql, fields, changelog)

    def _search_cloud(
        self, jql: str, fields: Sequence[str], changelog: bool
    ) -> Iterator[list[dict[str, Any]]]:
        path = "/rest/api/2/search/jql"
        body: dict[str, Any] = {
            "jql": jql,
            "maxResults": min(self.page_size or CLOUD_MAX_PAGE, CLOUD_MAX_PAGE),
            "fields": list(fields),
        }
        if changelog:
            body["expand"] = "changelog"
        while True:
            page = self._request("POST", path, json=body)
            issues = _issues_of(page, path)
            yield issues
            token = page.get("nextPageToken")
            if page.get("isLast", not token) or not token:
                return
            body["nextPageToken"] = token

    def _search_datacenter(
        self, jql: str, fields: Sequence[str], changelog: bool
    ) -> Iterator[tuple[list[dict[str, Any]], int | None]]:
        """Pages ordered by id, ``DATACENTER_PAGE_WORKERS`` in flight after the first (which
        tells the total and the page size JIRA allows).

        Data Center refuses ``startAt`` past its search window (10,000 by default), so the
        result is read in windows: window 0 is the query itself, window k+1 the query bounded
        by the last id of window k, ``(<jql>) AND id > LAST ORDER BY id ASC``; within a window
        pages go by ``startAt``. Each window's last page is asked for first, as the next window
        needs its last id; every other page can be fetched beside it. Pages come in the order
        they arrive, not by id. The user's own ORDER BY is dropped: a sync needs every issue,
        not an order."""
        path = "/rest/api/2/search"
        wanted = min(self.page_size or DATACENTER_MAX_PAGE, DATACENTER_MAX_PAGE)
        condition, _order = split_order_by(jql)

        def page(after: int | None, start: int, size: int) -> dict[str, Any]:
            bounded = [f"({condition})" if condition else "", f"id > {after}" if after else ""]
            where = " AND ".join(part for part in bounded if part)
            body: dict[str, Any] = {
                "jql": f"{where} ORDER BY id ASC".strip(),
                "startAt": start,
                "maxResults": size,
                "fields": list(fields),
            }
            if changelog:
                body["expand"] = ["changelog"]
                return self._request("POST", path, json=body, decode=search_page)
            return self._request("POST", path, json=body)

        first = page(None, 0, wanted)
        issues = _issues_of(first, path)
        total = int(first.get("total") or 0)
        yield issues, total
        step = min(int(first.get("maxResults") or len(issues) or wanted), wanted)
        if not issues or step <= 0 or len(issues) >= total:
            return
        for found in self._windowed_pages(
            lambda after, start: _issues_of(page(after, start, step), path), total, step
        ):
            yield found, total

    def _windowed_pages(
        self,
        fetch: Callable[[int | None, int], list[dict[str, Any]]],
        total: int,
        step: int,
    ) -> Iterator[list[dict[str, Any]]]:
        """Every Data Center page after the first (``_search_datacenter``): ``fetch(after,
        start)`` for each window's bound and ``startAt``, ``DATACENTER_PAGE_WORKERS`` (at most
        the client's ``max_workers``) at once, yielded as they arrive.

        At most that many pages are asked for or waiting for the consumer at any time, so
        memory stays bounded by a few pages however many there are. Leaving early (an error,
        a cancellation) cancels what has not started and waits for the requests in flight."""
        per_window = max(2, DATACENTER_SEARCH_WINDOW // step) * step  # issues in a window
        workers = min(DATACENTER_PAGE_WORKERS, self.max_workers)

        def window(number: int, after: int | None) -> list[tuple[int | None, int, bool]]:
            """(after, startAt, whether its last id bounds the next window) of each page of a
            window still to fetch, the one that bounds the next window first."""
            size = min(total - number * per_window, per_window)
            pages = [(after, start, False) for start in range(0, size, step)]
            if number == 0:
                pages.pop(0)  # the first page, fetched already
            if number * per_window + size < total:
                pages.insert(0, (after, pages.pop()[1], True))
            return pages

        todo = deque(window(0, None))
        windows = 1
        pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="jira")
        asked: dict[Future[list[dict[str, Any]]], bool] = {}
        try:
            while todo or asked:
                while todo and len(asked) < workers:
                    after, start, bounds = todo.popleft()
                    asked[pool.submit(fetch, after, start)] = bounds
                done, _ = wait(asked, return_when=FIRST_COMPLETED)
                # A bounding page first: the next window's pages wait for its last id.
                for future in sorted(done, key=lambda f: not asked[f]):
                    found = future.result()
                    if asked.pop(future) and len(found) >= step:
                        # (A shorter one means the result ends in its window: issues were
                        # deleted since the first page.)
                        todo.extendleft(reversed(window(windows, int(found[-1]["id"]))))
                        windows += 1
                    yield found
        finally:
            for future in asked:
                future.cancel()
            pool.shutdown(wait=True, cancel_futures=True)

    def search_ids(self, jql: str) -> list[str]:
        """Every issue id the JQL matches, cheaply: ``fields=["id"]`` in the largest pages allowed.

        Ids, not keys: Cloud answers ``fields=id`` with ids only, and an id survives a move.
        """
        ids: list[str] = []
        saved, self.page_size = self.page_size, None
        try:
            for issues, _ in self.search(jql, ["id"]):
                ids.extend(str(i["id"]) for i in issues if isinstance(i, dict) and "id" in i)
        finally:
            self.page_size = saved
        return ids

    def approximate_count(self, jql: str) -> int | None:
        """Cloud's approximate match count (for progress totals); None elsewhere or on failure."""
        if self.deployment != CLOUD:
            return None
        try:
            body = self._request("POST", "/rest/api/3/search/approximate-count", json={"jql": jql})
        except JiraQueryError:
            raise
        except JiraError as exc:
            logger.info("approximate count unavailable: %s", exc)
            return None
        count = body.get("count") if isinstance(body, dict) else None
        return int(count) if isinstance(count, int) else None

    def validate_jql(self, jql: str) -> None:
        """Raise JiraQueryError with JIRA's sentence when the JQL is invalid."""
        if self.deployment == CLOUD:
            self._request(
                "POST",
                "/rest/api/2/search/jql",
                json={"jql": jql, "maxResults": 1, "fields": ["id"]},
            )
        else:
            self._request(
                "POST",
                "/rest/api/2/search",
                json={"jql": jql, "maxResults": 0, "validateQuery": True, "fields": ["id"]},
            )

    # Changelogs ---------------------------------------------------------------------------------
    def search_with_changelogs(
        self, jql: str, fields: Sequence[str], changelog_fields: Sequence[str] = ("status",)
    ) -> Iterator[tuple[list[dict[str, Any]], int | None]]:
        """Pages of issues, each with a complete ``changelog`` of (at least) its status changes.

        Cloud: pages without changelog (1000 a page instead of 100 with one), then one
        ``changelog/bulkfetch`` per ≤1000 issues restricted to ``status`` — the fewest requests
        the API allows and never cut at 40. Data Center: ``expand=changelog`` on the search,
        re-reading any issue whose embedded history is short; its histories are
        ``data.jira.pages.History`` structs where the page decoded typed, else dicts.
        """
        if self.deployment == CLOUD:
            yield from self._search_then_bulkfetch(jql, fields, changelog_fields)
        else:
            for issues, total in self.search(jql, fields, changelog=True):
                self.complete_changelogs(issues)
                yield issues, total

    def _search_then_bulkfetch(
        self, jql: str, fields: Sequence[str], changelog_fields: Sequence[str] = ("status",)
    ) -> Iterator[tuple[list[dict[str, Any]], int | None]]:
        """Cloud pages with their status histories; page k's bulkfetch overlaps page k+1's search
        (search pages must come one after another, so this is the only overlap available)."""
        pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="jira-changelog")
        pending: tuple[list[dict[str, Any]], int | None, Future[None]] | None = None
        try:
            for issues, total in self.search(jql, fields):
                started = pool.submit(self.attach_status_changelogs, issues, changelog_fields)
                if pending is not None:
                    pending[2].result()
                    yield pending[0], pending[1]
                pending = (issues, total, started)
            if pending is not None:
                pending[2].result()
                yield pending[0], pending[1]
        finally:
            pool.shutdown(wait=True, cancel_futures=True)

    def attach_status_changelogs(
        self, issues: Sequence[dict[str, Any]], field_ids: Sequence[str] = ("status",)
    ) -> None:
        """Cloud: set each issue's ``changelog`` to its full status history via bulkfetch."""
        if not issues:
            return
        try:
            found = self._bulkfetch([str(i["id"]) for i in issues], field_ids=list(field_ids))
        except JiraNotFound:
            # Sites or apps without bulkfetch: the per-issue endpoint has the same histories.
            logger.info("changelog bulkfetch unavailable; paging per issue")
            keys = [str(i["key"]) for i in issues]
            for issue, histories in zip(
                issues, self._parallel(self._issue_changelog, keys), strict=True
            ):
                _set_histories(issue, histories)
            return
        for issue in issues:
            _set_histories(issue, found.get(str(issue["id"]), []), exact=True)

    def complete_changelogs(self, issues: Sequence[dict[str, Any]]) -> int:
        """Replace truncated embedded changelogs with full ones; returns how many were completed.

        Cloud pages ``/issue/{key}/changelog``; Data Center re-reads the issue with the changelog.
        """
        short = [i for i in issues if _is_truncated(i)]
        fetch = self._issue_changelog if self.deployment == CLOUD else self._issue_with_changelog
        for issue, histories in zip(
            short, self._parallel(fetch, [i["key"] for i in short]), strict=True
        ):
            _set_histories(issue, histories)
        return len(short)

    def _bulkfetch(
        self, issue_ids: list[str], field_ids: list[str]
    ) -> dict[str, list[dict[str, Any]]]:
        batches = [
            issue_ids[i : i + BULKFETCH_MAX_ISSUES]
            for i in range(0, len(issue_ids), BULKFETCH_MAX_ISSUES)
        ]
        found: dict[str, list[dict[str, Any]]] = {}
        for part in self._parallel(lambda ids: self._bulkfetch_batch(ids, field_ids), batches):
            found.update(part)
        return found

    def _bulkfetch_batch(
        self, ids: list[str], field_ids: list[str]
    ) -> dict[str, list[dict[str, Any]]]:
        path = "/rest/api/2/changelog/bulkfetch"
        body: dict[str, Any] = {
            "issueIdsOrKeys": ids,
            "fieldIds": field_ids,
            "maxResults": BULKFETCH_MAX_RESULTS,
        }
        found: dict[str, list[dict[str, Any]]] = {}
        while True:
            page = self._request("POST", path, json=body)
            entries = page.get("issueChangeLogs") if isinstance(page, dict) else None
            if not isinstance(entries, list):
                raise JiraResponseError(
                    f"JIRA's {path} answer has no issueChangeLogs; retry later."
                )
            for entry in entries:
                found.setdefault(str(entry.get("issueId")), []).extend(
                    entry.get("changeHistories") or []
                )
            token = page.get("nextPageToken")
            if not token:
                return found
            body["nextPageToken"] = token

    def _issue_changelog(self, key: str) -> list[dict[str, Any]]:
        path = f"/rest/api/2/issue/{key}/changelog"
        histories: list[dict[str, Any]] = []
        start = 0
        while True:
            page = self._request(
                "GET", path, params={"startAt": start, "maxResults": ISSUE_CHANGELOG_PAGE}
            )
            values = page.get("values") if isinstance(page, dict) else None
            if not isinstance(values, list):
                raise JiraResponseError(f"JIRA's {path} answer has no values; retry later.")
            histories.extend(values)
            start += len(values)
            if page.get("isLast", True) or not values or start >= int(page.get("total") or 0):
                return histories

    def _issue_with_changelog(self, key: str) -> list[dict[str, Any]]:
        path = f"/rest/api/2/issue/{key}"
        issue = self._request("GET", path, params={"expand": "changelog", "fields": "status"})
        changelog = issue.get("changelog") if isinstance(issue, dict) else None
        if not isinstance(changelog, dict) or not isinstance(changelog.get("histories"), list):
            raise JiraResponseError(f"JIRA's {path} answer has no changelog; retry later.")
        return changelog["histories"]

    # JIRA Software (Agile REST API, the same on Cloud and Data Center) ----------------------------
    def boards(self, project: str | None = None) -> list[dict[str, Any]]:
        """Every board the user can see (``GET /rest/agile/1.0/board``), of one project if given."""
        params = {"projectKeyOrId": project} if project else {}
        return self._agile_pages("/rest/agile/1.0/board", params)

    def sprints(self, board_id: int, states: Sequence[str] = ()) -> list[dict[str, Any]]:
        """A Scrum board's sprints, oldest first, every page (``/board/{id}/sprint``)."""
        path = f"/rest/agile/1.0/board/{board_id}/sprint"
        params = {"state": ",".join(states)} if states else {}
        try:
            return self._agile_pages(path, params)
        except JiraNotFound:
            # The Agile API answers 404 both for a missing board and for one the user may not
            # see; a 403 (no licence, no permission) keeps the client's own sentence.
            raise JiraBoardError(
                f"JIRA has no board {board_id} this account can see; pick one of "
                "`flowcast sprint boards --profile …` and set it on the profile or query."
            ) from None
        except JiraRequestError as exc:
            if "support sprints" not in str(exc):
                raise
            raise JiraBoardError(
                f"Board {board_id} is a Kanban board without sprints; name a Scrum board instead."
            ) from None

    def sprint(self, sprint_id: int) -> dict[str, Any]:
        """One sprint (``GET /rest/agile/1.0/sprint/{id}``)."""
        path = f"/rest/agile/1.0/sprint/{sprint_id}"
        body = self._request("GET", path)
        if not isinstance(body, dict):
            raise JiraResponseError(f"JIRA's {path} answer is not an object; retry later.")
        return body

    def _agile_pages(self, path: str, params: dict[str, Any]) -> list[dict[str, Any]]:
        """Every ``values`` item of an Agile API list, following ``startAt`` until ``isLast``."""
        values: list[dict[str, Any]] = []
        while True:
            page = self._request(
                "GET", path, params={**params, "startAt": len(values), "maxResults": AGILE_PAGE}
            )
            items = page.get("values") if isinstance(page, dict) else None
            if not isinstance(items, list):
                raise JiraResponseError(f"JIRA's {path} answer has no values; retry later.")
            values.extend(item for item in items if isinstance(item, dict))
            if page.get("isLast", True) or not items:
                return values

    # Metadata -----------------------------------------------------------------------------------
    def fields(self) -> list[dict[str, Any]]:
        return self._list("/rest/api/2/field")

    def statuses(self) -> list[dict[str, Any]]:
        return self._list("/rest/api/2/status")

    def issue_types(self) -> list[dict[str, Any]]:
        return self._list("/rest/api/2/issuetype")

    def priorities(self) -> list[dict[str, Any]]:
        return self._list("/rest/api/2/priority")

    def _list(self, path: str) -> list[dict[str, Any]]:
        body = self._request("GET", path)
        if not isinstance(body, list):
            raise JiraResponseError(f"JIRA's {path} answer is not a list; check the JIRA URL.")
        return [item for item in body if isinstance(item, dict)]

    # HTTP ---------------------------------------------------------------------------------------
    def _parallel(
        self, work: Callable[[Any], Any], items: Sequence[Any], workers: int | None = None
    ) -> Iterator[Any]:
        """Run ``work`` over ``items`` on at most ``max_workers`` threads; results in input order.

        A sliding window keeps at most ``max_workers`` results ahead of the consumer, so memory
        stays bounded by a few pages however many there are. Leaving the iterator early
        (cancellation, an error) cancels the work not yet started.
        """
        workers = min(workers or self.max_workers, self.max_workers)
        if len(items) <= 1 or workers == 1:
            for item in items:
                yield work(item)
            return
        remaining = iter(items)
        pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="jira")
        window: deque[Future[Any]] = deque(
            pool.submit(work, item) for item in islice(remaining, workers)
        )
        try:
            while window:
                result = window.popleft().result()
                for item in islice(remaining, 1):
                    window.append(pool.submit(work, item))
                yield result
        finally:
            for future in window:
                future.cancel()
            pool.shutdown(wait=True, cancel_futures=True)

    def _request(
        self,
        method: str,
        path: str,
        *,
        params: dict[str, Any] | None = None,
        json: Any = None,
        authorization: str | None | bool = True,
        decode: Callable[[bytes], Any | None] | None = None,
    ) -> Any:
        """The decoded JSON answer, retried per the policy (all our calls are reads).

        ``decode`` reads the body first where it knows the answer's shape (a typed decoder,
        ``data.jira.pages``); when it returns None the body is decoded the generic way."""
        return self._call(
            method, path, params=params, json=json, authorization=authorization, decode=decode
        )[1]

    def _send(
        self,
        method: str,
        path: str,
        *,
        params: dict[str, Any] | None = None,
        json: Any = None,
        authorization: str | None | bool = True,
        idempotent: bool = True,
    ) -> httpx.Response:
        """The 2xx response (its body checked to be JSON), retried per the policy."""
        return self._call(
            method,
            path,
            params=params,
            json=json,
            authorization=authorization,
            idempotent=idempotent,
        )[0]

    def _call(
        self,
        method: str,
        path: str,
        *,
        params: dict[str, Any] | None = None,
        json: Any = None,
        authorization: str | None | bool = True,
        idempotent: bool = True,
        decode: Callable[[bytes], Any | None] | None = None,
    ) -> tuple[httpx.Response, Any]:
        """The one retry loop: a 2xx response and its JSON, or the JiraError that ended it.

        Each failed attempt is a ``_Failure`` saying how many tries its kind gets and what to
        tell; the policy caps the attempts and the total wait. A non-idempotent call is retried
        only when JIRA cannot have acted on it (never sent, or refused with 429/503).
        """
        headers = {}
        auth_value = (
            self._authorization(self.deployment) if authorization is True else authorization
        )
        if auth_value:
            headers["Authorization"] = auth_value
        policy = self.retry
        waited = 0.0
        started = time.monotonic()
        for attempt in itertools.count(1):
            try:
                response = self._exchange(method, path, params, json, headers)
            except _AttemptFailed as failed:
                failure = failed.failure
            else:
                failure_or_body = self._answer(response, method, path, bool(auth_value), decode)
                if not isinstance(failure_or_body, _Failure):
                    return response, failure_or_body
                failure = failure_or_body
            limit = failure.attempts if idempotent or failure.unsent else 1
            left = policy.max_total_wait - waited
            if attempt >= limit or left <= 0:
                raise failure.error(_tally(attempt, time.monotonic() - started))
            if failure.asked is not None and failure.asked > left:
                assert failure.too_long is not None
                raise failure.too_long(failure.asked)
            delay = (
                failure.asked if failure.asked is not None else min(policy.backoff(attempt), left)
            )
            logger.info("%s %s: %s; retrying in %.2fs", method, path, failure.reason, delay)
            policy.wait(delay, failure.reason, attempt, limit)
            waited += delay
        raise AssertionError("unreachable")  # pragma: no cover

    def _exchange(
        self,
        method: str,
        path: str,
        params: dict[str, Any] | None,
        json: Any,
        headers: dict[str, str],
    ) -> httpx.Response:
        """One attempt: the response with its body read, or ``_AttemptFailed`` saying what broke
        (before JIRA answered, or while its body arrived)."""
        with self._count_lock:
            self.request_count += 1
        what = describe_request(method, path)
        request = self._http.build_request(method, path, params=params, json=json, headers=headers)
        with self._slow.waiting(what) if self._slow is not None else nullcontext():
            try:
                response = self._http.send(request, stream=True)
            except httpx.TransportError as exc:
                raise _AttemptFailed(self._no_answer(exc, what)) from None
            try:
                response.read()
            except httpx.TransportError as exc:
                raise _AttemptFailed(self._cut_off(exc, what)) from None
            finally:
                response.close()
        # httpx binds a sent response's stream to the response, a reference cycle that would
        # keep each body (~12 MB for a page of issues with changelogs) until the cyclic garbage
        # collector ran, which a sync pauses. The body is read: its bytes are the stream now.
        response.stream = httpx.ByteStream(response.content)
        return response

    def _no_answer(self, exc: httpx.TransportError, what: str) -> _Failure:
        """A failure before any answer: nothing reachable, no answer in time, or a dropped line."""
        policy = self.retry
        fast = policy.unreachable_attempts
        if isinstance(exc, httpx.ConnectTimeout):
            return _Failure(
                f"{self.base_url} does not accept connections",
                lambda tally: JiraNoAnswer(
                    f"Nothing answered at {self.base_url}: no connection within "
                    f"{policy.connect_timeout:g} s (tried {tally}); check the profile's JIRA URL and "
                    "that your network or VPN reaches it, then retry."
                ),
                fast,
                unsent=True,
            )
        if isinstance(exc, httpx.ConnectError):
            cause = _root_cause(exc)
            if isinstance(cause, socket.gaierror):
                host = httpx.URL(self.base_url).host
                return _Failure(
                    f"The JIRA host {host} is not found",
                    lambda tally: JiraNoAnswer(
                        f"The JIRA host {host} was not found (DNS: {cause.strerror}; tried {tally}); "
                        "check the profile's JIRA URL and your network or VPN, then retry."
                    ),
                    fast,
                    unsent=True,
                )
            why = (
                "connection refused"
                if isinstance(cause, ConnectionRefusedError)
                else getattr(cause, "strerror", None) or str(exc) or type(exc).__name__
            )
            return _Failure(
                f"Nothing answers at {self.base_url} ({why})",
                lambda tally: JiraNoAnswer(
                    f"Nothing answered at {self.base_url} ({why}; tried {tally}); check the profile's "
                    "JIRA URL and that your network or VPN reaches it, then retry."
                ),
                fast,
                unsent=True,
            )
        if isinstance(exc, httpx.TimeoutException):
            return _Failure(
                f"JIRA did not answer {what}",
                lambda tally: JiraNoAnswer(
                    f"JIRA did not answer {what} within {policy.read_timeout:g} s, so Flowcast "
                    "stopped waiting; JIRA may be overloaded, retry later."
                ),
                1,
            )
        return _Failure(
            f"JIRA closed the connection during {what}",
            lambda tally: JiraNoAnswer(
                f"JIRA closed the connection {tally} without answering {what}; JIRA or a "
                "proxy in between is dropping connections, retry later."
            ),
            policy.max_attempts,
        )

    def _cut_off(self, exc: httpx.TransportError, what: str) -> _Failure:
        """A failure while the answer's body arrived: it stalled, or it was cut off."""
        policy = self.retry
        if isinstance(exc, httpx.TimeoutException):
            return _Failure(
                f"JIRA stopped answering {what}",
                lambda tally: JiraNoAnswer(
                    f"JIRA began answering {what} but then sent nothing for "
                    f"{policy.read_timeout:g} s, so Flowcast stopped waiting; JIRA may be "
                    "overloaded, retry later."
                ),
                1,
            )
        return _Failure(
            f"JIRA's answer to {what} was cut off",
            lambda tally: JiraResponseError(
                f"JIRA's answer to {what} was cut off before its end, {tally}; JIRA or a proxy "
                "in between is dropping connections, retry later."
            ),
            policy.max_attempts,
        )

    def _answer(
        self,
        response: httpx.Response,
        method: str,
        path: str,
        authenticated: bool,
        decode: Callable[[bytes], Any | None] | None = None,
    ) -> Any:
        """The JSON body of a 2xx answer, a ``_Failure`` for one worth retrying, or raises the
        JiraError of an answer that is final."""
        status = response.status_code
        what = describe_request(method, path)
        if authenticated and status < 500 and status != 429 and _answered_as_anonymous(response):
            # Data Center ignores a token it no longer accepts and serves an anonymous caller
            # (no results, or "project does not exist"): report the token, not the symptom.
            # Rate limits and server errors are about the server, whoever it thinks we are.
            raise JiraAuthError(
                f"JIRA answered {path} as an anonymous user, so the token was refused; "
                "create a new personal access token and store it in the profile."
            )
        if status < 300:
            return self._json_or_failure(response, what, decode)
        asked = retry_after_seconds(response.headers.get("Retry-After"))
        if status == 429 or (status == 503 and asked is not None):
            return self._busy(response, what, asked)
        if status in (502, 503, 504):
            said = jira_message(response).rstrip(".")
            return _Failure(
                f"JIRA is busy: {status} on {what}",
                lambda tally: JiraUnavailable(
                    f"JIRA answered {what} with {status} ({said}) {tally}; it is down or "
                    "overloaded, retry later."
                ),
                self.retry.max_attempts,
            )
        raise self._error(response, method, path)

    def _busy(self, response: httpx.Response, what: str, asked: float | None) -> _Failure:
        """429, or 503 with Retry-After: JIRA says when to come back."""
        status = response.status_code
        limited = status == 429
        kind = JiraRateLimited if limited else JiraUnavailable
        state = "rate-limiting Flowcast" if limited else "unavailable (503)"
        advice = (
            "wait a minute and retry; fetching fewer queries at once helps"
            if limited
            else "it is down or overloaded, retry later"
        )

        def too_long(seconds: float) -> JiraError:
            return kind(
                f"JIRA is {state} and asked to wait {seconds:.0f} s before {what}, longer than "
                f"Flowcast waits ({self.retry.max_total_wait:g} s); try again in "
                f"{_in_words(seconds)}."
            )

        return _Failure(
            f"JIRA is {'rate-limiting' if limited else 'busy'}: {status} on {what}",
            lambda tally: kind(f"JIRA answered {what} with {status} {tally}; {advice}."),
            self.retry.max_attempts,
            asked=asked,
            too_long=too_long,
            unsent=True,
        )

    def _json_or_failure(
        self,
        response: httpx.Response,
        what: str,
        decode: Callable[[bytes], Any | None] | None = None,
    ) -> Any:
        try:
            return _decode_json(response, decode)
        except (json.JSONDecodeError, UnicodeDecodeError, ValueError):
            pass
        if "html" in response.headers.get("Content-Type", "").lower():
            # A sign-in page or proxy in front of JIRA: asking again gets the same page.
            raise JiraResponseError(
                f"JIRA's answer to {what} is a web page, not JIRA's data (a sign-in page or a "
                "proxy?); check that the profile's JIRA URL is the JIRA site itself and that "
                "this network reaches it without signing in."
            )
        return _Failure(
            f"JIRA's answer to {what} was not valid JSON",
            lambda tally: JiraResponseError(
                f"JIRA's answer to {what} was not valid JSON, {tally}; retry later, and check "
                "that the profile's JIRA URL points at JIRA, not a proxy."
            ),
            self.retry.max_attempts,
        )

    def _error(self, response: httpx.Response, method: str, path: str) -> JiraError:
        """The error of an answer that asking again would not change (4xx, 500)."""
        status = response.status_code
        message = jira_message(response)
        if status == 400 and "/search" in path:
            return JiraQueryError(f"JIRA rejected the query: {message}")
        if status == 401:
            return JiraAuthError(
                f"JIRA refused the credentials (401: {message}) {self._auth_hint()}"
            )
        if status == 403:
            if "basic auth" in message.lower():
                return JiraAuthError(
                    f"JIRA refused Basic auth (403: {message}) This Data Center site needs a "
                    "personal access token: set the profile's deployment to datacenter."
                )
            reason = response.headers.get("X-Authentication-Denied-Reason")
            if reason:
                return JiraAuthError(
                    f"JIRA denied authentication ({reason}); log in to JIRA in a browser once, "
                    f"then {self._auth_hint()[0].lower()}{self._auth_hint()[1:]}"
                )
            return JiraAuthError(
                f"JIRA refused access to {path} (403: {message}) The account lacks permission; "
                "use an account that can browse the project or ask a JIRA admin."
            )
        if status == 404:
            return JiraNotFound(
                f"JIRA answered 404 for {path} ({message}) Check the profile's JIRA URL."
            )
        if status == 410 and self._deployment == CLOUD:
            # Cloud itself removed an endpoint Flowcast calls: no profile setting fixes that.
            return JiraRequestError(
                f"JIRA says {method} {path} was removed (410: {message}) This version of "
                "Flowcast calls an endpoint the site no longer serves; update Flowcast."
            )
        if status == 410:
            return JiraDeploymentMismatch(
                f"JIRA says {path} was removed (410: {message}) The site is Jira Cloud: set the "
                "profile's deployment to cloud or auto."
            )
        if status >= 500:
            return JiraUnavailable(
                f"JIRA failed with {status} on {method} {path} ({message}) Retry later, and "
                "tell the JIRA admin if it keeps happening."
            )
        return JiraRequestError(f"JIRA refused {method} {path} ({status}: {message})")

    def _auth_hint(self) -> str:
        if self._deployment == CLOUD:
            return "Check the profile's email and API token (Cloud uses Basic auth with both)."
        if self._deployment == DATACENTER:
            return "Check the profile's personal access token (Data Center uses Bearer auth)."
        return (
            "Check the profile's token (and, on Cloud, its email); a Data Center token must be a "
            "personal access token."
        )


class _AttemptFailed(Exception):
    """Carries one attempt's ``_Failure`` out of ``_exchange``."""

    def __init__(self, failure: _Failure) -> None:
        super().__init__(failure.reason)
        self.failure = failure


def _root_cause(exc: BaseException) -> BaseException:
    """The innermost cause (httpx wraps httpcore, which wraps the socket's OSError)."""
    while exc.__cause__ is not None or exc.__context__ is not None:
        exc = exc.__cause__ or exc.__context__  # type: ignore[assignment]
    return exc


def _answered_as_anonymous(response: httpx.Response) -> bool:
    return response.headers.get("X-AUSERNAME", "").lower() == "anonymous"


def _decode_json(
    response: httpx.Response, decode: Callable[[bytes], Any | None] | None = None
) -> Any:
    """A body's JSON: ``decode``'s reading of the bytes where it gives one, else orjson straight
    from the bytes (a 1,000-issue page with changelogs is ~12 MB; no text copy of it, ~3x faster
    to parse), the stdlib for what orjson refuses (another charset than UTF-8, integers beyond 64
    bits)."""
    charset = (response.charset_encoding or "utf-8").lower().replace("_", "-")
    if charset in ("utf-8", "utf8"):
        if decode is not None:
            decoded = decode(response.content)
            if decoded is not None:
                return decoded
        try:
            return orjson.loads(response.content)
        except orjson.JSONDecodeError:
            pass
    return response.json()


def _issues_of(page: Any, path: str) -> list[dict[str, Any]]:
    issues = page.get("issues") if isinstance(page, dict) else None
    if not isinstance(issues, list):
        raise JiraResponseError(f"JIRA's {path} answer has no issues list; retry later.")
    return issues


def _is_truncated(issue: dict[str, Any]) -> bool:
    changelog = issue.get("changelog")
    if not isinstance(changelog, dict):
        return False
    histories = changelog.get("histories") or []
    return int(changelog.get("total") or 0) > len(histories)


def _set_histories(
    issue: dict[str, Any], histories: list[dict[str, Any]], *, exact: bool = False
) -> None:
    """Install a complete history list (``exact``: it is all there is, e.g. a filtered fetch)."""
    for history in histories:
        created = history.get("created")
        if isinstance(created, int | float) and not isinstance(created, bool):
            history["created"] = epoch_to_iso(created)
    embedded = 0 if exact else int((issue.get("changelog") or {}).get("total") or 0)
    total = max(len(histories), embedded)
    issue["changelog"] = {
        "startAt": 0,
        "maxResults": len(histories),
        "total": total,
        "histories": histories,
    }


def epoch_to_iso(value: float) -> str:
    """An epoch number as ISO text; seconds and milliseconds are both seen (NOTES §2.2)."""
    seconds = value if value < _EPOCH_SECONDS_LIMIT else value / 1000.0
    return datetime.fromtimestamp(seconds, tz=UTC).isoformat(timespec="milliseconds")
