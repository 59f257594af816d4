"""Records of `Title:`, `PDF:` and `Summary:` lines, separated by `---` lines."""

from __future__ import annotations

import re
from typing import Iterator

from papertui.corpus.model import FileReport, Record
from papertui.corpus.records import make_record

FORMAT = "title-pdf-summary"

FIELD = re.compile(r"(Title|PDF|Summary):[ \t]*(.*)")
SEPARATOR = "---"


def looks_like(lines: list[str]) -> bool:
    return bool(lines) and (
        lines[0].startswith("Title:") or sum(1 for line in lines if FIELD.match(line)) >= 2
    )


def parse_title_pdf_summary(text: str, report: FileReport) -> Iterator[Record]:
    count = 0
    for fields in _field_blocks(text, report):
        count += 1
        title = " ".join(fields.get("Title", []))
        summary = " ".join(fields.get("Summary", []))
        if "" in fields:
            report.warn(f"record {count}: text before the first field kept as summary")
            summary = " ".join([*fields[""], summary])
        if not summary.strip():
            report.warn(f"record {count}: no Summary; kept with its title alone")
        if not title.strip():
            report.warn(f"record {count}: no Title; title derived from the summary")
        pdf = " ".join(fields.get("PDF", []))
        yield make_record(summary, title=title or None, link=pdf or None, latex=True)


def _field_blocks(text: str, report: FileReport) -> Iterator[dict[str, list[str]]]:
    """Each record's fields, as lists of lines; key "" holds text before any field.

    A record ends at a `---` line, or where a field it already has starts again
    (a missing separator), so one lost `---` never merges two papers.
    """
    fields: dict[str, list[str]] = {}
    current = ""
    for line in text.split("\n"):
        if line.strip() == SEPARATOR:
            if fields:
                yield fields
            fields, current = {}, ""
            continue
        match = FIELD.match(line)
        if match:
            current = match.group(1)
            if current in fields:
                yield fields
                fields = {}
            fields[current] = [match.group(2)]
        elif line.strip():
            fields.setdefault(current, []).append(line)  # a hard-wrapped field continues
    if fields:
        yield fields
