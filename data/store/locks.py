"""Task locks: one run of a task at a time, across every process on this machine.

A lock is an OS file lock (``filelock``: ``flock`` on POSIX, ``msvcrt.locking`` on Windows) on a
file in a ``locks`` folder beside the store's data, so it dies with the process that holds it: a
killed job never leaves its task locked. A second holder — another process, or another thread
of this one — is refused at once rather than queued.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from filelock import FileLock, Timeout

from data.errors import ConfigError

# The folder beside the database that holds the lock files (never user data).
LOCK_DIR_NAME = "locks"


class LockHeld(Exception):
    """Another holder has this task's lock (the caller turns it into its own message)."""


@contextmanager
def file_lock(lock_dir: Path, scope: str, task: str) -> Iterator[None]:
    """Hold the lock of ``task`` within ``scope`` (the store's identity) or raise LockHeld."""
    digest = hashlib.sha256(f"{scope}\0{task}".encode()).hexdigest()
    path = lock_dir / f"job-{digest[:24]}.lock"
    try:
        lock_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
        lock = FileLock(path, timeout=0, mode=0o600, thread_local=False, is_singleton=False)
        lock.acquire()
    except Timeout:
        raise LockHeld(task) from None
    except OSError as exc:
        raise ConfigError(
            f"Cannot create the job lock {path} ({exc.strerror or exc}); make the data directory "
            "writable or choose another with --data-dir."
        ) from None
    try:
        yield
    finally:
        lock.release()
