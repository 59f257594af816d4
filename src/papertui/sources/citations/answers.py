"""Semantic Scholar's JSON read into `Citations` and `GraphPaper`, one field at a time.

Any field may be null (`PaperWithNullValues.json`), missing, of the wrong type or absurd (a
count of 10^30): such a field is unknown, and the rest of the paper is kept. No answer,
however shaped, raises anything but `AnswerError` (the whole answer is unusable).
Text is cleaned as the parsers clean it: one line, no control characters or escapes.
"""

from __future__ import annotations

import json
import re
from datetime import date as _date
from typing import Any, NamedTuple

from papertui.corpus.records import iso_date
from papertui.corpus.text import clean
from papertui.links import parse_arxiv_id
from papertui.sources.citations.model import Citations, GraphPaper
from papertui.sources.http import FetchError

MAX_COUNT = 100_000_000  # the most cited paper has under a million citations: past this, not a count
MAX_TEXT = 5_000  # a TL;DR is one sentence; a title or a venue a line
MAX_ABSTRACT = 20_000  # as the corpus parsers cut it
MAX_AUTHORS = 1_000
_S2_ID = re.compile(r"[0-9a-f]{40}")
_DOI = re.compile(r"10\.[0-9]{4,9}/\S+")
_URL = re.compile(r"https?://[^\s<>\"'\\]+", re.IGNORECASE)


class AnswerError(FetchError):
    """The answer as a whole cannot be read (not JSON, not the shape asked for): to the
    caller, one more way a fetch fails, with a one-line message."""


class Answered(NamedTuple):
    """One paper of a batch answer: its citations (`found` False when the service knows no
    such paper) and the paper as the answer describes it (None when not found)."""

    citations: Citations
    paper: GraphPaper | None


def load_json(body: bytes, what: str) -> Any:
    """The answer's JSON, or AnswerError naming `what` was asked."""
    try:
        return json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError) as error:
        raise AnswerError(f"Semantic Scholar's answer to {what} is not JSON ({str(error)[:80]})") from None


# --- one field --------------------------------------------------------------------------


def count(value: Any) -> int | None:
    """A whole number from 0 to MAX_COUNT (JSON's true is not 1)."""
    if isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= MAX_COUNT:
        return value
    return None


def year(value: Any) -> int | None:
    if isinstance(value, int) and not isinstance(value, bool) and 1000 <= value <= 2999:
        return value
    return None


def text(value: Any, limit: int = MAX_TEXT) -> str | None:
    """Clean one-line text, cut at `limit` characters; None when empty or not a string."""
    if not isinstance(value, str):
        return None
    cleaned = clean(value[: limit * 2])[:limit]  # cut before cleaning: no pass over a runaway string
    return cleaned or None


def date(value: Any) -> str | None:
    """YYYY-MM-DD (or YYYY-MM, YYYY) from the start of a date string."""
    if not isinstance(value, str):
        return None
    found = iso_date(value[:40])
    if found is None:
        return None
    parts = [int(part) for part in found.split("-")] + [1, 1]
    try:
        if 1000 <= parts[0] <= 2999 and _date(*parts[:3]):
            return found
    except ValueError:  # 2024-13-01, 2023-02-29
        pass
    return None


def doi(value: Any) -> str | None:
    """A DOI as written (`10.1093/MIND/LIX.236.433`), without a resolver prefix."""
    found = text(value, 500)
    if found is None:
        return None
    found = re.sub(r"^(?:https?://(?:dx\.)?doi\.org/|doi:)", "", found, flags=re.IGNORECASE)
    return found if _DOI.fullmatch(found) else None


def url(value: Any) -> str | None:
    found = text(value, 2_000)
    return found if found and _URL.fullmatch(found) else None


def s2_id(value: Any) -> str | None:
    return value if isinstance(value, str) and _S2_ID.fullmatch(value) else None


def arxiv_id(value: Any) -> str | None:
    return parse_arxiv_id(value) if isinstance(value, str) and len(value) < 100 else None


def names(value: Any, key: str | None = None, limit: int = MAX_AUTHORS) -> tuple[str, ...]:
    """Clean strings from a list (of strings, or of objects with `key`), each once, in order."""
    if not isinstance(value, list):
        return ()
    found: dict[str, None] = {}
    for item in value[:limit]:
        if key is not None:
            item = item.get(key) if isinstance(item, dict) else None
        name = text(item, 500)
        if name:
            found[name] = None
    return tuple(found)


def _get(value: Any, *path: str) -> Any:
    """value[path[0]][path[1]]…, or None where any step is not an object."""
    for name in path:
        if not isinstance(value, dict):
            return None
        value = value.get(name)
    return value


# --- one paper --------------------------------------------------------------------------


def citations_of(paper: Any, fetched: str) -> Citations:
    """A batch answer's paper object as `Citations` (a paper that is not an object: all unknown)."""
    if not isinstance(paper, dict):
        return Citations(fetched=fetched)
    return Citations(
        fetched=fetched,
        s2_id=s2_id(paper.get("paperId")),
        citation_count=count(paper.get("citationCount")),
        influential_citation_count=count(paper.get("influentialCitationCount")),
        reference_count=count(paper.get("referenceCount")),
        tldr=text(_get(paper, "tldr", "text")),
        venue=text(paper.get("venue"), 500),
        journal=text(_get(paper, "journal", "name"), 500),
        year=year(paper.get("year")),
        publication_date=date(paper.get("publicationDate")),
        doi=doi(_get(paper, "externalIds", "DOI")),
        open_access_pdf=url(_get(paper, "openAccessPdf", "url")),
        fields_of_study=names(paper.get("fieldsOfStudy"), limit=50),
    )


def graph_paper(paper: Any) -> GraphPaper | None:
    """A paper object from a graph page or the recommendations; None when it is not an object."""
    if not isinstance(paper, dict):
        return None
    return GraphPaper(
        s2_id=s2_id(paper.get("paperId")),
        title=text(paper.get("title"), 1_000),
        abstract=text(paper.get("abstract"), MAX_ABSTRACT),
        authors=names(paper.get("authors"), "name"),
        arxiv_id=arxiv_id(_get(paper, "externalIds", "ArXiv")),
        doi=doi(_get(paper, "externalIds", "DOI")),
        year=year(paper.get("year")),
        publication_date=date(paper.get("publicationDate")),
        venue=text(paper.get("venue"), 500) or text(_get(paper, "journal", "name"), 500),
        citation_count=count(paper.get("citationCount")),
        influential_citation_count=count(paper.get("influentialCitationCount")),
        reference_count=count(paper.get("referenceCount")),
        open_access_pdf=url(_get(paper, "openAccessPdf", "url")),
    )


# --- whole answers ----------------------------------------------------------------------


def batch_answer(body: bytes, asked: int, fetched: str) -> list[Answered | None]:
    """`POST /paper/batch`: one item per id asked, in order; a `null` item (the service knows
    no such paper) has `Citations(found=False)`; an item that is neither null nor an object is
    None (unreadable: asked again next time)."""
    data = load_json(body, "a batch of papers")
    if not isinstance(data, list) or len(data) != asked:
        shape = f"a list of {len(data)}" if isinstance(data, list) else type(data).__name__
        raise AnswerError(f"Semantic Scholar answered a batch of {asked} ids with {shape}, not one paper per id")
    answers: list[Answered | None] = []
    for item in data:
        if item is None:
            answers.append(Answered(Citations(fetched=fetched, found=False), None))
        elif isinstance(item, dict):
            answers.append(Answered(citations_of(item, fetched), graph_paper(item)))
        else:
            answers.append(None)
    return answers


def graph_page(body: bytes, nested: str) -> tuple[list[GraphPaper], int | None]:
    """A page of `/citations` (`nested` = "citingPaper") or `/references` ("citedPaper"): the
    papers, and the offset of the next page (None on the last)."""
    data = load_json(body, f"a page of {'citations' if nested == 'citingPaper' else 'references'}")
    if not isinstance(data, dict):
        raise AnswerError(f"Semantic Scholar's page of the citation graph is a {type(data).__name__}, not an object")
    items = data.get("data")
    papers = [p for p in (graph_paper(item.get(nested)) for item in items if isinstance(item, dict)) if p] if isinstance(items, list) else []
    following = count(data.get("next"))
    offset = count(data.get("offset"))
    if following is not None and offset is not None and following <= offset:
        following = None  # a next page that does not move on would be asked for ever
    return papers, following


def recommendations(body: bytes) -> list[GraphPaper]:
    data = load_json(body, "recommendations")
    items = data.get("recommendedPapers") if isinstance(data, dict) else None
    if not isinstance(items, list):
        raise AnswerError("Semantic Scholar's recommendations hold no list of papers")
    return [paper for paper in map(graph_paper, items) if paper]
