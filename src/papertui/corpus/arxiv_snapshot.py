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
    first = next((line.strip() for line in head.split("\n") if line.strip()), "")
    return first.lstrip("\ufeff").startswith("{") and first.endswith("}")


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
