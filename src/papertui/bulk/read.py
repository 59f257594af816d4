"""A first read that writes the cache as it goes: for a load with a large JSON-lines file (the
arXiv snapshot: 2.7 million papers, 5 GB), which read the usual way made a `Paper` of every
record (12.7 GB at 2.7M) and did the indexing and the merge keys in one process.

Here worker processes turn ranges of the large file into the cache's columns, keys and
postings (`bulk.columns`); the parent appends them to a snapshot being built (`bulk.store`),
and the papers are searchable as each range arrives. Other files of the load are read as
usual and appended the same way, in load order. At the end, records that describe one paper
are merged (`bulk.merge`), the pack is written, and the corpus and index are opened from it as
a restart opens them: what stays in memory is what a restart holds.
"""

from __future__ import annotations

import os
import shutil
from contextlib import closing
from pathlib import Path
from typing import Callable, Iterator

from papertui.bulk.columns import papers_part, read_range_papers
from papertui.bulk.store import ColumnStore
from papertui.cache.entries import PACK
from papertui.cache.snapshot import Building, Inputs
from papertui.corpus.loader import (
    DisplayRoot, LoadProgress, discover_files, display_name, in_parallel, load_file, stopped_warning, warn_after_reading, warn_bug,
)  # fmt: skip
from papertui.corpus.model import Corpus, FileReport, Record, Source
from papertui.corpus.parallel_lines import FileLines, ranges_in_order
from papertui.corpus.text import counting_removals
from papertui.loading import LoadStep

FIRST_RANGES = (4 << 20, 16 << 20)  # bytes: small ranges first, so the first papers come in a second
RANGE = 0  # bytes of the later ranges; 0: about SEGMENT_LINES lines, by the head's line lengths
SEGMENT_LINES = 60_000  # a range's papers are one index segment (at most 65,536): nearly full
AHEAD = 2  # ranges a worker may have in flight (their papers wait in memory: fewer than a usual read's)
BATCH = 32768  # records of a file read the usual way, appended at a time


def wanted(inputs: Inputs) -> bool:
    """Whether a load of `inputs` has a file this read is for (one read in parallel); only
    files large enough are looked at (their sizes are in `inputs`)."""
    from papertui.corpus.parallel_lines import PARALLEL_FROM

    large = (entry[0] for entry in inputs.files if len(entry) > 2 and entry[1] >= PARALLEL_FROM)
    return any(in_parallel(Path(path)) for path in large)


ROOM = 1.1  # the cache's room wanted for a first read, as a share of the input files' bytes


def room_wanted(inputs: Inputs, where: Path) -> str | None:
    """Why the cache cannot take a first read of `inputs` (too little free room), or None."""
    from papertui.pdfs.store import human_size
    from papertui.storage.regular_files import shown

    wanted = ROOM * sum(entry[1] for entry in inputs.files if len(entry) > 2)
    try:
        free = shutil.disk_usage(where).free
    except OSError:
        return None  # not known: the read finds out, and falls back when writing fails
    if free >= wanted:
        return None
    return (
        f"the cache ({shown(where.parent)}) has {human_size(free)} free, and these papers want about {human_size(int(wanted))} "
        "there; they are read into memory instead (point $PAPERTUI_CACHE_DIR at a disk with room for a fast start next time)"
    )


class _Records:
    """Takes a parser's records in place of a `CorpusBuilder` (`loader.load_file`): every
    record is a paper of its own until the end of the read."""

    def __init__(self) -> None:
        self.records: list[Record] = []

    def add(self, record: Record, source: Source, report: FileReport) -> tuple[object, bool]:
        self.records.append(record)
        return record, False


class FirstRead:
    def __init__(self, paths: list[Path], display_root: DisplayRoot, stop: Callable[[], bool], inputs: Inputs, building: Building) -> None:
        self.paths, self.display_root, self.stop = paths, display_root, stop
        self.inputs, self.building = inputs, building
        self.store = ColumnStore(building.where)
        self.reports: list[FileReport] = []
        self.bytes_done = 0
        self.bytes_total = 0
        self.files_total = 0

    def steps(self) -> Iterator[LoadStep]:
        try:
            yield from self._steps()
        finally:
            self.store.close()
            if self.building.where.exists() and self.building.where.name.startswith("."):
                self.building.abandon()  # stopped or failed before the end: nothing half-written stays

    def _steps(self) -> Iterator[LoadStep]:
        found = list(discover_files(self.paths))
        sizes = [_size(path) if problem is None else 0 for path, problem in found]
        self.files_total, self.bytes_total = len(found), sum(sizes)
        yield self._step(0)
        stopped = False
        for number, ((path, problem), size) in enumerate(zip(found, sizes)):
            report = FileReport(path=display_name(path, self.display_root))
            self.reports.append(report)
            if problem:
                report.warn(problem)
            else:
                reading = self._parallel(path, report) if in_parallel(path) else self._usual(path, report)
                for read in reading:
                    yield self._step(number, read)
                    if self.stop():
                        reading.close()
                        stopped = True
                        break
            self.bytes_done += size
            unread = len(found) - number - 1
            if stopped or (unread and self.stop()):
                report.warn(stopped_warning(report.records if stopped else None, unread))
                stopped = True
                break
        yield from self._finish(len(self.reports), stopped)

    def _step(self, files_done: int, read_in_file: int = 0, stopped: bool = False) -> LoadStep:
        papers = self.store.papers()
        corpus = Corpus(papers, self.reports)  # type: ignore[arg-type]
        progress = LoadProgress(
            corpus, len(papers), files_done, self.files_total, self.bytes_done + read_in_file, self.bytes_total, stopped=stopped
        )
        return LoadStep(progress, self.store.publish(papers), len(papers))

    def _parallel(self, path: Path, report: FileReport) -> Iterator[int]:
        """A JSON-lines file read by a pool of processes, one range each (see `parallel_lines`)."""
        from papertui.corpus.arxiv_snapshot import FORMAT

        report.format = FORMAT
        source = self.store.source_number(report.path, FORMAT)
        size = os.stat(path).st_size
        starts = _range_starts(size, RANGE or _range_for(path, size))
        lines = FileLines(report)
        with counting_removals() as removed, closing(ranges_in_order(path, list(zip(starts, starts[1:])), read_range_papers, ahead=AHEAD)) as parts:
            while True:
                try:
                    reading, part = next(parts)
                except StopIteration:
                    break
                except (OSError, MemoryError):
                    raise
                except Exception as error:  # a bug, or a worker killed: the rest of this file, never the load
                    warn_bug(report, error)
                    break
                lines.took(reading)
                for number, rest in part.trimmed:
                    report.warn(f"record {report.records + number}{rest}")
                self.store.append(part, source, report.records, len(self.reports) - 1)
                report.records += part.count
                report.papers = report.records
                yield reading.end
            lines.finish()
            warn_after_reading(report, removed, FORMAT)

    def _usual(self, path: Path, report: FileReport) -> Iterator[int]:
        """Any other file, parsed as a load always parses it, its records appended in batches."""
        collected = _Records()
        appended = 0
        read = 0
        for read in load_file(path, report, collected, self.stop):  # type: ignore[arg-type]
            if len(collected.records) >= BATCH:
                appended += self._append_records(collected, report, appended)
                yield read
        self._append_records(collected, report, appended)
        yield read

    def _append_records(self, collected: _Records, report: FileReport, appended: int) -> int:
        records, collected.records = collected.records, []
        if records:
            part = papers_part(records, trimmed=True)
            self.store.append(part, self.store.source_number(report.path, report.format or ""), appended, len(self.reports) - 1)
        return len(records)

    def _finish(self, files_done: int, stopped: bool) -> Iterator[LoadStep]:
        from papertui.bulk.merge import merged_pack
        from papertui.corpus.stored import stored_corpus
        from papertui.packed_arrays import PACKS, read_pack, write_pack
        from papertui.search.stored import restore_index

        step = self._step(files_done, stopped=stopped)
        yield LoadStep(step.progress, step.index, step.indexed, indexing=True, saving=True)  # not done: the pack is being written
        arrays, description, index_description = merged_pack(self.store, self.reports)
        pack = write_pack(self.building.where / PACK, arrays)
        for name in ("title", "abstract", "extra"):  # the texts' files the pack does not read (merged into others)
            if self.store.blob_path(name).name not in pack.get(PACKS, {}):
                self.store.blob_path(name).unlink(missing_ok=True)
        self.building.write_meta(pack, description, index_description)
        # Opened as a restart opens it: the memory-mapped pack, no paper made.
        opened = read_pack(self.building.where / PACK, pack)
        corpus = stored_corpus(opened, description)
        index = restore_index(opened, index_description, corpus.papers)
        note = None if stopped else self.building.publish()
        count = len(corpus.papers)
        renumbered = count != self.store.count  # records merged: places after theirs moved
        progress = LoadProgress(
            corpus, count, files_done, self.files_total, self.bytes_total, self.bytes_total, renumbered=renumbered, stopped=stopped
        )
        yield LoadStep(progress, index, count, note=note)


def _range_starts(size: int, later: int) -> list[int]:
    """Where each worker's range starts (ranges of `later` bytes after the first ones), and the file's end."""
    starts, position = [], 0
    for length in (*FIRST_RANGES, *([later] * (size // later + 1))):
        if position >= size:
            break
        starts.append(position)
        position += length
    return starts + [size]


def _range_for(path: Path, size: int) -> int:
    """Bytes holding about SEGMENT_LINES lines, judged by the first MB of `path` (the
    snapshot's lines are about 1.7 KB: 100 MB), and at most an eighth of the file, so that
    even a small one comes in steps; at least 8 MB, at most 256 MB."""
    with open(path, "rb") as file:
        head = file.read(1 << 20)
    lines = max(1, head.count(b"\n"))
    return min(256 << 20, max(8 << 20, min(SEGMENT_LINES * len(head) // lines, size // 8)))


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0
