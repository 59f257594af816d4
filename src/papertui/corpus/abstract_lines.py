"""One paper per line beginning `Abstract:`; blank lines between vary. No title, no link."""

from __future__ import annotations

from typing import Iterator

from papertui.corpus.model import FileReport, Record
from papertui.corpus.records import make_record

FORMAT = "abstract-lines"
PREFIX = "Abstract:"


def looks_like(lines: list[str]) -> bool:
    return bool(lines) and (
        lines[0].startswith(PREFIX) or sum(1 for line in lines if line.startswith(PREFIX)) >= 2
    )


def parse_abstract_lines(text: str, report: FileReport) -> Iterator[Record]:
    for number, parts in enumerate(_abstracts(text, report), start=1):
        abstract = " ".join(parts).strip()
        if not abstract:
            report.warn(f"entry {number}: empty 'Abstract:' line skipped")
            continue
        yield make_record(abstract, latex=True)


def _abstracts(text: str, report: FileReport) -> Iterator[list[str]]:
    parts: list[str] | None = None
    for line in text.split("\n"):
        stripped = line.strip()
        if stripped.startswith(PREFIX):
            if parts is not None:
                yield parts
            parts = [stripped[len(PREFIX):]]
        elif not stripped:
            continue
        elif parts is None:
            report.warn("text before the first 'Abstract:' kept as an abstract")
            parts = [stripped]
        else:
            parts.append(stripped)  # a hard-wrapped abstract continues
    if parts is not None:
        yield parts
