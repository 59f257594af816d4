"""The end of a first read (`bulk.read`): records that describe one paper merged, and
everything the snapshot's pack holds, as arrays.

Until now every record was a paper of its own. Records that share a merge key (an arXiv id,
a DOI, an abstract, a title: `corpus.merge`) are found among every record's kept key hashes
with one sort; only those are merged, by a `CorpusBuilder` given them in load order, as a
usual load would merge them. Each merged paper takes the place of its first record; the
others' places go. The papers' texts are copied into the pack by the kernel in runs between
those places, the index's segments keep their postings (`Segment.kept`), and a merged paper
whose text changed is scored from its own words (the index's `patched`).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import numpy as np

from papertui.bulk.columns import TEXTS
from papertui.bulk.store import FACTS, ColumnStore
from papertui.cache.merge_state import _records_json, records_of
from papertui.corpus.facts import date_key
from papertui.corpus.merge import CorpusBuilder, record_of, stable_keys
from papertui.corpus.model import FileReport, Paper
from papertui.corpus.stored import extra_json, file_reports
from papertui.packed_arrays import Blob, Texts
from papertui.search.index import SearchIndex
from papertui.search.stored import index_parts
from papertui.search.vocabulary import word_set


def merged_pack(store: ColumnStore, reports: list[FileReport]) -> tuple[dict[str, Any], dict[str, Any], dict[str, Any]]:
    """The pack's arrays, the papers' description and the index's, for everything read."""
    hashes = np.concatenate(store.key_hashes) if store.key_hashes else np.zeros(0, dtype=np.uint64)
    owners = np.concatenate(store.key_papers) if store.key_papers else np.zeros(0, dtype=np.int32)
    involved = _sharing_keys(hashes, owners)
    merging = _Merging(store, reports, involved)
    arrays = merging.paper_arrays()
    index = merging.index()
    index_arrays, index_description = index_parts(index, index._papers)
    arrays.update(index_arrays)
    arrays.update(merging.merge_state(hashes, owners))
    description = {**store.description(), "papers": merging.count, "files": file_reports(reports)}
    return arrays, description, index_description


def _sharing_keys(hashes: np.ndarray, owners: np.ndarray) -> np.ndarray:
    """The papers (ascending) that share a key hash with another paper."""
    if not len(hashes):
        return np.zeros(0, dtype=np.int64)
    order = np.argsort(hashes, kind="stable")
    hashes, owners = hashes[order], owners[order]
    starts = np.flatnonzero(np.concatenate([[True], hashes[1:] != hashes[:-1]]))
    low, high = np.minimum.reduceat(owners, starts), np.maximum.reduceat(owners, starts)
    shared = np.repeat(low != high, np.diff(np.append(starts, len(hashes))))
    return np.unique(owners[shared]).astype(np.int64)


class _Merging:
    def __init__(self, store: ColumnStore, reports: list[FileReport], involved: np.ndarray) -> None:
        self.store, self.reports, self.involved = store, reports, involved
        self.keep = np.ones(store.count, dtype=bool)
        self.merged: dict[int, Paper] = {}  # place (a first record's) -> the merged paper
        self.kept_records: dict[int, Any] = {}  # place -> its records, when more than one
        self.places: dict[int, list[int]] = {}  # place -> the places of its records
        if len(involved):
            self._merge()
        self.keep[involved] = False
        self.keep[list(self.merged)] = True
        self.count = int(np.count_nonzero(self.keep))
        self.renumbered = np.cumsum(self.keep, dtype=np.int64) - 1

    def _merge(self) -> None:
        papers = self.store.papers()
        report_of = self.store.report.view()
        # Each record's source, by identity: the builder keeps these objects in the papers it
        # makes, and a file given twice gives two records the same path and number.
        place_of: dict[int, int] = {}
        sources = []
        builder = CorpusBuilder()
        for place in self.involved.tolist():
            paper = papers.read(place)
            source = paper.sources[0]
            sources.append(source)
            place_of[id(source)] = place
            report = self.reports[report_of[place]]
            _, merged = builder.add(record_of(paper), source, report)
            report.merged += merged
        builder.finish()
        for number, paper in enumerate(builder.papers):
            place = min(place_of[id(source)] for source in paper.sources)
            self.merged[place] = paper
            self.places[place] = [place_of[id(source)] for source in paper.sources]
            if number in builder.kept_records:
                self.kept_records[place] = builder.kept_records[number]

    def paper_arrays(self) -> dict[str, Any]:
        store = self.store
        arrays = store.columns()
        if not len(self.involved):
            return arrays
        for name in TEXTS:
            arrays[name] = self._texts(name, arrays[name])
        places = np.array(sorted(self.merged), dtype=np.int64)
        kept = self.renumbered[places]
        firsts = [paper.sources[0] for paper in (self.merged[p] for p in places.tolist())]
        arrays["source.file"] = arrays["source.file"][self.keep]
        arrays["source.file"][kept] = [store.source_number(s.path, s.format) for s in firsts]
        arrays["source.record"] = arrays["source.record"][self.keep]
        arrays["source.record"][kept] = [s.record for s in firsts]
        arrays["has_id"] = arrays["has_id"][self.keep]
        arrays["has_id"][kept] = [self.merged[p].arxiv_id is not None for p in places.tolist()]
        if len(arrays["first_seen"]) or any(paper.first_seen for paper in self.merged.values()):
            seen = [(self.merged[p].first_seen or "").encode("utf-8", "replace") for p in places.tolist()]
            width = max([arrays["first_seen"].dtype.itemsize, *map(len, seen), 1])
            column = np.zeros(store.count, dtype=f"S{width}")
            column[: len(arrays["first_seen"])] = arrays["first_seen"]
            arrays["first_seen"] = column[self.keep]
            arrays["first_seen"][kept] = seen
        return arrays

    def _texts(self, name: str, blob: Blob) -> Blob:
        """Column `name` without the places that went, with the merged papers' texts."""
        offsets = blob.offsets
        lengths = np.diff(offsets)
        path = Path(f"{blob.path}.merged")
        replaced = {place: _text(name, paper, self.store).encode("utf-8", "surrogatepass") for place, paper in self.merged.items()}
        for place, data in replaced.items():
            lengths[place] = len(data)
        new_offsets = np.zeros(self.count + 1, dtype=np.int64)
        np.cumsum(lengths[self.keep], out=new_offsets[1:])
        with open(blob.path, "rb") as source, open(path, "wb") as target:
            copied_to = 0  # the provisional column is copied up to here
            for place in self.involved.tolist():
                _copy_range(source, target, int(offsets[copied_to]), int(offsets[place]))
                if place in replaced:
                    target.write(replaced[place])
                copied_to = place + 1
            _copy_range(source, target, int(offsets[copied_to]), int(offsets[-1]))
            target.flush()
            os.fsync(target.fileno())
        return Blob(path, int(new_offsets[-1]), new_offsets)

    def index(self) -> SearchIndex:
        """The index of the kept places, the merged papers with changed texts patched."""
        store = self.store
        index = store.index
        segments = []
        start = 0
        for segment in store.segments:
            part = self.keep[segment.start : segment.stop]
            if part.any():
                segments.append(segment.kept(part, start))
                start = segments[-1].stop
        papers = store.papers()
        patched = {}
        for place, paper in self.merged.items():
            before = papers.read(place)
            if (before.title, before.abstract) != (paper.title, paper.abstract):
                patched[int(self.renumbered[place])] = (_words(paper.title, True), _words(paper.abstract, False))
        facts = {name: store.facts[name].view()[self.keep] for name in FACTS}
        for place, paper in self.merged.items():
            at = self.renumbered[place]
            facts["date"][at], facts["title"][at], facts["abstract"][at] = date_key(paper), paper.title.isascii(), paper.abstract.isascii()
        index.take(store.vocabulary, segments, patched, papers, facts)
        return index

    def merge_state(self, hashes: np.ndarray, owners: np.ndarray) -> dict[str, Any]:
        """What `cache.merge_state` keeps: every key and its paper, each file's papers, and
        the records of the papers made of more than one."""
        alone = self.keep[owners] & ~np.isin(owners, list(self.merged))
        key_hashes = [hashes[alone]]
        key_papers = [self.renumbered[owners[alone]]]
        store = self.store
        report_of = store.report.view()
        single = self.keep & ~np.isin(np.arange(store.count), list(self.merged))
        by_file = [[self.renumbered[single & (report_of == number)]] for number in range(len(self.reports))]
        records_json = {}
        for place, paper in self.merged.items():
            at = int(self.renumbered[place])
            records = records_of(paper, self.kept_records.get(place))
            keys = [key for record, _ in records for key in stable_keys(record)]
            key_hashes.append(np.array(keys, dtype=np.uint64))
            key_papers.append(np.full(len(keys), at, dtype=np.int64))
            for number in {int(report_of[record]) for record in self.places[place]}:
                by_file[number].append(np.array([at], dtype=np.int64))
            if place in self.kept_records:
                records_json[at] = _records_json(self.kept_records[place])
        all_hashes = np.concatenate(key_hashes)
        order = np.argsort(all_hashes, kind="stable")
        per_file = [np.sort(np.concatenate(parts)).astype(np.int32) for parts in by_file]
        for report, numbers in zip(self.reports, per_file):
            report.papers = len(numbers)
        file_offsets = np.zeros(len(per_file) + 1, dtype=np.int64)
        np.cumsum([len(numbers) for numbers in per_file], out=file_offsets[1:])
        with_records = sorted(records_json)
        return {
            "keys.hash": all_hashes[order],
            "keys.paper": np.concatenate(key_papers).astype(np.int32)[order],
            "files.offsets": file_offsets,
            "files.papers": np.concatenate(per_file) if per_file else np.zeros(0, dtype=np.int32),
            "records.papers": np.array(with_records, dtype=np.int32),
            "records": Texts(len(with_records), (records_json[at] for at in with_records)),
        }


def _text(name: str, paper: Paper, store: ColumnStore) -> str:
    if name != "extra":
        return getattr(paper, name)
    return extra_json(paper, lambda source: store.source_number(source.path, source.format))[0]


def _words(text: str, parts: bool) -> frozenset[str]:
    return frozenset(word.decode() for word in word_set(text, parts))


def _copy_range(source: Any, target: Any, start: int, end: int) -> None:
    """Bytes [start, end) of `source` appended to `target`."""
    target.flush()
    left, position = end - start, start
    while left > 0:
        try:
            copied = os.copy_file_range(source.fileno(), target.fileno(), left, position)
        except (AttributeError, OSError):
            copied = target.write(os.pread(source.fileno(), min(left, 1 << 24), position))
            target.flush()
        if not copied:
            raise OSError(f"the column ended {left} bytes early")
        left -= copied
        position += copied
    target.seek(0, os.SEEK_END)
