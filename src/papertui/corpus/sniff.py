"""Detecting a file's format from its content, never from its name."""

from __future__ import annotations

from typing import Callable, Iterator, NamedTuple

from papertui.corpus import abstract_lines, hf_daily_page, title_pdf_summary
from papertui.corpus.model import FileReport, Record

Parser = Callable[[str, FileReport], Iterator[Record]]


class Format(NamedTuple):
    name: str
    parse: Parser
    description: str


FORMATS: dict[str, Format] = {
    fmt.name: fmt
    for fmt in (
        Format(
            title_pdf_summary.FORMAT,
            title_pdf_summary.parse_title_pdf_summary,
            "`Title:`, `PDF:`, `Summary:` records separated by `---` lines",
        ),
        Format(
            abstract_lines.FORMAT,
            abstract_lines.parse_abstract_lines,
            "one paper per line beginning `Abstract:`",
        ),
        Format(
            hf_daily_page.FORMAT,
            hf_daily_page.parse_hf_daily_page,
            "a text copy of the Hugging Face Daily Papers page",
        ),
    )
}

HEAD_LINES = 50


def sniff_format(text: str) -> Format | None:
    """The format whose shape the start of `text` has, or None."""
    lines = [line.strip() for line in text.split("\n", 2000)[:2000] if line.strip()][:HEAD_LINES]
    if not lines:
        return None
    # The first line decides when it can; the counts below catch files with a stray header.
    if lines[0].startswith("Title:"):
        return FORMATS[title_pdf_summary.FORMAT]
    if lines[0].startswith(abstract_lines.PREFIX):
        return FORMATS[abstract_lines.FORMAT]
    if hf_daily_page.looks_like(lines):
        return FORMATS[hf_daily_page.FORMAT]
    if title_pdf_summary.looks_like(lines):
        return FORMATS[title_pdf_summary.FORMAT]
    if abstract_lines.looks_like(lines):
        return FORMATS[abstract_lines.FORMAT]
    return None
