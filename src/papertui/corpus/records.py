"""Building a clean `Record` from the raw fields a parser found."""

from __future__ import annotations

from papertui.corpus.model import Record
from papertui.corpus.text import clean
from papertui.links import arxiv_id_from_url, urls_in


def make_record(
    abstract: str,
    title: str | None = None,
    link: str | None = None,
    listed: str | None = None,
) -> Record:
    """Clean every field; take the arXiv id from `link`, the URLs from the abstract.

    A `link` that is not an arXiv URL is kept among the paper's links rather than dropped.
    """
    abstract = clean(abstract)
    title = clean(title) if title else None
    link = clean(link) if link else None
    arxiv_id = arxiv_id_from_url(link) if link else None
    links = urls_in(abstract)
    if link and arxiv_id is None:
        links = urls_in(link) + links
    return Record(
        abstract=abstract,
        title=title or None,
        arxiv_id=arxiv_id,
        listed=clean(listed) if listed else None,
        links=links,
    )
