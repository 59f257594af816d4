"""A paper described by a JSON object: the Hugging Face papers API, the arXiv metadata
snapshot, and papertui's own JSON output all name their fields a little differently."""

from __future__ import annotations

import re
from email.utils import parsedate_to_datetime
from typing import Any

from papertui.corpus.model import Record
from fast_records_old.records import make_record
from fast_records_old.versions import version_of_object

_AUTHOR_SPLIT = re.compile(r",\s*(?:and\s+)?|\s+and\s+")


def object_record(item: Any, where: str) -> tuple[Record | None, str | None]:
    """The record an object describes, or None and why not. `where`: "item 3", "line 7"."""
    if not isinstance(item, dict):
        return None, f"{where}: not an object but {type(item).__name__}; skipped"
    paper = item.get("paper") if isinstance(item.get("paper"), dict) else item  # HF wraps it
    title = _string(paper.get("title")) or _string(item.get("title"))
    abstract = _string(paper.get("summary")) or _string(paper.get("abstract"))
    if not title.strip() and not abstract.strip():
        return None, f"{where}: no title and no abstract; skipped"
    arxiv_id = _string(paper.get("arxiv_id")) or _string(paper.get("id"))
    record = make_record(
        abstract,
        title=None if paper.get("title_derived") is True else title or None,
        listed=_string(paper.get("listed")) or None,
        arxiv_id=arxiv_id or None,
        authors=_authors(paper),
        categories=_categories(paper.get("categories")),
        published=_published(paper),
        upvotes=paper.get("upvotes"),
        links=[url for url in (_string(u) for u in _list(paper.get("links")) + [paper.get("githubRepo")]) if url.startswith("http")],
        latex=True,
        first_seen=_string(paper.get("first_seen")) or None,
        github_stars=paper.get("githubStars", paper.get("github_stars")),
        comments=item.get("numComments", paper.get("comments")),
    )
    record.version = version_of_object(paper) if record.arxiv_id else None  # the library's "v3", the snapshot's list
    return record, (f"{where}: no abstract" if not record.abstract else None)


def _string(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _list(value: Any) -> list:
    return value if isinstance(value, list) else []


def _authors(paper: dict) -> list[str]:
    parsed = paper.get("authors_parsed")  # the snapshot: [last, first, suffix], accents mostly resolved
    if isinstance(parsed, list) and parsed and all(isinstance(p, list) for p in parsed):
        return [" ".join(str(part) for part in (p[1:2] + p[0:1] + p[2:3]) if part) for p in parsed]
    authors = paper.get("authors")
    if isinstance(authors, str):
        # Whitespace folded first: a long run of it would make the split's `\s+and` quadratic.
        return [name for name in _AUTHOR_SPLIT.split(" ".join(authors.split())) if name.strip()]
    names = []
    for author in _list(authors):
        if isinstance(author, str):
            names.append(author)
        elif isinstance(author, dict):
            names.append(_string(author.get("name")) or _string(author.get("fullname")))
    return names


def _categories(value: Any) -> list[str]:
    if isinstance(value, str):
        return value.split()
    return [c for c in _list(value) if isinstance(c, str)]


def _published(paper: dict) -> str | None:
    for key in ("published", "publishedAt"):
        if _string(paper.get(key)):
            return paper[key]
    versions = _list(paper.get("versions"))  # the snapshot: the first version's date
    if versions and isinstance(versions[0], dict) and _string(versions[0].get("created")):
        try:
            return parsedate_to_datetime(versions[0]["created"]).date().isoformat()
        except (TypeError, ValueError):
            pass
    return _string(paper.get("update_date")) or None
