"""A paper as a Zotero item, the way Zotero itself saves an arXiv paper.

Zotero's arXiv translator (zotero/translators, `arXiv.org.js`, `parseSingleEntry`) makes an
item of type `preprint` with the title, the authors split by `Zotero.Utilities.cleanAuthor`,
the abstract (`abstractNote`), the date, `url` (the abs page, without version), repository
`arXiv`, archive ID `arXiv:ID` and DOI `10.48550/arXiv.ID` (arXiv's own DOI; the published
one when it is known). papertui adds the user's tags and note (as a child note, HTML the way
`Zotero.Utilities.text2html` writes plain text).

What papertui sends is what it knows: a `Sendable`, made from a paper of the corpus with its
marks, or from one JSON line of `papertui list --format jsonl` used as it is, so that papers
from any input can be sent. No Textual, no network here.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from typing import Any

from papertui.corpus.model import Paper
from papertui.corpus.text import clean, strip_controls
from papertui.links import abs_url, parse_arxiv_id
from papertui.marks.store import Marks, normalise_tags, tidy_note

ARXIV_DOI_PREFIX = "10.48550/arXiv."
# What a field of an untrusted JSON line may hold: papers are never this long, and a line of
# megabytes must not become an item of megabytes.
MAX_TITLE = 2_000
MAX_ABSTRACT = 100_000
MAX_NAME = 300
MAX_AUTHORS = 2_000
MAX_TAGS = 200
MAX_NOTE = 200_000
_DOI = re.compile(r"^10\.[0-9]{4,9}/\S{1,500}$", re.ASCII)
_DOI_LINK = re.compile(r"^https?://(?:dx\.)?doi\.org/(10\.[0-9]{4,9}/\S{1,500})$", re.IGNORECASE | re.ASCII)
_DATE = re.compile(r"^[0-9]{4}(?:-[0-9]{2}(?:-[0-9]{2})?)?$", re.ASCII)


@dataclass(frozen=True)
class Sendable:
    """One paper as it will be sent: every field already clean text."""

    title: str
    abstract: str = ""
    arxiv_id: str | None = None
    authors: tuple[str, ...] = ()
    published: str | None = None  # YYYY-MM-DD, YYYY-MM or YYYY
    doi: str | None = None  # the published DOI, when known
    url: str | None = None  # for a paper without an arXiv id: its first link
    tags: tuple[str, ...] = ()
    note: str = ""

    @property
    def label(self) -> str:
        """How a message names it: the arXiv id, else the title cut short."""
        if self.arxiv_id:
            return self.arxiv_id
        return repr(self.title if len(self.title) <= 60 else self.title[:59] + "…")


def from_paper(paper: Paper, marks: Marks | None = None, doi: str | None = None) -> Sendable:
    """A paper of the corpus, with its marks and the published DOI when one is known (the
    citation store's, or the paper's own)."""
    own_doi = getattr(paper, "doi", None)  # the corpus may carry one (a Zotero or BibTeX input)
    return Sendable(
        title=paper.title,
        abstract=paper.abstract,
        arxiv_id=paper.arxiv_id,
        authors=tuple(paper.authors),
        published=paper.published,
        doi=_doi(doi) or _doi(own_doi) or _doi_of_links(paper.links),
        url=None if paper.arxiv_id else next((link for link in paper.links if link.startswith(("http://", "https://"))), None),
        tags=marks.tags if marks else (),
        note=marks.note if marks else "",
    )


def from_record(record: Any) -> Sendable | None:
    """One object of `papertui list --format json/jsonl`, used as it is; None when it is not
    a paper (no title, not an object). Every field is checked: the line may come from anywhere."""
    if not isinstance(record, dict):
        return None
    title = _text(record.get("title"), MAX_TITLE)
    arxiv_id = parse_arxiv_id(record["arxiv_id"][:200]) if isinstance(record.get("arxiv_id"), str) else None
    if not title:
        return None
    authors = record.get("authors")
    names = tuple(
        name for name in (_text(author, MAX_NAME) for author in (authors[:MAX_AUTHORS] if isinstance(authors, list) else ())) if name
    )
    published = record.get("published")
    marks = record.get("marks") if isinstance(record.get("marks"), dict) else {}
    tags = marks.get("tags")
    note = marks.get("note")
    links = record.get("links")
    url = None
    if not arxiv_id and isinstance(links, list):
        url = next((link for link in links if isinstance(link, str) and link.startswith(("http://", "https://")) and len(link) < 2_000), None)
    return Sendable(
        title=title,
        abstract=_text(record.get("abstract"), MAX_ABSTRACT),
        arxiv_id=arxiv_id,
        authors=names,
        published=published if isinstance(published, str) and _DATE.match(published) else None,
        doi=_doi(record.get("doi")) or (_doi_of_links([link for link in links if isinstance(link, str)]) if isinstance(links, list) else None),
        url=clean(url) if url else None,
        tags=normalise_tags([t[:MAX_NAME] for t in tags[:MAX_TAGS] if isinstance(t, str)]) if isinstance(tags, list) else (),
        note=tidy_note(note[:MAX_NOTE]) if isinstance(note, str) else "",
    )


def zotero_item(paper: Sendable, key: str) -> dict[str, Any]:
    """The item in the JSON `/connector/saveItems` takes; `key` is the connector's id for it,
    which `/connector/saveAttachment` names as the PDF's parent."""
    item: dict[str, Any] = {
        "id": key,
        "itemType": "preprint",
        "title": paper.title,
        "creators": [made for made in map(creator, paper.authors) if made.get("name") != ""],
        "abstractNote": paper.abstract,
        "tags": [{"tag": tag} for tag in paper.tags],
        "notes": [{"note": note_html(paper.note)}] if paper.note else [],
    }
    if paper.published:
        item["date"] = paper.published
    if paper.arxiv_id:
        item["url"] = abs_url(paper.arxiv_id)
        item["repository"] = "arXiv"
        item["archiveID"] = f"arXiv:{paper.arxiv_id}"
        item["DOI"] = paper.doi or ARXIV_DOI_PREFIX + paper.arxiv_id
    else:
        if paper.url:
            item["url"] = paper.url
        if paper.doi:
            item["DOI"] = paper.doi
    return item


# --- names, as Zotero.Utilities.cleanAuthor splits them (zotero/utilities, utilities.js) ---------

_EDGE = " \t\n\r\f\v\u00a0.,/[]:"
_ALL_CAPS = re.compile(r"^[A-Z\u0400-\u042f]+$")
_INITIAL = re.compile(r"^-?[A-Z\u0400-\u042f]$")
# From the start of a run of spaces only: tried inside the run too, a run of n with no dash
# after it would be read n times (n²). The first match is the same: it never starts in a run.
_DASH_SPACES = re.compile(r"(?<!\s)\s*([\u002d\u00ad\u2010-\u2015\u2212\u2e3a\u2e3b])\s*")
_FIRST_NAME_PARTS = re.compile(r"(?:[\s.]+|(?=-))")


def creator(name: str) -> dict[str, str]:
    """An author as a Zotero creator: "Last, First" split at the comma, else the last word
    (that starts with a letter) is the last name; a name of one word is a single-field name.
    Initials get their periods ("J D" → "J. D."), as cleanAuthor does."""
    text = " ".join(name.split()).strip(_EDGE)
    if "," in text:
        text = re.sub(r"\.([^ ])", r". \1", text, count=1)
        parts = re.split(r", ?", text)
        last, first = parts[0].strip(), parts[1].strip()
    else:
        space = len(text)
        while True:  # the last word that starts with a letter: "Jane Doe [UK]" keeps "Doe"
            space = text.rfind(" ", 0, space)
            if space <= 0 or text[space + 1 : space + 2].isalpha():
                break
        last, first = text[space + 1 :], text[: max(space, 0)]  # cut once: not at each step back
    if not first or not last:
        return {"name": last or first or text, "creatorType": "author"}
    return {"firstName": _initials(first, last), "lastName": last, "creatorType": "author"}


def _initials(first: str, last: str) -> str:
    if _ALL_CAPS.match(first) and len(first) < 4 and (len(first) == 1 or last.upper() != last):
        first = " ".join(f"{letter}." for letter in first)  # "JD" is two initials
    parts = _FIRST_NAME_PARTS.split(_DASH_SPACES.sub(r"-", first.lstrip(" .").rstrip(" ,"), count=1))
    joined = "".join(part + ("." if _INITIAL.match(part) else "") + " " for part in parts)
    return joined.replace(" -", "-").strip()


def note_html(note: str) -> str:
    """A plain-text note as Zotero's notes hold it: HTML, a paragraph per blank-line-separated
    block and a line break per line (Zotero.Utilities.text2html)."""
    escaped = html.escape(note, quote=False)
    paragraphs = escaped.split("\n\n")
    return "".join("<p>" + paragraph.replace("\n", "<br/>") + "</p>" for paragraph in paragraphs)


def _text(value: Any, limit: int) -> str:
    return clean(value[:limit]) if isinstance(value, str) else ""


def _doi(value: Any) -> str | None:
    if not isinstance(value, str):
        return None
    value = strip_controls(value).strip()
    return value if _DOI.match(value) else None


def _doi_of_links(links) -> str | None:  # noqa: ANN001 - any iterable of strings
    """The DOI of the first doi.org link (a BibTeX, RIS or Crossref paper carries one)."""
    for link in links:
        found = _DOI_LINK.match(link[:600])
        if found:
            return found.group(1)
    return None
