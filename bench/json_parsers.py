"""The JSON parsers on the arXiv snapshot's lines: which one the snapshot reader uses, by measurement.

    python bench/json_parsers.py FILE [--lines N]

Parses the first N lines (default 100,000) of FILE (one JSON object a line) with the
standard library's `json.loads`, `orjson.loads` and msgspec (a generic decoder, and one typed
with the snapshot's fields, which skips what papertui does not read), best of three, and prints
lines per second for each. CPU only: the lines are read into memory first.
"""

from __future__ import annotations

import argparse
import json
import time
from itertools import islice
from pathlib import Path
from typing import Any, Callable


def parsers() -> dict[str, Callable[[bytes], Any]]:
    found: dict[str, Callable[[bytes], Any]] = {"json (stdlib)": json.loads}
    try:
        import orjson

        found["orjson"] = orjson.loads
    except ImportError:
        pass
    try:
        import msgspec

        found["msgspec (any)"] = msgspec.json.Decoder().decode

        class Line(msgspec.Struct, rename={"journal_ref": "journal-ref"}):
            id: Any = None
            title: Any = None
            abstract: Any = None
            authors: Any = None
            authors_parsed: Any = None
            categories: Any = None
            versions: Any = None
            update_date: Any = None

        found["msgspec (typed struct)"] = msgspec.json.Decoder(Line).decode
    except ImportError:
        pass
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("file", type=Path)
    parser.add_argument("--lines", type=int, default=100_000)
    args = parser.parse_args()
    with args.file.open("rb") as handle:
        lines = list(islice(handle, args.lines))
    size = sum(map(len, lines))
    print(f"{len(lines):,} lines, {size / 1e6:.0f} MB")
    for name, parse in parsers().items():
        best = min(_timed(parse, lines) for _ in range(3))
        print(f"{name:24} {len(lines) / best:>10,.0f} lines/s  {size / 1e6 / best:6.0f} MB/s")


def _timed(parse: Callable[[bytes], Any], lines: list[bytes]) -> float:
    start = time.perf_counter()
    for line in lines:
        parse(line)
    return time.perf_counter() - start


if __name__ == "__main__":
    main()
