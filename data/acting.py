"""Who is acting in this request: on a team server, the signed-in user (set by the server's
guard for the length of a request); locally, nobody, and the OS account speaks for the user.

The audit log, plan reviews, settings versions and sign-offs ask ``acting_user()`` first, so on a
team server every change names the person who made it, whatever the callback passed."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar, Token

Actor = tuple[str, str | None]  # (name, role: viewer, lead or admin; None when not signed in)
_acting: ContextVar[Actor | None] = ContextVar("flowcast_acting_user", default=None)


def acting_user() -> str | None:
    actor = _acting.get()
    return actor[0] if actor else None


def acting_role() -> str | None:
    """The signed-in user's role on a team server; None locally (where every control is open)."""
    actor = _acting.get()
    return actor[1] if actor else None


def begin_acting(name: str, role: str | None = None) -> Token[Actor | None]:
    """``name`` (with ``role``) acts until ``end_acting`` with the token (a request's start and
    end)."""
    return _acting.set((name, role))


def end_acting(token: Token[Actor | None]) -> None:
    _acting.reset(token)


@contextmanager
def acting_as(name: str, role: str | None = None) -> Iterator[None]:
    token = begin_acting(name, role)
    try:
        yield
    finally:
        end_acting(token)
