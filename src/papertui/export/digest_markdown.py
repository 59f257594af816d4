"""The digest as Markdown: `## Section` headings, one list item a paper:
`- [title](arXiv link) — authors · *why*`. Every text from a paper or a setting is escaped."""

from __future__ import annotations

from papertui.corpus.text import clean
from papertui.digest.model import Digest, Entry, heading, more_line, nothing_new, shortened_authors
from papertui.export.markdown import markdown_text
from papertui.links import paper_link


def md(text: str) -> str:
    """One line of untrusted text as Markdown that shows it literally (`~` too: GFM's strike)."""
    return markdown_text(clean(text)).replace("~", "\\~")


def digest_markdown(digest: Digest) -> str:
    if digest.empty:
        return nothing_new(digest) + "\n"
    title, under = heading(digest)
    lines = [f"# {md(title)}", "", md(under)]
    for section in digest.sections:
        lines += ["", f"## {md(section.name)}", ""]
        lines += [entry_line(entry) for entry in section.entries]
        for extra in (more_line(section), section.note):
            if extra:
                lines.append(f"*{md(extra)}*")
    return "\n".join(lines) + "\n"


def entry_line(entry: Entry) -> str:
    paper = entry.paper
    authors = shortened_authors(paper.authors)
    by = f" — {md(authors)}" if authors else ""
    return f"- [{md(paper.title)}]({paper_link(paper, 'abs').url}){by} · *{md(entry.why)}*"
