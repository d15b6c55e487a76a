"""One page ahead: a page iterator advanced on a thread while its consumer works on the page before.

The sync normalizes Cloud page k while page k+1 downloads (issue 16 §3): the main thread no longer
waits on the network between pages. At most two pages are alive at once (the one being worked on
and the one downloading); the next download starts only when the consumer has taken the last.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Iterator
from typing import TypeVar

T = TypeVar("T")

_END = object()


def prefetched(pages: Iterator[T]) -> Iterator[T]:
    """``pages``, each fetched while the caller handles the one before.

    An error raised while fetching is raised to the caller at the page where it happened (a
    cancellation in a retry wait too). Leaving early (cancel, an error of the caller's) stops the
    fetching after the page in flight and closes ``pages``, on the fetching thread.
    """
    ready: queue.Queue[tuple[object, BaseException | None]] = queue.Queue()
    wanted = threading.Semaphore(1)  # the fetcher may fetch one page past the one handed out
    stop = threading.Event()

    def fetch() -> None:
        try:
            while True:
                wanted.acquire()
                if stop.is_set():
                    return
                page = next(pages, _END)
                ready.put((page, None))
                if page is _END:
                    return
        except BaseException as exc:  # handed to the caller, who raises it
            ready.put((_END, exc))
        finally:
            close = getattr(pages, "close", None)
            if close is not None:
                close()

    fetcher = threading.Thread(target=fetch, name="jira-prefetch", daemon=True)
    fetcher.start()
    try:
        while True:
            page, error = ready.get()
            if error is not None:
                raise error
            if page is _END:
                return
            wanted.release()
            yield page  # type: ignore[misc]
    finally:
        stop.set()
        wanted.release()
        fetcher.join()
