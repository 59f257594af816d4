"""Opening a file papertui was given by name, refusing what is not a regular file.

A path can name a FIFO (`mkfifo ~/.config/papertui/config.toml`), a device or a socket:
a plain `open()` of a FIFO waits for a writer forever, and `/dev/zero` never ends. So the
path is opened with O_NONBLOCK (opening a FIFO then returns at once), the kind is checked
on the opened descriptor (no swap after a `stat` can fool it), and at most `limit` bytes
are read. Every refusal is an `OSError` whose message is one line naming the path.

No Textual, no corpus parsing: the config, the marks, the library and doctor all use it.
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path
from typing import BinaryIO

from papertui.corpus.text import printable

# What each kind of special file is called in a refusal (the corpus loader names them alike).
_SPECIAL_KINDS = (
    (stat.S_ISDIR, "a directory"),
    (stat.S_ISFIFO, "a named pipe (FIFO)"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
)


def special_kind(mode: int) -> str | None:
    """What a file that is not a regular file is ("a named pipe (FIFO)"), None for a regular file."""
    if stat.S_ISREG(mode):
        return None
    return next((name for test, name in _SPECIAL_KINDS if test(mode)), "a special file")


def shown(path: Path | str) -> str:
    """A path for a one-line message: control characters spelt out, never sent raw."""
    return printable(os.fsdecode(path) if not isinstance(path, Path) else str(path))


class NotRegularFile(OSError):
    """The path names a FIFO, a device, a socket or a directory.

    `strerror` reads after "cannot read X: " ("it is a named pipe (FIFO), not a file");
    `str()` is a whole line naming the path."""

    def __init__(self, path: Path | str, kind: str) -> None:
        super().__init__(errno.EINVAL, f"it is {kind}, not a file")
        self.path = Path(path)
        self.kind = kind

    def __str__(self) -> str:
        return f"{shown(self.path)} is {self.kind}, not a file"


class FileTooLarge(OSError):
    """The file holds more than the reader's limit: reading it whole would take the memory."""

    def __init__(self, path: Path | str, limit: int) -> None:
        super().__init__(errno.EFBIG, f"it is larger than {limit:,} bytes")
        self.path = Path(path)
        self.limit = limit

    def __str__(self) -> str:
        return f"{shown(self.path)} is larger than {self.limit:,} bytes"


def open_regular(path: Path | str) -> BinaryIO:
    """`path` opened for reading in binary, blocking as usual, if it is a regular file.

    Raises NotRegularFile, or the OSError of the open (FileNotFoundError, …)."""
    # O_NONBLOCK: opening a FIFO with no writer returns at once instead of waiting forever.
    handle = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0))
    try:
        kind = special_kind(os.fstat(handle).st_mode)
        if kind:
            raise NotRegularFile(path, kind)
        if hasattr(os, "set_blocking"):
            os.set_blocking(handle, True)
        return os.fdopen(handle, "rb")
    except BaseException:
        os.close(handle)
        raise


def read_regular_bytes(path: Path | str, limit: int) -> bytes:
    """The whole of a regular file of at most `limit` bytes.

    Raises NotRegularFile, FileTooLarge, or the OSError of the open or the read."""
    with open_regular(path) as file:
        size = os.fstat(file.fileno()).st_size
        if size > limit:
            raise FileTooLarge(path, limit)
        # read(limit + 1) would allocate the whole limit at once; the file may also grow
        # after the fstat (or, as in /proc, report no size at all), hence the chunks.
        chunks = [file.read(size + 1)]
        total = len(chunks[0])
        while chunks[-1] and total <= limit:
            chunks.append(file.read(min(1 << 20, limit + 1 - total)))
            total += len(chunks[-1])
    if total > limit:
        raise FileTooLarge(path, limit)
    return b"".join(chunks) if len(chunks) > 1 else chunks[0]


def read_regular_text(path: Path | str, limit: int, encoding: str = "utf-8", errors: str = "strict") -> str:
    """`read_regular_bytes` decoded; raises UnicodeDecodeError too (with errors="strict")."""
    return read_regular_bytes(path, limit).decode(encoding, errors)


def check_regular(path: Path | str) -> None:
    """Raise NotRegularFile when `path` exists and is not a regular file (a FIFO, a device,
    a directory), for code that hands the path to a library that opens it itself.

    A missing path raises FileNotFoundError, like the open would. The check follows links."""
    kind = special_kind(os.stat(path).st_mode)
    if kind:
        raise NotRegularFile(path, kind)
