"""Papers as a Markdown list: `- [title](link) · arXiv:ID · venue year · doi · tags`."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING
from urllib.parse import quote

from papertui.corpus.model import Paper
from papertui.links import paper_link

if TYPE_CHECKING:
    from papertui.sources.citations.model import Citations
    from papertui.marks.store import Marks

_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]<>#|])")


def markdown_text(text: str) -> str:
    return _MARKDOWN_SPECIAL.sub(r"\\\1", text)


def markdown_line(paper: Paper, marks: Marks | None = None, citations: Citations | None = None) -> str:
    link = paper_link(paper, "abs")
    line = f"- [{markdown_text(paper.title)}]({link.url})"
    if paper.arxiv_id:
        line += f" · arXiv:{paper.arxiv_id}"
    else:
        line += " · no arXiv id (the link searches arXiv)"
    if citations is not None and citations.found:
        published = " ".join(filter(None, (citations.venue_or_journal and markdown_text(citations.venue_or_journal), citations.year and str(citations.year))))
        if published:
            line += f" · {published}"
        if citations.doi:
            # Percent-encoded in the link: a DOI may hold `)` or a space-free `]`, which end one.
            line += f" · [doi:{markdown_text(citations.doi)}](https://doi.org/{quote(citations.doi, safe='/')})"
    if marks is not None and marks.tags:
        line += " · " + " ".join(f"`{tag}`" for tag in marks.tags)
    return line
