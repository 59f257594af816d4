"""JSON lines, one paper an object: the arXiv metadata snapshot (Kaggle's
`arxiv-metadata-oai-snapshot.json`, 2.7 million lines), and papertui's `--format jsonl`.

Read line by line as the file streams in: the snapshot is never held whole in memory. A
large file is read by a pool of processes instead (`parallel_lines.py`), with the same
results. Each line is parsed with orjson when it can be (3 to 4.6 times the standard
library's speed on the snapshot's lines, `bench/json_parsers.py`); a line orjson refuses is
parsed by the standard library, so what is read and what is said about a bad line are the same.
"""

from __future__ import annotations

import json
from typing import Any, Iterable, Iterator

from fast_records_old.json_papers import object_record
from papertui.corpus.model import FileReport, Record

FORMAT = "json-lines"


def looks_like(head: str) -> bool:
    """The first line is a JSON object; or one starts and the head ends inside it (a record
    with thousands of authors can be longer than any head a sniffer reads)."""
    start = head.lstrip("\ufeff \t\r\n")
    first, newline, _ = start.partition("\n")
    first = first.strip()
    if not newline:
        return first.startswith('{"')
    return first.startswith("{") and first.endswith("}")


def parse_json_lines(lines: Iterable[str], report: FileReport) -> Iterator[Record]:
    for number, line in enumerate(lines, 1):
        record, problem = line_record(line, number)
        if problem:
            report.warn(problem)
        if record is not None:
            yield record


def line_record(line: str, number: int) -> tuple[Record | None, str | None]:
    """The record of line `number`, and one line about what was wrong with it (or None)."""
    line = line.strip().lstrip("\ufeff")
    if not line:
        return None, None
    try:
        item = _fast_loads(line)
    except ValueError:  # orjson refuses what the standard library may read (NaN, huge numbers, deep nesting)
        try:
            item = json.loads(line)
        except json.JSONDecodeError as error:
            return None, f"line {number}: not valid JSON ({error.msg.removesuffix(' at')} at column {error.colno}); skipped"
        except RecursionError:
            return None, f"line {number}: nested too deeply to read; skipped"
    return object_record(item, f"line {number}")


def _standard_loads(line: str) -> Any:
    return json.loads(line)


try:
    from orjson import loads as _fast_loads
except ImportError:  # papertui still reads the snapshot without it, at a quarter of the speed
    _fast_loads = _standard_loads
