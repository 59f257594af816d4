"""A paper described by a JSON object: the Hugging Face papers API, the arXiv metadata
snapshot, and papertui's own JSON output all name their fields a little differently."""

from __future__ import annotations

import re
from datetime import date
from email.utils import parsedate_to_datetime
from itertools import repeat
from operator import itemgetter
from typing import Any

from papertui.corpus.model import Record
from papertui.corpus.records import make_record
from papertui.corpus.versions import version_of_object

_FIRST_LAST_SUFFIX = itemgetter(1, 0, 2)
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
    if isinstance(parsed, list) and parsed and all(map(isinstance, parsed, repeat(list))):
        if min(map(len, parsed)) >= 3:  # as the snapshot gives them: joined in C, if all are strings
            try:
                return [" ".join(filter(None, parts)) for parts in map(_FIRST_LAST_SUFFIX, parsed)]
            except TypeError:  # a number among them: str() it, below
                pass
        return [" ".join(map(str, filter(None, p[1:2] + p[0:1] + p[2:3]))) for p in parsed]
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
        created = _created_date(versions[0]["created"])
        if created:
            return created
    return _string(paper.get("update_date")) or None


_WEEKDAYS = frozenset(("Mon,", "Tue,", "Wed,", "Thu,", "Fri,", "Sat,", "Sun,"))
_MONTHS = {name: number for number, name in enumerate("Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split(), 1)}


def _created_date(created: str) -> str | None:
    """The date of an email-style date ("Mon, 2 Apr 2007 19:18:42 GMT" -> "2007-04-02") as
    `email.utils` reads it, or None when it reads none. arXiv writes every date exactly so:
    that form is read directly (email.utils' general parser costs 5 µs a line); any other
    goes through email.utils."""
    fields = created.split(" ")
    if len(fields) == 6 and fields[0] in _WEEKDAYS and fields[2] in _MONTHS and fields[5] == "GMT":
        day, year, clock = fields[1], fields[3], fields[4]
        digits = clock[:2] + clock[3:5] + clock[6:]
        if (
            0 < len(day) <= 2 and day.isascii() and day.isdigit()
            and len(year) == 4 and year.isascii() and year.isdigit() and year[0] != "0"  # "0099" would be 1999
            and len(clock) == 8 and clock[2] == clock[5] == ":" and digits.isascii() and digits.isdigit()
            and clock[:2] < "24" and clock[3:5] < "60" and clock[6:] < "60"
        ):  # fmt: skip
            try:
                return date(int(year), _MONTHS[fields[2]], int(day)).isoformat()
            except ValueError:  # 31 April: email.utils refuses it too (below)
                pass
    try:
        return parsedate_to_datetime(created).date().isoformat()
    except (TypeError, ValueError):
        return None
