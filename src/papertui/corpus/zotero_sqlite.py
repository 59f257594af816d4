"""Zotero's library, read-only: opening `zotero.sqlite` without ever writing it.

Zotero holds its database open with an exclusive lock while it runs, in WAL mode: its latest
changes sit in `zotero.sqlite-wal` until a checkpoint. papertui never opens the file for
writing, nor through SQLite's locks (which Zotero's lock would refuse):
- with no `-wal` beside it (or an empty one, as Zotero leaves it on quitting), the file is
  opened read-only and immutable: SQLite takes no lock and creates no -journal, -wal or -shm;
- with a `-wal` that holds changes, the -wal and then the database are copied into a
  temporary directory and the copy is read (immutable would not see them), then deleted.

What the tables say is turned into records by `zotero_items`.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import time
from contextlib import ExitStack
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO, Callable, Iterator
from urllib.parse import quote

from papertui.corpus.model import FileReport, Record
from papertui.corpus.text import clean
from papertui.corpus.zotero_items import ZoteroItem, ZoteroLibrary, ZoteroUnreadable, read_items
from papertui.storage.regular_files import NotRegularFile, open_regular

if TYPE_CHECKING:
    import sqlite3

__all__ = ["ZoteroItem", "ZoteroLibrary", "ZoteroUnreadable", "parse_zotero_sqlite", "read_zotero"]

FORMAT = "zotero-sqlite"
DESCRIPTION = "Zotero's database (zotero.sqlite; read-only, never written)"
SQLITE_HEADER = b"SQLite format 3\x00"
DATABASE_NAME = "zotero.sqlite"
# A read that runs this long is stuck on a hostile file (a library of 10,000 items takes
# under a second): SQLite is interrupted and the file reported.
DEADLINE = 60.0


def is_sqlite(head: bytes) -> bool:
    return head.startswith(SQLITE_HEADER)


def parse_zotero_sqlite(path: Path, report: FileReport, extras: Callable[[ZoteroItem], None] | None = None) -> Iterator[Record]:
    """The records of the database at `path`, for the loader; what cannot be read is one
    warning on `report`. `extras` is given each item, with what Zotero knows beyond its record."""
    try:
        library = read_zotero(path)
    except ZoteroUnreadable as error:
        report.warn(str(error))
        return
    for warning in library.warnings:
        report.warn(warning)
    for item in library.items:
        if extras is not None:
            extras(item)
        yield item.record


def read_zotero(path: Path, deadline: float = DEADLINE) -> ZoteroLibrary:
    """Every regular item of the Zotero database at `path`, never writing it.

    Raises ZoteroUnreadable with one line when it is not a regular file, not SQLite, not
    Zotero's, damaged, or takes longer than `deadline` seconds."""
    try:
        import sqlite3
    except ImportError as error:  # a Python built without it
        raise ZoteroUnreadable("this Python has no sqlite3 module; the Zotero library cannot be read") from error
    path = Path(path)
    warnings: list[str] = []
    try:
        source = open_regular(path)  # a FIFO would block SQLite's open forever
    except NotRegularFile as error:
        raise ZoteroUnreadable(f"{error.kind}, not a regular file; skipped") from None
    except OSError as error:
        raise ZoteroUnreadable(f"cannot read: {error.strerror or error}") from None
    with ExitStack() as cleanup:
        cleanup.enter_context(source)
        if not is_sqlite(source.read(len(SQLITE_HEADER))):
            raise ZoteroUnreadable("not a SQLite database; skipped")
        wal = _wal_with_changes(path, warnings)
        try:
            if wal is None:
                connection = _connect_immutable(sqlite3, path)
            else:
                scratch = Path(cleanup.enter_context(tempfile.TemporaryDirectory(prefix="papertui-zotero-")))
                connection = _connect_copy(sqlite3, source, wal, scratch)
        except OSError as error:
            raise ZoteroUnreadable(f"cannot copy it to read Zotero's latest changes: {error.strerror or error}; skipped") from None
        except sqlite3.Error as error:
            raise ZoteroUnreadable(f"SQLite cannot open it ({_reason(error)}); skipped") from None
        cleanup.callback(connection.close)
        _stop_after(connection, deadline)
        try:
            library = read_items(connection, path.absolute().parent)
        except sqlite3.OperationalError as error:
            if "interrupted" in str(error):
                raise ZoteroUnreadable(f"reading it took over {deadline:g} s and was stopped; skipped") from None
            raise ZoteroUnreadable(_damaged(error)) from None
        except sqlite3.DatabaseError as error:
            raise ZoteroUnreadable(_damaged(error)) from None
    library.warnings[:0] = warnings
    library.copied = wal is not None
    return library


def _damaged(error: Exception) -> str:
    return f"SQLite cannot read it ({_reason(error)}): damaged, or being written; skipped (try again, or after quitting Zotero)"


def _reason(error: Exception) -> str:
    return clean(str(error))[:200]


def _wal_with_changes(path: Path, warnings: list[str]) -> Path | None:
    """The database's -wal when it holds changes not yet in the file itself."""
    wal = path.with_name(path.name + "-wal")
    try:
        with open_regular(wal) as file:
            return wal if os.fstat(file.fileno()).st_size > 0 else None
    except FileNotFoundError:
        return None
    except NotRegularFile as error:
        warnings.append(f"{wal.name} is {error.kind}, not a regular file: Zotero's latest changes are not read")
    except OSError as error:
        warnings.append(f"cannot read {wal.name} ({error.strerror or error}): Zotero's latest changes are not read")
    return None


def _connect_immutable(sqlite3: Any, path: Path) -> sqlite3.Connection:
    # `immutable`: no lock is taken and no file is created or written beside the database.
    uri = f"file:{quote(str(path.absolute()))}?mode=ro&immutable=1"
    return _hardened(sqlite3.connect(uri, uri=True, check_same_thread=False))


def _connect_copy(sqlite3: Any, source: BinaryIO, wal: Path, scratch: Path) -> sqlite3.Connection:
    """A private copy of the database and its -wal, which SQLite replays when it opens it.

    The -wal is copied first: should Zotero checkpoint in between, the database copied after
    already holds those pages, and replaying the older -wal over it gives the same state. The
    database is copied from the file already open (checked to be a regular file)."""
    copy = scratch / DATABASE_NAME
    with open_regular(wal) as wal_file, open(scratch / (DATABASE_NAME + "-wal"), "wb") as target:
        shutil.copyfileobj(wal_file, target, 1 << 20)
    source.seek(0)
    with open(copy, "wb") as target:
        shutil.copyfileobj(source, target, 1 << 20)
    # Read-write only because replaying a -wal writes the copy's -shm; query_only follows.
    return _hardened(sqlite3.connect(str(copy), check_same_thread=False))


def _hardened(connection: sqlite3.Connection) -> sqlite3.Connection:
    # A file from anywhere may carry views and triggers: never let them call functions with
    # side effects, and never write through this connection.
    try:
        connection.execute("PRAGMA trusted_schema = OFF")
        connection.execute("PRAGMA query_only = ON")
    except BaseException:  # a damaged file fails here, before the caller can close it
        connection.close()
        raise
    return connection


def _stop_after(connection: sqlite3.Connection, seconds: float) -> None:
    end = time.monotonic() + seconds
    connection.set_progress_handler(lambda: 1 if time.monotonic() > end else 0, 10_000)


def wal_state(path: Path) -> tuple[int, int] | None:
    """(size, mtime in ns) of the database's -wal, or None: Zotero's changes land there
    first, so a cache of the database must look at it too."""
    try:
        state = os.stat(path.with_name(path.name + "-wal"))
    except OSError:
        return None
    return (state.st_size, state.st_mtime_ns)
