"""Loading the arXiv metadata snapshot: throughput and memory of the streaming JSON-lines import.

    python bench/snapshot_bench.py [--lines N] [--keep]

Writes N lines shaped like the real snapshot (the 100 real lines of
tests/fixtures/arxiv-metadata-snapshot-head.jsonl, repeated with fresh ids and a number in
each title and abstract so no two merge), then runs `papertui stats` on it in a child process
and reports wall time, lines per second and peak RSS. Appends nothing: copy the output into
bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).parent
REAL = HERE.parent / "tests" / "fixtures" / "arxiv-metadata-snapshot-head.jsonl"
OUT = HERE / ".corpora" / "snapshot"


def write_snapshot(lines: int, path: Path) -> None:
    real = [json.loads(line) for line in REAL.read_text(encoding="utf-8").splitlines()]
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8") as out:
        for number in range(lines):
            item = dict(real[number % len(real)])
            month = 1 + number % 12
            item["id"] = f"{7 + number // 1_200_000 % 17:02d}{month:02d}.{number % 100_000:05d}"
            item["title"] = f"{item['title']} (copy {number})"
            item["abstract"] = f"Copy {number}. {item['abstract']}"
            out.write(json.dumps(item, ensure_ascii=False) + "\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=200_000)
    parser.add_argument("--keep", action="store_true", help="keep the generated file")
    args = parser.parse_args()
    path = OUT / f"snapshot-{args.lines}.jsonl"
    if not path.exists():
        write_snapshot(args.lines, path)
    size = path.stat().st_size
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "papertui", "stats", str(path)], capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    total = done.stdout.splitlines()[-1].split() if done.stdout else []
    print(f"file: {args.lines:,} lines, {size / 1e6:.1f} MB")
    print(f"papertui stats: exit {done.returncode}, total row {total}")
    print(f"wall {elapsed:.1f} s, {args.lines / elapsed:,.0f} lines/s, {size / 1e6 / elapsed:.1f} MB/s, peak RSS {peak:,.0f} MB")
    if not args.keep:
        path.unlink()


if __name__ == "__main__":
    main()
