"""A large JSON-lines file (the arXiv snapshot: 2.7 million lines, 4.9 GB) read by a pool of
processes, one byte range each, with the results of reading it line by line.

The file is cut into ranges of `CHUNK` bytes; a range starts after the first newline at or past
its nominal start and runs to the newline that ends its last line, so every line is read by
exactly one worker. Each worker opens the file itself and reads only its range: the parent never
holds the text, and at most `AHEAD` ranges a worker are in flight, so memory stays that of the
papers. A worker decodes, parses and cleans its lines (`arxiv_snapshot.line_record`) and sends
back, in line order, the records and the problems (numbered within its range; the parent, taking
the ranges in order, renumbers them), so the records, the warnings and their order are the same
as a read line by line, whatever the number of workers.

Workers are started with "spawn", not "fork": the app's loader runs in a thread of a process with
others, and a forked child would inherit their locks.
"""

from __future__ import annotations

import os
from collections import deque
from concurrent.futures import Future, ProcessPoolExecutor
from contextlib import closing
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path
from typing import Any, Callable, Iterator

from papertui.corpus.model import FileReport, Record

PARALLEL_FROM = 64 << 20  # bytes: a smaller file is read line by line (a pool takes a second to start)
CHUNK = 8 << 20  # bytes a worker reads at a time
AHEAD = 3  # ranges a worker may have in flight (their records wait in the parent's memory)


def workers() -> int:
    """The cores this process may use."""
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


@dataclass
class RangeRead:
    """What a worker read in one range: records and problems in line order, and its lines."""

    items: list[Record | tuple[int, str]] = field(default_factory=list)  # a problem: (line in the range, message after "line N")
    lines: int = 0
    not_utf8: list[int] = field(default_factory=list)  # lines in the range read as Windows-1252
    removed: tuple[int, int] = (0, 0)  # as `counting_removals` counts them
    end: int = 0  # the byte after the range's last line


def read_range(path: str, start: int, stop: int, identity: tuple[int, int]) -> RangeRead:
    """The lines that start in [start, stop) of `path` (the line running across `stop` is
    read whole); `identity`: the (device, inode) the parent opened, checked again here."""
    from papertui.corpus.arxiv_snapshot import line_record
    from papertui.corpus.loader import open_input
    from papertui.corpus.text import counting_removals, decode

    result = RangeRead()
    with open_input(Path(path)) as stream:
        state = os.fstat(stream.fileno())
        if (state.st_dev, state.st_ino) != identity:
            raise OSError(f"{path} was replaced while it was read")
        if start:
            stream.seek(start - 1)
            stream.readline()  # the rest of the line that started before this range: not ours
        begin = stream.tell()
        data = stream.read(max(0, stop - begin)) if begin < stop else b""
        if data and not data.endswith(b"\n"):
            data += stream.readline()  # our last line runs on past `stop`
        result.end = begin + len(data)
    lines = data.split(b"\n")
    if lines and lines[-1] == b"":
        lines.pop()  # the newline ends the last line; it does not start another
    result.lines = len(lines)
    with counting_removals() as removed:
        for number, raw in enumerate(lines, 1):
            try:
                line = raw.decode("utf-8")
            except UnicodeDecodeError:
                result.not_utf8.append(number)
                line = decode(raw)[0]
            record, problem = line_record(line, number)
            if problem:
                prefix = f"line {number}"
                result.items.append((number, problem[len(prefix) :] if problem.startswith(prefix) else f": {problem}"))
            if record is not None:
                result.items.append(record)
        result.removed = (removed[0], removed[1])
    return result


def read_json_lines(path: Path, report: FileReport, read: list[int], stop: Callable[[], bool] = lambda: False, jobs: int = 0) -> Iterator[Record]:
    """The records of the JSON-lines file `path`, as `parse_json_lines` gives them from its
    lines (with the same warnings on `report`); `read[0]` follows the bytes read."""
    size = os.stat(path).st_size
    lines = FileLines(report)
    with closing(ranges_in_order(path, [(low, min(low + CHUNK, size)) for low in range(0, size, CHUNK)], read_range, jobs)) as parts:
        for part in parts:
            yield from lines.took(part)
            read[0] = max(read[0], part.end)
            if stop():
                return
    lines.finish()


def ranges_in_order(
    path: Path, ranges: list[tuple[int, int]], job: Callable[[str, int, int, tuple[int, int]], Any], jobs: int = 0, ahead: int = AHEAD
) -> Iterator[Any]:
    """`job(path, low, high, identity)` for each range of `path`, run by a pool of processes
    (at most `ahead` ranges a worker in flight: their results wait in memory), its results in
    the ranges' order. Closed early
    (a stopping load), the workers are ended at once: the ranges under way are of no use,
    and each takes seconds."""
    import multiprocessing

    state = os.stat(path)
    jobs = jobs or workers()
    pool = ProcessPoolExecutor(jobs, mp_context=multiprocessing.get_context("spawn"))
    pending: deque[Future[Any]] = deque()
    waiting = iter(ranges)
    finished = False
    try:
        for _ in ranges:
            for low, high in islice(waiting, max(0, jobs * ahead - len(pending))):
                pending.append(pool.submit(job, str(path), low, high, (state.st_dev, state.st_ino)))
            yield pending.popleft().result()
        finished = True
    finally:
        if not finished:
            _end_workers(pool)
        pool.shutdown(wait=finished, cancel_futures=True)


def _end_workers(pool: ProcessPoolExecutor) -> None:
    """Stop the pool's workers now, not after the ranges they are reading."""
    terminate = getattr(pool, "terminate_workers", None)  # Python 3.14
    if terminate is not None:
        terminate()
        return
    for process in list(getattr(pool, "_processes", {}).values()):
        try:
            process.terminate()
        except (OSError, AttributeError):
            pass


class FileLines:
    """What the ranges of one file say, as a read line by line would say it: their problems
    numbered across the file on `report`, the lines not UTF-8 counted for one warning
    (`finish`), what cleaning removed counted as if done here (`text.add_removals`)."""

    def __init__(self, report: FileReport) -> None:
        self.report = report
        self.before = 0  # lines of the ranges taken so far
        self.not_utf8: list[int] = []

    def took(self, part: RangeRead) -> list[Record]:
        """`part`'s problems said; its records."""
        from papertui.corpus.text import add_removals

        records = []
        for item in part.items:
            if isinstance(item, tuple):
                number, rest = item
                self.report.warn(f"line {self.before + number}{rest}")
            else:
                records.append(item)
        self.not_utf8 += [self.before + number for number in part.not_utf8]
        add_removals(*part.removed)
        self.before += part.lines
        return records

    def finish(self) -> None:
        if self.not_utf8:
            self.report.warn(not_utf8_warning(self.not_utf8))


def not_utf8_warning(lines: list[int]) -> str:
    """The one warning about lines read as Windows-1252 (`lines`: their numbers)."""
    return f"{len(lines)} lines are not UTF-8 (the first: line {lines[0]}); read as Windows-1252, some characters may be wrong"
