"""Each key of a typed query, searched in the process on a kept cache (read only): where a key's
time goes once the index is restored. Used to find what to rank lazily (issue 30, keys at 2.7M).

    python bench/rank_keys.py CACHE_SNAPSHOT_DIR [--profile] [--rounds N] [--query TEXT]

CACHE_SNAPSHOT_DIR: a snapshot directory (holding meta.json and arrays.bin), e.g.
/work/bench-data/cache-keys/now-2.7M/cache/corpus/<name>. Nothing is written there: the pack is
mapped read only and the snapshot is opened without `open_snapshot` (which touches its time).
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import statistics
import time
from pathlib import Path


def open_read_only(where: Path):
    from papertui.cache.entries import PACK, read_meta
    from papertui.corpus.stored import stored_corpus
    from papertui.packed_arrays import read_pack
    from papertui.search.stored import restore_index

    meta = read_meta(where)
    arrays = read_pack(where / PACK, meta["pack"])
    corpus = stored_corpus(arrays, meta["papers"])
    return corpus, restore_index(arrays, meta["index"], corpus.papers)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("snapshot", type=Path)
    parser.add_argument("--query", default="language model reason")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--no-prepare", action="store_true", help="leave the one-letter word starts unprepared")
    args = parser.parse_args()
    from papertui.search.query import parse_query

    started = time.perf_counter()
    corpus, index = open_read_only(args.snapshot)
    print(f"restored {len(index):,} papers in {time.perf_counter() - started:.2f} s")
    if not args.no_prepare:
        started = time.perf_counter()
        index.prepare_word_starts()
        print(f"word starts prepared in {time.perf_counter() - started:.2f} s")
    typed = [args.query[:n] for n in range(1, len(args.query) + 1)]
    typed += typed[-2::-1]
    times: list[list[float]] = [[] for _ in typed]
    profile = cProfile.Profile() if args.profile else None
    for _ in range(args.rounds):
        index._word_cache.clear()
        index._result_cache.clear()
        index._last = None
        for number, text in enumerate(typed):
            query = parse_query(text)
            started = time.perf_counter()
            if profile:
                profile.enable()
            result = index.search(query)
            shown = result.rows[:40]
            count = len(result.rows)
            if profile:
                profile.disable()
            times[number].append((time.perf_counter() - started) * 1000)
            del shown, count
    for text, taken in zip(typed[: len(args.query)], times):
        print(f"{text!r:28} {statistics.median(taken):7.1f} ms  (min {min(taken):.1f}, max {max(taken):.1f})")
    # The first round met a cold page cache: the keys' figures are of the later rounds.
    every = sorted(t for taken in times for t in taken[1:])
    print(f"all keys (typed and backspaced): p50 {statistics.median(every):.1f} ms, p95 {every[int(0.95 * (len(every) - 1))]:.1f} ms, max {every[-1]:.1f} ms")
    if profile:
        pstats.Stats(profile).sort_stats("cumulative").print_stats(30)


if __name__ == "__main__":
    main()
