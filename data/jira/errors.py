"""What can go wrong talking to JIRA, as typed exceptions carrying JIRA's own message.

JiraError (data.errors)
├── JiraAuthError            401/403, or Data Center answering as anonymous: names the credential to fix
├── JiraQueryError           400 on a search: JIRA's own sentence about the JQL
├── JiraDeploymentMismatch   410 on a removed endpoint of the other deployment: the profile's is wrong
├── JiraNotFound             404: the issue or endpoint does not exist or is not visible
├── JiraRequestError         any other 4xx JIRA refused
├── JiraBoardError           a board that does not exist, cannot be seen or has no sprints
└── JiraTransientError       a failure a later try may not meet (the dashboard offers Retry)
    ├── JiraRateLimited      429 (or 503 with Retry-After) still answered within the retry limits
    ├── JiraUnavailable      5xx after every retry
    │   └── JiraNoAnswer     nothing came back: connection refused, unknown host, no connection,
    │                        connection reset, or a request that stalled past the read timeout
    └── JiraResponseError    a 2xx whose body is truncated, not JSON or not the expected shape

Messages never contain the token: they are built from JIRA's response body, the status code and the
path, never from request headers. Only the JiraError subclasses raised from an answer say what JIRA
said; JiraNoAnswer says that nothing answered.
"""

from __future__ import annotations

from data.errors import JiraError


class JiraAuthError(JiraError):
    """JIRA refused the credentials (or silently ignored them)."""


class JiraQueryError(JiraError):
    """JIRA rejected the JQL; the message is JIRA's own."""


class JiraDeploymentMismatch(JiraError):
    """An endpoint of the other deployment type was called (e.g. the removed Cloud /search)."""


class JiraNotFound(JiraError):
    """JIRA answered 404."""


class JiraRequestError(JiraError):
    """JIRA refused the request for another reason (a 4xx)."""


class JiraTransientError(JiraError):
    """A failure that may be gone on a later try (JIRA busy, unreachable, a garbled answer)."""


class JiraRateLimited(JiraTransientError):
    """JIRA kept answering 429 within the retry limits, or asked for a longer wait than they allow."""


class JiraUnavailable(JiraTransientError):
    """JIRA kept failing (5xx) after every retry."""


class JiraNoAnswer(JiraUnavailable):
    """Nothing answered: connection refused, unknown host, no connection, reset, or a stall."""


class JiraResponseError(JiraTransientError):
    """JIRA's answer could not be read (truncated, not JSON, or an unexpected shape)."""


class JiraBoardError(JiraError):
    """The board named for sprints does not exist, is not visible, or is a Kanban board."""
