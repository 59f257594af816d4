"""Papers as data for output: the JSON objects and one-line forms of `papertui list`."""

from __future__ import annotations

from typing import Any

from papertui.corpus.model import Paper
from papertui.links import abs_url, paper_link, pdf_url


def paper_record(paper: Paper) -> dict[str, Any]:
    """The JSON object for one paper."""
    return {
        "title": paper.title,
        "title_derived": paper.title_derived,
        "abstract": paper.abstract,
        "arxiv_id": paper.arxiv_id,
        "abs_url": abs_url(paper.arxiv_id) if paper.arxiv_id else None,
        "pdf_url": pdf_url(paper.arxiv_id) if paper.arxiv_id else None,
        "listed": paper.listed,
        "links": list(paper.links),
        "sources": [
            {"file": source.path, "record": source.record, "format": source.format}
            for source in paper.sources
        ],
    }


ID_WIDTH = 12


def text_line(paper: Paper) -> str:
    """`2406.16845    Title`; a title derived from the abstract is marked with `~`."""
    marker = "~ " if paper.title_derived else ""
    return f"{paper.arxiv_id or '-':<{ID_WIDTH}}  {marker}{paper.title}"


def link_line(paper: Paper) -> str:
    """The arXiv abs link, or for a paper without an id, an arXiv search link."""
    return paper_link(paper, "abs").url
