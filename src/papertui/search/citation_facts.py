"""Semantic Scholar's facts about the papers of a corpus, as arrays: for the query's
`citations:`, `influential:`, `venue:` and `has:tldr`, and the `citations` and `velocity`
orders.

A paper's facts are looked up in the citation store by its key (`paper_key`: the arXiv id
without version, else its DOI). Unknown is NaN in a number array, "" in a venue, False for a
TL;DR: a paper never asked about, not found, or asked about and given nothing.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Sequence

import numpy as np

from papertui.corpus.facts import id_month
from papertui.corpus.model import Paper
from papertui.sources.citations.model import paper_key

if TYPE_CHECKING:
    from papertui.sources.citations.model import Citations
    from papertui.sources.citations.store import CitationStore

COUNTS = {"citations": "citation_count", "influential": "influential_citation_count"}
DAYS_A_YEAR = 365.25


def keys_of(papers: Sequence[Paper], size: int) -> list[str | None]:
    return [paper_key(papers[i]) for i in range(size)]


def counts(store: CitationStore, keys: list[str | None], name: str) -> np.ndarray:
    """`citation_count` or `influential_citation_count` per paper, NaN where unknown (floats:
    NaN marks the unknown, and every count below 2⁵³ is exact)."""
    return np.array([np.nan if n is None else n for n in store.numbers(name, keys)], dtype=np.float64)


def citations_per_year(store: CitationStore, papers: Sequence[Paper], keys: list[str | None], today: date | None = None) -> np.ndarray:
    """Citations a year since publication, NaN where the count or any date is unknown. The
    date: Semantic Scholar's publication date, else its year (1 January), else the month of
    the arXiv id; a paper less than a year old counts a whole year (so last week's paper with
    5 citations is not worth 260 a year)."""
    today = today or date.today()
    numbers = store.numbers("citation_count", keys)
    velocity = np.full(len(keys), np.nan)
    for index, count in enumerate(numbers):
        if count is None:
            continue
        published = published_on(store.get(keys[index]), papers[index])
        if published is not None:
            velocity[index] = count / max(1.0, (today - published).days / DAYS_A_YEAR)
    return velocity


def published_on(citations: Citations | None, paper: Paper) -> date | None:
    if citations is not None and citations.publication_date:
        parts = [int(part) for part in citations.publication_date.split("-")] + [1, 1]
        try:
            return date(*parts[:3])
        except ValueError:  # checked when stored; a hand edit may still say 2023-02-29
            pass
    if citations is not None and citations.year:
        return date(citations.year, 1, 1)
    issued = id_month(paper.arxiv_id)
    if issued is not None and 1 <= issued[1] <= 12:
        return date(issued[0], issued[1], 1)
    return None


def venues(store: CitationStore, keys: list[str | None]) -> list[str]:
    """The venue and the journal, case-folded, joined by a line break (a needle has none, so
    it is never found across the two); "" where neither is known."""
    found = []
    for key in keys:
        citations = store.get(key) if key in store else None
        found.append("\n".join(filter(None, (citations.venue, citations.journal))).casefold() if citations else "")
    return found


def with_tldr(store: CitationStore, keys: list[str | None]) -> np.ndarray:
    return np.fromiter(
        (key in store and bool((citations := store.get(key)) and citations.tldr) for key in keys), dtype=bool, count=len(keys)
    )
