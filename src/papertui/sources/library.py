"""The library: fetched papers on disk, in papertui's own JSON lines, which `papertui PATH`
reads back like any other file.

One file per source and period (`hf/2024-10-21.jsonl`, `arxiv-rss/2026-08-13-cs.CL.jsonl`,
`added.jsonl`, …): fetching the same period again merges into its file by arXiv id, so
nothing is listed twice. Every file is replaced whole (written beside it, then renamed), so
a failed or interrupted fetch leaves what was stored as it was. `.seen.json` keeps when each
paper was first seen, whichever source brought it; `opened.json` in the data directory when the app last started,
which is what `is:new` compares with.

One lock (`.library.lock`) covers every read-modify-write of the library: two fetches of
different periods at once both update `.seen.json`. Every file is read only if it is a
regular file (a FIFO there is refused, never waited on), and a line that cannot be read
(not UTF-8, not JSON, nested past reason) is skipped with its line number, kept in a hidden
`.NAME.skipped` beside the file when the file is rewritten, and never stops the fetch.
"""

from __future__ import annotations

import json
import os
import re
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator

from papertui.corpus.merge import text_key
from papertui.corpus.model import Record
from papertui.corpus.text import valid_unicode
from papertui.corpus.versions import latest, version_number
from papertui.storage.nesting import json_too_deep
from papertui.storage.regular_files import FileTooLarge, NotRegularFile, read_regular_bytes, shown
from papertui.storage.files import LockError, data_dir, file_lock, write_atomically

LIBRARY_DIR = "library"
SEEN_FILE = ".seen.json"  # hidden: the loader reads every other file of the library
OPENED_FILE = "opened.json"
LOCK_NAME = "library"  # file_lock makes it `.library.lock` in the library: hidden, never loaded
# A period's file holds a day or a month (an OAI page, a search of 30,000 results: tens of MB).
LIBRARY_FILE_LIMIT = 1 << 30
BOOKKEEPING_LIMIT = 256 << 20  # `.seen.json`: some 40 bytes a paper ever fetched
SMALL_FILE_LIMIT = 1 << 20  # a harvest's resumption token, when the app was opened
ENTRY_DEPTH = 16  # an entry nests two deep (its links); a line past this is not ours
SKIPPED_SUFFIX = ".skipped"


def now_iso() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def library_dir() -> Path:
    return data_dir() / LIBRARY_DIR


@dataclass(frozen=True)
class Stored:
    """What storing one period did."""

    path: Path
    new: int  # papers the library had never seen
    updated: int  # papers already in this file, replaced by the fetched version
    total: int  # papers in the file now
    warnings: tuple[str, ...] = ()  # lines of the file that could not be read, one line each


class LibraryError(Exception):
    """The library cannot be written; the message is one line."""


class Library:
    def __init__(self, root: Path | None = None, clock=now_iso) -> None:
        self.root = root or library_dir()
        self.clock = clock
        self._seen: dict[str, str] | None = None

    def store(self, relative: str, records: Iterable[Record], extra: dict[str, dict[str, Any]] | None = None) -> Stored:
        """Merge `records` into the file `relative`: a paper already there is replaced by the
        fetched version (keeping when it was first seen), others are added. `extra`: more
        fields by arXiv id (an RSS item's announce type).

        Each entry keeps the latest arXiv version known (`version`): the record's, or the
        one the file had if it is higher; a `replace` item that names no version raises the
        file's by one (a replacement is a new version)."""
        path = self.root / relative
        when = self.clock()
        try:
            with self.locked():
                existing, skipped = read_library_lines(path)
                seen = self._read_seen()
                new = updated = 0
                for record in records:
                    key = record_key(record)
                    first = seen.get(key) or (existing.get(key) or {}).get("first_seen") or when
                    if key not in seen:
                        new += 1
                    seen.setdefault(key, first)
                    if key in existing:
                        updated += 1
                    more = (extra or {}).get(record.arxiv_id or "")
                    entry = library_entry(record, first, more)
                    version = entry_version(record, existing.get(key), (more or {}).get("announce"))
                    if version is not None:
                        entry["version"] = f"v{version}"  # as arXiv writes it (and the library always has)
                    existing[key] = entry
                lines = "".join(json.dumps(entry, ensure_ascii=False) + "\n" for entry in existing.values())
                warnings = _keep_skipped(path, skipped)
                write_atomically(path, lines)
                self._write_seen(seen)
        except (OSError, LockError, ValueError) as error:  # ValueError: text no file can hold
            raise LibraryError(f"cannot write the library file {shown(path)}: {_reason(error)}") from None
        return Stored(path, new, updated, len(existing), warnings)

    @contextmanager
    def locked(self) -> Iterator[None]:
        """The library's one lock: held by every read-modify-write of its files."""
        with file_lock(self.root / LOCK_NAME):
            yield

    def files(self) -> list[Path]:
        return sorted(self.root.rglob("*.jsonl")) if self.root.is_dir() else []

    def state(self, name: str) -> dict[str, Any]:
        """A small JSON state file of the library (an OAI harvest's resumption token); {}
        when missing or unreadable (a FIFO, junk, a hand-edited list)."""
        data = read_small_json(self.root / name, SMALL_FILE_LIMIT)
        return data if isinstance(data, dict) else {}

    def save_state(self, name: str, data: dict[str, Any] | None) -> None:
        self.update_state(name, lambda _: data)

    def update_state(self, name: str, change: Callable[[dict[str, Any]], dict[str, Any] | None]) -> dict[str, Any] | None:
        """Read, change and write a state file under the library's lock, so that two
        harvests at once keep each other's entries; `change` returning None deletes it."""
        path = self.root / name
        try:
            with self.locked():
                data = change(self.state(name))
                if data is None:
                    path.unlink(missing_ok=True)
                else:
                    write_atomically(path, json.dumps(data, indent=1) + "\n")
        except (OSError, LockError, ValueError) as error:  # ValueError: text no file can hold
            raise LibraryError(f"cannot write {shown(path)}: {_reason(error)}") from None
        return data

    def _read_seen(self) -> dict[str, str]:
        """When each paper was first seen. Unreadable as a whole, it starts afresh (the period
        files keep `first_seen` too); but a FIFO or a device there raises, never replaced."""
        path = self.root / SEEN_FILE
        try:
            raw = read_regular_bytes(path, BOOKKEEPING_LIMIT)
        except FileNotFoundError:
            return {}
        data = _json_or_none(raw, 4)
        if not isinstance(data, dict):
            return {}
        return {valid_unicode(k): valid_unicode(v) for k, v in data.items() if isinstance(v, str)}

    def _write_seen(self, seen: dict[str, str]) -> None:
        write_atomically(self.root / SEEN_FILE, json.dumps(seen, indent=0, sort_keys=True) + "\n")


def _reason(error: Exception) -> str:
    """Why, after "cannot write X: ": a refused file names itself (it may be `.seen.json`)."""
    if isinstance(error, (NotRegularFile, FileTooLarge)):
        return str(error)
    return getattr(error, "strerror", None) or str(error)


def record_key(record: Record) -> str:
    return entry_key(record.arxiv_id, record.title, record.abstract)


def entry_key(arxiv_id: str | None, title: str | None, abstract: str) -> str:
    """Papers are the same in the library by arXiv id, or by title (or the abstract's start)
    without one. Records being stored and entries read back are keyed alike."""
    return arxiv_id or "title:" + text_key(title or abstract[:200])


def library_entry(record: Record, first_seen: str, extra: dict[str, Any] | None = None) -> dict[str, Any]:
    entry: dict[str, Any] = {"id": record.arxiv_id, "title": record.title, "abstract": record.abstract}
    for name in ("authors", "categories", "links"):
        if getattr(record, name):
            entry[name] = list(getattr(record, name))
    for name in ("published", "listed", "upvotes", "github_stars", "comments"):
        if getattr(record, name) is not None:
            entry[name] = getattr(record, name)
    if record.version is not None:
        entry["version"] = f"v{record.version}"
    entry["first_seen"] = first_seen
    entry.update(extra or {})
    return entry


def entry_version(record: Record, before: dict[str, Any] | None, announce: Any = None) -> int | None:
    """The version an entry keeps when `record` is stored over `before` (the file's entry,
    if any): the highest known; an RSS `replace` item without a vN is one past the last
    known (at least v2)."""
    known = version_number((before or {}).get("version"))  # "v3" (a hand edit may hold junk: no version)
    given = record.version
    if given is None and isinstance(announce, str) and announce.startswith("replace"):
        given = (known or 1) + 1
    return latest(known, given)


@dataclass
class SkippedLine:
    number: int
    raw: bytes
    why: str


def read_library_file(path: Path) -> dict[str, dict[str, Any]]:
    """The entries of a library file by key; a damaged line is left out (see read_library_lines)."""
    return read_library_lines(path)[0]


def read_library_lines(path: Path) -> tuple[dict[str, dict[str, Any]], list[SkippedLine]]:
    """The entries of a library file by key, and the lines that could not be read (not
    UTF-8, not JSON, nested too deep, not an entry): one bad line never loses the others.

    Raises OSError when the file cannot be read (a FIFO, a device: never waited on)."""
    entries: dict[str, dict[str, Any]] = {}
    skipped: list[SkippedLine] = []
    try:
        data = read_regular_bytes(path, LIBRARY_FILE_LIMIT)
    except FileNotFoundError:
        return entries, skipped
    for number, line in enumerate(_lines(data), 1):
        if isinstance(line, bytes):
            skipped.append(SkippedLine(number, line, "is not UTF-8"))
            continue
        if not line.strip():
            continue
        if json_too_deep(line, ENTRY_DEPTH):
            skipped.append(SkippedLine(number, line.encode(), f"nests deeper than {ENTRY_DEPTH} levels"))
            continue
        try:
            entry = json.loads(line)
        except (ValueError, RecursionError):  # ValueError: not JSON, a 5,000-digit number
            skipped.append(SkippedLine(number, line.encode(), "is not JSON"))
            continue
        if not isinstance(entry, dict):
            skipped.append(SkippedLine(number, line.encode(), "is not an object"))
            continue
        if _SURROGATE_ESCAPE.search(line):  # rare: the only way a lone surrogate gets in
            entry = _writable(entry)
        arxiv_id, title, abstract = entry.get("id"), entry.get("title"), entry.get("abstract")
        key = entry_key(
            arxiv_id if isinstance(arxiv_id, str) and arxiv_id else None,
            title if isinstance(title, str) else None,
            abstract if isinstance(abstract, str) else "",
        )
        entries[key] = entry
    return entries, skipped


def _lines(data: bytes) -> list[str | bytes]:
    """The lines of `data` as text, split where bytes.splitlines splits (a U+2028 inside a
    title is no line break); a line that is not UTF-8 stays bytes. One decode of the whole
    file when it is all UTF-8, the common case."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        lines: list[str | bytes] = []
        for raw in data.splitlines():
            try:
                lines.append(raw.decode("utf-8"))
            except UnicodeDecodeError:
                lines.append(raw)
        return lines
    return text.replace("\r\n", "\n").replace("\r", "\n").split("\n")


# A JSON escape of a UTF-16 surrogate (strict UTF-8 decoding lets no raw one through).
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")


def _writable(value: Any) -> Any:
    """`value` with every lone surrogate (JSON can spell `"\\ud800"`) made U+FFFD, so that
    writing the file back cannot fail; depth is bounded by ENTRY_DEPTH."""
    if isinstance(value, str):
        return valid_unicode(value)
    if isinstance(value, list):
        return [_writable(item) for item in value]
    if isinstance(value, dict):
        return {valid_unicode(key): _writable(item) for key, item in value.items()}
    return value


def _keep_skipped(path: Path, skipped: list[SkippedLine]) -> tuple[str, ...]:
    """Keep the lines that are about to be left out of `path` in a hidden `.NAME.skipped`
    beside it (the loader never reads hidden files), and say so, one line each."""
    if not skipped:
        return ()
    aside = path.with_name(f".{path.name}{SKIPPED_SUFFIX}")
    # O_NONBLOCK: a FIFO put there fails at once (no reader) instead of hanging the fetch.
    try:
        handle = os.open(aside, os.O_WRONLY | os.O_APPEND | os.O_CREAT | os.O_NONBLOCK | getattr(os, "O_NOCTTY", 0), 0o644)
        with os.fdopen(handle, "ab") as file:
            file.write(b"".join(line.raw + b"\n" for line in skipped))
            file.flush()
            os.fsync(file.fileno())
    except OSError as error:  # then the file is not rewritten: its lines stay where they are
        raise OSError(error.errno, f"cannot keep its unreadable lines in {shown(aside.name)}: {error.strerror or error}") from None
    return tuple(
        f"{shown(path)}: line {line.number:,} {line.why}; left out of the file, kept in {shown(aside.name)}" for line in skipped
    )


def _json_or_none(raw: bytes, depth: int) -> Any:
    """JSON from a small file of ours, or None when it is not (not UTF-8, not JSON, too deep,
    a 5,000-digit number)."""
    try:
        text = raw.decode("utf-8")
        return None if json_too_deep(text, depth) else json.loads(text)
    except (ValueError, RecursionError):
        return None


def read_small_json(path: Path, limit: int, depth: int = 16) -> Any:
    """A small JSON file of ours, or None when it is missing or cannot be read (a FIFO, a
    device, junk, too big): these files only say where to resume, never what to keep."""
    try:
        raw = read_regular_bytes(path, limit)
    except OSError:
        return None
    return _json_or_none(raw, depth)


def slug(text: str) -> str:
    """A file name part from free text (a query, a category list)."""
    return re.sub(r"[^A-Za-z0-9.+-]+", "_", text).strip("_")[:80] or "all"


# --- when the app was opened: what `is:new` compares with -------------------------------------


def last_opening(root: Path | None = None) -> str | None:
    """When the app last started (None before its first start). Kept in the data directory."""
    data = read_small_json((root or data_dir()) / OPENED_FILE, SMALL_FILE_LIMIT)
    opened = data.get("opened") if isinstance(data, dict) else None
    # A time as papertui writes it: `is:new` compares it with `first_seen` strings.
    return opened if isinstance(opened, str) and _ISO_TIME.fullmatch(opened) else None


_ISO_TIME = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", re.ASCII)


def note_opening(root: Path | None = None, when: str | None = None) -> str | None:
    """Record that the app starts now; return when it started before (None: never)."""
    root = root or data_dir()
    previous = last_opening(root)
    try:
        write_atomically(root / OPENED_FILE, json.dumps({"opened": when or now_iso(), "previous": previous}) + "\n")
    except (OSError, ValueError):
        pass  # a read-only data directory: is:new then counts from the last opening that was saved
    return previous
