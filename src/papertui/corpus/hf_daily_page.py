"""A text copy of the Hugging Face Daily Papers page.

Page chrome, a date line such as `Mar 14`, then title and abstract paragraphs in turn.
"""

from __future__ import annotations

import re
from typing import Iterator

from papertui.corpus.model import FileReport, Record
from papertui.corpus.records import make_record
from papertui.corpus.text import clean

FORMAT = "hf-daily-page"

PAGE_CHROME = frozenset(
    {
        "new",
        "Get trending papers in your email inbox!",
        "Subscribe",
        "byAK and the research community",
    }
)
DATE_LINE = re.compile(
    r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]{0,6}\.? \d{1,2}(?:, \d{4})?"
)
_BLANK_LINES = re.compile(r"\n[ \t]*\n")
TITLE_MAX_CHARS = 300


def looks_like(lines: list[str]) -> bool:
    """The page chrome near the top, or a date line first (`lines`: the non-blank ones)."""
    head = lines[:10]
    return any(p in PAGE_CHROME for p in head) or bool(head and DATE_LINE.fullmatch(head[0]))


def paragraphs_of(text: str) -> list[str]:
    return [clean(p) for p in _BLANK_LINES.split(text) if p.strip()]


def _is_title_like(paragraph: str) -> bool:
    # Titles are short and hold at most one sentence; abstracts (1,300+ chars in practice) are not.
    return len(paragraph) <= TITLE_MAX_CHARS and paragraph.count(". ") < 2


def parse_hf_daily_page(text: str, report: FileReport) -> Iterator[Record]:
    paragraphs = [p for p in paragraphs_of(text) if p not in PAGE_CHROME]
    listed: str | None = None
    title: str | None = None
    count = 0
    for index, paragraph in enumerate(paragraphs):
        if DATE_LINE.fullmatch(paragraph):
            if title is not None:
                count += 1
                report.warn(f"record {count}: title with no abstract: {title!r}")
                yield make_record("", title=title, listed=listed, latex=True)
                title = None
            listed = paragraph
            continue
        if title is None:
            if _is_title_like(paragraph):
                title = paragraph
                continue
            count += 1
            report.warn(f"record {count}: abstract with no title before it; title derived")
            yield make_record(paragraph, listed=listed, latex=True)
            continue
        following = paragraphs[index + 1] if index + 1 < len(paragraphs) else None
        next_is_abstract = following is not None and not _is_title_like(following)
        if _is_title_like(paragraph) and next_is_abstract:
            # Two titles in a row: the first lost its abstract; this one starts a new record.
            count += 1
            report.warn(f"record {count}: title with no abstract: {title!r}")
            yield make_record("", title=title, listed=listed, latex=True)
            title = paragraph
            continue
        count += 1
        yield make_record(paragraph, title=title, listed=listed, latex=True)
        title = None
    if title is not None:
        count += 1
        report.warn(f"record {count}: title with no abstract at the end of the file: {title!r}")
        yield make_record("", title=title, listed=listed, latex=True)
