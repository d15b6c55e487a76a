"""The fake JIRA's one error: a bad setting given to the server (not a JIRA error it serves)."""


class FakeJiraConfigError(ValueError):
    """A server option, fault spec or data-set setting that cannot be used; the message says why."""
