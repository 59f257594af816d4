"""Core-only timing on a generated corpus: load, index build, peak RSS, search per keystroke.

    python bench/make_corpus.py 100000 /tmp/c100k
    python bench/baseline_search.py /tmp/c100k
"""

import resource
import statistics
import sys
import time
from pathlib import Path

from papertui.corpus import load_corpus
from papertui.search import SearchIndex

QUERIES = ["masked thought", "reinforcement learning"]

started = time.perf_counter()
corpus = load_corpus([Path(sys.argv[1])])
loaded = time.perf_counter()
index = SearchIndex(corpus.papers)
built = time.perf_counter()
peak_gb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1e6  # ru_maxrss is KiB on Linux
print(f"{len(corpus.papers):,} papers: load {loaded - started:.1f} s, index {built - loaded:.1f} s, peak RSS {peak_gb:.2f} GB")
latencies = []
for query in QUERIES:
    for n in range(1, len(query) + 1):
        start = time.perf_counter()
        index.search(query[:n])
        latencies.append((time.perf_counter() - start) * 1000)
latencies.sort()
p95 = latencies[round(0.95 * (len(latencies) - 1))]
print(f"search per key: p50 {statistics.median(latencies):.0f} ms, p95 {p95:.0f} ms, max {latencies[-1]:.0f} ms (n={len(latencies)})")
