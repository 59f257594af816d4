"""What papertui keeps of Semantic Scholar's answers: a paper's citations (`Citations`), and a
paper met on a page of the citation graph or among recommendations (`GraphPaper`).

Every field may be unknown (None, or empty): the service leaves many out, and what it sends
is read defensively (`answers.py`). Text here is already clean, one line, no controls.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timezone
from typing import TYPE_CHECKING

from papertui.corpus.model import Record

if TYPE_CHECKING:
    from papertui.corpus.model import Paper

DOI_PREFIX = "doi:"
_DOI_LINK = re.compile(r"^https?://(?:dx\.)?doi\.org/(10\.[0-9]{4,9}/\S+)$", re.IGNORECASE)


def citation_key(arxiv_id: str | None = None, doi: str | None = None) -> str | None:
    """The key a paper's citations are stored under: its arXiv id without version, else
    `doi:` and its DOI in lower case (DOIs are case-insensitive), else None."""
    if arxiv_id:
        return arxiv_id
    if doi:
        return DOI_PREFIX + doi.lower()
    return None


def paper_key(paper: Paper) -> str | None:
    """A corpus paper's key: its arXiv id, else the DOI of a doi.org link it carries."""
    if paper.arxiv_id:
        return paper.arxiv_id
    for link in paper.links:
        match = _DOI_LINK.match(link)
        if match:
            return citation_key(doi=match.group(1))
    return None


def s2_id_of_key(key: str) -> str:
    """The id Semantic Scholar is asked by for a stored key: `ARXIV:2406.16845`, `DOI:10.…`."""
    if key.startswith(DOI_PREFIX):
        return "DOI:" + key[len(DOI_PREFIX) :]
    return "ARXIV:" + key


def now_iso() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_iso(when: str) -> datetime | None:
    """An ISO time as stored (`2026-12-06T18:55:00Z`), aware; None when it is not one."""
    try:
        parsed = datetime.fromisoformat(when.replace("Z", "+00:00"))
    except (ValueError, AttributeError):
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=timezone.utc)


@dataclass(frozen=True, slots=True)
class Citations:
    """What Semantic Scholar says of one paper, and when it was asked (`fetched`, ISO UTC).

    `found` False: the service knows no paper by that id (recorded, so that it is not asked
    again within the week); every other field is then unknown."""

    fetched: str
    found: bool = True
    s2_id: str | None = None
    citation_count: int | None = None
    influential_citation_count: int | None = None
    reference_count: int | None = None
    tldr: str | None = None
    venue: str | None = None
    journal: str | None = None
    year: int | None = None
    publication_date: str | None = None  # YYYY-MM-DD (or YYYY-MM, YYYY)
    doi: str | None = None
    open_access_pdf: str | None = None  # an http(s) URL
    fields_of_study: tuple[str, ...] = ()

    @property
    def venue_or_journal(self) -> str | None:
        """Where it was published, as a reader would cite it: the venue, else the journal."""
        return self.venue or self.journal

    def citations_per_year(self, today: date | None = None) -> float | None:
        """Citations per year since publication (a paper younger than a year counts a whole
        year, so that last week's paper with 5 citations is not worth 260 a year)."""
        if self.citation_count is None:
            return None
        today = today or date.today()
        published = _published_on(self.publication_date, self.year)
        if published is None:
            return None
        years = max(1.0, (today - published).days / 365.25)
        return self.citation_count / years


def _published_on(publication_date: str | None, year: int | None) -> date | None:
    if publication_date:
        parts = publication_date.split("-")
        try:
            return date(int(parts[0]), int(parts[1]) if len(parts) > 1 else 1, int(parts[2]) if len(parts) > 2 else 1)
        except ValueError:
            pass
    if year:
        try:
            return date(year, 1, 1)
        except ValueError:
            return None
    return None


@dataclass(frozen=True, slots=True)
class GraphPaper:
    """A paper as a page of citations or references (or the recommendations) shows it: it
    may not be in the user's corpus, so it carries what is needed to show it and to add it."""

    s2_id: str | None  # None: a reference Semantic Scholar could not match to a paper
    title: str | None
    abstract: str | None = None
    authors: tuple[str, ...] = ()
    arxiv_id: str | None = None
    doi: str | None = None
    year: int | None = None
    publication_date: str | None = None
    venue: str | None = None
    citation_count: int | None = None
    influential_citation_count: int | None = None
    reference_count: int | None = None
    open_access_pdf: str | None = None

    @property
    def key(self) -> str | None:
        """Its key in the citation store (None without an arXiv id or a DOI)."""
        return citation_key(self.arxiv_id, self.doi)

    def citations(self, fetched: str) -> Citations:
        """What the page said of its counts, to be kept like an enriched paper's."""
        return Citations(
            fetched=fetched,
            s2_id=self.s2_id,
            citation_count=self.citation_count,
            influential_citation_count=self.influential_citation_count,
            reference_count=self.reference_count,
            venue=self.venue,
            year=self.year,
            publication_date=self.publication_date,
            doi=self.doi,
            open_access_pdf=self.open_access_pdf,
        )

    def to_record(self) -> Record:
        """A corpus record, to be stored in the library like any fetched paper (its title, or
        an explicit placeholder when the service gave none; the abstract may be empty)."""
        from papertui.corpus.records import make_record  # the parsers' cleaning, imported when used

        links = [f"https://doi.org/{self.doi}"] if self.doi else []
        if self.s2_id:
            links.append(f"https://www.semanticscholar.org/paper/{self.s2_id}")
        if self.open_access_pdf:
            links.append(self.open_access_pdf)
        return make_record(
            self.abstract or "",
            self.title or "(untitled paper from Semantic Scholar)",
            arxiv_id=self.arxiv_id,
            authors=self.authors,
            published=self.publication_date or (str(self.year) if self.year else None),
            links=links,
        )
