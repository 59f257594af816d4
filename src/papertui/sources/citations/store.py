"""The citations of every paper asked about, in `citations.json` in the data directory.

Keyed by arXiv id without version, or `doi:` and the DOI in lower case (`model.citation_key`),
each with when it was fetched: a paper is asked again only when its entry is more than a
week old (`stale`). One line a paper, each a positional list (the names once, in `fields`):
100k papers make a file of about 20 MB that loads in a fraction of a second, and an entry is
checked only when it is looked up, so a hand-edited entry costs nothing until it is used and
then reads as unknown fields, never as an error.

Writes are atomic and merge with the file as it is on disk, under its lock, as the marks do:
two papertui processes enriching at once keep each other's answers. A file that cannot be
read as citations (damaged, not JSON, a named pipe) is moved aside with one warning.
"""

from __future__ import annotations

import json
import os
import stat
import threading
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any, Iterable, Iterator

from papertui.storage.regular_files import read_regular_bytes
from papertui.sources.citations import answers
from papertui.sources.citations.model import Citations, parse_iso
from papertui.storage.files import LockError, data_dir, file_lock, move_aside, remove_stale_temp_files, write_atomically

STORE_FILE = "citations.json"
FORMAT_VERSION = 1
# 100k papers make some 20 MB. Past this (a million papers and more) parsing the file whole
# would take gigabytes of memory: it is left as it is, and not written.
STORE_LIMIT = 256 << 20
MAX_AGE = timedelta(days=7)
# The order of an entry's values; trailing unknowns are left out (a paper not found is
# `[fetched, false]`).
FIELDS = (
    "fetched", "found", "s2_id", "citation_count", "influential_citation_count", "reference_count",
    "tldr", "venue", "journal", "year", "publication_date", "doi", "open_access_pdf", "fields_of_study",
)  # fmt: skip
# Each value read back through the same check as the service's answer.
_CHECKS = {
    "s2_id": answers.s2_id,
    "citation_count": answers.count,
    "influential_citation_count": answers.count,
    "reference_count": answers.count,
    "tldr": answers.text,
    "venue": lambda value: answers.text(value, 500),
    "journal": lambda value: answers.text(value, 500),
    "year": answers.year,
    "publication_date": answers.date,
    "doi": answers.doi,
    "open_access_pdf": answers.url,
    "fields_of_study": lambda value: answers.names(value, limit=50),
}

_NUMBERS = ("citation_count", "influential_citation_count", "reference_count", "year")


class StoreError(Exception):
    """The store cannot be written; the message is one line."""


def to_row(citations: Citations) -> list[Any]:
    row: list[Any] = []
    for name in FIELDS:
        value = getattr(citations, name)
        row.append(list(value) if isinstance(value, tuple) else value)
    while row and row[-1] in (None, []):
        row.pop()
    return row


def from_row(row: Any) -> Citations | None:
    """An entry as stored; None when it has no readable time (then it is asked again)."""
    if not isinstance(row, list) or not row or not isinstance(row[0], str) or parse_iso(row[0]) is None:
        return None
    found = row[1] if len(row) > 1 and isinstance(row[1], bool) else True
    values = {name: _CHECKS[name](value) for name, value in zip(FIELDS[2:], row[2:]) if value is not None}
    return Citations(fetched=row[0], found=found, **values) if found else Citations(fetched=row[0], found=False)


class CitationStore:
    """Citations by key, in memory and at `path` (None: memory only, nothing saved)."""

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self.warnings: list[str] = []
        self._rows: dict[str, Any] = {}  # as read: checked when looked up
        self._new: dict[str, list[Any]] = {}  # put since the last save
        self._lock = threading.RLock()

    @classmethod
    def open(cls, directory: Path | None = None) -> CitationStore:
        """The store in `directory` (default: the data directory). Never raises: a problem
        is one line in `warnings`, and the store starts empty."""
        store = cls((directory or data_dir()) / STORE_FILE)
        store._rows = store._read()
        remove_stale_temp_files(store.path)
        return store

    # --- reading --------------------------------------------------------------------

    def __len__(self) -> int:
        return len(self._rows)

    def __contains__(self, key: object) -> bool:
        return key in self._rows

    def keys(self) -> Iterator[str]:
        return iter(list(self._rows))

    def get(self, key: str | None) -> Citations | None:
        """What is kept for `key` (None: never asked, or an entry that cannot be read)."""
        if key is None:
            return None
        return from_row(self._rows.get(key))

    def numbers(self, name: str, keys: Iterable[str | None]) -> list[int | None]:
        """One count (`citation_count`, `influential_citation_count`, `reference_count`,
        `year`) for each key, None where unknown: for sorting and filtering many papers, a
        tenth of the cost of `get` for each."""
        if name not in _NUMBERS:
            raise ValueError(f"not a number kept for a paper: {name!r}")
        place, check = FIELDS.index(name), _CHECKS[name]
        rows = self._rows
        found: list[int | None] = []
        for key in keys:
            row = rows.get(key) if key is not None else None
            found.append(check(row[place]) if type(row) is list and len(row) > place and type(row[0]) is str and row[1] is not False else None)
        return found

    def fetched(self, key: str) -> datetime | None:
        row = self._rows.get(key)
        return parse_iso(row[0]) if isinstance(row, list) and row and isinstance(row[0], str) else None

    def stale(self, key: str, now: datetime | None = None, max_age: timedelta = MAX_AGE) -> bool:
        """Should `key` be asked (again)? Never asked, unreadable, older than `max_age`, or
        fetched "in the future" (a clock set wrong, or a hand edit)."""
        when = self.fetched(key)
        if when is None:
            return True
        now = now or datetime.now(timezone.utc)
        return not (now - max_age <= when <= now + timedelta(days=1))

    # --- changing -------------------------------------------------------------------

    def put(self, key: str, citations: Citations) -> None:
        row = to_row(citations)
        with self._lock:
            self._rows[key] = self._new[key] = row

    @property
    def pending(self) -> int:
        return len(self._new)

    def save(self) -> None:
        """Write what was put since the last save, merged with the file as it is now.
        Raises StoreError (what was put stays pending, for the next save)."""
        if self.path is None or not self._new:
            return
        try:
            with file_lock(self.path):
                on_disk = self._read()
                if self.path is None:  # it turned out to be from a newer papertui meanwhile
                    raise StoreError(self.warnings[-1])
                with self._lock:
                    on_disk.update(self._new)
                    write_atomically(self.path, _dumps(on_disk))
                    self._new.clear()
                    self._rows = on_disk
        except (OSError, LockError) as error:
            raise StoreError(f"cannot save citations to {self.path}: {getattr(error, 'strerror', None) or error}") from None

    # --- disk -----------------------------------------------------------------------

    def _read(self) -> dict[str, Any]:
        if self.path is None:
            return {}
        try:
            mode = os.stat(self.path).st_mode
        except FileNotFoundError:
            return {}
        except OSError as error:
            return self._unreadable(error.strerror or str(error))
        if not stat.S_ISREG(mode):  # a FIFO would block the read, a device never end
            return self._damaged("not a regular file")
        try:  # still only a regular file (one swapped in since the stat is refused), and not past the limit
            raw = read_regular_bytes(self.path, STORE_LIMIT)
        except OSError as error:
            return self._unreadable(error.strerror or str(error))
        try:
            data = json.loads(raw.decode("utf-8"))
            if not isinstance(data, dict) or not isinstance(data.get("papers"), dict):
                raise ValueError("no 'papers' object")
            version = data.get("version", FORMAT_VERSION)
            if not isinstance(version, int) or isinstance(version, bool):
                raise ValueError(f"version {version!r} is not a number")
        except (ValueError, UnicodeDecodeError, RecursionError) as error:
            return self._damaged(str(error)[:120])
        if version > FORMAT_VERSION:
            self.warnings.append(f"the citations file {self.path} is from a newer papertui; it is not used, nor written")
            self.path = None
            return {}
        return data["papers"]

    def _unreadable(self, reason: str) -> dict[str, Any]:
        self.warnings.append(f"cannot read the citations file {self.path}: {reason}; citations are not kept this time")
        self.path = None  # never overwrite what could not be read
        return {}

    def _damaged(self, reason: str) -> dict[str, Any]:
        assert self.path is not None
        try:
            aside = move_aside(self.path)
        except OSError as error:
            return self._unreadable(f"{reason}, and it cannot be moved aside ({error.strerror or error})")
        self.warnings.append(f"the citations file {self.path} is damaged ({reason}); it was moved aside to {aside.name}")
        return {}


def _dumps(rows: dict[str, Any]) -> str:
    """One paper a line: readable, and a diff of two files shows the papers that changed."""
    # ASCII: a hand-edited entry with a lone surrogate ("\\ud800") is written back as it was read.
    lines = ",\n".join(f"{json.dumps(key)}:{json.dumps(row, separators=(',', ':'))}" for key, row in sorted(rows.items()))
    return f'{{"version":{FORMAT_VERSION},"fields":{json.dumps(list(FIELDS))},"papers":{{\n{lines}\n}}}}\n'
