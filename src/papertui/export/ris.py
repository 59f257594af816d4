"""Papers as RIS, as Zotero exports them: `TY  - UNPB` for a preprint (JOUR, CPAPER when
Semantic Scholar places it in a journal or proceedings), one tag line per field, `ER  - `.

Every value is one line (RIS has no escaping: a line break inside a value would start a tag
of its own). papertui's RIS reader reads these back to the same papers.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Callable

from papertui.corpus.model import Paper
from papertui.corpus.text import clean
from papertui.export.bibtex import no_citations
from papertui.export.citation_fields import date_parts, kind, paper_doi, split_name, venue
from papertui.links import paper_link

if TYPE_CHECKING:
    from papertui.sources.citations.model import Citations

TYPES = {"preprint": "UNPB", "article": "JOUR", "conference": "CPAPER"}


def ris(papers: list[Paper], citations_of: Callable[[Paper], Citations | None] = no_citations) -> str:
    """The papers as RIS entries, a blank line between them."""
    return "\n".join(ris_entry(paper, citations_of(paper)) for paper in papers)


def ris_entry(paper: Paper, citations: Citations | None = None) -> str:
    lines = [("TY", TYPES[kind(citations)]), ("TI", paper.title)]
    for author in paper.authors:
        name = split_name(author)
        lines.append(("AU", ", ".join(part for part in name if part)))
    if paper.abstract:
        lines.append(("AB", paper.abstract))
    parts = date_parts(paper)
    if parts:
        lines.append(("PY", str(parts[0])))
        lines.append(("DA", "/".join(f"{part:02d}" for part in parts) + "/"))
    published = venue(citations)
    if published:
        lines.append(("T2", published))
    doi = paper_doi(paper, citations)
    if doi:
        lines.append(("DO", doi))
    lines.append(("UR", paper_link(paper, "abs").url))
    if paper.arxiv_id:
        lines += [("PB", "arXiv"), ("AN", f"arXiv:{paper.arxiv_id}")]
    lines += [("KW", category) for category in paper.categories]
    body = "".join(f"{tag}  - {clean(value)}\n" for tag, value in lines if clean(value))
    return body + "ER  - \n"
