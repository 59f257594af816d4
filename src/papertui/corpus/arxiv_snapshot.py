"""JSON lines, one paper an object: the arXiv metadata snapshot (Kaggle's
`arxiv-metadata-oai-snapshot.json`, 2.7 million lines), and papertui's `--format jsonl`.

Read line by line as the file streams in: the snapshot is never held whole in memory.
"""

from __future__ import annotations

import json
from typing import Iterable, Iterator

from papertui.corpus.json_papers import object_record
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
        line = line.strip().lstrip("\ufeff")
        if not line:
            continue
        try:
            item = json.loads(line)
        except json.JSONDecodeError as error:
            report.warn(f"line {number}: not valid JSON ({error.msg.removesuffix(' at')} at column {error.colno}); skipped")
            continue
        except RecursionError:
            report.warn(f"line {number}: nested too deeply to read; skipped")
            continue
        record, problem = object_record(item, f"line {number}")
        if problem:
            report.warn(problem)
        if record is not None:
            yield record
