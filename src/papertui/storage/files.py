"""Files in the data directory: atomic writes, one writer at a time, damaged files kept.

Every store (marks, the resolver's cache, citations, the library, settings, PDF text)
writes through these, so a crash leaves the old file or the new one, never half of one."""

from __future__ import annotations

import os
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from papertui.storage.regular_files import shown, special_kind

DATA_DIR_VARIABLE = "PAPERTUI_DATA_DIR"


def data_dir() -> Path:
    override = os.environ.get(DATA_DIR_VARIABLE)
    if override:
        return Path(override).expanduser()
    from platformdirs import user_data_dir

    return Path(user_data_dir("papertui", appauthor=False))


class LockError(Exception):
    """The lock file next to a data file cannot be created."""


@contextmanager
def file_lock(path: Path) -> Iterator[None]:
    """Hold an exclusive lock beside `path` (`.NAME.lock`): one writer at a time."""
    try:
        import fcntl
    except ImportError:  # Windows: the rename is still atomic
        yield
        return
    lock_path = path.with_name(f".{path.name}.lock")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        # O_NONBLOCK and O_RDWR: a FIFO put there is opened at once (and refused), not waited on.
        handle = os.open(lock_path, os.O_RDWR | os.O_CREAT | os.O_NONBLOCK | getattr(os, "O_NOCTTY", 0), 0o644)
    except OSError as error:
        raise LockError(error.strerror or str(error)) from None
    try:
        kind = special_kind(os.fstat(handle).st_mode)
        if kind:
            raise LockError(f"the lock file {shown(lock_path)} is {kind}, not a file")
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
    finally:
        os.close(handle)


def write_atomically(path: Path, text: str) -> None:
    """Temp file, fsync, rename over `path`, fsync the directory: a crash leaves the old
    file or the new one, never half of one. Raises OSError, leaving no temp file.

    A symbolic link (a dotfiles set-up) is written through: its target is replaced, and
    the link stays a link."""
    path = Path(os.path.realpath(path))
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as file:
            file.write(text)
            file.flush()
            os.fsync(file.fileno())
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
    _fsync_directory(path.parent)


def remove_stale_temp_files(path: Path | None) -> None:
    """Delete the temp files a killed save left beside `path` (under the lock, so that
    no save under way loses its own). Best effort: a failure here changes nothing."""
    if path is None:
        return
    target = Path(os.path.realpath(path))
    try:
        if not any(target.parent.glob(f".{target.name}.*.tmp")):
            return  # the common case: nothing to lock for
        with file_lock(path):
            for temp in target.parent.glob(f".{target.name}.*.tmp"):
                temp.unlink(missing_ok=True)
    except (OSError, LockError):
        pass


def move_aside(path: Path) -> Path:
    """Rename a damaged file to `NAME.damaged-<time>`, keeping it for the user to look at."""
    stamp = time.strftime("%Y%m%d-%H%M%S")
    aside = path.with_name(f"{path.name}.damaged-{stamp}")
    counter = 1
    while aside.exists():
        counter += 1
        aside = path.with_name(f"{path.name}.damaged-{stamp}-{counter}")
    os.replace(path, aside)
    return aside


def _fsync_directory(directory: Path) -> None:
    try:
        handle = os.open(directory, os.O_RDONLY)
    except OSError:
        return  # not supported here (Windows): the rename itself is atomic
    try:
        os.fsync(handle)
    except OSError:
        pass
    finally:
        os.close(handle)
