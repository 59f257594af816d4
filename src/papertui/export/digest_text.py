"""The digest for a terminal: plain lines, no markup, and no control character from a paper's
text (an escape sequence in a title could move the cursor or set the window's title)."""

from __future__ import annotations

from papertui.corpus.text import clean
from papertui.digest.model import Digest, Entry, heading, more_line, nothing_new, shortened_authors
from papertui.links import paper_link


def digest_text(digest: Digest) -> str:
    if digest.empty:
        return nothing_new(digest) + "\n"
    title, under = heading(digest)
    lines = [title, under]
    for section in digest.sections:
        lines += ["", clean(section.name), "-" * len(clean(section.name))]
        for entry in section.entries:
            lines += entry_lines(entry)
        for extra in (more_line(section), section.note):
            if extra:
                lines.append(f"  {clean(extra)}")
    return "\n".join(lines) + "\n"


def entry_lines(entry: Entry) -> list[str]:
    paper = entry.paper
    authors = clean(shortened_authors(paper.authors))
    link = paper_link(paper, "abs").url
    return [f"* {clean(paper.title)}", f"  {authors + ' · ' if authors else ''}{link}", f"  {clean(entry.why)}"]
