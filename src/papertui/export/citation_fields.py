"""What RIS and CSL-JSON both need of a paper: its authors as family and given names, its DOI,
its date as parts, and what kind of work it is."""

from __future__ import annotations

from typing import TYPE_CHECKING, NamedTuple

from papertui.corpus.facts import date_key
from papertui.corpus.model import Paper
from papertui.corpus.reference import clean_doi
from papertui.corpus.text import clean
from papertui.export.bibtex import published_in

if TYPE_CHECKING:
    from papertui.sources.citations.model import Citations

ARXIV_DOI = "10.48550/arXiv.{}"  # the DOI arXiv registers for every paper with DataCite
_SUFFIXES = {"jr", "jr.", "sr", "sr.", "ii", "iii", "iv"}


class Name(NamedTuple):
    family: str
    given: str = ""
    suffix: str = ""


def split_name(name: str) -> Name:
    """`Ashish Vaswani` -> (Vaswani, Ashish); `Ludwig van Beethoven` -> (van Beethoven, Ludwig);
    `Martin Luther King Jr.` -> (King, Martin Luther, Jr.); `Vaswani, Ashish` as it says."""
    name = clean(name)
    if "," in name:
        family, _, given = name.partition(",")
        given, _, suffix = given.partition(",")
        return Name(family.strip(), given.strip(), suffix.strip())
    words = name.split()
    suffix = ""
    if len(words) > 2 and words[-1].lower() in _SUFFIXES:
        suffix = words.pop()
    if len(words) < 2:
        return Name(" ".join(words), "", suffix)
    start = len(words) - 1
    while start > 1 and words[start - 1][:1].islower():  # particles: van, de, von der
        start -= 1
    return Name(" ".join(words[start:]), " ".join(words[:start]), suffix)


def paper_doi(paper: Paper, citations: Citations | None = None) -> str | None:
    """The published DOI when known (Semantic Scholar's, or a doi.org link the input gave),
    else arXiv's DOI for a paper with an arXiv id."""
    if citations is not None and citations.found and clean_doi(citations.doi):
        return clean_doi(citations.doi)
    for link in paper.links:
        found = clean_doi(link) if "doi.org/" in link else None
        if found:
            return found
    return ARXIV_DOI.format(paper.arxiv_id) if paper.arxiv_id else None


def date_parts(paper: Paper) -> list[int]:
    """[year, month, day] as far as known: the published date, else the listing or the arXiv
    id's month (`date_key`); [] when nothing is known."""
    key = date_key(paper)
    parts = [key // 10000, key // 100 % 100, key % 100]
    while parts and not parts[-1]:
        parts.pop()
    return parts if parts and parts[0] else []


def kind(citations: Citations | None) -> str:
    """`preprint`, `article` (a journal) or `conference`, from where Semantic Scholar places it."""
    published = published_in(citations)
    if published is None:
        return "preprint"
    return "article" if published[0] == "article" else "conference"


def venue(citations: Citations | None) -> str | None:
    published = published_in(citations)
    return published[2] if published is not None else None
