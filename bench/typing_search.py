"""The index alone, as a user types: each query typed prefix by prefix, every prefix searched.

    python bench/typing_search.py CORPUS [QUERY ...]

Loads CORPUS as the app does (from the cache when PAPERTUI_CACHE_DIR holds it, else reading
and indexing it), then for each query times `SearchIndex.search` of every prefix and the
first 40 rows, and prints p50 and p95 a key. No screen: what the search itself costs.
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

from papertui.loading import load_and_index

QUERIES = ("language model reason", "graph neural network", "diffusion transformer video")


def main() -> None:
    corpus, queries = Path(sys.argv[1]), sys.argv[2:] or QUERIES
    for step in load_and_index([corpus]):
        pass
    index = step.index
    print(index)
    for query in queries:
        times = []
        for end in range(1, len(query) + 1):
            started = time.perf_counter()
            index.search(query[:end]).rows[:40]
            times.append((time.perf_counter() - started) * 1000)
        times.sort()
        print(f"{query}: p50 {statistics.median(times):.1f} ms, p95 {times[int(0.95 * len(times))]:.1f} ms, max {times[-1]:.1f} ms")


if __name__ == "__main__":
    main()
