"""arXiv API answers: an Atom `<feed>` of `<entry>` elements.

Parsed incrementally (a pull parser fed in slices), so a broken feed still gives every
entry before the break, and the warning says where it broke.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from typing import Iterator

from papertui.corpus.model import FileReport, Record
from papertui.corpus.records import make_record
from papertui.corpus.versions import id_version

FORMAT = "arxiv-atom"

ATOM = "{http://www.w3.org/2005/Atom}"
ARXIV = "{http://arxiv.org/schemas/atom}"
ERROR_ID = "arxiv.org/api/errors"
SLICE = 1 << 16


def looks_like(head: str) -> bool:
    start = head.lstrip("\ufeff \t\n")
    return (start.startswith("<?xml") or start.startswith("<feed")) and "<feed" in head and "Atom" in head


def parse_arxiv_atom(text: str, report: FileReport) -> Iterator[Record]:
    if "<!ENTITY" in text:  # arXiv never declares entities; nested ones can expand without bound
        report.warn("declares XML entities, which an arXiv feed never does; skipped")
        return
    parser = ET.XMLPullParser(events=("end",))
    count = 0
    try:
        for start in range(0, len(text), SLICE):
            parser.feed(text[start : start + SLICE])
            for _, element in parser.read_events():
                if element.tag == f"{ATOM}entry":
                    count += 1
                    record = entry_record(element, count, report)
                    element.clear()  # a long feed is not kept twice
                    if record is not None:
                        yield record
        parser.close()
        for _, element in parser.read_events():  # the last events come with close()
            if element.tag == f"{ATOM}entry":
                count += 1
                record = entry_record(element, count, report)
                if record is not None:
                    yield record
    except ET.ParseError as error:
        line, column = error.position
        lost = max(0, text.count("<entry>") + text.count("<entry ") - count)
        report.warn(
            f"the XML is broken at line {line}, column {column} ({_reason(error)}): "
            f"{count} entries before it were read, {lost} after it could not be"
        )


def entry_record(entry: ET.Element, number: int, report: FileReport) -> Record | None:
    """One `<entry>` as a record; None (with a warning) for an API error or an empty entry."""
    entry_id = _text(entry, f"{ATOM}id")
    title = _text(entry, f"{ATOM}title")
    summary = _text(entry, f"{ATOM}summary")
    if ERROR_ID in entry_id:
        report.warn(f"entry {number}: the arXiv API answered with an error: {summary or title or entry_id}")
        return None
    if not title.strip() and not summary.strip():
        report.warn(f"entry {number}: no title and no summary; skipped")
        return None
    if not summary.strip():
        report.warn(f"entry {number}: no summary")
    links = [link.get("href", "") for link in entry.findall(f"{ATOM}link")]
    abs_link = next((link for link in links if "/abs/" in link), entry_id)
    record = make_record(
        summary,
        title=title or None,
        link=abs_link or None,
        arxiv_id=entry_id or None,
        authors=[_text(author, f"{ATOM}name") for author in entry.findall(f"{ATOM}author")],
        categories=_categories(entry),
        published=_text(entry, f"{ATOM}published") or _text(entry, f"{ATOM}updated"),
        links=[link for link in links if link and "arxiv.org/" not in link],
        latex=True,
    )
    # The API names the latest version in the id (`…/abs/2406.16845v3`); make_record drops it.
    if record.arxiv_id:
        record.version = id_version(entry_id) or id_version(abs_link)
    return record


def _categories(entry: ET.Element) -> list[str]:
    primary = entry.find(f"{ARXIV}primary_category")
    terms = [primary.get("term", "")] if primary is not None else []
    return terms + [category.get("term", "") for category in entry.findall(f"{ATOM}category")]


def _text(element: ET.Element, tag: str) -> str:
    found = element.find(tag)
    return (found.text or "") if found is not None else ""


def _reason(error: ET.ParseError) -> str:
    message = str(error)
    return message.split(":", 1)[0] if ":" in message else message
