"""Records as the cache keeps them, made where they are read: a worker process turns its part
of a large file into each paper's stored columns, merge keys, facts and the index's postings,
as bytes and arrays. The parent then only appends them: it never makes a `Paper`, so a first
read of millions of papers needs the memory of what it keeps, not of Python objects.

Every record is a paper of its own here (`corpus.merge._new_paper`); records that turn out to
describe one paper are merged by the parent at the end (`bulk.merge`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import chain
from typing import Any, Sequence

import numpy as np

from papertui.corpus.facts import date_key
from papertui.corpus.merge import _new_paper, stable_keys
from papertui.corpus.model import Paper, Record
from papertui.corpus.stored import BLOBS, extra_json
from papertui.search.segment import MAX_SEGMENT, sorted_postings
from papertui.search.vocabulary import word_set

TEXTS = BLOBS  # the columns of texts, each a file while the read goes on


@dataclass
class FieldPart:
    """One field's postings over one segment's papers: `words` index the part's vocabulary
    (alphabetically, as `FieldPostings.by_word` is), papers[offsets[k]:offsets[k+1]] have words[k]."""

    words: np.ndarray  # int32
    offsets: np.ndarray  # int64
    papers: np.ndarray  # uint16, local to the segment


@dataclass
class SegmentPart:
    count: int
    title: FieldPart
    abstract: FieldPart


@dataclass
class PapersPart:
    """Consecutive records as papers of one record each, in the shape of the cache's arrays."""

    count: int = 0
    texts: dict[str, tuple[bytes, np.ndarray]] = field(default_factory=dict)  # name -> (blob, lengths)
    record: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))  # within the part, from 1
    first_seen: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype="S1"))
    has_id: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=bool))
    facts: dict[str, np.ndarray] = field(default_factory=dict)  # date, title, abstract (as the index's facts)
    any_authors: bool = False
    any_upvotes: bool = False
    key_hashes: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.uint64))
    key_counts: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int32))
    words: list[bytes] = field(default_factory=list)  # the part's vocabulary, in code point order
    segments: list[SegmentPart] = field(default_factory=list)
    trimmed: list[tuple[int, str]] = field(default_factory=list)  # (record within the part, warning after "record N")


class _Notes:
    """Stands in for a file's report while trimming: collects the warnings of one record."""

    def __init__(self) -> None:
        self.records = 0
        self.notes: list[tuple[int, str]] = []

    def warn(self, reason: str) -> None:
        prefix = f"record {self.records}"
        self.notes.append((self.records, reason[len(prefix) :] if reason.startswith(prefix) else f": {reason}"))


BATCH = 8192  # records made into papers at a time: a worker holds only these as Python objects


def papers_part(records: Sequence[Record], trimmed: bool = False) -> PapersPart:
    """`records` (in file order) as papers of one record each, trimmed first unless they were
    (`loader.trim_record`: a field over its size limit is cut, with a warning)."""
    from papertui.corpus.loader import trim_record

    notes = _Notes()
    columns: dict[str, list[Any]] = {name: [] for name in (*TEXTS, "lengths.title", "lengths.abstract", "lengths.extra")}
    seen, has_id, keys, counts = [], [], [], []
    facts: dict[str, list[np.ndarray]] = {"date": [], "title": [], "abstract": []}
    words = _PartWords()
    part = PapersPart(count=len(records), trimmed=notes.notes)
    for low in range(0, len(records), BATCH):
        batch = records[low : low + BATCH]
        papers = []
        for record in batch:
            notes.records += 1
            if not trimmed:
                trim_record(record, notes)
            papers.append(_new_paper(record))
        for name, values in (
            ("title", [paper.title for paper in papers]),
            ("abstract", [paper.abstract for paper in papers]),
            ("extra", [_extra_json(paper) for paper in papers]),
        ):
            data = [value.encode("utf-8", "surrogatepass") for value in values]
            columns[name].append(b"".join(data))
            columns[f"lengths.{name}"].append(np.fromiter(map(len, data), dtype=np.int64, count=len(data)))
        seen += [(paper.first_seen or "").encode("utf-8", "replace") for paper in papers]
        has_id += [paper.arxiv_id is not None for paper in papers]
        facts["date"].append(np.fromiter(map(date_key, papers), dtype=np.int64, count=len(papers)))
        facts["title"].append(np.fromiter((paper.title.isascii() for paper in papers), dtype=bool, count=len(papers)))
        facts["abstract"].append(np.fromiter((paper.abstract.isascii() for paper in papers), dtype=bool, count=len(papers)))
        part.any_authors |= any(paper.authors for paper in papers)
        part.any_upvotes |= any(paper.upvotes is not None for paper in papers)
        batch_keys = [stable_keys(record) for record in batch]
        counts += map(len, batch_keys)
        keys += chain.from_iterable(batch_keys)
        words.add(papers)
    for name in TEXTS:
        part.texts[name] = (b"".join(columns[name]), _joined(columns[f"lengths.{name}"], np.int64))
    part.record = np.arange(1, len(records) + 1, dtype=np.int64)
    part.first_seen = np.array(seen if any(seen) else [], dtype=bytes)
    part.has_id = np.array(has_id, dtype=bool)
    part.facts = {name: _joined(arrays, np.int64 if name == "date" else bool) for name, arrays in facts.items()}
    part.key_counts = np.array(counts, dtype=np.int32)
    part.key_hashes = np.array(keys, dtype=np.uint64)
    part.words, part.segments = words.segments()
    return part


def _joined(arrays: list[np.ndarray], dtype: Any) -> np.ndarray:
    return np.concatenate(arrays) if arrays else np.zeros(0, dtype=dtype)


def _extra_json(paper: Paper) -> str:
    return extra_json(paper, lambda source: 0)[0]  # a new paper has no source yet: its file is in its own column


class _PartWords:
    """The words of a part's papers, batch by batch: numbered as they first come (the word
    sets of a batch are dropped once numbered), alphabetically at the end."""

    def __init__(self) -> None:
        self.number: dict[bytes, int] = {}
        self.ids: dict[str, list[np.ndarray]] = {"title": [], "abstract": []}
        self.counts: dict[str, list[np.ndarray]] = {"title": [], "abstract": []}

    def add(self, papers: Sequence[Paper]) -> None:
        number = self.number
        for name, parts in (("title", True), ("abstract", False)):
            sets = [word_set(getattr(paper, name), parts) for paper in papers]
            counts = np.fromiter(map(len, sets), dtype=np.int64, count=len(sets))
            flat = list(chain.from_iterable(sets))
            for word in set(flat).difference(number):  # new words: numbered as they come
                number[word] = len(number)
            ids = np.fromiter(map(number.__getitem__, flat), dtype=np.int64, count=len(flat))
            self.ids[name].append(ids)
            self.counts[name].append(counts)

    def segments(self) -> tuple[list[bytes], list[SegmentPart]]:
        """The vocabulary in code point order, and the postings, a segment per MAX_SEGMENT papers."""
        vocabulary = sorted(self.number)
        rank = np.empty(len(vocabulary), dtype=np.int64)
        rank[np.fromiter(map(self.number.__getitem__, vocabulary), dtype=np.int64, count=len(vocabulary))] = np.arange(len(vocabulary))
        fields = {}
        for name in ("title", "abstract"):
            ids = rank[_joined(self.ids[name], np.int64)]
            counts = _joined(self.counts[name], np.int64)
            ends = np.cumsum(counts)
            fields[name] = (ids, counts, ends)
        total = len(fields["title"][1])
        segments = []
        for low in range(0, total, MAX_SEGMENT):
            high = min(total, low + MAX_SEGMENT)
            pieces = []
            for name in ("title", "abstract"):
                ids, counts, ends = fields[name]
                first = int(ends[low - 1]) if low else 0
                pieces.append(_field_part(ids[first : int(ends[high - 1])], counts[low:high]))
            segments.append(SegmentPart(high - low, *pieces))
        return vocabulary, segments


def _field_part(ids: np.ndarray, counts: np.ndarray) -> FieldPart:
    """One field's postings of a segment; `ids`: each posting's word in the part's
    (alphabetical) numbering, paper by paper, `counts`: each paper's postings."""
    words, offsets, papers = sorted_postings(ids, counts)
    return FieldPart(words.astype(np.int32), offsets, papers)


def read_range_papers(path: str, start: int, stop: int, identity: tuple[int, int]) -> tuple[Any, PapersPart]:
    """A worker's job: the lines of `path` that start in [start, stop) (`parallel_lines.read_range`),
    their records made into a `PapersPart`; the reading keeps only the problems."""
    import gc

    from papertui.corpus.parallel_lines import read_range

    # A range makes millions of objects that live until it ends, and no cycles: the collector
    # would only walk them again and again (about 5 µs a record).
    gc.disable()
    try:
        reading = read_range(path, start, stop, identity)
        records = [item for item in reading.items if not isinstance(item, tuple)]
        reading.items = [item for item in reading.items if isinstance(item, tuple)]
        return reading, papers_part(records)
    finally:
        gc.enable()
