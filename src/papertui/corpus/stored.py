"""Papers as columns and back: what the on-disk cache keeps of a loaded corpus.

`paper_columns` writes each paper's title, abstract and other fields into byte blobs with
offsets (plus the first source as two numbers); `StoredPapers` reads them back as a sequence of
`Paper`s, making each one only when it is first asked for. A restart of a million papers
then reads nothing until a row is drawn, and a paper made once stays the same object (the
app keeps marks and selections by position and by identity; a found arXiv id is written onto it).
"""

from __future__ import annotations

import json
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


def paper_columns(corpus: Corpus) -> tuple[dict[str, np.ndarray | Texts], Callable[[], dict[str, Any]]]:
    """Arrays of every paper of `corpus` (texts are streamed as they are written), and what
    gives their description once they are written (with the file reports).

    After an update (`UpdatedPapers`), the stored papers not made since are copied from
    their columns as they are, without making them."""
    papers = corpus.papers
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
            extra = {}
            for name in _EXTRA_FIELDS:
                value = getattr(paper, name)
                if value != _DEFAULTS[name]:
                    extra[name] = value
            sources = [[files.setdefault((s.path, s.format), len(files)), s.record] for s in paper.sources]
            if sources:
                first_file[number], first_record[number] = sources[0]
            else:
                first_file[number] = -1
            if len(sources) > 1:
                extra["more_sources"] = sources[1:]
            yield json.dumps(extra, ensure_ascii=False) if extra else ""

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
            "files": [
                {"path": r.path, "format": r.format, "records": r.records, "papers": r.papers, "merged": r.merged, "warnings": r.warnings}
                for r in corpus.files
            ],
        }

    return arrays, description


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
        self._texts = {}
        for name in BLOBS:
            text, offsets = arrays[f"{name}.text"], arrays[f"{name}.offsets"]
            if not offsets_fit(offsets, self._count, len(text)):
                raise DamagedPapers(f"the {name} column does not fit its offsets")
            # memoryviews: a slice and an item are read without numpy's per-call overhead
            self._texts[name] = (memoryview(text), memoryview(offsets))
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

    @property
    def made(self) -> int:
        """How many papers have been made so far (for tests and benchmarks)."""
        return len(self._made)

    def _text(self, name: str, position: int) -> str:
        text, offsets = self._texts[name]
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
