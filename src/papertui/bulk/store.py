"""The papers of a first read as they come, kept the way the cache keeps them: their texts
appended to files in the snapshot being built, their other columns, merge keys and facts in
arrays, their postings as the index's segments. What a search or a drawn row needs during the
read is a view of these (`papers`, `index`): no paper is made until it is shown.
"""

from __future__ import annotations

import mmap
import os
from pathlib import Path
from typing import Any

import numpy as np

from papertui.bulk.columns import TEXTS, PapersPart
from papertui.corpus.stored import StoredPapers
from papertui.packed_arrays import Blob
from papertui.search.index import SearchIndex
from papertui.search.segment import FieldPostings, Segment
from papertui.search.vocabulary import Vocabulary

FACTS = ("date", "title", "abstract")


class Growing:
    """A numpy array appended to in place (its capacity doubles), read as a view."""

    def __init__(self, dtype: Any, first: tuple = ()) -> None:
        self._array = np.zeros(max(1024, len(first)), dtype=dtype)
        self._array[: len(first)] = first
        self.size = len(first)

    def extend(self, values: np.ndarray) -> None:
        if self.size + len(values) > len(self._array):
            grown = np.zeros(max(2 * len(self._array), self.size + len(values)), dtype=self._array.dtype)
            grown[: self.size] = self._array[: self.size]
            self._array = grown
        self._array[self.size : self.size + len(values)] = values
        self.size += len(values)

    def view(self) -> np.ndarray:
        return self._array[: self.size]


class ColumnStore:
    """Papers appended part by part (`append`), their texts written to `where`."""

    def __init__(self, where: Path) -> None:
        self.where = where
        self.count = 0
        self._files = {name: open(self.blob_path(name), "wb") for name in TEXTS}
        self._written = dict.fromkeys(TEXTS, 0)
        self.offsets = {name: Growing(np.int64, (0,)) for name in TEXTS}
        self.source_file = Growing(np.int32)
        self.source_record = Growing(np.int64)
        self.report = Growing(np.int32)  # each paper's file, by its place in the load (a file given twice is two)
        self.has_id = Growing(bool)
        self.facts = {"date": Growing(np.int64), "title": Growing(bool), "abstract": Growing(bool)}
        self._first_seen: list[tuple[int, np.ndarray]] = []  # (first paper, its part's dates) where any
        self.key_hashes: list[np.ndarray] = []
        self.key_papers: list[np.ndarray] = []
        self.any = {"authors": False, "upvotes": False}
        self.sources: list[tuple[str, str]] = []  # (file shown, format): source.file numbers them
        self.vocabulary = Vocabulary()
        self.segments: list[Segment] = []
        self.index = SearchIndex()

    def blob_path(self, name: str) -> Path:
        return self.where / f"{name}.blob"

    def source_number(self, path: str, fmt: str) -> int:
        if (path, fmt) not in self.sources:
            self.sources.append((path, fmt))
        return self.sources.index((path, fmt))

    def append(self, part: PapersPart, source: int, records_before: int, report: int) -> None:
        """Add `part`'s papers after those there; `source`: their file's number in `sources`,
        `records_before`: that file's records before the part (their numbers follow on),
        `report`: the file's place among the load's files."""
        first = self.count
        self.report.extend(np.full(part.count, report, dtype=np.int32))
        for name in TEXTS:
            blob, lengths = part.texts[name]
            self._files[name].write(blob)
            self.offsets[name].extend(self._written[name] + np.cumsum(lengths))
            self._written[name] += len(blob)
        self.source_file.extend(np.full(part.count, source, dtype=np.int32))
        self.source_record.extend(part.record + records_before)
        self.has_id.extend(part.has_id)
        for name in FACTS:
            self.facts[name].extend(part.facts[name])
        if len(part.first_seen):
            self._first_seen.append((first, part.first_seen))
        self.key_hashes.append(part.key_hashes)
        self.key_papers.append(np.repeat(np.arange(first, first + part.count, dtype=np.int32), part.key_counts))
        self.any["authors"] |= part.any_authors
        self.any["upvotes"] |= part.any_upvotes
        ids = self.vocabulary.ids_of(part.words, len(part.words))
        start = first
        for segment in part.segments:
            fields = [self._postings(ids, piece) for piece in (segment.title, segment.abstract)]
            self.segments.append(Segment(start, start + segment.count, *fields))
            start += segment.count
        self.count += part.count

    def _postings(self, ids: np.ndarray, piece: Any) -> FieldPostings:
        by_word = ids[piece.words]  # still alphabetical: the words are the same
        alpha = np.argsort(by_word, kind="stable").astype(np.int32)
        return FieldPostings(self.vocabulary.words, by_word, by_word[alpha], alpha, piece.offsets, piece.papers)

    def first_seen(self) -> np.ndarray:
        """Every paper's first-seen date as bytes ([] when none has one, as the cache keeps it)."""
        if not self._first_seen:
            return np.zeros(0, dtype="S1")
        width = max(dates.dtype.itemsize for _, dates in self._first_seen)
        column = np.zeros(self.count, dtype=f"S{width}")
        for first, dates in self._first_seen:
            column[first : first + len(dates)] = dates
        return column

    def description(self) -> dict[str, Any]:
        return {"papers": self.count, "any": dict(self.any), "sources": [list(s) for s in self.sources]}

    def columns(self) -> dict[str, Any]:
        """The papers' arrays for the pack: the texts as the files written (closed here)."""
        for file in self._files.values():
            if not file.closed:
                file.flush()
                os.fsync(file.fileno())  # they are the snapshot's texts: on disk before it is published
                file.close()
        arrays: dict[str, Any] = {
            name: Blob(self.blob_path(name), self._written[name], self.offsets[name].view()) for name in TEXTS
        }
        return {**arrays, **self._small_columns()}

    def _small_columns(self) -> dict[str, np.ndarray]:
        return {
            "source.file": self.source_file.view(),
            "source.record": self.source_record.view(),
            "first_seen": self.first_seen(),
            "has_id": self.has_id.view(),
        }

    def papers(self) -> StoredPapers:
        """The papers so far, read from the files written (each made when first shown)."""
        arrays: dict[str, Any] = {}
        for name in TEXTS:
            if not self._files[name].closed:
                self._files[name].flush()
            arrays[f"{name}.text"] = _mapped(self.blob_path(name), self._written[name])
            arrays[f"{name}.offsets"] = self.offsets[name].view()
        return StoredPapers({**arrays, **self._small_columns()}, self.description())

    def publish(self, papers: StoredPapers) -> SearchIndex:
        """The index over the papers so far, searchable (one index object, grown in place)."""
        facts = {name: self.facts[name].view() for name in FACTS}
        self.index.take(self.vocabulary, self.segments, {}, papers, facts)
        return self.index

    def close(self) -> None:
        for file in self._files.values():
            file.close()


def _mapped(path: Path, length: int) -> np.ndarray:
    if not length:
        return np.zeros(0, dtype=np.uint8)
    with open(path, "rb") as file:
        return np.frombuffer(mmap.mmap(file.fileno(), length, access=mmap.ACCESS_READ), dtype=np.uint8)
