"""CPU per record of reading a JSON-lines file (the arXiv snapshot), piece by piece.

At 2.7 million papers on 2 cores the whole read has about 130 µs of CPU per record (issue 30):
this prints what each piece of the per-record work costs, best of `--repeat` runs, in one
process with nothing else going on.

    python bench/record_costs.py /work/bench-data/head-100k.jsonl --lines 20000

Pieces: line_record (parse JSON, clean, LaTeX, the Record), stable_keys (merge keys), the
title's words (word_set with parts) and the abstract's words (word_set). Each piece's results
are kept until it ends, as a reader keeps its records. To compare with an older version, run
it again with PYTHONPATH pointing at that version's src (a `git worktree`), in turns.
"""

from __future__ import annotations

import argparse
import itertools
import time
from typing import Callable, Sequence

from papertui.corpus.arxiv_snapshot import line_record
from papertui.corpus.merge import _new_paper, stable_keys
from papertui.search.vocabulary import word_set


def best_microseconds(work: Callable[[], object], count: int, repeat: int) -> float:
    """The fastest of `repeat` runs of `work`, in µs per item of `count`."""
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        work()
        best = min(best, time.perf_counter() - start)
    return best / max(count, 1) * 1e6


def measure(lines: Sequence[str], repeat: int) -> dict[str, float]:
    records = [record for record, _ in (line_record(line, n) for n, line in enumerate(lines, 1)) if record is not None]
    papers = [_new_paper(record) for record in records]
    count = len(lines)
    return {
        "line_record": best_microseconds(lambda: [line_record(line, n) for n, line in enumerate(lines, 1)], count, repeat),
        "stable_keys": best_microseconds(lambda: [stable_keys(record) for record in records], count, repeat),
        "word_set(title, parts)": best_microseconds(lambda: [word_set(p.title, True) for p in papers], count, repeat),
        "word_set(abstract)": best_microseconds(lambda: [word_set(p.abstract) for p in papers], count, repeat),
    }


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("file", help="a JSON-lines file (the arXiv snapshot or a head of it)")
    parser.add_argument("--lines", type=int, default=20_000, help="how many lines to read (default 20000)")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each piece; the best is shown (default 3)")
    args = parser.parse_args(argv)
    with open(args.file, encoding="utf-8", errors="surrogateescape") as handle:
        lines = [line.rstrip("\n") for line in itertools.islice(handle, args.lines)]
    costs = measure(lines, args.repeat)
    for name, cost in costs.items():
        print(f"{name:24} {cost:7.1f} µs/line")
    print(f"{'total':24} {sum(costs.values()):7.1f} µs/line  ({len(lines)} lines, best of {args.repeat})")


if __name__ == "__main__":
    main()
