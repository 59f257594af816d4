"""Merging cost: loading a corpus once, twice (every paper merges with its copy) and with
its files in reverse order (the same papers must come out).

    python bench/merge_bench.py [--papers N]

Uses the synthetic corpus of bench/run.py (generated once under bench/.corpora/). Times are
one in-process `load_corpus` each. Appends nothing: copy the output into bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from run import HERE, ensure_corpus

from papertui.corpus import load_corpus


def timed_load(files: list[Path]):
    start = time.perf_counter()
    corpus = load_corpus(files)
    return corpus, time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--papers", type=int, default=100_000)
    args = parser.parse_args()
    files = sorted(p for p in ensure_corpus(args.papers, HERE / ".corpora").iterdir() if not p.name.startswith("."))
    once, once_time = timed_load(files)
    twice, twice_time = timed_load(files + files)
    backward, backward_time = timed_load(files[::-1])
    same = {(p.title, p.abstract, p.arxiv_id) for p in once.papers} == {(p.title, p.abstract, p.arxiv_id) for p in backward.papers}
    print(f"{len(files)} files, {once.record_count:,} records")
    print(f"once:     {len(once.papers):,} papers in {once_time:.2f} s")
    print(f"twice:    {len(twice.papers):,} papers from {twice.record_count:,} records in {twice_time:.2f} s "
          f"({(twice_time - 2 * once_time) / once.record_count * 1e6:+.1f} µs a merged record over two plain loads)")
    print(f"reversed: {len(backward.papers):,} papers in {backward_time:.2f} s; same papers: {same}")


if __name__ == "__main__":
    main()
