"""Files that can hold a JIRA token or issue text: readable by their owner only, whatever the umask.

DESIGN.md 8: every such file Flowcast writes is ``0600`` and every folder it creates for them
``0700`` — the database and its backups, the legacy JSON files of ``json``/``dual`` storage and
``export --format legacy``, profile exports, the migration's backup copies, and the disk caches
(frames, Dash's background-callback results), which hold pickled issues. A mode given to
``os.open``/``mkdir`` is narrowed by the process umask and never widened, so every file and folder
is also ``chmod``-ed to its mode exactly: a umask of 000 cannot open it up, and 077 or 777 cannot
lock the owner out. Folders that already exist (the user's data directory, an old version's
``profiles/``) keep their permissions; the files written into them are private all the same.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import IO, Any

import diskcache

PRIVATE_FILE_MODE = 0o600
PRIVATE_DIR_MODE = 0o700
_CACHE_DATABASE = "cache.db"  # diskcache's index of a cache folder


def make_private_dir(path: str | os.PathLike[str]) -> Path:
    """``path`` as a folder: it and every missing parent are created ``0700``."""
    folder = Path(path)
    missing = []
    current = folder
    while not current.is_dir():
        missing.append(current)
        if current.parent == current:
            break
        current = current.parent
    for created in reversed(missing):
        try:
            created.mkdir(mode=PRIVATE_DIR_MODE)
        except FileExistsError:
            if created.is_dir():
                continue  # another process made it first: theirs is private too
            raise
        os.chmod(created, PRIVATE_DIR_MODE)
    return folder


def _private_opener(path: str, flags: int) -> int:
    fd = os.open(path, flags, PRIVATE_FILE_MODE)
    if hasattr(os, "fchmod"):  # POSIX; Windows has no owner-only mode bits to set
        os.fchmod(fd, PRIVATE_FILE_MODE)
    return fd


def open_private(path: str | os.PathLike[str], mode: str = "wb", **kwargs: Any) -> IO[Any]:
    """``open(path, mode)`` for writing a file that is (or becomes) ``0600``."""
    return open(path, mode, opener=_private_opener, **kwargs)  # noqa: SIM115 — the caller closes it


def create_private_file(path: str | os.PathLike[str]) -> bool:
    """Create an empty ``0600`` file (and its missing folders ``0700``); False if it existed."""
    make_private_dir(Path(path).parent)
    try:
        os.close(_private_opener(str(path), os.O_CREAT | os.O_EXCL | os.O_WRONLY))
    except FileExistsError:
        return False
    return True


def write_private_atomic(path: str | os.PathLike[str], payload: bytes) -> None:
    """Write ``payload`` to ``path`` (``0600``, in a folder created ``0700`` if missing) in one step.

    It goes to a temporary file beside the target, is flushed and fsynced, then replaces the
    target with ``os.replace``: a crash leaves the old file or the new one, never half of one.
    """
    target = Path(path)
    make_private_dir(target.parent)
    tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    try:
        with open_private(tmp, "wb") as handle:
            handle.write(payload)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    _fsync_dir(target.parent)


def copy_private(source: str | os.PathLike[str], target: str | os.PathLike[str]) -> None:
    """Copy a file's bytes and modification time (not its mode) to a new ``0600`` file."""
    make_private_dir(Path(target).parent)
    with open(source, "rb") as reader, open_private(target, "xb") as writer:
        shutil.copyfileobj(reader, writer)
    stat = os.stat(source)
    os.utime(target, ns=(stat.st_atime_ns, stat.st_mtime_ns))


def _fsync_dir(directory: Path) -> None:
    # The rename itself must reach the disk too; not every platform can open a directory.
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


# Disk caches ------------------------------------------------------------------------------------
class PrivateDisk(diskcache.Disk):
    """diskcache's ``Disk`` whose value files (large entries) and their sub-folders are private.

    ``store`` is Disk's documented extension point; the file it just wrote sits in the cache's own
    ``0700`` folder, so nobody else can open it in the moment before its mode is set.
    """

    def store(self, value: Any, read: bool, key: Any = diskcache.core.UNKNOWN) -> Any:
        size, mode, filename, db_value = super().store(value, read, key=key)
        if filename is not None:
            path = Path(self._directory) / filename
            os.chmod(path, PRIVATE_FILE_MODE)
            for folder in (path.parent, path.parent.parent):
                os.chmod(folder, PRIVATE_DIR_MODE)
        return size, mode, filename, db_value


def private_cache(directory: str | os.PathLike[str], **settings: Any) -> diskcache.Cache:
    """A ``diskcache.Cache`` in a ``0700`` folder whose every file is ``0600``.

    The index database is created empty and private before diskcache opens it (SQLite gives its
    ``-wal``/``-shm`` files the database's mode); one left by an older version is made private.
    """
    folder = make_private_dir(directory)
    index = folder / _CACHE_DATABASE
    if not create_private_file(index):
        for suffix in ("", "-wal", "-shm"):
            existing = Path(f"{index}{suffix}")
            if existing.exists():
                os.chmod(existing, PRIVATE_FILE_MODE)
    return diskcache.Cache(str(folder), disk=PrivateDisk, **settings)
