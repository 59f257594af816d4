"""What a digest is: sections of papers, each paper with one line saying why it is there."""

from __future__ import annotations

from dataclasses import dataclass

from papertui.corpus.model import Paper

WATCHED = "Watched"
FOR_YOU = "For you"
MOST_UPVOTED = "Most upvoted"
MOST_CITED = "Most cited"
NEW_VERSIONS = "New versions"
AUTHORS_SHOWN = 3


@dataclass(frozen=True)
class Entry:
    paper: Paper
    why: str  # one line, plain text (each renderer escapes it as it escapes the title)


@dataclass(frozen=True)
class Section:
    name: str  # a saved search's section is named after it: "Saved: NAME"
    entries: tuple[Entry, ...] = ()
    more: int = 0  # papers that would have been listed past --limit
    note: str = ""  # one line said instead of (or after) the papers: why it is empty, what to do


@dataclass(frozen=True)
class Digest:
    since: str | None  # papers first seen after this (ISO, UTC); None: every paper the library fetched
    made: str  # when the digest was made (ISO, UTC)
    new: int  # new papers, dismissed ones not counted
    dismissed: int  # new papers left out because they were dismissed
    sections: tuple[Section, ...] = ()

    @property
    def listed(self) -> int:
        return sum(len(section.entries) for section in self.sections)

    @property
    def empty(self) -> bool:
        """Nothing new and nothing to list: said in one line. (New papers that no section
        claims still make a digest: its sections' notes say how to get them listed.)"""
        return self.new == 0 and self.listed == 0


def shortened_authors(authors: tuple[str, ...], shown: int = AUTHORS_SHOWN) -> str:
    """`A, B, C et al.` past three authors (a paper of 300 authors is one line)."""
    if len(authors) <= shown:
        return ", ".join(authors)
    return ", ".join(authors[:shown]) + " et al."


def nothing_new(digest: Digest) -> str:
    """The one line a digest with nothing to list says instead."""
    since = f" since {shown_time(digest.since)}" if digest.since else ""
    hidden = f" ({digest.dismissed:,} dismissed left out)" if digest.dismissed else ""
    return f"Nothing new{since}{hidden}: run 'papertui fetch' first, or give --since to look further back."


def heading(digest: Digest) -> tuple[str, str]:
    """The digest's title and the line under it, plain text."""
    title = f"Papers for {digest.made[:10]}"
    since = f" since {shown_time(digest.since)}" if digest.since else " (every paper the library fetched)"
    hidden = f" · {digest.dismissed:,} dismissed left out" if digest.dismissed else ""
    return title, f"{digest.new:,} new paper{'' if digest.new == 1 else 's'}{since}{hidden}"


def shown_time(when: str) -> str:
    """`2026-08-14T07:00:00Z` as `2026-08-14 07:00 UTC`."""
    return f"{when[:16].replace('T', ' ')} UTC"


def more_line(section: Section) -> str:
    return f"… and {section.more:,} more (--limit shows more)" if section.more else ""
