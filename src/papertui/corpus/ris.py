"""RIS: the tagged lines Zotero, Mendeley, EndNote and publishers export.

    TY  - JOUR
    TI  - Attention Is All You Need
    AU  - Vaswani, Ashish
    ...
    ER  -

Each entry runs from `TY` to `ER`. An entry whose `ER` never comes is kept (the next `TY`,
or the end of the file, ends it) with a warning naming its line; a line that is no tag
continues the value before it (exporters wrap long abstracts). The arXiv id comes from an
arXiv DOI (`10.48550/arXiv.ID`), an arxiv.org URL, or a note, number or id field naming
`arXiv:ID`. Read line by line with string methods: linear in the file's size.
"""

from __future__ import annotations

from typing import Iterator

from papertui.corpus.model import FileReport, Record
from papertui.corpus.records import make_record
from papertui.corpus.reference import (
    Reference,
    arxiv_id_from_doi,
    arxiv_id_in_text,
    clean_doi,
    cleaned,
    date_from_parts,
    doi_link,
    first_last,
    year_of,
)
from papertui.links import arxiv_id_from_url

FORMAT = "ris"

AUTHOR_TAGS = ("AU", "A1")  # A2 (editors), A3 and A4 are not the paper's authors
TITLE_TAGS = ("TI", "T1", "CT", "BT")
ABSTRACT_TAGS = ("AB", "N2")
VENUE_TAGS = ("T2", "JO", "JF", "JA", "J2", "J1", "BT", "PB")
DATE_TAGS = ("DA", "PY", "Y1")
# Where exporters put an arXiv id: Zotero's "arXiv:ID [cs]" note and archive number, the
# accession number, the id field.
ID_TAGS = ("N1", "M1", "M3", "AN", "ID", "CN", "ST", "SN")
MAX_VALUE = 100_000  # a field's characters kept; an abstract is cut to 20,000 later
MAX_AUTHORS = 2_000


def tag_of(line: str) -> tuple[str, str] | None:
    """(`TI`, value) for a tag line (`TI  - value`: two capitals or a capital and a digit,
    spaces, a hyphen, then a space or the line's end), else None."""
    tag = line[:2]
    if len(tag) < 2 or not ("A" <= tag[0] <= "Z") or not ("A" <= tag[1] <= "Z" or "0" <= tag[1] <= "9"):
        return None
    rest = line[2:]
    after_spaces = rest.lstrip(" ")
    if not (1 <= len(rest) - len(after_spaces) <= 3) or not after_spaces.startswith("-"):
        return None
    value = after_spaces[1:]
    if value and value[0] not in " \t":
        return None
    return tag, value.strip()


def looks_like(head: str) -> bool:
    """The first line with text is a `TY  - ` line."""
    for line in head.lstrip("\ufeff").split("\n", 200)[:200]:
        if line.strip():
            found = tag_of(line.strip("\r"))
            return found is not None and found[0] == "TY"
    return False


def parse_ris(text: str, report: FileReport) -> Iterator[Record]:
    for reference in parse_ris_references(text, report):
        yield reference.record


def parse_ris_references(text: str, report: FileReport) -> Iterator[Reference]:
    """Each entry as a `Reference` (its record, DOI, venue, year and type)."""
    # Each value is kept as its pieces (the tag line's, then wrapped lines), joined once at
    # the entry's end: growing a string line by line would copy it again for every line.
    fields: dict[str, list[list[str]]] | None = None
    pieces: list[str] = []  # the value being read
    size = 0  # its characters so far
    number = 0
    start_line = 0
    for line_number, raw in enumerate(text.split("\n"), 1):
        line = raw.rstrip("\r")
        found = tag_of(line)
        if found is None:
            if fields is not None and pieces and size < MAX_VALUE and line.strip():  # a wrapped value goes on
                pieces.append(line.strip())
                size += len(pieces[-1])
            continue
        tag, value = found
        if tag == "TY":
            if fields is not None:
                report.warn(f"entry {number} (line {start_line}): no ER line before the next TY; kept")
                yield from _reference(_joined(fields), number, start_line, report)
            fields, number, start_line = {"TY": [[value]]}, number + 1, line_number
            pieces, size = fields["TY"][0], len(value)
            continue
        if fields is None:
            if tag == "ER":
                report.warn(f"line {line_number}: ER with no TY before it; ignored")
            pieces = []
            continue  # a header before the first entry
        if tag == "ER":
            yield from _reference(_joined(fields), number, start_line, report)
            fields, pieces = None, []
            continue
        values = fields.setdefault(tag, [])
        if len(values) < MAX_AUTHORS:
            pieces, size = [value[:MAX_VALUE]], min(len(value), MAX_VALUE)
            values.append(pieces)
        else:
            pieces = []  # past the count kept: its wrapped lines go too
    if fields is not None:
        report.warn(f"entry {number} (line {start_line}): the file ends before its ER line; kept")
        yield from _reference(_joined(fields), number, start_line, report)


def _joined(fields: dict[str, list[list[str]]]) -> dict[str, list[str]]:
    return {tag: [" ".join(value)[:MAX_VALUE] for value in values] for tag, values in fields.items()}


def _first(fields: dict[str, list[str]], tags: tuple[str, ...]) -> str:
    for tag in tags:
        for value in fields.get(tag, ()):
            if value.strip():
                return value
    return ""


def _reference(fields: dict[str, list[str]], number: int, line: int, report: FileReport) -> Iterator[Reference]:
    title = _first(fields, TITLE_TAGS)
    abstract = _first(fields, ABSTRACT_TAGS)
    if not title.strip() and not abstract.strip():
        report.warn(f"entry {number} (line {line}): no title and no abstract; skipped")
        return
    doi = clean_doi(_first(fields, ("DO", "DI")))
    urls = [url for tag in ("UR", "L1", "L2", "LK") for url in fields.get(tag, ()) for url in url.split()]
    arxiv_id = arxiv_id_from_doi(doi) or next(filter(None, map(arxiv_id_from_url, urls)), None)
    if arxiv_id is None:
        arxiv_id = next(filter(None, (arxiv_id_in_text(value) for tag in ID_TAGS for value in fields.get(tag, ()))), None)
    published = _date(fields)
    links = [url for url in urls if url.startswith(("http://", "https://")) and not arxiv_id_from_url(url)]
    if doi and not arxiv_id_from_doi(doi):
        links.insert(0, doi_link(doi))
    record = make_record(
        abstract,
        title=title or None,
        arxiv_id=arxiv_id,
        authors=[first_last(name) for tag in AUTHOR_TAGS for name in fields.get(tag, ())],
        categories=[],
        published=published,
        links=links,
    )
    record.doi, record.venue = doi, cleaned(_first(fields, VENUE_TAGS))
    yield Reference(record, doi=doi, venue=record.venue, year=year_of(published), kind=cleaned(fields["TY"][0], 20))


def _date(fields: dict[str, list[str]]) -> str | None:
    """`2017/06/12/`, `2017///`, `2017` or `2017-06-12` (some exporters) as YYYY[-MM[-DD]]."""
    for tag in DATE_TAGS:
        for value in fields.get(tag, ()):
            parts = value.strip()[:40].replace("-", "/").split("/")
            found = date_from_parts(parts)
            if found:
                return found
    return None
