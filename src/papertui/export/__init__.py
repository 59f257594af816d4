"""Papers as output: JSON objects, one-line forms, BibTeX and Markdown.

Used by `papertui list`, `papertui --print` and the app's export alike.
"""

from __future__ import annotations

import json
import re
import unicodedata
from typing import TYPE_CHECKING, Any, Callable, Iterable

from papertui.corpus.facts import date_key
from papertui.corpus.model import Paper
from papertui.links import abs_url, paper_link, pdf_url

if TYPE_CHECKING:
    from papertui.state import Marks

EXPORT_FORMATS = ("links", "pdf-links", "bibtex", "markdown", "json", "jsonl", "text")
FORMAT_HELP = {
    "text": "arXiv id (or -) and title, one paper a line; ~ marks a title derived from the abstract",
    "json": "one array of objects: title, title_derived, abstract, arxiv_id, abs_url, pdf_url, listed, authors, categories, published, upvotes, github_stars, comments, first_seen, id_resolved_from, links, sources, marks",
    "jsonl": "the same objects, one a line",
    "links": "the arXiv abs link, one a line (an arXiv search link for a paper with no id)",
    "pdf-links": "the PDF link, one a line, for wget or curl (papers with no arXiv id have none and are left out)",
    "bibtex": "@misc entries: eprint and archivePrefix when the arXiv id is known (primaryClass for old-style ids), else title and url",
    "markdown": "a list: [title](link), the arXiv id, tags",
}
MarksOf = Callable[[Paper], "Marks | None"]


def _no_marks(paper: Paper) -> None:
    return None


def paper_record(paper: Paper, marks: Marks | None = None) -> dict[str, Any]:
    """The JSON object for one paper."""
    return {
        "title": paper.title,
        "title_derived": paper.title_derived,
        "abstract": paper.abstract,
        "arxiv_id": paper.arxiv_id,
        "abs_url": abs_url(paper.arxiv_id) if paper.arxiv_id else None,
        "pdf_url": pdf_url(paper.arxiv_id) if paper.arxiv_id else None,
        "listed": paper.listed,
        "authors": list(paper.authors),
        "categories": list(paper.categories),
        "published": paper.published,
        "upvotes": paper.upvotes,
        "github_stars": paper.github_stars,
        "comments": paper.comments,
        "first_seen": paper.first_seen,
        "id_resolved_from": paper.resolved_from,
        "links": list(paper.links),
        "sources": [
            {"file": source.path, "record": source.record, "format": source.format}
            for source in paper.sources
        ],
        "marks": None
        if marks is None
        else {"starred": marks.starred, "read": marks.read, "tags": list(marks.tags), "note": marks.note},
    }


ID_WIDTH = 12


def text_line(paper: Paper) -> str:
    """`2406.16845    Title`; a title derived from the abstract is marked with `~`."""
    marker = "~ " if paper.title_derived else ""
    return f"{paper.arxiv_id or '-':<{ID_WIDTH}}  {marker}{paper.title}"


def link_line(paper: Paper) -> str:
    """The arXiv abs link, or for a paper without an id, an arXiv search link."""
    return paper_link(paper, "abs").url


def export(papers: Iterable[Paper], fmt: str, marks_of: MarksOf = _no_marks) -> str:
    """The papers in one of EXPORT_FORMATS, ending in a newline (empty for no papers)."""
    papers = list(papers)
    if fmt == "json":
        return json.dumps([paper_record(p, marks_of(p)) for p in papers], ensure_ascii=False, indent=2) + "\n"
    if fmt == "jsonl":
        return "".join(json.dumps(paper_record(p, marks_of(p)), ensure_ascii=False) + "\n" for p in papers)
    if fmt == "bibtex":
        return bibtex(papers)
    if fmt == "markdown":
        return "".join(markdown_line(p, marks_of(p)) + "\n" for p in papers)
    if fmt == "pdf-links":
        return "".join(pdf_url(p.arxiv_id) + "\n" for p in papers if p.arxiv_id)
    line = link_line if fmt == "links" else text_line
    return "".join(line(p) + "\n" for p in papers)


# --- Markdown ---------------------------------------------------------------------------

_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]<>#|])")


def markdown_line(paper: Paper, marks: Marks | None = None) -> str:
    title = _MARKDOWN_SPECIAL.sub(r"\\\1", paper.title)
    link = paper_link(paper, "abs")
    line = f"- [{title}]({link.url})"
    if paper.arxiv_id:
        line += f" · arXiv:{paper.arxiv_id}"
    else:
        line += " · no arXiv id (the link searches arXiv)"
    if marks is not None and marks.tags:
        line += " · " + " ".join(f"`{tag}`" for tag in marks.tags)
    return line


# --- BibTeX -----------------------------------------------------------------------------

_BIBTEX_SPECIAL = re.compile(r"(?<!\\)([&%#_])")
_OLD_STYLE_ARCHIVE = re.compile(r"([a-z-]+(?:\.[A-Z]{2})?)/")
_KEY_WORD = re.compile(r"[A-Za-z]{4,}")


def bibtex(papers: list[Paper], used: set[str] | None = None) -> str:
    """Entries with keys as people cite (`vaswani2017attention`), unique among themselves and
    `used` (the keys a file already holds): a clash gets a, b, c…"""
    used = set() if used is None else set(used)
    entries = []
    for paper in papers:
        key = base = citation_key(paper)
        suffix = 0
        while key in used:
            suffix += 1
            key = f"{base}{chr(ord('a') + suffix - 1) if suffix <= 26 else suffix}"
        used.add(key)
        entries.append(bibtex_entry(paper, key))
    return "\n".join(entries)


_NOT_SIGNIFICANT = frozenset(
    "a an the on of in for to with and or towards toward is are do does how what why when can via from by at as we our "
    "your its it this that these into over under about beyond".split()
)
_ENTRY_KEY = re.compile(r"@\w+\s*\{\s*([^,\s]+)\s*,")
_EPRINT = re.compile(r"\beprint\s*=\s*[{\"]\s*([^}\"\s]+)", re.IGNORECASE)


def citation_key(paper: Paper) -> str:
    """As people cite: first author's last name, year, first significant title word —
    `vaswani2017attention`; the parts a paper lacks are left out (`attention` alone at worst)."""
    last = ""
    if paper.authors:
        words = paper.authors[0].replace(",", " ").split()
        last = _ascii_word(words[-1] if "," not in paper.authors[0] else paper.authors[0].split(",")[0]) if words else ""
    year = date_key(paper) // 10000
    word = next((w for w in (_ascii_word(part) for part in re.split(r"[\s:/-]+", paper.title)) if w and w not in _NOT_SIGNIFICANT), "")
    key = f"{last}{year or ''}{word}" if last else f"{word}{year or ''}"
    return key or "paper"


def _ascii_word(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]", "", folded.lower())


def bibtex_to_append(existing: str, papers: list[Paper]) -> tuple[str, int]:
    """Entries for `papers` that an existing .bib does not hold yet (by arXiv id or by key),
    with keys unique against it; and how many were left out as already there."""
    keys = set(_ENTRY_KEY.findall(existing))
    ids = {found.lower().removeprefix("arxiv:") for found in _EPRINT.findall(existing)}
    fresh = [p for p in papers if not (p.arxiv_id and p.arxiv_id.lower() in ids) and citation_key(p) not in keys]
    text = bibtex(fresh, keys)
    separator = "" if not existing or existing.endswith("\n\n") else ("\n" if existing.endswith("\n") else "\n\n")
    return (separator + text if text else ""), len(papers) - len(fresh)


def bibtex_entry(paper: Paper, key: str) -> str:
    fields = [("title", "{" + bibtex_text(paper.title) + "}")]
    if paper.authors:
        fields.append(("author", " and ".join(_bibtex_name(name) for name in paper.authors)))
    if paper.arxiv_id:
        fields += [("eprint", paper.arxiv_id), ("archivePrefix", "arXiv")]
        old_style = _OLD_STYLE_ARCHIVE.match(paper.arxiv_id)
        if paper.categories:
            fields.append(("primaryClass", paper.categories[0]))
        elif old_style:
            fields.append(("primaryClass", old_style.group(1)))
    fields.append(("url", paper_link(paper, "abs").url))
    year = date_key(paper) // 10000
    if year:
        fields.append(("year", str(year)))
    body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields)
    return f"@misc{{{key},\n{body}\n}}\n"


def _bibtex_name(name: str) -> str:
    """A name BibTeX reads as one person: a name holding ` and ` or a comma is braced."""
    text = bibtex_text(name)
    return "{" + text + "}" if " and " in text or "," in text else text


def bibtex_text(text: str) -> str:
    """Text safe inside BibTeX braces: LaTeX specials escaped, braces balanced, and `$` kept
    for math only when the dollars pair up."""
    text = _BIBTEX_SPECIAL.sub(r"\\\1", text)
    if not _balanced(text):  # BibTeX counts braces even after a backslash: spell them out
        text = text.replace("{", "\x00").replace("}", r"\textbraceright{}").replace("\x00", r"\textbraceleft{}")
    if text.count("$") % 2:
        text = text.replace("$", r"\$")
    return text


def _balanced(text: str) -> bool:
    depth = 0
    for char in text:
        depth += {"{": 1, "}": -1}.get(char, 0)
        if depth < 0:
            return False
    return depth == 0
