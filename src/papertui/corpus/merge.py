"""Merging records that describe the same paper into one `Paper`."""

from __future__ import annotations

import re

from papertui.corpus.model import FileReport, Paper, Record, Source
from papertui.corpus.text import derive_title

_NON_WORD = re.compile(r"[\W_]+")
# Keys shorter than this are too generic to prove two records are the same paper.
MIN_ABSTRACT_KEY = 40
MIN_TITLE_KEY = 10


_ASCII_NON_WORD = str.maketrans("", "", "".join(chr(c) for c in range(128) if not chr(c).isalnum()))


def text_key(text: str) -> str:
    """Only letters and digits, case-folded: 'Masked Thought:' == 'masked thought'."""
    if text.isascii():  # one C pass instead of the regex
        return text.lower().translate(_ASCII_NON_WORD)
    return _NON_WORD.sub("", text.casefold())


class CorpusBuilder:
    """Adds records one at a time; a record joins the paper it shares an id, abstract or title with.

    Papers keep the order in which they first appeared.
    """

    def __init__(self, papers: list[Paper] | None = None) -> None:
        self.papers: list[Paper] = [] if papers is None else papers
        # Papers whose title or abstract a later record changed, by index: an index built
        # over them earlier must look at them again.
        self.changed: list[int] = []
        # Keys: an arXiv id (always holds '.' or '/'), or the hash of an abstract's or a
        # title's text_key; hashes keep a million abstracts from being held twice.
        self._by_key: dict[str | int, int] = {}

    def add(self, record: Record, source: Source, report: FileReport) -> tuple[Paper, bool]:
        """Add one record; return its paper and whether that paper existed already."""
        keys = _keys(record)
        number = next((self._by_key[key] for key in keys if key in self._by_key), None)
        merged = number is not None
        if number is None:
            number = len(self.papers)
            paper = Paper(
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
            )
            self.papers.append(paper)
        else:
            paper = self.papers[number]
            text = (paper.title, paper.abstract)
            _merge_into(paper, record, source, report)
            if (paper.title, paper.abstract) != text:
                self.changed.append(number)
        paper.sources.append(source)
        for key in keys:
            self._by_key.setdefault(key, number)
        return paper, merged


def _keys(record: Record) -> list[str | int]:
    keys: list[str | int] = []
    if record.arxiv_id:
        keys.append(record.arxiv_id)
    abstract = text_key(record.abstract)
    if len(abstract) >= MIN_ABSTRACT_KEY:
        keys.append(hash(("abstract", abstract)))
    if record.title:
        title = text_key(record.title)
        if len(title) >= MIN_TITLE_KEY:
            keys.append(hash(("title", title)))
    return keys


def _merge_into(paper: Paper, record: Record, source: Source, report: FileReport) -> None:
    if record.title and paper.title_derived:
        paper.title, paper.title_derived = record.title, False
    if record.abstract and not paper.abstract:
        paper.abstract = record.abstract
        if paper.title_derived:
            paper.title = derive_title(paper.abstract)
    if record.arxiv_id:
        if paper.arxiv_id is None:
            paper.arxiv_id = record.arxiv_id
        elif paper.arxiv_id != record.arxiv_id:
            report.warn(
                f"record {source.record}: arXiv id {record.arxiv_id} differs from "
                f"{paper.arxiv_id} of the same paper; kept {paper.arxiv_id}"
            )
    if record.listed and not paper.listed:
        paper.listed = record.listed
    if record.links:
        paper.links = tuple(dict.fromkeys(paper.links + record.links))
    if record.authors and not paper.authors:
        paper.authors = record.authors
    if record.categories:
        paper.categories = tuple(dict.fromkeys(paper.categories + record.categories))
    # The more precise date wins: 2024-10-22 over 2024.
    if record.published and len(record.published) > len(paper.published or ""):
        paper.published = record.published
    if record.upvotes is not None:
        paper.upvotes = max(record.upvotes, paper.upvotes or 0)
