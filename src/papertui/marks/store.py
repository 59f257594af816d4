"""Stars, read marks, tags, notes and dismissals ("not interested"), kept on disk across sessions.

One JSON file in the data directory (`platformdirs.user_data_dir("papertui")`, or
`$PAPERTUI_DATA_DIR`). A paper's marks are found by its arXiv id, or by its normalised title,
so they survive reloads, re-ordered files and edits elsewhere in the corpus.

Writes are atomic (temp file, fsync, rename) and merge with the file as it is on disk, under
a lock, so two running instances never lose each other's marks. A file that cannot be read as
marks is moved aside, never overwritten.
"""

from __future__ import annotations

import json
import math
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterator, Sequence

from papertui.corpus.merge import text_key
from papertui.corpus.model import Paper
from papertui.corpus.text import printable, strip_controls, valid_unicode
from papertui.corpus.versions import newer_than_seen, version_number
from papertui.storage.files import LockError, data_dir, file_lock, move_aside, remove_stale_temp_files, write_atomically
from papertui.storage.regular_files import read_regular_bytes, shown

if TYPE_CHECKING:
    import numpy as np

STATE_FILE = "state.json"
# Ten thousand marked papers with long notes are a few megabytes; past this it is not our file.
STATE_LIMIT = 256 << 20
LOOKUPS_KEPT = 3  # the corpus, a citation walk's step, and one more
FORMAT_VERSION = 1


@dataclass(frozen=True)
class Marks:
    """What the user recorded about one paper. `title` and `arxiv_id` identify it."""

    title: str
    arxiv_id: str | None = None
    starred: bool = False
    read: bool = False
    tags: tuple[str, ...] = ()
    note: str = ""
    changed: float = 0.0  # when last changed (seconds since the epoch)
    # The arXiv version the paper had when it was last starred or read (None: not known then).
    seen_version: int | None = None
    # "Not interested": hidden from every search that does not ask for `is:dismissed`.
    dismissed: bool = False

    @property
    def empty(self) -> bool:
        return not (self.starred or self.read or self.tags or self.note or self.dismissed)

    def updated_in(self, version: int | None) -> bool:
        """Whether a paper now at arXiv `version` is newer than when it was starred or read."""
        return (self.starred or self.read) and newer_than_seen(version, self.seen_version)

    def to_json(self) -> dict[str, Any]:
        # valid_unicode: one paper's unencodable title must never make the whole file unsavable.
        data: dict[str, Any] = {"title": valid_unicode(self.title)}
        if self.arxiv_id:
            data["arxiv_id"] = self.arxiv_id
        for name in ("starred", "read", "dismissed"):
            if getattr(self, name):
                data[name] = True
        if self.tags:
            data["tags"] = [valid_unicode(tag) for tag in self.tags]
        if self.note:
            data["note"] = valid_unicode(self.note)
        data["changed"] = self.changed
        if self.seen_version is not None:
            data["seen_version"] = self.seen_version
        return data

    @classmethod
    def from_json(cls, data: Any) -> Marks:
        if not isinstance(data, dict) or not isinstance(data.get("title"), str):
            raise ValueError("an entry is not an object with a title")
        tags = data.get("tags", [])
        if not isinstance(tags, list) or not all(isinstance(t, str) for t in tags):
            raise ValueError(f"the tags of {data['title']!r} are not a list of strings")
        arxiv_id = data.get("arxiv_id")
        return cls(
            title=valid_unicode(data["title"]),
            arxiv_id=arxiv_id if isinstance(arxiv_id, str) and arxiv_id else None,
            starred=data.get("starred") is True,
            read=data.get("read") is True,
            dismissed=data.get("dismissed") is True,  # a hand edit's "yes" or 1 is no dismissal
            tags=normalise_tags(tags),
            note=strip_controls(data["note"]) if isinstance(data.get("note"), str) else "",
            changed=_seconds(data.get("changed")),
            seen_version=version_number(data.get("seen_version")),  # a hand edit's junk is no version
        )


def _seconds(value: Any) -> float:
    """A time in seconds from a hand-editable file: a number of 10**400 or "x" is no time (0)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return 0.0
    try:
        seconds = float(value)
    except OverflowError:
        return 0.0
    return seconds if math.isfinite(seconds) and 0 <= seconds < 1e11 else 0.0


def tidy_note(note: str) -> str:
    """A note as written, lines kept (blank runs become one), spaces within lines folded."""
    lines = [" ".join(line.split()) for line in strip_controls(note).splitlines()]
    tidy: list[str] = []
    for line in lines:
        if line or (tidy and tidy[-1]):
            tidy.append(line)
    return "\n".join(tidy).strip()


def normalise_tags(tags: Sequence[str]) -> tuple[str, ...]:
    """Lower-case words without spaces, commas or control characters, each once, in order."""
    found: dict[str, None] = {}
    for tag in tags:
        for part in strip_controls(tag).replace(",", " ").split():
            found[part.casefold()] = None
    return tuple(found)


def paper_key(paper: Paper) -> str:
    """The key a paper's marks are stored under."""
    if paper.arxiv_id:
        return f"arxiv:{paper.arxiv_id}"
    return _title_key(paper.title)


# Starts the key of a title with no letter or digit: text_key never gives this character.
_SYMBOLS_ONLY = "~"


def title_key(title: str) -> str:
    """A title with case and punctuation folded away; one made only of symbols ("🚀🚀",
    "???") keeps them, so that such titles do not all share one empty key."""
    return text_key(title) or _SYMBOLS_ONLY + " ".join(title.casefold().split())


def _title_key(title: str) -> str:
    return f"title:{title_key(title)}"


class StateError(Exception):
    """The state file could not be read or written; the message says why in one line."""


_ASCII_KEY_KEEPING_NEWLINES = str.maketrans("", "", "".join(chr(c) for c in range(128) if not chr(c).isalnum() and c != 10))
LOOKUP_CHUNK = 65536


@dataclass
class PaperLookup:
    """Paper indices by arXiv id and by title key, extended as the corpus grows.

    Built in C-speed passes (a million titles in about a second): one index per key, and
    the rare keys shared by several papers kept aside in `shared`.
    """

    by_id: dict[str, int] = field(default_factory=dict)
    by_title: dict[str, int] = field(default_factory=dict)
    shared: dict[str, list[int]] = field(default_factory=dict)  # "id:..."/"title:..." -> indices
    size: int = 0

    def extend(self, papers: Sequence[Paper], size: int) -> None:
        for low in range(self.size, size, LOOKUP_CHUNK):
            chunk = papers[low : min(size, low + LOOKUP_CHUNK)]
            ids = [(paper.arxiv_id, index) for index, paper in enumerate(chunk, low) if paper.arxiv_id]
            self._add(self.by_id, "id:", [key for key, _ in ids], [index for _, index in ids])
            self._add(self.by_title, "title:", _title_keys([paper.title for paper in chunk]), range(low, low + len(chunk)))
        self.size = max(self.size, size)

    def _add(self, table: dict[str, int], kind: str, keys: list[str], indices: Sequence[int]) -> None:
        fresh = dict(zip(keys, indices))
        if len(fresh) == len(keys) and fresh.keys().isdisjoint(table):
            table.update(fresh)
            return
        for key, index in zip(keys, indices):  # some key repeats: the slow, exact way
            if key in table:
                self.shared.setdefault(kind + key, [table[key]]).append(index)
            else:
                table[key] = index

    def find(self, key: str, title: str) -> list[int]:
        """Papers that may carry the marks stored under `key` for `title`."""
        found: list[int] = []
        wanted = [("title:", self.by_title, title_key(title))]
        if key.startswith("arxiv:"):
            wanted.append(("id:", self.by_id, key[len("arxiv:") :]))
        for kind, table, value in wanted:
            if kind + value in self.shared:
                found.extend(self.shared[kind + value])
            elif value in table:
                found.append(table[value])
        return found


def _title_keys(titles: list[str]) -> list[str]:
    """text_key of each title: the ASCII ones (nearly all) in one C pass over all of them."""
    ascii_titles = [title for title in titles if title.isascii() and "\n" not in title]
    blob = "\n".join(ascii_titles).lower().translate(_ASCII_KEY_KEEPING_NEWLINES)
    if len(ascii_titles) == len(titles):
        keys = blob.split("\n") if titles else []
    else:
        fast = iter(blob.split("\n"))
        keys = [next(fast) if title.isascii() and "\n" not in title else text_key(title) for title in titles]
    if "" in keys:  # titles of symbols only (rare): their own keys
        keys = [key or title_key(title) for key, title in zip(keys, titles)]
    return keys


class MarkStore:
    """The marks of every paper, in memory and on disk at `path` (None: memory only)."""

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self.entries: dict[str, Marks] = {}
        self.version = 0  # grows on every change: caches of searches over marks compare it
        # `is:new` means first seen by the library after this (the previous opening of the app).
        self._new_since: str | None = None
        self.warnings: list[str] = []
        self._dirty: set[str] = set()
        self._by_id: dict[str, str] = {}
        self._by_title: dict[str, str] = {}
        self._lock = threading.RLock()
        # One lookup per list of papers (the corpus, a citation walk's step, another corpus):
        # an index into one list means nothing in another. The lists are kept, so that an id
        # is never reused for another list while its lookup is here.
        self._lookups: list[tuple[Sequence[Paper], PaperLookup]] = []
        self._dismissed: set[str] = set()  # keys of dismissed papers: every search hides them
        # Grows whenever the dismissed papers change (and only then): plain searches, which do
        # not depend on the other marks, keep their cached answers across a star.
        self.dismissed_version = 0

    @classmethod
    def open(cls, directory: Path | None = None) -> MarkStore:
        """The store in `directory` (default: the data directory), read from disk.

        Never raises: a problem becomes a line in `warnings` and the marks start empty.
        """
        store = cls((directory or data_dir()) / STATE_FILE)
        try:
            store.reload()
        except StateError as error:
            store.warnings.append(str(error))
        remove_stale_temp_files(store.path)
        return store

    @property
    def new_since(self) -> str | None:
        return self._new_since

    @new_since.setter
    def new_since(self, when: str | None) -> None:
        with self._lock:
            self._new_since = when
            self.version += 1  # searches for is:new cached before are stale

    # --- reading --------------------------------------------------------------------

    def __len__(self) -> int:
        return len(self.entries)

    def key_of(self, paper: Paper) -> str | None:
        """The key of the paper's stored marks, if it has any."""
        if paper.arxiv_id and paper.arxiv_id in self._by_id:
            return self._by_id[paper.arxiv_id]
        if not self._by_title or not paper.title.strip():  # marks made by id alone have no title
            return None
        return self._by_title.get(_title_key(paper.title))

    def get(self, paper: Paper) -> Marks | None:
        key = self.key_of(paper)
        return self.entries.get(key) if key else None

    def tags(self) -> list[str]:
        """Every tag in use, alphabetical."""
        return sorted({tag for marks in self.entries.values() for tag in marks.tags})

    def mask(self, papers: Sequence[Paper], size: int, wanted) -> np.ndarray:
        """A bool per paper of papers[:size]: do its marks satisfy `wanted(marks)`?

        Costs the number of stored marks, not of papers (after a one-time lookup table).
        """
        import numpy as np  # here: the app draws its first frame before numpy is imported

        with self._lock:
            lookup = self._lookup_for(papers, size)
            chosen = np.zeros(size, dtype=bool)
            for key, marks in self.entries.items():
                if not wanted(marks):
                    continue
                for index in lookup.find(key, marks.title):
                    if index < size and self.key_of(papers[index]) == key:
                        chosen[index] = True
            return chosen

    def _lookup_for(self, papers: Sequence[Paper], size: int) -> PaperLookup:
        for number, (known, lookup) in enumerate(self._lookups):
            if known is papers:
                self._lookups.insert(0, self._lookups.pop(number))
                break
        else:
            lookup = PaperLookup()
            self._lookups.insert(0, (papers, lookup))
            del self._lookups[LOOKUPS_KEPT:]
        lookup.extend(papers, size)
        return lookup

    def forget_papers(self) -> None:
        """The papers' indices changed in place (papers joined while loading): look them up afresh."""
        with self._lock:
            self._lookups.clear()

    @property
    def dismissed_count(self) -> int:
        """How many papers are marked "not interested" (0: searches hide nothing)."""
        return len(self._dismissed)

    def dismissed_mask(self, papers: Sequence[Paper], size: int) -> np.ndarray:
        """A bool per paper of papers[:size]: dismissed? Costs the number of dismissed
        papers (after `mask`'s one-time lookup table), not of papers or of marks."""
        import numpy as np

        with self._lock:
            lookup = self._lookup_for(papers, size)
            chosen = np.zeros(size, dtype=bool)
            for key in self._dismissed:
                marks = self.entries[key]
                for index in lookup.find(key, marks.title):
                    if index < size and self.key_of(papers[index]) == key:
                        chosen[index] = True
            return chosen

    def updated_mask(self, papers: Sequence[Paper], size: int) -> np.ndarray:
        """A bool per paper of papers[:size]: starred or read, and at a later arXiv version
        now than then (`is:updated`). Costs the number of stored marks, as `mask` does."""
        import numpy as np

        with self._lock:
            lookup = self._lookup_for(papers, size)
            chosen = np.zeros(size, dtype=bool)
            for key, marks in self.entries.items():
                if marks.seen_version is None or not (marks.starred or marks.read):
                    continue
                for index in lookup.find(key, marks.title):
                    if index < size and marks.updated_in(papers[index].version) and self.key_of(papers[index]) == key:
                        chosen[index] = True
            return chosen

    # --- changing -------------------------------------------------------------------

    def update(self, paper: Paper, **changes: Any) -> Marks:
        """Change some of a paper's marks (starred, read, tags, note, dismissed) and return them."""
        with self._lock:
            key = self.key_of(paper) or paper_key(paper)
            old = self.entries.get(key) or Marks(title=paper.title, arxiv_id=paper.arxiv_id)
            if "tags" in changes:
                changes["tags"] = normalise_tags(changes["tags"])
            if "note" in changes:
                changes["note"] = tidy_note(changes["note"])
            # Starring or reading a paper records the version it has now: later ones are
            # `is:updated`. (Undo gives the version back with the marks it puts back.)
            if "seen_version" not in changes and paper.version is not None and (changes.get("starred") is True or changes.get("read") is True):
                changes["seen_version"] = paper.version
            new = replace(old, **changes, title=paper.title, arxiv_id=paper.arxiv_id or old.arxiv_id, changed=time.time())
            self._put(key, None if new.empty else new)
            self._dirty.add(key)
            self.version += 1
            return new

    def _put(self, key: str, marks: Marks | None) -> None:
        old = self.entries.pop(key, None)
        if (old is not None and old.dismissed) != (marks is not None and marks.dismissed):
            self.dismissed_version += 1
        self._dismissed.discard(key)
        if old is not None:
            if old.arxiv_id and self._by_id.get(old.arxiv_id) == key:
                del self._by_id[old.arxiv_id]
            if self._by_title.get(_title_key(old.title)) == key:
                del self._by_title[_title_key(old.title)]
        if marks is not None:
            self.entries[key] = marks
            self._index(key, marks)

    def _index(self, key: str, marks: Marks) -> None:
        if marks.arxiv_id:
            self._by_id.setdefault(marks.arxiv_id, key)
        if marks.title.strip():
            self._by_title.setdefault(_title_key(marks.title), key)
        if marks.dismissed:
            self._dismissed.add(key)

    # --- disk -----------------------------------------------------------------------

    def reload(self) -> None:
        """Read the file again (marks changed here and not yet saved are kept)."""
        if self.path is None:
            return
        with self._lock:
            on_disk = self._read()
            self._replace_all(on_disk)

    def save(self) -> None:
        """Write the changed marks: re-read the file, apply them on top, replace it atomically.

        Raises StateError (the changes stay pending, to be written by the next save).
        """
        if self.path is None:
            self._dirty.clear()
            return
        with self._lock, self._file_lock():
            on_disk = self._read()
            for key in self._dirty:
                if key in self.entries:
                    on_disk[key] = self.entries[key]
                else:
                    on_disk.pop(key, None)
            self._write(on_disk)
            self._dirty.clear()
            self._replace_all(on_disk)

    @property
    def pending(self) -> bool:
        return bool(self._dirty)

    def _replace_all(self, on_disk: dict[str, Marks]) -> None:
        merged = dict(on_disk)
        for key in self._dirty:  # ours win until saved
            merged.pop(key, None)
            if key in self.entries:
                merged[key] = self.entries[key]
        if merged != self.entries:
            self.version += 1
        dismissed_before = set(self._dismissed)
        self.entries = {}
        self._by_id, self._by_title, self._dismissed = {}, {}, set()
        for key, marks in merged.items():
            self.entries[key] = marks
            self._index(key, marks)
        if self._dismissed != dismissed_before:  # another papertui dismissed or took one back
            self.dismissed_version += 1

    def _read(self) -> dict[str, Marks]:
        assert self.path is not None
        try:
            # A FIFO or a device there is refused, not waited on: nothing is saved over it.
            raw = read_regular_bytes(self.path, STATE_LIMIT)
        except FileNotFoundError:
            return {}
        except OSError as error:
            raise StateError(f"cannot read the marks file {shown(self.path)}: {error.strerror or error}; marks are not saved") from None
        try:
            data = json.loads(raw.decode("utf-8"))
            if not isinstance(data, dict) or not isinstance(data.get("papers"), dict):
                raise ValueError("no 'papers' object")
            version = data.get("version", FORMAT_VERSION)
            if isinstance(version, bool) or not isinstance(version, int):
                raise ValueError("its version is not a whole number")
            if version > FORMAT_VERSION:
                raise StateError(
                    f"the marks file {shown(self.path)} was written by a newer papertui "
                    f"(format {version if version < 10**9 else 'past 10**9'}); it is left as it is and nothing will be saved"
                )
            entries = {}
            for key, value in data["papers"].items():
                marks = Marks.from_json(value)
                if key == "title:":  # written before symbol-only titles had keys of their own
                    key = _title_key(marks.title)
                entries[valid_unicode(key)] = marks
            return entries
        except StateError:
            self.path = None  # never overwrite what a newer version wrote
            raise
        except (ValueError, TypeError, UnicodeDecodeError, RecursionError) as error:
            reason = " ".join(printable(str(error)).split())[:200]
            try:
                aside = self._move_aside()
            except OSError as move_error:  # a read-only directory: leave it, and never write over it
                where, self.path = shown(self.path), None
                raise StateError(
                    f"the marks file {where} is damaged ({reason}) and cannot be moved aside "
                    f"({move_error.strerror or move_error}); marks are not saved"
                ) from None
            raise StateError(
                f"the marks file {shown(self.path)} is damaged ({reason}); it was moved aside to {shown(aside.name)}"
            ) from None

    def _move_aside(self) -> Path:
        assert self.path is not None
        return move_aside(self.path)

    def _write(self, entries: dict[str, Marks]) -> None:
        assert self.path is not None
        data = {"version": FORMAT_VERSION, "papers": {valid_unicode(key): marks.to_json() for key, marks in sorted(entries.items())}}
        try:
            write_atomically(self.path, json.dumps(data, ensure_ascii=False, indent=1) + "\n")
        except OSError as error:
            raise StateError(f"cannot save marks to {self.path}: {error.strerror or error}") from None

    @contextmanager
    def _file_lock(self) -> Iterator[None]:
        """Keep another papertui from writing between our read and our rename."""
        assert self.path is not None
        try:
            with file_lock(self.path):
                yield
        except LockError as error:
            raise StateError(f"cannot save marks in {self.path.parent}: {error}") from None
