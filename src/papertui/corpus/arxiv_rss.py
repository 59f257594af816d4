"""arXiv's RSS feeds (rss.arxiv.org/rss/cs.CL, the 2024+ format): one `<item>` a paper, its
description starting `arXiv:2608.11232v1 Announce Type: new` and then `Abstract: …`.

Announce types: `new` (first announced today), `cross` (listed here from another category),
`replace` and `replace-cross` (a new version of an older paper). A feed of a weekend or a
holiday has no items at all.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from typing import Iterator

from papertui.corpus.model import FileReport, Record
from papertui.corpus.records import make_record
from papertui.corpus.versions import version_number

FORMAT = "arxiv-rss"

ARXIV = "{http://arxiv.org/schemas/atom}"
DC = "{http://purl.org/dc/elements/1.1/}"
_HEADER = re.compile(r"^\s*arXiv:(\S+?)(v\d+)?\s+Announce Type:\s*(\S+)\s*", re.ASCII)
_ABSTRACT = re.compile(r"^\s*Abstract:\s*")


def looks_like(head: str) -> bool:
    start = head.lstrip("\ufeff \t\r\n")
    return start.startswith(("<?xml", "<rss")) and "<rss" in head and "arxiv" in head.lower()


@dataclass(frozen=True)
class FeedItem:
    record: Record
    announce: str  # new, cross, replace, replace-cross
    version: str | None  # v1, v2, …


def feed_items(text: str, report: FileReport) -> Iterator[FeedItem]:
    """Each item of a feed with its announce type; a broken feed warns and gives what it can."""
    if "<!ENTITY" in text:
        report.warn("declares XML entities, which an arXiv feed never does; skipped")
        return
    try:
        root = ET.fromstring(text)
    except ET.ParseError as error:
        report.warn(f"the XML is broken ({error}); nothing could be read")
        return
    channel = root.find("channel")
    items = channel.findall("item") if channel is not None else []
    for number, item in enumerate(items, 1):
        found = _item(item, number, report)
        if found is not None:
            yield found


def parse_arxiv_rss(text: str, report: FileReport) -> Iterator[Record]:
    for item in feed_items(text, report):
        yield item.record


def announced_on(text: str) -> str | None:
    """The announcement day of a feed (its `pubDate`), as YYYY-MM-DD."""
    match = re.search(r"<pubDate>([^<]+)</pubDate>", text)
    return _day(match.group(1)) if match else None


def _item(item: ET.Element, number: int, report: FileReport) -> FeedItem | None:
    description = item.findtext("description") or ""
    header = _HEADER.match(description)
    link = item.findtext("link") or ""
    announce = item.findtext(f"{ARXIV}announce_type") or (header.group(3) if header else "new")
    abstract = _ABSTRACT.sub("", description[header.end() :] if header else description)
    title = item.findtext("title") or ""
    if not title.strip() and not abstract.strip():
        report.warn(f"item {number}: no title and no abstract; skipped")
        return None
    creators = item.findtext(f"{DC}creator") or ""
    record = make_record(
        abstract,
        title=title or None,
        link=link or None,
        arxiv_id=header.group(1) if header else None,
        authors=[name for name in re.split(r",\s*(?:and\s+)?|\s+and\s+", " ".join(creators.split())) if name],
        categories=[category.text or "" for category in item.findall("category")],
        listed=_day(item.findtext("pubDate") or ""),
        latex=True,
    )
    if record.arxiv_id is None:
        report.warn(f"item {number}: no arXiv id in its link or description")
    announce = announce.strip().lower()
    version = header.group(2) if header else None
    # A `new` item is a paper's first version even when its header leaves the vN out.
    record.version = version_number(version) or (1 if announce == "new" else None)
    return FeedItem(record, announce, version)


def _day(text: str) -> str | None:
    try:
        return parsedate_to_datetime(text.strip()).date().isoformat()
    except (TypeError, ValueError, IndexError):
        return None
