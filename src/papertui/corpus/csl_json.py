"""CSL-JSON: the citation items of Zotero's "CSL JSON" export, pandoc, citeproc and Crossref.

    [{"id": "vaswani2017", "type": "article", "title": "Attention Is All You Need",
      "author": [{"family": "Vaswani", "given": "Ashish"}], "issued": {"date-parts": [[2017, 6, 12]]},
      "DOI": "10.48550/arXiv.1706.03762", "number": "arXiv:1706.03762", "URL": "…", "abstract": "…"}]

An array of items or one item (a Crossref `/works/DOI` answer saved to a file is one). Items are decoded one at a time: an item that is not valid
JSON is reported with its line, and reading goes on at the next item that starts a line as
the first did (as exporters indent them); an item that is not an object, or has neither title
nor abstract, is reported and skipped. The arXiv id comes from an arXiv DOI, `number` or
`archive_location` (`arXiv:ID`), an arxiv.org `URL`, or the `note`.
"""

from __future__ import annotations

import json
from typing import Any, Iterator

from papertui.corpus.model import FileReport, Record
from papertui.corpus.records import make_record
from papertui.corpus.reference import (
    Reference,
    abstract_text,
    arxiv_id_from_doi,
    arxiv_id_in_text,
    clean_doi,
    cleaned,
    date_from_parts,
    doi_link,
    strip_markup,
    year_of,
)
from papertui.links import arxiv_id_from_url

FORMAT = "csl-json"

_DECODER = json.JSONDecoder()
_SPACE = " \t\n\r"
# Keys only CSL items have (papertui's JSON and Hugging Face's have `authors`, `published`).
_CSL_KEYS = ('"date-parts"', '"container-title"', '"family"', '"issued"', '"citation-key"')
MAX_TEXT = 100_000  # characters of a field read; the record cuts an abstract to 20,000
MAX_AUTHORS = 2_000
# json's error counts the lines from the file's start: past this many broken items the rest
# is left unread, so that a file of nothing but broken items costs a bounded number of passes.
MAX_BROKEN = 100


def looks_like(head: str) -> bool:
    """JSON that opens with an object (or an array of them) and names keys only CSL uses."""
    start = head.lstrip("\ufeff" + _SPACE)
    if start.startswith("["):
        start = start[1:].lstrip(_SPACE)
    return start.startswith("{") and '"type"' in head and any(key in head for key in _CSL_KEYS)


def parse_csl_json(text: str, report: FileReport) -> Iterator[Record]:
    for reference in parse_csl_references(text, report):
        yield reference.record


def parse_csl_references(text: str, report: FileReport) -> Iterator[Reference]:
    """Each item as a `Reference` (its record, DOI, venue, year and type)."""
    position = _skip(text, 0)
    if text.startswith("\ufeff", position):
        position = _skip(text, position + 1)
    if text.startswith("{", position):  # one item alone
        yield from _items(text, position, report, alone=True)
    elif text.startswith("[", position):
        yield from _items(text, _skip(text, position + 1), report, alone=False)
    else:
        report.warn("not a CSL-JSON array or object; skipped")


def _items(text: str, position: int, report: FileReport, alone: bool) -> Iterator[Reference]:
    number = 0
    line, counted_to = 1, 0  # counted forward only: linear in the file's size
    indent = None  # how the first item's line starts: the next item is looked for so after a broken one
    broken = 0
    while position < len(text) and text[position] != "]":
        number += 1
        line += text.count("\n", counted_to, position)
        counted_to = position
        where = f"item {number} (line {line})"
        if indent is None:
            indent = text[text.rfind("\n", 0, position) + 1 : position]
        try:
            item, position = _DECODER.raw_decode(text, position)
        except json.JSONDecodeError as error:
            broken += 1
            following = _next_item(text, max(error.pos, position + 1), indent) if not alone and broken < MAX_BROKEN else -1
            if following < 0:
                report.warn(f"{where}: not valid JSON at line {error.lineno}, column {error.colno} ({error.msg}); the rest could not be read")
                return
            report.warn(f"{where}: not valid JSON at line {error.lineno}, column {error.colno} ({error.msg}); skipped")
            position = following
            continue
        except RecursionError:
            report.warn(f"{where}: nested too deeply to read; the items before it were read, the rest could not be")
            return
        if alone and isinstance(item, dict) and item.get("message-type") == "work" and isinstance(item.get("message"), dict):
            item = item["message"]  # a Crossref answer saved as it came (`/works/DOI`): its work is CSL-like
        reference, problem = item_reference(item, where)
        if problem:
            report.warn(problem)
        if reference is not None:
            yield reference
        if alone:
            return
        position = _skip(text, position)
        if text.startswith(",", position):
            position = _skip(text, position + 1)
        elif position < len(text) and text[position] != "]":
            report.warn(f"{where}: expected ',' or ']' after it; the rest could not be read")
            return
    if position >= len(text) and not alone:
        report.warn(f"the array is not closed (the file may be cut short); {number} items read")


def _next_item(text: str, start: int, indent: str) -> int:
    """Where the next item begins: a line that starts as the first item's did, with `{`."""
    found = text.find("\n" + indent + "{", start)
    return -1 if found < 0 else found + 1 + len(indent)


def _skip(text: str, position: int) -> int:
    while position < len(text) and text[position] in _SPACE:
        position += 1
    return position


def item_reference(item: Any, where: str) -> tuple[Reference | None, str | None]:
    """The reference one CSL item describes, or None and why not."""
    if not isinstance(item, dict):
        return None, f"{where}: not an object but {type(item).__name__}; skipped"
    title = _text(item.get("title")) or _text(item.get("title-short"))
    abstract = _text(item.get("abstract"))
    if not title.strip() and not abstract.strip():
        return None, f"{where}: no title and no abstract; skipped"
    doi = clean_doi(_text(item.get("DOI")) or _text(item.get("doi")))
    url = _text(item.get("URL"))
    arxiv_id = (
        arxiv_id_from_doi(doi)
        or arxiv_id_in_text(_text(item.get("number")))
        or arxiv_id_in_text(_text(item.get("archive_location")))
        or (arxiv_id_from_url(url) if url else None)
        or arxiv_id_in_text(_text(item.get("note")))
    )
    links = [url] if url.startswith(("http://", "https://")) and not arxiv_id_from_url(url) else []
    if doi and not arxiv_id_from_doi(doi):
        links.insert(0, doi_link(doi))
    published = _issued(item.get("issued")) or _issued(item.get("original-date"))
    record = make_record(
        abstract_text(abstract),
        title=strip_markup(title) or None,
        arxiv_id=arxiv_id,
        authors=_authors(item.get("author")),
        published=published,
        links=links,
    )
    venue = cleaned(_text(item.get("container-title"))) or cleaned(_text(item.get("publisher")))
    record.doi, record.venue = doi, venue
    return Reference(record, doi=doi, venue=venue, year=year_of(published), kind=cleaned(_text(item.get("type")), 40)), None


def _text(value: Any) -> str:
    """A string field (Crossref gives some as lists of strings: the first)."""
    if isinstance(value, list) and value and isinstance(value[0], str):
        value = value[0]
    return value[:MAX_TEXT] if isinstance(value, str) else ""


def _authors(value: Any) -> list[str]:
    names = []
    for author in value[:MAX_AUTHORS] if isinstance(value, list) else ():
        if isinstance(author, str):
            names.append(author)
        elif isinstance(author, dict):
            literal = _text(author.get("literal")) or _text(author.get("name"))
            parts = (author.get(key) for key in ("given", "dropping-particle", "non-dropping-particle", "family", "suffix"))
            names.append(literal or " ".join(part[:500] for part in parts if isinstance(part, str) and part.strip()))
    return [name for name in names if name.strip()]


def _issued(value: Any) -> str | None:
    """`{"date-parts": [[2017, 6, 12]]}`, or its `raw`/`literal` text as YYYY-MM-DD."""
    if not isinstance(value, dict):
        return None
    parts = value.get("date-parts")
    if isinstance(parts, list) and parts and isinstance(parts[0], list):
        found = date_from_parts(parts[0][:3])
        if found:
            return found
    for key in ("raw", "literal"):
        raw = _text(value.get(key))[:40].strip()
        if raw:
            found = date_from_parts(raw.replace("/", "-").split("-"))
            if found:
                return found
    return None
