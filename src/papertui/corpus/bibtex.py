"""BibTeX: `@article{key, title = {...}, ...}` entries, with or without an arXiv id.

The id comes from `eprint` (with `archivePrefix`/`eprinttype = arXiv`, or one that looks
like an arXiv id), from `journal = {arXiv preprint arXiv:NNNN.NNNNN}`, or from an arxiv.org
`url`. An entry whose braces never close is reported and the scan goes on at the next entry.
"""

from __future__ import annotations

import re
from typing import Iterator

from papertui.corpus.latex import latex_to_text
from papertui.corpus.model import FileReport, Record
from papertui.corpus.records import make_record
from papertui.corpus.reference import clean_doi
from papertui.corpus.text import clean
from papertui.links import arxiv_id_from_url, parse_arxiv_id

FORMAT = "bibtex"

_ENTRY = re.compile(r"@\s*([A-Za-z]+)\s*([{(])")
_FIELD_NAME = re.compile(r"\s*([A-Za-z][\w\-:.]*)\s*=\s*")
_BARE = re.compile(r"[\w\-:.+/]+")
_ARXIV_IN_TEXT = re.compile(r"arXiv:\s*([\w.\-/]+)", re.IGNORECASE)
_NOT_PAPERS = {"comment", "string", "preamble"}
MAX_VENUE = 500  # a journal's name; a longer field is cut
_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")


def looks_like(head: str) -> bool:
    return any(match.group(1).lower() not in _NOT_PAPERS for match in _ENTRY.finditer(head))


def parse_bibtex(text: str, report: FileReport) -> Iterator[Record]:
    position = 0
    number = 0
    line, counted_to = 1, 0  # line numbers counted forward only: linear in the file's size
    macros: dict[str, str] = {}  # @string{name = "value"}, used by the entries after it
    entry = _ENTRY
    while True:
        match = entry.search(text, position)
        if match is None:
            return
        kind = match.group(1).lower()
        closer = "}" if match.group(2) == "{" else ")"
        end = _closing(text, match.end(), closer)
        if end == _AT_END:
            # Every entry after this one on its lines lies inside it: look for entries at the
            # start of a line only, so no later entry scans the same rest of the file again.
            entry, end = _ENTRY_AT_LINE_START, -1
        if kind == "string" and end >= 0:
            _, fields = _fields(text[match.end() : end], macros)
            macros.update(fields)
        if kind in _NOT_PAPERS:
            position = end + 1 if end >= 0 else match.end()
            continue
        number += 1
        line += text.count("\n", counted_to, match.start())
        counted_to = match.start()
        if end < 0:
            key = text[match.end() : match.end() + 200].split(",", 1)[0].strip()
            named = f"{key}, " if key and "\n" not in key and "=" not in key else ""
            report.warn(f"entry {number} ({named}line {line}): its braces never close; skipped")
            position = match.end()
            continue
        position = end + 1
        key, fields = _fields(text[match.end() : end], macros)
        where = f"entry {number} ({key or 'no key'}, line {line})"
        record = _record(fields)
        if record is None:
            report.warn(f"{where}: no title and no abstract; skipped")
            continue
        yield record  # most entries carry no abstract: that is normal here, not a warning


_ENTRY_AT_LINE_START = re.compile(r"(?m)^[ \t]*@\s*([A-Za-z]+)\s*([{(])")
_AT_END = -2


def _closing(text: str, start: int, closer: str) -> int:
    """Where the entry that opened just before `start` ends; -1 if the next entry starts
    first, `_AT_END` if the file ends first.

    Entries cannot nest, so an `@word{` at the start of a line inside an unclosed
    entry ends the search: that entry is broken, the next one is not.
    """
    depth = 0
    position = start
    length = len(text)
    while position < length:
        char = text[position]
        if char == "{":
            depth += 1
        elif char == "}":
            if depth == 0 and closer == "}":
                return position
            depth -= 1
        elif char == ")" and depth == 0 and closer == ")":
            return position
        elif char == "@" and (position == 0 or text[position - 1] == "\n") and _ENTRY.match(text, position):
            return -1
        position += 1
    return _AT_END


def _fields(body: str, macros: dict[str, str]) -> tuple[str, dict[str, str]]:
    key, _, rest = body.partition(",")
    if "=" in key:  # no key at all: the first field starts right away
        key, rest = "", body
    fields: dict[str, str] = {}
    position = 0
    while True:
        match = _FIELD_NAME.match(rest, position)
        if match is None:
            break
        value, position = _value(rest, match.end(), macros)
        fields[match.group(1).lower()] = value
        while position < len(rest) and rest[position] in " \t\n,":
            position += 1
    return key.strip(), fields


def _value(text: str, position: int, macros: dict[str, str]) -> tuple[str, int]:
    """One field value (pieces joined by `#`, @string names expanded) and the position after it."""
    parts = []
    while position < len(text):
        char = text[position]
        if char in "{\"":
            end = _value_end(text, position)
            parts.append(text[position + 1 : end])
            position = end + 1
        else:
            match = _BARE.match(text, position)
            if match is None:
                break
            parts.append(macros.get(match.group(0).lower(), match.group(0)))
            position = match.end()
        while position < len(text) and text[position] in " \t\n":
            position += 1
        if text[position : position + 1] != "#":
            break
        position += 1
        while position < len(text) and text[position] in " \t\n":
            position += 1
    return "".join(parts), position


def _value_end(text: str, start: int) -> int:
    depth = 0
    for position in range(start + 1, len(text)):
        char = text[position]
        if char == "{":
            depth += 1
        elif char == "}":
            if depth == 0 and text[start] == "{":
                return position
            depth -= 1
        elif char == '"' and text[start] == '"' and depth == 0 and text[position - 1] != "\\":
            return position
    return len(text)


def _record(fields: dict[str, str]) -> Record | None:
    title = fields.get("title", "")
    abstract = fields.get("abstract", "")
    if not title.strip() and not abstract.strip():
        return None
    record = make_record(
        latex_to_text(abstract, tilde_is_space=True),
        title=latex_to_text(title, tilde_is_space=True) or None,
        arxiv_id=_arxiv_id(fields),
        authors=[latex_to_text(_first_last(name), tilde_is_space=True) for name in _split_authors(fields.get("author", ""))],
        categories=[fields["primaryclass"]] if fields.get("primaryclass") else [],
        published=_date(fields),
        links=[fields["url"]] if fields.get("url", "").startswith("http") and not arxiv_id_from_url(fields["url"]) else [],
    )
    record.doi = clean_doi(fields.get("doi"))
    record.venue = _venue(fields)
    return record


def _venue(fields: dict[str, str]) -> str | None:
    """The journal or proceedings; `journal = {arXiv preprint arXiv:…}` names an id, not a venue."""
    for name in ("journal", "booktitle"):
        venue = clean(latex_to_text(fields.get(name, "")[:MAX_VENUE], tilde_is_space=True))
        if venue and not venue.lower().startswith("arxiv"):
            return venue
    return None


def _arxiv_id(fields: dict[str, str]) -> str | None:
    prefix = (fields.get("archiveprefix") or fields.get("eprinttype") or "").strip().lower()
    eprint = fields.get("eprint", "").strip()
    if eprint and (prefix == "arxiv" or not prefix):
        found = parse_arxiv_id(eprint)
        if found:
            return found
    for name in ("journal", "note", "howpublished"):
        match = _ARXIV_IN_TEXT.search(fields.get(name, ""))
        if match and parse_arxiv_id(match.group(1).rstrip(".,;")):
            return parse_arxiv_id(match.group(1).rstrip(".,;"))
    for name in ("url", "pdf", "doi"):
        found = arxiv_id_from_url(fields.get(name, ""))
        if found:
            return found
    doi = re.search(r"10\.48550/arXiv\.([\w.]+)", fields.get("doi", ""), re.IGNORECASE)
    return parse_arxiv_id(doi.group(1)) if doi else None


def _split_authors(text: str) -> list[str]:
    """Names separated by ` and ` outside braces (`{Barnes and Noble}` is one name)."""
    names, depth, current = [], 0, []
    words = re.split(r"(\s+and\s+|[{}])", " ".join(text.split()))
    for piece in words:
        if piece == "{":
            depth += 1
        elif piece == "}":
            depth -= 1
        if depth == 0 and re.fullmatch(r"\s+and\s+", piece):
            names.append("".join(current))
            current = []
        else:
            current.append(piece)
    names.append("".join(current))
    return [name.strip() for name in names if name.strip() and name.strip().lower() != "others"]


def _first_last(name: str) -> str:
    """`Vaswani, Ashish` -> `Ashish Vaswani`."""
    if "," in name and "{" not in name.split(",")[0][:1]:
        last, _, first = name.partition(",")
        return f"{first.strip()} {last.strip()}".strip()
    return name


def _date(fields: dict[str, str]) -> str | None:
    if fields.get("date"):
        return fields["date"]
    year = fields.get("year", "").strip()
    if not re.fullmatch(r"\d{4}", year):
        return None
    month = fields.get("month", "").strip().lower()[:3]
    if month in _MONTHS:
        return f"{year}-{_MONTHS.index(month) + 1:02d}"
    if month.isdigit() and 1 <= int(month) <= 12:
        return f"{year}-{int(month):02d}"
    return year
