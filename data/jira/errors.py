"""What can go wrong talking to JIRA, as typed exceptions carrying JIRA's own message.

JiraError (data.errors)
├── JiraAuthError            401/403, or Data Center answering as anonymous: names the credential to fix
├── JiraQueryError           400 on a search: JIRA's own sentence about the JQL
├── JiraDeploymentMismatch   410 on a removed endpoint: the profile's deployment is wrong
├── JiraNotFound             404: the issue or endpoint does not exist or is not visible
├── JiraRequestError         any other 4xx JIRA refused
├── JiraRateLimited          429 still answered after every retry
├── JiraUnavailable          5xx, timeouts or dropped connections after every retry
├── JiraResponseError        a 2xx whose body is truncated, not JSON or not the expected shape
└── JiraBoardError           a board that does not exist, cannot be seen or has no sprints

Messages never contain the token: they are built from JIRA's response body, the status code and the
path, never from request headers.
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


class JiraRateLimited(JiraError):
    """JIRA kept answering 429 after every retry."""


class JiraUnavailable(JiraError):
    """JIRA could not be reached or kept failing (5xx, timeouts, resets) after every retry."""


class JiraResponseError(JiraError):
    """JIRA's answer could not be read (truncated, not JSON, or an unexpected shape)."""


class JiraBoardError(JiraError):
    """The board named for sprints does not exist, is not visible, or is a Kanban board."""
