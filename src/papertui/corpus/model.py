"""The data model: records as parsers produce them, papers as the app shows them."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Mapping

from papertui.corpus.text import clean


@dataclass(frozen=True, slots=True)
class Source:
    """Where one record came from: a file and the record's 1-based number in it."""

    path: str
    record: int
    format: str


@dataclass(slots=True)
class Record:
    """One entry of one input file, already cleaned, before merging."""

    abstract: str
    title: str | None = None
    arxiv_id: str | None = None
    listed: str | None = None
    links: tuple[str, ...] = ()
    source: Source | None = None
    authors: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()
    published: str | None = None  # YYYY-MM-DD, or YYYY-MM / YYYY when that is all there is
    upvotes: int | None = None
    first_seen: str | None = None  # when papertui's library first saw it (ISO 8601, UTC)
    github_stars: int | None = None
    comments: int | None = None
    # Fields cut to their size limit before cleaning: (name, length as found).
    cut: tuple[tuple[str, int], ...] = ()
    dropped_upvotes: int | None = None  # a count too large to be one, left out
    version: int | None = None  # the arXiv version this record describes (3 for v3), when said
    doi: str | None = None  # as written, without a resolver: `10.1093/mind/lix.236.433`
    venue: str | None = None  # the journal, proceedings or repository
    collections: tuple[str, ...] = ()  # Zotero's, each with its parents: "Thesis/Related work"
    zotero_key: str | None = None  # the item's key in the user's Zotero library
    local_pdf: str | None = None  # a PDF a reference manager keeps (Zotero's storage/KEY/…pdf)


@dataclass(eq=False, slots=True)
class Paper:
    """One paper, merged from every record that describes it.

    `eq=False`: papers compare by identity, so widgets can hold them in reactives cheaply.
    """

    title: str
    abstract: str
    title_derived: bool = False
    arxiv_id: str | None = None
    listed: str | None = None
    links: tuple[str, ...] = ()
    sources: list[Source] = field(default_factory=list)
    authors: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()
    published: str | None = None
    upvotes: int | None = None
    first_seen: str | None = None  # when the library first saw it: `is:new`, "newest first"
    github_stars: int | None = None
    comments: int | None = None
    # The arXiv title the id was found by (`papertui resolve`), when it was not in the input.
    resolved_from: str | None = None
    # The latest arXiv version any of its records gave (3 for v3): `is:updated` compares it
    # with the version a paper had when it was starred or read.
    version: int | None = None
    doi: str | None = None
    venue: str | None = None
    collections: tuple[str, ...] = ()  # every Zotero collection it is in, as "Parent/Child"
    zotero_key: str | None = None  # set when the paper is in the user's Zotero library
    local_pdf: str | None = None  # its PDF in Zotero's storage, for `o` and `full:` without a download

    @property
    def in_zotero(self) -> bool:
        """In the user's Zotero library (`in:zotero`, the list's mark)."""
        return self.zotero_key is not None or any(source.format == "zotero-sqlite" for source in self.sources)

    def seen_after(self, since: str | None) -> bool:
        """Fetched, and first seen after `since` (an ISO time; None: ever) — `is:new`."""
        return bool(self.first_seen) and (since is None or self.first_seen > since)  # type: ignore[operator]


@dataclass(slots=True)
class FileReport:
    """What loading one file gave: for `papertui stats` and the app's warnings."""

    path: str
    format: str | None = None
    records: int = 0
    papers: int = 0
    merged: int = 0
    warnings: list[str] = field(default_factory=list)

    def warn(self, reason: str) -> None:
        """Record one warning, on one line whatever the reason quotes from the file."""
        self.warnings.append(f"{self.path}: {clean(reason)}")


@dataclass(slots=True)
class Corpus:
    """Every paper loaded, in corpus order (file order, then record order)."""

    papers: list[Paper] = field(default_factory=list)
    files: list[FileReport] = field(default_factory=list)
    # After a whole load: the records of each paper made of more than one distinct record, by
    # paper number, as (record, sources) pairs. A kept corpus merges again from them when a
    # file changes, without reading the other files (`papertui.cache.update`).
    merged_records: Mapping[int, list[tuple[Record, list[Source]]]] = field(default_factory=dict)

    def __repr__(self) -> str:  # the generated one would print every paper
        return f"Corpus({len(self.papers)} papers from {len(self.files)} files)"

    @property
    def warnings(self) -> list[str]:
        return [warning for report in self.files for warning in report.warnings]

    @property
    def record_count(self) -> int:
        return sum(report.records for report in self.files)
