"""Papers as CSL-JSON, the items citeproc, pandoc and Zotero's "CSL JSON" read: a preprint as
Zotero writes one (type `article`, `publisher` arXiv, `number` arXiv:ID, arXiv's DOI), a paper
Semantic Scholar places in a journal or proceedings as `article-journal` or
`paper-conference` with its `container-title` and published DOI."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any, Callable

from papertui.corpus.model import Paper
from papertui.export.bibtex import no_citations, unique_keys
from papertui.export.citation_fields import date_parts, kind, paper_doi, split_name, venue
from papertui.links import paper_link

if TYPE_CHECKING:
    from papertui.sources.citations.model import Citations

TYPES = {"preprint": "article", "article": "article-journal", "conference": "paper-conference"}


def csl_json(papers: list[Paper], citations_of: Callable[[Paper], Citations | None] = no_citations) -> str:
    """One JSON array of items; ids unique among them (`vaswani2017attention`, then a, b, …)."""
    items = [csl_item(paper, key, citations_of(paper)) for paper, key in zip(papers, unique_keys(papers))]
    return json.dumps(items, ensure_ascii=False, indent=2) + "\n"


def csl_item(paper: Paper, key: str, citations: Citations | None = None) -> dict[str, Any]:
    item: dict[str, Any] = {"id": key, "type": TYPES[kind(citations)], "title": paper.title}
    if paper.authors:
        item["author"] = [_author(name) for name in paper.authors]
    parts = date_parts(paper)
    if parts:
        item["issued"] = {"date-parts": [parts]}
    if paper.abstract:
        item["abstract"] = paper.abstract
    published = venue(citations)
    if published:
        item["container-title"] = published
    item["URL"] = paper_link(paper, "abs").url
    doi = paper_doi(paper, citations)
    if doi:
        item["DOI"] = doi
    if paper.arxiv_id:
        item.update({"number": f"arXiv:{paper.arxiv_id}", "publisher": "arXiv", "source": "arXiv.org"})
        if published is None:
            item["genre"] = "preprint"
    if paper.categories:
        item["keyword"] = ", ".join(paper.categories)
    return item


def _author(name: str) -> dict[str, str]:
    family, given, suffix = split_name(name)
    if not given:
        return {"literal": family + (f" {suffix}" if suffix else "")}
    author = {"family": family, "given": given}
    if suffix:
        author["suffix"] = suffix
    return author
