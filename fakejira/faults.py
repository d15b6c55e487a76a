"""Faults the fake JIRA injects on request, for retry and resilience tests.

A fault hits the requests that match its `endpoint` (a substring of the endpoint name, e.g.
"search/jql" or "changelog"; empty = every endpoint), skipping the first `after` of them and then
hitting `count` of them (None = all that follow). Kinds:

    429           rate limited: Retry-After and the X-RateLimit-* / RateLimit-Reason headers
    503           unavailable, with Retry-After when `retry_after` is given
    500 502 504   server errors with JIRA's error body
    410           gone: the endpoint was removed (Atlassian's CHANGE-2046 body)
    reset         the connection is closed with a TCP reset before any response
    slow          the response is delayed by `delay_ms` (nothing at all is sent meanwhile)
    stall         the status line, headers and half the body are sent, then nothing for
                  `delay_ms`, then the connection is closed (a server that hangs mid-answer)
    truncate      the response promises its full Content-Length but stops halfway
    malformed     200 with a JSON Content-Type and the full Content-Length, but the body is not
                  JSON (garbled bytes)
    html          200 with an HTML sign-in page instead of JSON, as a proxy or SSO gateway
                  answers in front of JIRA
    expire-token  from this request on, the configured token is refused (401 on Cloud; on Data
                  Center the caller is treated as anonymous)

`dead_jira()` gives an address where no JIRA answers at all: nothing listening (connection refused)
or a host that never accepts the connection (the client's connect timeout ends it).

The CLI takes the same as text: `KIND[:key=value,...]`, e.g. `429:count=3,retry_after=1`,
`reset:after=5,endpoint=search`, `slow:delay_ms=2000,count=all`, `expire-token:after=20`.
"""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass

from fakejira.errors import FakeJiraConfigError

KINDS = (
    "429",
    "503",
    "500",
    "502",
    "504",
    "410",
    "reset",
    "slow",
    "stall",
    "truncate",
    "malformed",
    "html",
    "expire-token",
)
# Kinds that change how the real response is sent rather than replacing it.
SEND_KINDS = ("slow", "stall", "truncate", "expire-token")


@dataclass(slots=True)
class Fault:
    kind: str
    count: int | None = 1
    after: int = 0
    endpoint: str = ""
    retry_after: float | None = None
    delay_ms: int = 2000
    seen: int = 0
    fired: int = 0

    def due(self) -> bool:
        return self.seen > self.after and (self.count is None or self.fired < self.count)


class Faults:
    """The live list of faults of one server; safe to change from a test while requests run."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._faults: list[Fault] = []
        self.token_expired = False

    def add(
        self,
        kind: str,
        *,
        count: int | None = 1,
        after: int = 0,
        endpoint: str = "",
        retry_after: float | None = None,
        delay_ms: int = 2000,
    ) -> Fault:
        """Add a fault; see the module docstring for the kinds. Returns it (its `fired` counts hits)."""
        if kind not in KINDS:
            raise FakeJiraConfigError(
                f"Unknown fault kind {kind!r}; use one of {', '.join(KINDS)}."
            )
        if count is not None and count < 1:
            raise FakeJiraConfigError(f"Fault count must be 1 or more (or all), got {count}.")
        if after < 0 or delay_ms < 0 or (retry_after is not None and retry_after < 0):
            raise FakeJiraConfigError("Fault after, delay_ms and retry_after must not be negative.")
        if kind == "429" and retry_after is None:
            retry_after = 1
        fault = Fault(kind, count, after, endpoint, retry_after, delay_ms)
        with self._lock:
            self._faults.append(fault)
        return fault

    def add_spec(self, spec: str) -> Fault:
        """Add a fault written as `KIND[:key=value,...]` (the CLI's --fault)."""
        kind, _, options = spec.partition(":")
        kwargs: dict[str, object] = {}
        for option in filter(None, options.split(",")):
            name, sep, value = option.partition("=")
            name = name.strip()
            try:
                if not sep:
                    raise ValueError
                if name == "count":
                    kwargs[name] = None if value == "all" else int(value)
                elif name in ("after", "delay_ms"):
                    kwargs[name] = int(value)
                elif name == "retry_after":
                    kwargs[name] = float(value)
                elif name == "endpoint":
                    kwargs[name] = value
                else:
                    raise ValueError
            except ValueError:
                raise FakeJiraConfigError(
                    f"Bad fault option {option!r} in {spec!r}; use count=N|all, after=N, "
                    "endpoint=NAME, retry_after=SECONDS or delay_ms=N."
                ) from None
        return self.add(kind.strip(), **kwargs)  # type: ignore[arg-type]

    def clear(self) -> None:
        """Remove every fault and make the token valid again."""
        with self._lock:
            self._faults.clear()
            self.token_expired = False

    def pick(self, endpoint: str) -> Fault | None:
        """Count this request against every matching fault and return the first one due."""
        chosen = None
        with self._lock:
            for fault in self._faults:
                if fault.endpoint and fault.endpoint not in endpoint:
                    continue
                fault.seen += 1
                if chosen is None and fault.due():
                    fault.fired += 1
                    chosen = fault
            if chosen is not None and chosen.kind == "expire-token":
                self.token_expired = True
        return chosen

    def __len__(self) -> int:
        return len(self._faults)


DEAD_KINDS = ("refused", "silent")
# Connections a listener's accept queue takes before the kernel drops further SYNs (backlog 0
# holds one or two on Linux; a few more leave no doubt).
_QUEUE_FILLERS = 4


@contextmanager
def dead_jira(kind: str = "refused") -> Iterator[str]:
    """A base URL on 127.0.0.1 where no JIRA answers, for as long as the block runs.

    ``refused``: nothing listens, so a connection is refused at once (a stopped server, a wrong
    port). ``silent``: a listener that never accepts, its queue filled, so the kernel drops new
    connection attempts and a client waits for its connect timeout (a firewall dropping packets,
    a host that is down).
    """
    if kind not in DEAD_KINDS:
        raise FakeJiraConfigError(
            f"Unknown dead JIRA {kind!r}; use one of {', '.join(DEAD_KINDS)}."
        )
    with ExitStack() as stack:
        bound = stack.enter_context(socket.socket())
        bound.bind(("127.0.0.1", 0))
        port = bound.getsockname()[1]
        # Bound but not listening, the port is refused and reserved (nobody else gets it).
        if kind == "silent":
            bound.listen(0)
            for _ in range(_QUEUE_FILLERS):
                filler = stack.enter_context(socket.socket())
                filler.setblocking(False)
                try:
                    filler.connect(("127.0.0.1", port))
                except BlockingIOError:
                    pass  # pending: it fills the queue all the same
        yield f"http://127.0.0.1:{port}"
