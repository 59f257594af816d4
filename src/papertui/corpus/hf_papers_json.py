"""JSON arrays of papers: the Hugging Face daily papers API (`[{"paper": {...}}, ...]`), and
papertui's own `list --format json`.

Items are decoded one at a time, so a file broken part way still gives every item before
the break.
"""

from __future__ import annotations

import json
from typing import Iterator

from papertui.corpus.json_papers import object_record
from papertui.corpus.model import FileReport, Record

FORMAT = "papers-json"

_DECODER = json.JSONDecoder()
_SPACE = " \t\n\r"


def looks_like(head: str) -> bool:
    start = head.lstrip("\ufeff" + _SPACE)
    return start.startswith("[") and (start[1:].lstrip(_SPACE)[:1] in ("{", "]"))


def parse_papers_json(text: str, report: FileReport) -> Iterator[Record]:
    start = text.find("[")
    if start < 0:
        report.warn("not a JSON array; skipped")
        return
    position = _skip(text, start + 1)
    number = 0
    while position < len(text) and text[position] != "]":
        try:
            item, position = _DECODER.raw_decode(text, position)
        except json.JSONDecodeError as error:
            report.warn(
                f"not valid JSON at line {error.lineno}, column {error.colno} ({error.msg}): "
                f"the {number} items before it were read, the rest could not be"
            )
            return
        except RecursionError:
            report.warn(f"item {number + 1}: nested too deeply to read; the items before it were read, the rest could not be")
            return
        number += 1
        record, problem = object_record(item, f"item {number}")
        if problem:
            report.warn(problem)
        if record is not None:
            yield record
        position = _skip(text, position)
        if position < len(text) and text[position] == ",":
            position = _skip(text, position + 1)
        elif position < len(text) and text[position] != "]":
            report.warn(f"item {number}: expected ',' or ']' after it; the rest could not be read")
            return
    if position >= len(text):
        report.warn(f"the array is not closed (the file may be cut short); {number} items read")


def _skip(text: str, position: int) -> int:
    """The first position from `position` on that is not whitespace."""
    while position < len(text) and text[position] in _SPACE:
        position += 1
    return position
