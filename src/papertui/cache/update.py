"""A kept corpus brought up to date when some of its files changed: only those are read.

The papers with a record from a changed, added or removed file, and every paper that shares
a merge key with them or with a new record, are merged again from their records (kept in
the snapshot, or, for a paper of one record, its own fields) and the new records, in the
order a full read would add them. The others stay as they were; the merged-again papers come
after them, so a full read (`papertui cache --clear`) may list them in another order, but
with the same fields and sources. The index forgets the merged-again papers and indexes
them anew at the end. When most of the bytes changed, reading everything is as quick, and
nothing is updated.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Sequence

import numpy as np

from papertui.cache.merge_state import KeptRecords, records_of
from papertui.cache.snapshot import Inputs, Previous
from papertui.corpus.loader import DisplayRoot, discover_files, display_name, load_file
from papertui.corpus.merge import CorpusBuilder, Records, stable_keys
from papertui.corpus.model import Corpus, FileReport, Record, Source
from papertui.corpus.stored import StoredPapers, UpdatedPapers
from papertui.search.index import SearchIndex

MOST_CHANGED = 0.5  # above this share of the bytes changed (read again or dropped), everything is read again


@dataclass(frozen=True)
class Updated:
    corpus: Corpus
    index: SearchIndex
    read: int  # files read (changed or added)
    removed: int  # files gone since the snapshot
    kept: int  # files that came from the snapshot

    def describe(self) -> str:
        changes = [f"{self.read:,} changed or new file{'s' if self.read != 1 else ''} read"] if self.read else []
        if self.removed:
            changes.append(f"{self.removed:,} file{'s' if self.removed != 1 else ''} gone")
        return f"{', '.join(changes)}; {self.kept:,} from the cache"


class _Collector:
    """Stands in for a CorpusBuilder while a changed file is read: keeps its records."""

    def __init__(self) -> None:
        self.records: list[tuple[Record, Source]] = []

    def add(self, record: Record, source: Source, report: FileReport) -> tuple[Record, bool]:
        self.records.append((record, source))
        return record, False


# One record to add again: (file's position now, record number, record, source, the file's
# report when the file was read again, else None).
Item = tuple[int, int, Record, Source, "FileReport | None"]


def update(
    previous: Previous, inputs: Inputs, paths: Sequence[Path], display_root: DisplayRoot, stop: Callable[[], bool] = lambda: False
) -> Updated | None:
    """`previous` brought up to date with the files `inputs` describes; None when reading
    everything again is the better way (or the only one)."""
    old_files, new_files = list(previous.files), list(inputs.files)
    unchanged = set(old_files) & set(new_files)
    if not unchanged or len(set(old_files)) != len(old_files) or len(set(new_files)) != len(new_files):
        return None
    gone = [k for k, file in enumerate(old_files) if file not in unchanged]
    fresh = [j for j, file in enumerate(new_files) if file not in unchanged]
    def size(file: tuple) -> int:
        return file[1] if len(file) >= 3 else 0  # (path, why) for a file that cannot be read

    # Bytes to read again, and bytes whose papers are dropped: against the larger corpus.
    changed = sum(size(new_files[j]) for j in fresh) + sum(size(old_files[k]) for k in gone)
    if not (gone or fresh) or changed > MOST_CHANGED * max(sum(map(size, old_files)), sum(map(size, new_files))):
        return None
    found = list(discover_files(paths))
    names = [display_name(path, display_root) for path, _ in found]
    old_names = [report.path for report in previous.corpus.files]
    if len(found) != len(new_files) or len(set(names)) != len(names) or len(set(old_names)) != len(old_names):
        return None
    position = {name: j for j, name in enumerate(names)}

    reports = {j: FileReport(path=names[j]) for j in fresh}
    items = _read(found, reports, stop)
    if items is None:
        return None
    merged_again = _linked(previous, gone, items)
    gone_names = {old_names[k] for k in gone}
    for paper_records in merged_again.values():
        for record, sources in paper_records:
            for source in sources:
                if source.path not in gone_names:
                    if source.path not in position:
                        return None  # a source the snapshot does not know as a file: read everything
                    items.append((position[source.path], source.record, record, source, None))
    builder = _merge(items, reports)

    old_papers = previous.corpus.papers
    assert isinstance(old_papers, StoredPapers)
    dropped = np.array(sorted(merged_again), dtype=np.int64)
    keep = np.ones(len(old_papers), dtype=bool)
    keep[dropped] = False
    kept = np.flatnonzero(keep)
    papers = UpdatedPapers(old_papers, kept, builder.papers)
    report_of = dict(zip(old_files, previous.corpus.files))
    files = [reports[j] if j in reports else report_of[file] for j, file in enumerate(new_files)]
    now_at = {file: j for j, file in enumerate(new_files)}
    new_file = [now_at[file] if file in unchanged else -1 for file in old_files]
    corpus = Corpus(papers, files, KeptRecords(previous.merge_state, kept, builder.kept_records, new_file))  # type: ignore[arg-type]

    index = previous.index
    index.drop(dropped, papers)
    if builder.papers:
        index.add(papers, len(kept), len(papers))
    index.compact()
    removed = sum(1 for k in gone if old_names[k] not in position)
    return Updated(corpus, index, len(fresh), removed, len(unchanged))


def _read(found: list, reports: dict[int, FileReport], stop: Callable[[], bool]) -> list[Item] | None:
    """The records of the files `reports` names (by position in `found`); None if stopped."""
    items: list[Item] = []
    for j, report in reports.items():
        path, problem = found[j]
        if problem:
            report.warn(problem)
            continue
        collector = _Collector()
        for _ in load_file(path, report, collector, stop):  # type: ignore[arg-type]
            if stop():
                return None
        items += [(j, source.record, record, source, report) for record, source in collector.records]
    return items


def _linked(previous: Previous, gone: list[int], items: list[Item]) -> dict[int, Records]:
    """The kept papers to merge again, with their records: those with a record from a file
    gone (changed or removed), and, through shared keys, every paper linked to one of those
    or to a new record."""
    state, papers = previous.merge_state, previous.corpus.papers
    frontier = state.papers_of_files(gone) | state.papers_with_keys([key for item in items for key in stable_keys(item[2])])
    records: dict[int, Records] = {}
    while frontier:
        for number in frontier:
            records[number] = records_of(papers.read(number), state.kept_records(number))  # type: ignore[attr-defined]
        keys = [key for number in frontier for record, _ in records[number] for key in stable_keys(record)]
        frontier = state.papers_with_keys(keys) - records.keys()
    return records


def _merge(items: list[Item], reports: dict[int, FileReport]) -> CorpusBuilder:
    """The records merged in the order a full read adds them, counting for the files read
    again what a full read counts."""
    items.sort(key=lambda item: item[:2])
    builder = CorpusBuilder()
    papers_of: dict[int, set[int]] = {j: set() for j in reports}
    for report in reports.values():
        report.merged = 0
    unused = FileReport(path="")
    for j, _, record, source, report in items:
        paper, existed = builder.add(record, source, report or unused)
        if report is not None:
            papers_of[j].add(id(paper))
            report.merged += existed
    builder.finish()
    for j, report in reports.items():
        report.papers = len(papers_of[j])
    return builder
