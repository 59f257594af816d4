"""The library: fetched papers on disk, in papertui's own JSON lines, which `papertui PATH`
reads back like any other file.

One file per source and period (`hf/2024-10-21.jsonl`, `arxiv-rss/2026-08-13-cs.CL.jsonl`,
`added.jsonl`, …): fetching the same period again merges into its file by arXiv id, so
nothing is listed twice. Every file is replaced whole (written beside it, then renamed), so
a failed or interrupted fetch leaves what was stored as it was. `.seen.json` keeps when each
paper was first seen, whichever source brought it; `opened.json` in the data directory when the app last started,
which is what `is:new` compares with.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Iterable

from papertui.corpus.merge import text_key
from papertui.corpus.model import Record
from papertui.state import LockError, data_dir, file_lock, write_atomically

LIBRARY_DIR = "library"
SEEN_FILE = ".seen.json"  # hidden: the loader reads every other file of the library
OPENED_FILE = "opened.json"


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
        fields by arXiv id (an RSS item's announce type and version)."""
        path = self.root / relative
        when = self.clock()
        try:
            with file_lock(path):
                existing = read_library_file(path)
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
                    existing[key] = library_entry(record, first, (extra or {}).get(record.arxiv_id or ""))
                lines = "".join(json.dumps(entry, ensure_ascii=False) + "\n" for entry in existing.values())
                write_atomically(path, lines)
                self._write_seen(seen)
        except (OSError, LockError) as error:
            raise LibraryError(f"cannot write the library file {path}: {getattr(error, 'strerror', None) or error}") from None
        return Stored(path, new, updated, len(existing))

    def files(self) -> list[Path]:
        return sorted(self.root.rglob("*.jsonl")) if self.root.is_dir() else []

    def state(self, name: str) -> dict[str, Any]:
        """A small JSON state file of the library (an OAI harvest's resumption token)."""
        try:
            data = json.loads((self.root / name).read_text(encoding="utf-8"))
            return data if isinstance(data, dict) else {}
        except (OSError, ValueError):
            return {}

    def save_state(self, name: str, data: dict[str, Any] | None) -> None:
        path = self.root / name
        try:
            if data is None:
                path.unlink(missing_ok=True)
            else:
                write_atomically(path, json.dumps(data, indent=1) + "\n")
        except OSError as error:
            raise LibraryError(f"cannot write {path}: {error.strerror or error}") from None

    def _read_seen(self) -> dict[str, str]:
        try:
            data = json.loads((self.root / SEEN_FILE).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        return {k: v for k, v in data.items() if isinstance(k, str) and isinstance(v, str)} if isinstance(data, dict) else {}

    def _write_seen(self, seen: dict[str, str]) -> None:
        write_atomically(self.root / SEEN_FILE, json.dumps(seen, indent=0, sort_keys=True) + "\n")


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
    entry["first_seen"] = first_seen
    entry.update(extra or {})
    return entry


def read_library_file(path: Path) -> dict[str, dict[str, Any]]:
    """The entries of a library file by key; a damaged line is left out (the fetch rewrites it)."""
    entries: dict[str, dict[str, Any]] = {}
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        return entries
    for line in lines:
        try:
            entry = json.loads(line)
        except ValueError:
            continue
        if isinstance(entry, dict):
            title, abstract = entry.get("title"), entry.get("abstract")
            key = entry_key(str(entry.get("id") or "") or None, title if isinstance(title, str) else None, abstract if isinstance(abstract, str) else "")
            entries[key] = entry
    return entries


def slug(text: str) -> str:
    """A file name part from free text (a query, a category list)."""
    return re.sub(r"[^A-Za-z0-9.+-]+", "_", text).strip("_")[:80] or "all"


# --- when the app was opened: what `is:new` compares with -------------------------------------


def last_opening(root: Path | None = None) -> str | None:
    """When the app last started (None before its first start). Kept in the data directory."""
    try:
        data = json.loads(((root or data_dir()) / OPENED_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    opened = data.get("opened") if isinstance(data, dict) else None
    return opened if isinstance(opened, str) else None


def note_opening(root: Path | None = None, when: str | None = None) -> str | None:
    """Record that the app starts now; return when it started before (None: never)."""
    root = root or data_dir()
    previous = last_opening(root)
    try:
        write_atomically(root / OPENED_FILE, json.dumps({"opened": when or now_iso(), "previous": previous}) + "\n")
    except OSError:
        pass  # a read-only data directory: is:new then counts from the last opening that was saved
    return previous
