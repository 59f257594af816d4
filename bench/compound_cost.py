"""What compound words and phrase ranking cost at scale: indexing time, vocabulary size and
search time per keystroke for typed queries, on a generated corpus.

    .venv/bin/python bench/make_corpus.py 100000 /tmp/c100k
    .venv/bin/python bench/compound_cost.py /tmp/c100k
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

from papertui.corpus import load_corpus
from papertui.search import SearchIndex

QUERIES = ["masked thought", "reinforcement learning", "llm agents benchmark", "chain-of-thought", "gpt-4", "diffusion models"]


def main() -> None:
    corpus = load_corpus([Path(sys.argv[1])])
    started = time.perf_counter()
    index = SearchIndex(corpus.papers)
    built = time.perf_counter() - started
    times = []
    for query in QUERIES:
        for n in range(1, len(query) + 1):
            start = time.perf_counter()
            index.search(query[:n])
            times.append((time.perf_counter() - start) * 1000)
    times.sort()
    print(f"{len(corpus.papers):,} papers: indexed in {built:.1f} s, {len(index._vocabulary):,} words; "
          f"search per keystroke p50 {statistics.median(times):.1f} ms, p95 {times[round(0.95 * (len(times) - 1))]:.1f} ms, max {times[-1]:.1f} ms")


if __name__ == "__main__":
    main()
