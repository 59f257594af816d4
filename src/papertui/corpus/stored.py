"""Papers as columns and back: what the on-disk cache keeps of a loaded corpus.

`paper_columns` writes each paper's title, abstract and other fields into byte blobs with
offsets (plus the first source as two numbers); `StoredPapers` reads them back as a sequence of
`Paper`s, making each one only when it is first asked for. A restart of a million papers
then reads nothing until a row is drawn, and a paper made once stays the same object (the
app keeps marks and selections by position and by identity; a found arXiv id is written onto it).

After an update the texts need not be written again: the stored columns stay as they are
(`part`s, in the packs they are in) and the papers merged again are one more part; `rows`
then says where each paper's texts are among the parts (`paper_columns(whole=False)`).
"""

from __future__ import annotations

import json
from bisect import bisect_right
from dataclasses import fields
from typing import Any, Callable, Iterable, Iterator, Sequence, overload

import numpy as np

from papertui.packed_arrays import Texts, offsets_fit
from papertui.corpus.model import Corpus, FileReport, Paper, Source

_EXTRA_FIELDS = (
    "title_derived", "arxiv_id", "listed", "links", "authors", "categories", "published", "upvotes",
    "first_seen", "github_stars", "comments", "resolved_from", "version", "doi", "venue", "collections",
    "zotero_key", "local_pdf",
)  # fmt: skip
_TUPLES = {"links", "authors", "categories", "collections"}
_DEFAULTS = {name: Paper.__dataclass_fields__[name].default for name in _EXTRA_FIELDS}
BLOBS = ("title", "abstract", "extra")
ANY_FIELDS = ("authors", "upvotes")


def any_paper_has(papers: Sequence[Paper], name: str, start: int = 0) -> bool:
    """Whether a paper from `start` on has field `name` (authors, upvotes) set."""
    if isinstance(papers, (StoredPapers, UpdatedPapers)):
        return papers.any_has(name) and start < len(papers)
    return any(_has(getattr(papers[i], name)) for i in range(start, len(papers)))


def read_each(papers: Sequence[Paper], start: int = 0) -> Iterator[Paper]:
    """Every paper from `start` on, without keeping the ones that stored papers make only to
    be read here."""
    read = getattr(papers, "read", papers.__getitem__)
    return (read(position) for position in range(start, len(papers)))


def _has(value: object) -> bool:
    return value is not None and value != ()


def seen_after_mask(papers: Sequence[Paper], since: str | None) -> np.ndarray:
    """A bool per paper: first seen by the library after `since` (`Paper.seen_after`); from
    the stored column when there is one, so that no paper is made."""
    if isinstance(papers, (StoredPapers, UpdatedPapers)):
        return papers.seen_after(since)
    return np.fromiter((paper.seen_after(since) for paper in papers), dtype=bool, count=len(papers))


def count_seen_after(papers: Sequence[Paper], since: str | None) -> int:
    """How many papers the library first saw after `since` (`Paper.seen_after`)."""
    return int(np.count_nonzero(seen_after_mask(papers, since)))


def positions_without_id(papers: Sequence[Paper]) -> Iterable[int]:
    """The papers that may lack an arXiv id (for stored papers, exactly those)."""
    if isinstance(papers, (StoredPapers, UpdatedPapers)):
        return papers.without_id()
    return range(len(papers))


class DamagedPapers(ValueError):
    """Stored columns that do not make papers."""


def paper_columns(corpus: Corpus, whole: bool = True) -> tuple[dict[str, np.ndarray | Texts], Callable[[], dict[str, Any]]]:
    """Arrays of every paper of `corpus` (texts are streamed as they are written), and what
    gives their description once they are written (with the file reports).

    After an update (`UpdatedPapers`), the stored papers not made since are copied from
    their columns as they are, without making them; or, unless `whole`, not copied at all:
    their columns are given as the stored arrays (a pack that reuses them writes nothing),
    and only the papers merged again are new texts."""
    papers = corpus.papers
    if not whole and isinstance(papers, UpdatedPapers) and papers.stored.columns_kept():
        return _added_columns(corpus, papers)
    stored = papers.stored if isinstance(papers, UpdatedPapers) else None
    rows: Sequence[Paper | int] = papers.rows() if isinstance(papers, UpdatedPapers) else papers
    files: dict[tuple[str, str], int] = {}
    if stored is not None:  # the stored numbering, so that the stored extras stay right
        files.update(((source.path, source.format), number) for number, source in enumerate(stored.sources))
    first_file = np.zeros(len(rows), dtype=np.int32)
    first_record = np.zeros(len(rows), dtype=np.int64)

    def text(name: str) -> Iterator[str]:
        for row in rows:
            yield stored.text(name, row) if isinstance(row, int) else getattr(row, name)  # type: ignore[union-attr]

    def extras() -> Iterator[str]:  # written after the source columns are filled in
        for number, paper in enumerate(rows):
            if isinstance(paper, int):
                first_file[number], first_record[number] = stored.first_source(paper)  # type: ignore[union-attr]
                yield stored.text("extra", paper)  # type: ignore[union-attr]
                continue
            extra, sources = _extra(paper, files)
            if sources:
                first_file[number], first_record[number] = sources[0]
            else:
                first_file[number] = -1
            yield extra

    def first_seen(row: Paper | int) -> bytes:
        return stored.first_seen(row) if isinstance(row, int) else (row.first_seen or "").encode("utf-8", "replace")  # type: ignore[union-attr]

    def has_id(row: Paper | int) -> bool:
        return stored.has_id(row) if isinstance(row, int) else row.arxiv_id is not None  # type: ignore[union-attr]

    def any_has(name: str) -> bool:
        if stored is not None and stored.any_has(name):
            return True
        return any(_has(getattr(row, name)) for row in rows if not isinstance(row, int))

    seen = [first_seen(row) for row in rows]
    arrays: dict[str, np.ndarray | Texts] = {
        "title": Texts(len(rows), text("title")),
        "abstract": Texts(len(rows), text("abstract")),
        "extra": Texts(len(rows), extras()),
        "source.file": first_file,  # filled in while the extras are written, so after them
        "source.record": first_record,
        # What the app asks of every paper when a load ends, answered without making them.
        "first_seen": np.array(seen if any(seen) else [], dtype=bytes),
        "has_id": np.fromiter(map(has_id, rows), dtype=bool, count=len(rows)),
    }

    def description() -> dict[str, Any]:
        return {
            "papers": len(rows),
            "any": {name: any_has(name) for name in ANY_FIELDS},
            "sources": [list(key) for key in files],
            "files": file_reports(corpus.files),
        }

    return arrays, description


def _extra(paper: Paper, files: dict[tuple[str, str], int]) -> tuple[str, list[list[int]]]:
    """`extra_json` numbering new files in `files` as they come."""
    return extra_json(paper, lambda source: files.setdefault((source.path, source.format), len(files)))


def extra_json(paper: Paper, file_number: Callable[[Source], int]) -> tuple[str, list[list[int]]]:
    """The extra column of `paper` (JSON, "" for none: the fields that differ from a new
    paper's, and its sources after the first), and its sources as [file, record], each file
    numbered by `file_number`."""
    extra = {}
    for name in _EXTRA_FIELDS:
        value = getattr(paper, name)
        if value != _DEFAULTS[name]:
            extra[name] = value
    sources = [[file_number(s), s.record] for s in paper.sources]
    if len(sources) > 1:
        extra["more_sources"] = sources[1:]
    return (_dumps(extra) if extra else ""), sources


def _dumps(fields: dict[str, Any]) -> str:
    try:
        return _fast_dumps(fields).decode("utf-8")
    except (TypeError, ValueError):  # what orjson refuses (a number too large) the standard library writes
        return json.dumps(fields, ensure_ascii=False)


try:
    from orjson import dumps as _fast_dumps  # 3 times json.dumps on a paper's fields: a first read writes millions
except ImportError:  # the same JSON without it, written more slowly

    def _fast_dumps(value: Any) -> bytes:
        return json.dumps(value, ensure_ascii=False).encode("utf-8")


def file_reports(reports: Sequence[FileReport]) -> list[dict[str, Any]]:
    """The files' reports as a snapshot's description keeps them."""
    return [
        {"path": r.path, "format": r.format, "records": r.records, "papers": r.papers, "merged": r.merged, "warnings": r.warnings}
        for r in reports
    ]


def _added_columns(corpus: Corpus, papers: UpdatedPapers) -> tuple[dict[str, np.ndarray | Texts], Callable[[], dict[str, Any]]]:
    """`paper_columns` of an update that copies no stored text: the stored parts as they are,
    one more part of the papers merged again (and of any stored paper changed since it was
    made), and which part holds each paper's texts."""
    stored = papers.stored
    files = {(source.path, source.format): number for number, source in enumerate(stored.sources)}
    kept, fresh = papers.kept_positions(), list(papers.fresh)
    # A kept paper made and changed since (nothing does so during an update, but a caller
    # may): its texts as they are now, in the new part.
    made = stored.made_positions()
    at = np.searchsorted(kept, made)
    at[at == len(kept)] = 0
    changed = [int(i) for i, position in zip(at.tolist(), made.tolist()) if len(kept) and kept[i] == position and stored.changed_since_made(position)]
    stays = np.ones(len(kept), dtype=bool)
    stays[changed] = False
    new = [stored[int(kept[i])] for i in changed] + fresh
    new_rows = np.concatenate([np.asarray(changed, dtype=np.int64), np.arange(len(kept), len(papers), dtype=np.int64)])
    count = len(papers)
    base = stored.stored_count
    rows = np.empty(count, dtype=np.int64)
    rows[:len(kept)] = stored.stored_positions(kept)
    rows[new_rows] = base + np.arange(len(new), dtype=np.int64)

    first_file = np.empty(count, dtype=np.int32)
    first_record = np.empty(count, dtype=np.int64)
    has_id = np.empty(count, dtype=bool)
    first_file[:len(kept)], first_record[:len(kept)] = stored.source_columns(kept)
    has_id[:len(kept)] = stored.has_id_column(kept)
    extras = []
    for row, paper in zip(new_rows.tolist(), new):
        extra, sources = _extra(paper, files)
        extras.append(extra)
        first_file[row], first_record[row] = sources[0] if sources else (-1, 0)
        has_id[row] = paper.arxiv_id is not None
    seen_new = [(paper.first_seen or "").encode("utf-8", "replace") for paper in new]
    seen_kept = stored.first_seen_column(kept)
    if len(seen_kept) or any(seen_new):
        width = max([seen_kept.dtype.itemsize if len(seen_kept) else 1] + [len(value) for value in seen_new])
        seen = np.zeros(count, dtype=f"S{max(width, 1)}")
        seen[:len(kept)] = seen_kept if len(seen_kept) else b""
        seen[new_rows] = seen_new
    else:
        seen = np.array([], dtype=bytes)

    part = len(stored.parts)
    arrays: dict[str, np.ndarray | Texts] = {}
    for name in BLOBS:
        for number, (text, offsets) in enumerate(stored.columns(name)):
            arrays[_part_name(name, number) + ".text"] = text
            arrays[_part_name(name, number) + ".offsets"] = offsets
    for name in ("title", "abstract"):
        arrays[_part_name(name, part)] = Texts(len(new), [getattr(paper, name) for paper in new])
    arrays[_part_name("extra", part)] = Texts(len(new), extras)
    identity = base + len(new) == count and np.array_equal(rows, np.arange(count))
    arrays.update({"source.file": first_file, "source.record": first_record, "first_seen": seen, "has_id": has_id})
    if not identity:
        arrays["rows"] = rows

    def description() -> dict[str, Any]:
        any_new = {name: any(_has(getattr(paper, name)) for paper in new) for name in ANY_FIELDS}
        return {
            "papers": count,
            "any": {name: stored.any_has(name) or any_new[name] for name in ANY_FIELDS},
            "sources": [list(key) for key in files],
            "files": file_reports(corpus.files),
            "parts": [*stored.parts, len(new)],
            "rows": not identity,
        }

    return arrays, description


def _part_name(name: str, part: int) -> str:
    """The arrays of column `name`'s part `part` are named this, then .text and .offsets
    (the first part as a single-part snapshot names them, so that one reads as it always did)."""
    return name if part == 0 else f"{name}@{part}"


def stored_corpus(arrays: dict[str, np.ndarray], description: dict[str, Any]) -> Corpus:
    """The corpus `paper_columns` described: its papers made on demand."""
    papers = StoredPapers(arrays, description)
    files = [
        FileReport(f["path"], f["format"], int(f["records"]), int(f["papers"]), int(f["merged"]), [str(w) for w in f["warnings"]])
        for f in description["files"]
    ]
    return Corpus(papers, files)  # type: ignore[arg-type]


class StoredPapers(Sequence[Paper]):
    """The papers of stored columns, each made when first read and then kept."""

    def __init__(self, arrays: dict[str, np.ndarray], description: dict[str, Any]) -> None:
        self._count = int(description["papers"])
        self._sources = [Source(str(path), 0, str(fmt)) for path, fmt in description["sources"]]
        self.packs = getattr(arrays, "packs", ())  # the packs the columns are read from (an update reuses them)
        self.parts = [int(count) for count in description.get("parts", [self._count])]
        self._starts = np.concatenate([[0], np.cumsum(self.parts, dtype=np.int64)]).tolist()
        self.stored_count = self._starts[-1]
        self._columns: dict[str, list[tuple[np.ndarray, np.ndarray]]] = {}
        self._texts = {}
        for name in BLOBS:
            self._columns[name] = []
            for part, count in enumerate(self.parts):
                text, offsets = arrays[f"{_part_name(name, part)}.text"], arrays[f"{_part_name(name, part)}.offsets"]
                if count < 0 or not offsets_fit(offsets, count, len(text)):
                    raise DamagedPapers(f"the {name} column does not fit its offsets")
                self._columns[name].append((text, offsets))
            # memoryviews: a slice and an item are read without numpy's per-call overhead
            self._texts[name] = [(memoryview(text), memoryview(offsets)) for text, offsets in self._columns[name]]
        self._rows = arrays["rows"] if description.get("rows") else None
        if self._rows is None and self.stored_count != self._count:
            raise DamagedPapers("the parts do not hold every paper")
        if self._rows is not None and (
            len(self._rows) != self._count or (self._count and (self._rows.min() < 0 or self._rows.max() >= self.stored_count))
        ):
            raise DamagedPapers("the rows do not fit the parts")
        self._row = memoryview(self._rows) if self._rows is not None else None
        self._single = self._rows is None and len(self.parts) == 1  # as a single-part snapshot: no lookup
        self._file_column, self._record_column = arrays["source.file"], arrays["source.record"]
        self._file = memoryview(arrays["source.file"])
        self._record = memoryview(arrays["source.record"])
        if len(self._file) != self._count or len(self._record) != self._count:
            raise DamagedPapers("the source columns do not cover every paper")
        low, high = (int(arrays["source.file"].min()), int(arrays["source.file"].max())) if self._count else (0, -1)
        if low < -1 or high >= len(self._sources):
            raise DamagedPapers("a paper's source is out of range")
        self._made: dict[int, Paper] = {}
        self._any = {name: bool(description["any"][name]) for name in ANY_FIELDS}
        self._first_seen = arrays["first_seen"]
        self._has_id = arrays["has_id"]
        if len(self._has_id) != self._count or len(self._first_seen) not in (0, self._count):
            raise DamagedPapers("the id and date columns do not cover every paper")

    def any_has(self, name: str) -> bool:
        return self._any[name]

    def seen_after(self, since: str | None, among: np.ndarray | None = None) -> np.ndarray:
        """A bool per paper (of the positions `among`, or all): first seen after `since`?"""
        if not len(self._first_seen):
            return np.zeros(self._count if among is None else len(among), dtype=bool)
        column = self._first_seen if among is None else self._first_seen[among]
        seen = column != b""
        if since is not None:
            seen &= column > since.encode("utf-8", "replace")
        return seen

    def count_seen_after(self, since: str | None, among: np.ndarray | None = None) -> int:
        """How many papers (of the positions `among`, or all) were first seen after `since`."""
        return int(np.count_nonzero(self.seen_after(since, among)))

    def without_id(self) -> list[int]:
        return np.flatnonzero(~self._has_id).tolist()

    def __len__(self) -> int:
        return self._count

    @overload
    def __getitem__(self, position: int) -> Paper: ...
    @overload
    def __getitem__(self, position: slice) -> list[Paper]: ...
    def __getitem__(self, position: int | slice) -> Paper | list[Paper]:
        if isinstance(position, slice):
            return [self[i] for i in range(*position.indices(self._count))]
        position = int(position)
        if position < 0:
            position += self._count
        paper = self._made.get(position)
        if paper is None:
            if not 0 <= position < self._count:
                raise IndexError(position)
            paper = self._made[position] = self._make(position)
        return paper

    def __iter__(self) -> Iterator[Paper]:
        for position in range(self._count):
            yield self[position]

    @property
    def sources(self) -> list[Source]:
        """The files (with their formats) papers' sources are numbered by in the columns."""
        return self._sources

    def text(self, name: str, position: int) -> str:
        """Column `name` ("title", "abstract", "extra") of paper `position`, as stored."""
        return self._text(name, position)

    def first_source(self, position: int) -> tuple[int, int]:
        return self._file[position], self._record[position]

    def first_seen(self, position: int) -> bytes:
        return bytes(self._first_seen[position]) if len(self._first_seen) else b""

    def has_id(self, position: int) -> bool:
        return bool(self._has_id[position])

    def read(self, position: int) -> Paper:
        """Paper `position`, made for this reading only unless it was made before."""
        paper = self._made.get(position)
        return paper if paper is not None else self._make(position)

    # --- what an update keeps without copying (`paper_columns(whole=False)`) ---

    def columns_kept(self) -> bool:
        """Whether the columns are in packs an update can reuse (read from a snapshot)."""
        return bool(self.packs)

    def columns(self, name: str) -> list[tuple[np.ndarray, np.ndarray]]:
        """Column `name`'s parts: (text, offsets) each, as stored."""
        return self._columns[name]

    def stored_positions(self, positions: np.ndarray) -> np.ndarray:
        """Where the texts of the papers at `positions` are among the parts (all parts one after the other)."""
        return positions if self._rows is None else self._rows[positions]

    def source_columns(self, positions: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        return self._file_column[positions], self._record_column[positions]

    def has_id_column(self, positions: np.ndarray) -> np.ndarray:
        return self._has_id[positions]

    def first_seen_column(self, positions: np.ndarray) -> np.ndarray:
        return self._first_seen[positions] if len(self._first_seen) else self._first_seen

    def made_positions(self) -> np.ndarray:
        return np.array(sorted(self._made), dtype=np.int64)

    def changed_since_made(self, position: int) -> bool:
        """Whether paper `position` was made and has changed since (its columns are then stale)."""
        made = self._made.get(position)
        if made is None:
            return False
        again = self._make(position)
        return any(getattr(made, f.name) != getattr(again, f.name) for f in fields(Paper))

    @property
    def made(self) -> int:
        """How many papers have been made so far (for tests and benchmarks)."""
        return len(self._made)

    def _text(self, name: str, position: int) -> str:
        if self._single:
            text, offsets = self._texts[name][0]
        else:
            if self._row is not None:
                position = self._row[position]
            part = bisect_right(self._starts, position) - 1
            text, offsets = self._texts[name][part]
            position -= self._starts[part]
        return str(text[offsets[position] : offsets[position + 1]], "utf-8", "replace")

    def _make(self, position: int) -> Paper:
        paper = Paper(self._text("title", position), self._text("abstract", position))
        file = self._file[position]
        if file >= 0:
            first = self._sources[file]
            paper.sources.append(Source(first.path, self._record[position], first.format))
        extra = self._text("extra", position)
        if extra:
            try:
                self._add_extra(paper, json.loads(extra))
            except (ValueError, TypeError):
                pass  # a damaged entry costs its extra fields, never the paper
        return paper

    def _add_extra(self, paper: Paper, fields: Any) -> None:
        if isinstance(fields, dict):
            for name, value in fields.items():
                if name in _DEFAULTS:
                    setattr(paper, name, tuple(value) if name in _TUPLES and isinstance(value, list) else value)
                elif name == "more_sources" and isinstance(value, list):
                    for file, record in value:
                        if 0 <= file < len(self._sources):
                            paper.sources.append(Source(self._sources[file].path, int(record), self._sources[file].format))


class UpdatedPapers(Sequence[Paper]):
    """A kept corpus after some of its files changed: the stored papers still as they were
    (`kept`, their old positions, ascending), then the papers merged again (`fresh`)."""

    def __init__(self, stored: StoredPapers, kept: np.ndarray, fresh: list[Paper]) -> None:
        self.stored, self._kept, self._fresh = stored, kept, fresh

    @property
    def fresh(self) -> list[Paper]:
        return self._fresh

    def kept_positions(self) -> np.ndarray:
        """The stored positions of the papers kept as they were (ascending)."""
        return np.asarray(self._kept, dtype=np.int64)

    def rows(self) -> list[Paper | int]:
        """Each paper, or its stored position when it has not been made (for `paper_columns`)."""
        made = self.stored._made
        return [made.get(position, position) for position in self._kept.tolist()] + list(self._fresh)

    def __len__(self) -> int:
        return len(self._kept) + len(self._fresh)

    @overload
    def __getitem__(self, position: int) -> Paper: ...
    @overload
    def __getitem__(self, position: slice) -> list[Paper]: ...
    def __getitem__(self, position: int | slice) -> Paper | list[Paper]:
        if isinstance(position, slice):
            return [self[i] for i in range(*position.indices(len(self)))]
        position = int(position)
        if position < 0:
            position += len(self)
        if 0 <= position < len(self._kept):
            return self.stored[int(self._kept[position])]
        return self._fresh[position - len(self._kept)]

    def __iter__(self) -> Iterator[Paper]:
        for position in range(len(self)):
            yield self[position]

    def read(self, position: int) -> Paper:
        if 0 <= position < len(self._kept):
            return self.stored.read(int(self._kept[position]))
        return self[position]

    def any_has(self, name: str) -> bool:
        return self.stored.any_has(name) or any(_has(getattr(paper, name)) for paper in self._fresh)

    def seen_after(self, since: str | None) -> np.ndarray:
        fresh = np.fromiter((paper.seen_after(since) for paper in self._fresh), dtype=bool, count=len(self._fresh))
        return np.concatenate([self.stored.seen_after(since, self._kept), fresh])

    def count_seen_after(self, since: str | None) -> int:
        return int(np.count_nonzero(self.seen_after(since)))

    def without_id(self) -> list[int]:
        stored = np.asarray(self.stored.without_id(), dtype=np.int64)
        kept = np.flatnonzero(np.isin(self._kept, stored)).tolist()
        return kept + [len(self._kept) + i for i, paper in enumerate(self._fresh) if paper.arxiv_id is None]
