"""What a reference manager's entry says beyond a `Record`: its DOI, venue, year and type.

RIS, CSL-JSON and Crossref give these; a `Record` has no field for them yet. The DOI also
goes into the record's `links` as `https://doi.org/DOI`, the form Semantic Scholar's lookup
already reads (`sources/citations/model.paper_key`), so a paper loaded from a .ris file is
enriched by its DOI today; `Reference` keeps the rest for a later change (`doi` in
`list --format json`, the venue in exports).

No regular expressions here: DOIs, names, dates and markup are read with string methods,
each in one pass, so no outside text can make them slow.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from typing import Iterable

from papertui.corpus.model import Record
from papertui.corpus.text import clean
from papertui.links import parse_arxiv_id

DOI_RESOLVER = "https://doi.org/"
ARXIV_DOI_PREFIX = "10.48550/arxiv."  # arXiv's DataCite DOIs: 10.48550/arXiv.2406.16845
MAX_DOI = 300  # DOIs in the wild stay under 200 characters
MAX_TAG = 200  # a markup tag longer than this is text, not a tag


@dataclass(frozen=True, slots=True)
class Reference:
    """One entry as a reference manager keeps it: the record, and what it says besides."""

    record: Record
    doi: str | None = None  # as written, without a resolver (`10.1093/mind/lix.236.433`)
    venue: str | None = None  # the journal, proceedings or repository
    year: int | None = None
    kind: str | None = None  # the source's own type: `JOUR`, `article-journal`, `posted-content`


def clean_doi(text: str | None) -> str | None:
    """A DOI from how it is written (`doi:10.…`, `https://doi.org/10.…`, bare), or None when
    it is not one: `10.` then a registrant code of digits (and dots), `/`, and a suffix of
    printable characters without spaces."""
    if not isinstance(text, str):
        return None
    doi = text.strip()[: MAX_DOI + 40]
    lowered = doi.lower()
    for prefix in ("https://doi.org/", "http://doi.org/", "https://dx.doi.org/", "http://dx.doi.org/", "doi:", "doi.org/"):
        if lowered.startswith(prefix):
            doi = doi[len(prefix) :].strip()
            break
    registrant, slash, suffix = doi.partition("/")
    code = registrant[3:]
    if not (
        registrant.startswith("10.") and slash and suffix and len(doi) <= MAX_DOI
        and 4 <= len(code.replace(".", "")) and code.replace(".", "").isascii() and code.replace(".", "").isdigit()
        and suffix.isprintable() and not any(char.isspace() for char in suffix)
    ):  # fmt: skip
        return None
    return doi


def doi_link(doi: str) -> str:
    return DOI_RESOLVER + doi


def arxiv_id_from_doi(doi: str | None) -> str | None:
    """The arXiv id of an arXiv DOI (`10.48550/arXiv.2406.16845` -> `2406.16845`)."""
    if doi and doi.lower().startswith(ARXIV_DOI_PREFIX):
        return parse_arxiv_id(doi[len(ARXIV_DOI_PREFIX) :])
    return None


def arxiv_id_in_text(text: str | None) -> str | None:
    """An arXiv id named in a note or a number field: `arXiv:2406.16845 [cs]`, `arXiv 2406.16845`,
    an arxiv.org URL, or the id alone."""
    if not isinstance(text, str) or not text.strip():
        return None
    words = text[:2_000].replace("arXiv:", "arXiv: ").replace("arxiv:", "arxiv: ").split()
    for number, word in enumerate(words[:50]):
        word = word.strip(".,;()[]")
        if word.lower().rstrip(":") == "arxiv" and number + 1 < len(words):
            found = parse_arxiv_id(words[number + 1].strip(".,;()[]"))
            if found:
                return found
        if "arxiv.org/" in word.lower():
            found = parse_arxiv_id(word)
            if found:
                return found
    return parse_arxiv_id(text.strip()) if len(text) < 60 else None


def first_last(name: str) -> str:
    """`Vaswani, Ashish` -> `Ashish Vaswani`; `King, Martin Luther, Jr.` -> `Martin Luther King Jr.`;
    a name without a comma is kept as written."""
    parts = [part.strip() for part in name.split(",")]
    if len(parts) < 2 or not parts[0]:
        return name.strip()
    last, first, rest = parts[0], parts[1], parts[2:]
    return " ".join(part for part in (first, last, *rest) if part)


def year_of(date: str | None) -> int | None:
    """The year a YYYY[-MM[-DD]] date starts with."""
    return int(date[:4]) if date and date[:4].isascii() and date[:4].isdigit() else None


def date_from_parts(parts: Iterable[object]) -> str | None:
    """YYYY[-MM[-DD]] from numbers or numeric strings (`[2017, 6, 12]`, `["2017", "06"]`),
    stopping at the first part that is missing or out of range."""
    found: list[int] = []
    for part, (low, high) in zip(parts, ((1000, 2999), (1, 12), (1, 31))):
        if isinstance(part, str) and part.strip().isascii() and part.strip().isdigit() and len(part.strip()) <= 4:
            part = int(part.strip())
        if not isinstance(part, int) or isinstance(part, bool) or not low <= part <= high:
            break
        found.append(part)
    if not found:
        return None
    return "-".join([f"{found[0]:04d}", *(f"{value:02d}" for value in found[1:])])


def strip_markup(text: str) -> str:
    """Text without the JATS or HTML tags publishers wrap abstracts in (`<jats:p>`,
    `<jats:italic>`), entities resolved. Only text that holds a closing tag is taken for
    markup: a plain abstract's `a<b and c>d` is mathematics, and is kept as it is.

    One pass: the `>` ending a tag is looked for once and reused until passed, so a text of
    `<a<a<a…` costs no more than its length."""
    if "</" not in text:
        return html.unescape(text) if "&" in text else text
    pieces: list[str] = []
    position, closing = 0, -1
    length = len(text)
    while True:
        start = text.find("<", position)
        if start < 0:
            pieces.append(text[position:])
            break
        if closing < start:
            closing = text.find(">", start)
            if closing < 0:  # no tag ends after here: the rest is text
                pieces.append(text[position:])
                break
        after = text[start + 1 : start + 2]
        is_tag = (after.isalpha() or (after == "/" and text[start + 2 : start + 3].isalpha())) and closing - start <= MAX_TAG
        if not is_tag:
            pieces.append(text[position : start + 1])
            position = start + 1
            continue
        pieces.append(text[position:start])
        # Block tags end a paragraph: a space keeps the words of two paragraphs apart.
        pieces.append(" ")
        position = closing + 1
        if position >= length:
            break
    return html.unescape("".join(pieces))


def abstract_text(text: str) -> str:
    """An abstract as text: markup read as text, and the `<jats:title>Abstract</jats:title>`
    heading publishers open JATS abstracts with left out."""
    plain = " ".join(strip_markup(text).split())
    if text.lstrip().startswith("<jats:title>") and plain[:9].lower() == "abstract ":
        return plain[9:]
    return plain


def cleaned(value: object, limit: int = 2_000) -> str | None:
    """One line of clean text from a string field, cut before cleaning; None when empty."""
    if not isinstance(value, str):
        return None
    return clean(value[:limit]) or None
