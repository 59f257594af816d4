"""Merging records that describe the same paper into one `Paper`."""

from __future__ import annotations

import hashlib
import re
from array import array
from typing import Iterable

from papertui.corpus.model import FileReport, Paper, Record, Source
from papertui.corpus.text import derive_title

_NON_WORD = re.compile(r"[\W_]+")
# Keys shorter than this are too generic to prove two records are the same paper.
MIN_ABSTRACT_KEY = 40
MIN_TITLE_KEY = 10


# ASCII letters lowercased (other bytes kept), and the ASCII bytes that are not letters or digits.
_ASCII_LOWER = bytes(ord(chr(c).lower()) if c < 128 else c for c in range(256))
_ASCII_NON_WORD = bytes(c for c in range(128) if not chr(c).isalnum())
_ASCII_TO_SPACE = bytes(0x20 if c < 128 else c for c in range(256))
MAX_FOLDED_RUNS = 64


def text_key(text: str) -> str:
    """Only letters and digits, case-folded: 'Masked Thought:' == 'masked thought'."""
    key = text.encode("utf-8", "surrogatepass").translate(_ASCII_LOWER, _ASCII_NON_WORD)
    if key.isascii():  # the text was ASCII: one C pass over the bytes instead of the regex
        return key.decode("ascii")
    # casefold is slow (10 µs an abstract), and works character by character, as the regex
    # does: each distinct run of non-ASCII characters (a few in a text) is folded on its own and
    # put in its place, longest first. A shorter run met inside a longer one is then inside
    # what the longer one folded to, and that folds to itself: it is left as it is.
    runs = set(key.translate(_ASCII_TO_SPACE).split())
    if len(runs) > MAX_FOLDED_RUNS:  # a replace each would cost runs × length: one pass instead
        return _NON_WORD.sub("", text.casefold())
    for run in sorted(runs, key=len, reverse=True):
        chars = run.decode("utf-8", "surrogatepass")
        folded = chars.casefold()
        if not folded.isalnum():
            folded = _NON_WORD.sub("", folded)
        if folded != chars:
            key = key.replace(run, folded.encode("utf-8"))
    return key.decode("utf-8")


# Which source's fields win when records of one paper disagree: structured sources
# first, then text copies. With the content itself as the tie-break, the merged paper
# depends only on which records there are, never on the order of files or records.
FORMAT_RANK = {
    name: rank
    for rank, name in enumerate(
        (
            "arxiv-atom", "arxiv-oai", "json-lines", "arxiv-rss", "papers-json", "zotero-sqlite", "bibtex", "csl-json", "ris",
            "title-pdf-summary", "hf-daily-page", "abstract-lines",
        )  # fmt: skip
    )
}

# One distinct record of a paper, every source that gave exactly it, and when it first came.
Entry = tuple[Record, list[Source], int]
# The records of a paper merged from more than one, each with every source that gave it.
Records = list[tuple[Record, list[Source]]]


class CorpusBuilder:
    """Adds records one at a time. Records that share an arXiv id, an abstract or a title
    describe one paper, transitively: a record that links two papers joins them.

    Papers keep the order in which they first appeared. A paper joined into an earlier
    one stays in `papers` until `finish()` removes it, so indexes into `papers` stay
    valid while a load is under way.
    """

    def __init__(self, papers: list[Paper] | None = None) -> None:
        self.papers: list[Paper] = [] if papers is None else papers
        # Papers whose title or abstract a later record changed, by index: an index built
        # over them earlier must look at them again.
        self.changed: list[int] = []
        # Keys: an arXiv id (always holds '.' or '/'), or the hash of an abstract's or a
        # title's text_key; hashes keep a million abstracts from being held twice.
        self._by_key: dict[str | int, int] = {}
        # Every record of papers that have more than one (a lone record is its paper).
        self._entries: dict[int, dict[tuple, Entry]] = {}
        # Papers joined into another: number -> the paper that took them in.
        self._joined: dict[int, int] = {}
        self._dirty: set[int] = set()
        # Papers whose records carry two or more arXiv ids: they are split at `finish()`.
        self._two_ids: set[int] = set()
        self._id_of: dict[int, str] = {}  # the first arXiv id among a paper's records ("": none yet)
        # When each paper's first record came (a count of records added): orders split papers.
        self._born = array("q", range(len(self.papers)))
        self._added = len(self.papers)
        # After `finish()`: the records of each paper made of more than one distinct record, by
        # paper number (a later load merges again from them without reading their files).
        self.kept_records: dict[int, Records] = {}

    def add(self, record: Record, source: Source, report: FileReport) -> tuple[Paper, bool]:
        """Add one record; return its paper and whether that paper existed already.

        A paper's fields are worked out again from all its records at `settle()`."""
        keys = _keys(record)
        found = sorted({self._find(self._by_key[key]) for key in keys if key in self._by_key})
        if not found:
            number = len(self.papers)
            paper = _new_paper(record)
            self.papers.append(paper)
            self._born.append(self._added)
        elif len(found) == 1 and found[0] not in self._entries and _copies(record, source, self.papers[found[0]]):
            number = found[0]  # an exact copy of a paper's only record (a file given twice) adds a source only
            paper = self.papers[number]
        else:
            number = found[0]
            paper = self.papers[number]
            entries = self._take_entries(number)
            if number not in self._id_of:  # its records' ids, noted once
                self._id_of[number] = ""
                for kept, _, _ in entries.values():
                    self._note_id(number, kept.arxiv_id)
            for other in found[1:]:
                if other in self._two_ids:
                    self._two_ids.add(number)
                self._id_of.pop(other, None)
                for key, (kept, sources, first) in self._take_entries(other).items():
                    entries.setdefault(key, (kept, [], first))[1].extend(sources)
                    self._note_id(number, kept.arxiv_id)
                paper.sources += self.papers[other].sources
                self._joined[other] = number
                self._dirty.discard(other)
                self._two_ids.discard(other)
            # A repeated record adds only its source.
            entries.setdefault(_precedence(record, source.format), (record, [], self._added))[1].append(source)
            self._entries[number] = entries
            self._dirty.add(number)
            if len(found) > 1:
                self.changed.append(number)
            self._note_id(number, record.arxiv_id)
        paper.sources.append(source)
        for key in keys:
            self._by_key.setdefault(key, number)
        self._added += 1
        return paper, bool(found)

    def settle(self) -> None:
        """Work out the fields of every paper that gained records since the last call."""
        for number in self._dirty:
            paper = self.papers[number]
            text = (paper.title, paper.abstract)
            _fold_into(paper, self._entries[number].values())
            if (paper.title, paper.abstract) != text:
                self.changed.append(number)
        self._dirty.clear()

    def finish(self) -> bool:
        """Remove the papers joined into others; True when any were (indexes changed)."""
        self.settle()
        if not self._joined and not self._two_ids:
            self.kept_records = {n: _records(e.values()) for n, e in self._entries.items() if len(e) > 1}
            return False
        papers: list[Paper] = []
        self.kept_records = {}
        for number, paper in enumerate(self.papers):
            if number in self._two_ids:
                for part, group in _split_by_id(paper, list(self._entries[number].values())):
                    if len(group) > 1:
                        self.kept_records[len(papers)] = _records(group)
                    papers.append(part)
            elif number not in self._joined:
                if len(self._entries.get(number, ())) > 1:
                    self.kept_records[len(papers)] = _records(self._entries[number].values())
                papers.append(paper)
        self.papers[:] = papers
        self._by_key.clear()
        self._entries.clear()
        self._joined.clear()
        self._two_ids.clear()
        self._id_of.clear()
        self._born = array("q", range(len(papers)))  # the order stands; only comparisons use it
        self.changed.clear()
        return True

    def _note_id(self, number: int, arxiv_id: str | None) -> None:
        """Mark the paper for splitting when a record brings a second arXiv id."""
        if arxiv_id:
            known = self._id_of.get(number)
            if not known:
                self._id_of[number] = arxiv_id
            elif known != arxiv_id:
                self._two_ids.add(number)

    def _find(self, number: int) -> int:
        while number in self._joined:
            number = self._joined[number]
        return number

    def _take_entries(self, number: int) -> dict[tuple, Entry]:
        entries = self._entries.pop(number, None)
        if entries is None:  # a paper of one record holds that record's fields; its sources are copies
            paper = self.papers[number]
            record = record_of(paper)
            entries = {_precedence(record, paper.sources[0].format): (record, list(paper.sources), self._born[number])}
        return entries


def _keys(record: Record) -> list[str | int]:
    return [key if isinstance(key, str) else hash(key) for key in _key_texts(record)]


def stable_keys(record: Record) -> list[int]:
    """The record's merge keys as 64-bit numbers that stay the same from one run to the next
    (Python's `hash` of a string does not): what a kept corpus finds its papers by."""
    keys = []
    for key in _key_texts(record):
        text = ("id", key) if isinstance(key, str) else key
        digest = hashlib.blake2b("\0".join(text).encode("utf-8", "surrogatepass"), digest_size=8).digest()
        keys.append(int.from_bytes(digest, "little"))
    return keys


def _key_texts(record: Record) -> list[str | tuple[str, ...]]:
    """What proves two records are one paper: an arXiv id, or a kind of text and its key."""
    keys: list[str | tuple[str, ...]] = []
    if record.arxiv_id:
        keys.append(record.arxiv_id)
    if record.doi:  # DOIs are case-insensitive: 10.1093/MIND/LIX.236.433 is 10.1093/mind/lix.236.433
        keys.append(("doi", record.doi.lower()))
    abstract = text_key(record.abstract)
    if len(abstract) >= MIN_ABSTRACT_KEY:
        keys.append(("abstract", abstract))
    if record.title:
        title = text_key(record.title)
        if len(title) >= MIN_TITLE_KEY:
            keys.append(("title", title))
    if not keys and (record.title or abstract):
        # Too short to prove anything alone, but an exact copy is still the same paper:
        # the same file given twice must not list it twice.
        keys.append(("whole", text_key(record.title or ""), abstract))
    return keys


def _records(entries: Iterable[Entry]) -> Records:
    return [(record, sources) for record, sources, _ in entries]


def _new_paper(record: Record) -> Paper:
    return Paper(
        title=record.title or derive_title(record.abstract),
        abstract=record.abstract,
        title_derived=record.title is None,
        arxiv_id=record.arxiv_id,
        listed=record.listed,
        links=record.links,
        authors=record.authors,
        categories=record.categories,
        published=record.published,
        upvotes=record.upvotes,
        first_seen=record.first_seen,
        github_stars=record.github_stars,
        comments=record.comments,
        version=record.version,
        doi=record.doi,
        venue=record.venue,
        collections=record.collections,
        zotero_key=record.zotero_key,
        local_pdf=record.local_pdf,
    )


def _copies(record: Record, source: Source, paper: Paper) -> bool:
    """Whether `record` repeats, field for field and format too, a paper made of one record."""
    return (
        record.abstract == paper.abstract
        and record.title == (None if paper.title_derived else paper.title)
        and record.arxiv_id == paper.arxiv_id
        and source.format == paper.sources[0].format
        and record.listed == paper.listed
        and record.links == paper.links
        and record.authors == paper.authors
        and record.categories == paper.categories
        and record.published == paper.published
        and record.upvotes == paper.upvotes
        and record.first_seen == paper.first_seen
        and record.github_stars == paper.github_stars
        and record.comments == paper.comments
        and record.version == paper.version
        and record.doi == paper.doi
        and record.venue == paper.venue
        and record.collections == paper.collections
        and record.zotero_key == paper.zotero_key
        and record.local_pdf == paper.local_pdf
    )


def record_of(paper: Paper) -> Record:
    """The record a paper of one record was made from (without an id found by title search)."""
    return Record(
        abstract=paper.abstract,
        title=None if paper.title_derived else paper.title,
        arxiv_id=None if paper.resolved_from else paper.arxiv_id,
        listed=paper.listed,
        links=paper.links,
        authors=paper.authors,
        categories=paper.categories,
        published=paper.published,
        upvotes=paper.upvotes,
        first_seen=paper.first_seen,
        github_stars=paper.github_stars,
        comments=paper.comments,
        version=paper.version,
        doi=paper.doi,
        venue=paper.venue,
        collections=paper.collections,
        zotero_key=paper.zotero_key,
        local_pdf=paper.local_pdf,
    )


def _precedence(record: Record, fmt: str) -> tuple:
    return (
        FORMAT_RANK.get(fmt, len(FORMAT_RANK)),
        -len(record.abstract),
        record.title is None,
        record.title or "",
        record.abstract,
        record.arxiv_id or "",
        record.published or "",
        record.listed or "",
        record.authors,
        record.categories,
        record.links,
        -1 if record.upvotes is None else record.upvotes,
        record.first_seen or "",
        -1 if record.github_stars is None else record.github_stars,
        -1 if record.comments is None else record.comments,
        -1 if record.version is None else record.version,
        record.doi or "",
        record.venue or "",
        record.collections,
        record.zotero_key or "",
        record.local_pdf or "",
    )


def _entry_precedence(entry: Entry) -> tuple:
    record, sources, _ = entry
    return _precedence(record, sources[0].format)


def _split_by_id(paper: Paper, entries: list[Entry]) -> list[tuple[Paper, list[Entry]]]:
    """A paper whose records carry different arXiv ids, as one paper per id (with its records): two records
    with different ids are never the same paper, however alike their text.

    A record without an id goes with the id it is linked to in fewest steps through other
    records without one (the smallest id on a tie): the split depends only on which
    records there are, never on their order.
    """
    keys = [set(_keys(record)) for record, _, _ in entries]
    owner: dict[int, str] = {i: record.arxiv_id for i, (record, _, _) in enumerate(entries) if record.arxiv_id}
    frontier = sorted(owner, key=lambda i: owner[i])
    while frontier:  # breadth first from every id at once, smaller ids first within a step
        reached: dict[int, str] = {}
        for i in frontier:
            for j in range(len(entries)):
                if j not in owner and j not in reached and keys[i] & keys[j]:
                    reached[j] = owner[i]
        owner.update(reached)
        frontier = sorted(reached, key=lambda j: owner[j])
    position = {source: n for n, source in enumerate(paper.sources)}
    groups: dict[str, list[Entry]] = {}
    for i, entry in enumerate(entries):
        groups.setdefault(owner.get(i, ""), []).append(entry)
    parts = []
    for group in groups.values():
        part = _new_paper(group[0][0])
        _fold_into(part, group)
        part.sources = sorted((s for _, sources, _ in group for s in sources), key=position.__getitem__)
        parts.append((min(first for _, _, first in group), part, group))
    return [(part, group) for _, part, group in sorted(parts, key=lambda item: item[0])]  # in the order they first came


def _fold_into(paper: Paper, entries: Iterable[Entry]) -> None:
    """Set the paper's fields from all its records, in order of precedence: the first
    title, abstract, date listed and author list; the arXiv id most records give; every
    link and category; the most precise date; the most upvotes."""
    records = [entry[0] for entry in sorted(entries, key=_entry_precedence)]
    title = next((r.title for r in records if r.title), None)
    paper.abstract = next((r.abstract for r in records if r.abstract), "")
    paper.title, paper.title_derived = (title, False) if title else (derive_title(paper.abstract), True)
    ids = [r.arxiv_id for r in records if r.arxiv_id]
    paper.arxiv_id = max(ids, key=ids.count) if ids else None  # max() keeps the first of equals
    paper.listed = next((r.listed for r in records if r.listed), None)
    paper.links = tuple(dict.fromkeys(link for r in records for link in r.links))
    paper.authors = next((r.authors for r in records if r.authors), ())
    paper.categories = tuple(dict.fromkeys(c for r in records for c in r.categories))
    dates = [r.published for r in records if r.published]
    paper.published = max(dates, key=len) if dates else None  # 2024-10-22 over 2024
    paper.upvotes = _most(r.upvotes for r in records)
    seen = [r.first_seen for r in records if r.first_seen]
    paper.first_seen = min(seen) if seen else None  # the earliest sighting
    paper.github_stars = _most(r.github_stars for r in records)
    paper.comments = _most(r.comments for r in records)
    paper.version = _most(r.version for r in records)  # the latest version any source knows
    paper.doi = next((r.doi for r in records if r.doi), None)
    paper.venue = next((r.venue for r in records if r.venue), None)
    paper.collections = tuple(sorted({c for r in records for c in r.collections}))
    paper.zotero_key = next((r.zotero_key for r in records if r.zotero_key), None)
    paper.local_pdf = next((r.local_pdf for r in records if r.local_pdf), None)


def _most(counts: Iterable[int | None]) -> int | None:
    known = [count for count in counts if count is not None]
    return max(known) if known else None
