"""Building a clean `Record` from the raw fields a parser found."""

from __future__ import annotations

import re
from itertools import repeat
from typing import Callable, Iterable

from papertui.corpus.latex import has_latex, latex_to_text
from papertui.corpus.model import Record
from papertui.corpus.text import clean
from papertui.links import arxiv_id_from_url, parse_arxiv_id, urls_in

_DATE = re.compile(r"([0-9]{4})(?:-([0-9]{2})(?:-([0-9]{2}))?)?")

# arXiv abstracts have at most 1,920 characters; past these lengths a field is not one, and
# it is cut before any text pass runs over it, so no pass can take long on a runaway line.
MAX_ABSTRACT = 20_000
MAX_TITLE = 1_000
# The most upvotes a paper can show: a count past it is not a count (and would not fit the
# sort's integer array).
MAX_UPVOTES = 2**31 - 1


def make_record(
    abstract: str,
    title: str | None = None,
    link: str | None = None,
    listed: str | None = None,
    *,
    arxiv_id: str | None = None,
    authors: Iterable[str] = (),
    categories: Iterable[str] = (),
    published: str | None = None,
    upvotes: int | None = None,
    links: Iterable[str] = (),
    latex: bool = False,
    first_seen: str | None = None,
    github_stars: int | None = None,
    comments: int | None = None,
) -> Record:
    """Clean every field; take the arXiv id from `arxiv_id` (any spelling) or `link`, the
    URLs from the abstract. `latex`: the text is LaTeX as arXiv keeps it (accents, math).

    A `link` that is not an arXiv URL is kept among the paper's links rather than dropped.
    """
    readable = latex_to_text if latex else _same
    cut: list[tuple[str, int]] = []
    abstract = _cut(abstract, "abstract", MAX_ABSTRACT, cut)
    title = _cut(title, "title", MAX_TITLE, cut) if title else None
    abstract = _readable(abstract, readable)
    title = _readable(title, readable) if title else None
    link = clean(link) if link else None
    found_id = parse_arxiv_id(arxiv_id) if arxiv_id else None
    if found_id is None and link:
        found_id = arxiv_id_from_url(link)
    found_links = urls_in(abstract)
    if link and arxiv_id_from_url(link) is None:
        found_links = urls_in(link) + found_links
    if links:
        found_links = tuple(dict.fromkeys((*found_links, *(clean(url) for url in links if url))))
    return Record(
        abstract=abstract,
        title=title or None,
        arxiv_id=found_id,
        listed=clean(listed) if listed else None,
        links=found_links,
        authors=_clean_all(authors, latex),
        categories=tuple(dict.fromkeys(_clean_all(categories, False))),
        published=iso_date(published),
        upvotes=_count(upvotes),
        cut=tuple(cut),
        first_seen=clean(first_seen) if first_seen else None,
        github_stars=_count(github_stars),
        comments=_count(comments),
        dropped_upvotes=upvotes if _whole(upvotes) and upvotes > MAX_UPVOTES else None,  # type: ignore[operator]
    )


def _readable(text: str, readable: Callable[[str], str]) -> str:
    """`text` read (as LaTeX, or as it is) and cleaned. What the LaTeX reader changed, it gave
    in NFC: cleaning does not normalize it again (a lookup a character)."""
    shown = readable(text)
    return clean(shown, normalized=shown is not text)


def _clean_all(texts: Iterable[str], latex: bool) -> tuple[str, ...]:
    """Each text cleaned (and read as LaTeX when `latex`), the empty ones left out."""
    texts = list(texts)
    # A paper has a dozen names and a few categories, nearly always plain: one check over all
    # of them instead of a LaTeX and a cleaning pass each. The comma joining them cannot make a
    # sign, a control or a double space of its neighbours, so the check holds for the joined
    # text exactly when it holds for each.
    joined = ",".join(texts) if all(map(isinstance, texts, repeat(str))) else "\x00"
    if joined.isascii() and joined.isprintable() and "  " not in joined and not (latex and has_latex(joined)):
        return tuple(filter(None, map(str.strip, texts)))
    readable = latex_to_text if latex else _same
    return tuple(text for text in (clean(readable(t)) for t in texts) if text)


def _whole(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)  # JSON's true is no count


def _count(value: object) -> int | None:
    """A count as a source gives it: a whole number in range, or nothing."""
    return value if _whole(value) and 0 <= value <= MAX_UPVOTES else None  # type: ignore[operator,return-value]


def _cut(text: str, name: str, limit: int, cut: list[tuple[str, int]]) -> str:
    """The first `limit` characters of a field (noting its length in `cut`), or all of it."""
    if len(text) <= limit:
        return text
    cut.append((name, len(text)))
    return text[:limit]


def iso_date(text: str | None) -> str | None:
    """The YYYY[-MM[-DD]] a date starts with (`2024-10-22T17:59:30Z` -> `2024-10-22`)."""
    if not text:
        return None
    match = _DATE.match(text.strip())
    return match.group(0) if match else None


def _same(text: str) -> str:
    return text
