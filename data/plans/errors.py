"""Errors of the plan workflow (subclasses of data.errors, so the CLI and UI report them as one line)."""

from __future__ import annotations

from data.errors import ConflictError, PermissionDenied


class IllegalTransitionError(ConflictError):
    """A review action that the version's status does not allow (e.g. approving a draft)."""


class PlanLockedError(ConflictError):
    """The plan cannot change now: it is deleted, or its current version is awaiting review."""


class SelfApprovalRefused(PermissionDenied):
    """The submitter may not approve their own version while someone else could review it."""
