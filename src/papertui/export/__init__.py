"""Papers as output, one module a format: `json` (objects, one array or one a line), `bibtex`,
`markdown`; the one-line forms (text, links, PDF links) are here.

Used by `papertui list`, `papertui --print` and the app's export alike. What Semantic Scholar
says of a paper (`papertui enrich`) joins the JSON objects and gives BibTeX and Markdown the
venue, year and DOI, when the caller passes `citations_of`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Callable, Iterable

from papertui.corpus.model import Paper
from papertui.export.bibtex import (  # noqa: F401 (the package's public names, as when it was one module)
    _KEY_WORD,
    _OLD_STYLE_ARCHIVE,
    bibtex,
    bibtex_entry,
    bibtex_text,
    bibtex_to_append,
    citation_key,
    no_citations,
)
from papertui.export.csl_json import csl_json
from papertui.export.json import json_array, json_lines, paper_record  # noqa: F401
from papertui.export.markdown import markdown_line
from papertui.export.ris import ris
from papertui.links import paper_link, pdf_url

if TYPE_CHECKING:
    from papertui.sources.citations.model import Citations
    from papertui.marks.store import Marks

EXPORT_FORMATS = ("links", "pdf-links", "bibtex", "ris", "csl-json", "markdown", "json", "jsonl", "text")
FORMAT_HELP = {
    "text": "arXiv id (or -) and title, one paper a line; ~ marks a title derived from the abstract",
    "json": "one array of objects: title, title_derived, abstract, arxiv_id, abs_url, pdf_url, listed, authors, categories, published, upvotes, github_stars, comments, first_seen, id_resolved_from, links, sources, marks, and from Semantic Scholar (null when unknown) citation_count, influential_citation_count, reference_count, tldr, venue, year, doi, s2_id",
    "jsonl": "the same objects, one a line",
    "links": "the arXiv abs link, one a line (an arXiv search link for a paper with no id)",
    "pdf-links": "the PDF link, one a line, for wget or curl (papers with no arXiv id have none and are left out)",
    "bibtex": "@misc entries: eprint and archivePrefix when the arXiv id is known (primaryClass for old-style ids), else title and url; @inproceedings (booktitle) or @article (journal) with the year and doi when Semantic Scholar knows where it was published",
    "ris": "RIS entries as Zotero exports them (TY UNPB for a preprint, JOUR or CPAPER when Semantic Scholar places it), read back by papertui",
    "csl-json": "one array of CSL items for pandoc --citeproc or Zotero: type, title, author (family, given), issued, abstract, URL, DOI, number arXiv:ID",
    "markdown": "a list: [title](link), the arXiv id, venue and year, DOI, tags",
}
MarksOf = Callable[[Paper], "Marks | None"]
CitationsOf = Callable[[Paper], "Citations | None"]


def _no_marks(paper: Paper) -> None:
    return None


ID_WIDTH = 12


def text_line(paper: Paper) -> str:
    """`2406.16845    Title`; a title derived from the abstract is marked with `~`."""
    marker = "~ " if paper.title_derived else ""
    return f"{paper.arxiv_id or '-':<{ID_WIDTH}}  {marker}{paper.title}"


def link_line(paper: Paper) -> str:
    """The arXiv abs link, or for a paper without an id, an arXiv search link."""
    return paper_link(paper, "abs").url


def export(papers: Iterable[Paper], fmt: str, marks_of: MarksOf = _no_marks, citations_of: CitationsOf = no_citations) -> str:
    """The papers in one of EXPORT_FORMATS, ending in a newline (empty for no papers)."""
    papers = list(papers)
    if fmt == "json":
        return json_array(papers, marks_of, citations_of)
    if fmt == "jsonl":
        return json_lines(papers, marks_of, citations_of)
    if fmt == "bibtex":
        return bibtex(papers, citations_of=citations_of)
    if fmt == "ris":
        return ris(papers, citations_of)
    if fmt == "csl-json":
        return csl_json(papers, citations_of) if papers else ""
    if fmt == "markdown":
        return "".join(markdown_line(p, marks_of(p), citations_of(p)) + "\n" for p in papers)
    if fmt == "pdf-links":
        return "".join(pdf_url(p.arxiv_id) + "\n" for p in papers if p.arxiv_id)
    line = link_line if fmt == "links" else text_line
    return "".join(line(p) + "\n" for p in papers)
