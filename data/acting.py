"""Who is acting in this request: on a team server, the signed-in user (set by the server's
guard for the length of a request); locally, nobody, and the OS account speaks for the user.

The audit log, plan reviews, settings versions and sign-offs ask ``acting_user()`` first, so on a
team server every change names the person who made it, whatever the callback passed."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar, Token

_acting: ContextVar[str | None] = ContextVar("flowcast_acting_user", default=None)


def acting_user() -> str | None:
    return _acting.get()


def begin_acting(name: str) -> Token[str | None]:
    """``name`` acts until ``end_acting`` with the token (a request's start and end)."""
    return _acting.set(name)


def end_acting(token: Token[str | None]) -> None:
    _acting.reset(token)


@contextmanager
def acting_as(name: str) -> Iterator[None]:
    token = begin_acting(name)
    try:
        yield
    finally:
        end_acting(token)
