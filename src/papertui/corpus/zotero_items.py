"""Zotero's tables as records: what `zotero.sqlite` says of each regular item.

Attachments, notes, annotations, items in the trash and feed items are not papers. Item types
and fields are looked up by name, as Zotero numbers them per installation. Every table is read
once, by a handful of queries, so a library loads in time linear in its size; every value is
cut to its limit inside SQLite, so a runaway field never reaches Python whole.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Iterator

from papertui.corpus.model import Record
from papertui.corpus.records import MAX_ABSTRACT, MAX_TITLE, make_record
from papertui.corpus.reference import Reference, arxiv_id_from_doi, clean_doi, doi_link, year_of
from papertui.corpus.text import clean
from papertui.links import arxiv_id_from_url, parse_arxiv_id

if TYPE_CHECKING:
    import sqlite3

# Zotero's own item types that are not papers.
_NOT_PAPERS = ("attachment", "note", "annotation")
# The fields read; a venue is the first of these an item has (their names in Zotero's schema).
_VENUE_FIELDS = ("publicationTitle", "proceedingsTitle", "conferenceName", "bookTitle", "repository")
_FIELDS = ("title", "abstractNote", "date", "DOI", "url", "archiveID", "extra", *_VENUE_FIELDS)
# Tables the reader needs: a SQLite file without them is not a Zotero library.
_REQUIRED = ("items", "itemData", "itemDataValues", "fields", "itemTypes")
# A field longer than this is not one (a venue, a DOI, a name). Titles and abstracts (and
# `extra`, where ids hide) get their own limits.
MAX_FIELD = 2_000
_LIMITS = {"title": MAX_TITLE, "abstractNote": MAX_ABSTRACT, "extra": MAX_ABSTRACT}
_MEASURED = ("title", "abstractNote")  # a cut one is said with its length
MAX_COLLECTION_DEPTH = 64  # a parent loop in a damaged file must end

_ARXIV_IN_TEXT = re.compile(r"arXiv:\s*([\w.\-/]+)", re.IGNORECASE)
_DOI_IN_EXTRA = re.compile(r"^[ \t]*DOI:[ \t]*(10\.\S+)", re.IGNORECASE | re.MULTILINE)
# Zotero keeps dates as "SQL date, then the date as typed": "2023-06-00 June 2023".
_MULTIPART_DATE = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})(?: |$)")
_ITEM_KEY = re.compile(r"[A-Za-z0-9]{1,32}")  # Zotero's keys are 8 of [23456789A-Z]


class ZoteroUnreadable(Exception):
    """The file cannot be read as a Zotero library; the message is one line for the user."""


@dataclass(frozen=True, slots=True)
class ZoteroItem:
    """One regular item: its record, with its DOI, venue, year and item type as every
    reference manager's entry has them (`Reference`), and what only Zotero knows."""

    reference: Reference
    key: str  # the item's key in Zotero: the paper is "in Zotero"
    tags: tuple[str, ...] = ()
    collections: tuple[str, ...] = ()  # each with its parents: "Thesis/Related work"
    # The item's stored PDF (data directory/storage/KEY/file.pdf); not checked to exist,
    # as Zotero may not have downloaded it yet.
    pdf: Path | None = None

    @property
    def record(self) -> Record:
        return self.reference.record


@dataclass(slots=True)
class ZoteroLibrary:
    """The regular items of one database, in Zotero's order (the order they were added)."""

    items: list[ZoteroItem] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)  # one line each, without the file's name
    copied: bool = False  # read from a copy, because its -wal held changes


def read_items(connection: sqlite3.Connection, data_dir: Path) -> ZoteroLibrary:
    """Every regular item of an open database whose attachments are stored in `data_dir`."""
    tables = {name for (name,) in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    missing = [name for name in _REQUIRED if name not in tables]
    if missing:
        raise ZoteroUnreadable(f"a SQLite database without Zotero's tables ({', '.join(missing)}); skipped")
    type_names = _names(connection, tables, ("itemTypes", "itemTypesCombined"), "itemTypeID", "typeName")
    field_names = _names(connection, tables, ("fields", "fieldsCombined"), "fieldID", "fieldName")
    skipped = _item_ids(connection, tables, ("deletedItems", "feedItems"))
    items: dict[int, tuple[str, str]] = {}  # itemID: (key, type name)
    attachments: dict[int, str] = {}  # itemID: key, which names its folder in storage/
    query = f"SELECT itemID, itemTypeID, substr(key, 1, {MAX_FIELD}) FROM items ORDER BY itemID"
    for item_id, type_id, key in connection.execute(query):
        if item_id in skipped:
            continue
        type_name = type_names.get(type_id, "")
        if type_name == "attachment":
            attachments[item_id] = _text(key)
        elif type_name not in _NOT_PAPERS:
            items[item_id] = (_text(key), type_name)
    values = _field_values(connection, field_names)
    creators = _creators(connection, tables)
    tags = _tags(connection, tables)
    collections = _collections(connection, tables)
    pdfs, attachment_urls, unsafe_paths = _attachments(connection, tables, attachments, values, data_dir)
    library = ZoteroLibrary()
    if unsafe_paths:
        library.warnings.append(f"{unsafe_paths:,} attachment paths leave the storage folder or name no file; not used")
    for item_id, (key, type_name) in items.items():
        fields = values.get(item_id, {})
        doi = clean_doi(clean(fields.get("DOI", ""))) or _doi_in_extra(fields.get("extra", ""))
        record = make_record(
            fields.get("abstractNote", ""),
            title=fields.get("title") or None,
            arxiv_id=_arxiv_id(fields, doi, attachment_urls.get(item_id, ())),
            authors=creators.get(item_id, ()),
            published=_date(fields.get("date")),
            links=_links(fields.get("url", ""), doi),
        )
        record.cut = _true_lengths(record.cut, fields)
        venue = next((clean(fields[name]) for name in _VENUE_FIELDS if clean(fields.get(name, ""))), None)
        pdf = pdfs.get(item_id)
        record.doi, record.venue = doi, venue
        record.collections = tuple(collections.get(item_id, ()))
        record.zotero_key, record.local_pdf = clean(key) or None, str(pdf) if pdf else None
        reference = Reference(record, doi=doi, venue=venue, year=year_of(record.published), kind=clean(type_name) or None)
        library.items.append(
            ZoteroItem(
                reference,
                key=clean(key),
                tags=tuple(dict.fromkeys(filter(None, map(clean, tags.get(item_id, ()))))),
                collections=record.collections,
                pdf=pdf,
            )
        )
    return library


def _text(value: object) -> str:
    """A value as SQLite gives it (text, a number, bytes, NULL) as text."""
    if isinstance(value, str):
        return value
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    return "" if value is None else str(value)


def _names(connection: sqlite3.Connection, tables: set[str], sources: tuple[str, ...], id_column: str, name_column: str) -> dict[int, str]:
    """id: name from Zotero's tables and their "Combined" copies (which add custom types)."""
    names: dict[int, str] = {}
    for table in sources:
        if table in tables:
            names.update(
                (row_id, _text(name))
                for row_id, name in connection.execute(f"SELECT {id_column}, substr({name_column}, 1, 100) FROM {table}")  # noqa: S608 - names from this module
            )
    return names


def _item_ids(connection: sqlite3.Connection, tables: set[str], sources: tuple[str, ...]) -> set[int]:
    found: set[int] = set()
    for table in sources:
        if table in tables:
            found.update(item_id for (item_id,) in connection.execute(f"SELECT itemID FROM {table}"))  # noqa: S608
    return found


def _field_values(connection: sqlite3.Connection, field_names: dict[int, str]) -> dict[int, dict[str, str]]:
    """itemID: {field name: value} for the fields read, each cut inside SQLite to one
    character past its limit; a title or abstract that was cut has its whole length beside
    it, as `name#length`."""
    wanted = {field_id: name for field_id, name in field_names.items() if name in _FIELDS}
    values: dict[int, dict[str, str]] = {}
    if not wanted:
        return values
    limits = {field_id: _LIMITS.get(name, MAX_FIELD) for field_id, name in wanted.items()}
    measured = [field_id for field_id, name in wanted.items() if name in _MEASURED]
    query = (
        f"SELECT d.itemID, d.fieldID, substr(v.value, 1, CASE d.fieldID {'WHEN ? THEN ? ' * len(limits)}END),"
        f" CASE WHEN d.fieldID IN ({','.join('?' * len(measured)) or 'NULL'}) THEN length(v.value) END"
        f" FROM itemData d JOIN itemDataValues v USING (valueID) WHERE d.fieldID IN ({','.join('?' * len(wanted))})"
    )
    parameters = [*(number for pair in limits.items() for number in (pair[0], pair[1] + 1)), *measured, *wanted]
    for item_id, field_id, value, length in connection.execute(query, parameters):
        name = wanted[field_id]
        fields = values.setdefault(item_id, {})
        if isinstance(length, int) and length > limits[field_id]:
            fields[name] = _text(value)  # one character past: make_record notes the cut
            fields[f"{name}#length"] = str(length)
        else:
            fields[name] = _text(value)[: limits[field_id]]
    return values


def _true_lengths(cut: tuple[tuple[str, int], ...], fields: dict[str, str]) -> tuple[tuple[str, int], ...]:
    """The lengths of cut fields as they are in Zotero, not as SQLite handed them over."""
    zotero_name = {"title": "title", "abstract": "abstractNote"}
    return tuple((name, int(fields.get(f"{zotero_name[name]}#length", length))) for name, length in cut)


def _creators(connection: sqlite3.Connection, tables: set[str]) -> dict[int, list[str]]:
    """itemID: its authors in Zotero's order (every creator when it names no author)."""
    if not {"itemCreators", "creators"} <= tables:
        return {}
    kinds = _names(connection, tables, ("creatorTypes",), "creatorTypeID", "creatorType") if "creatorTypes" in tables else {}
    authors = {type_id for type_id, name in kinds.items() if name == "author"}
    everyone: dict[int, list[str]] = {}
    named: dict[int, list[str]] = {}
    query = (
        "SELECT ic.itemID, ic.creatorTypeID, substr(c.firstName, 1, ?), substr(c.lastName, 1, ?), c.fieldMode"
        " FROM itemCreators ic JOIN creators c USING (creatorID) ORDER BY ic.itemID, ic.orderIndex"
    )
    for item_id, type_id, first, last, single_field in connection.execute(query, (MAX_FIELD, MAX_FIELD)):
        # fieldMode 1: one field, the whole name in lastName (an institution)
        name = _text(last) if single_field == 1 else f"{_text(first)} {_text(last)}"
        everyone.setdefault(item_id, []).append(name)
        if type_id in authors:
            named.setdefault(item_id, []).append(name)
    return {item_id: named.get(item_id, names) for item_id, names in everyone.items()}


def _tags(connection: sqlite3.Connection, tables: set[str]) -> dict[int, list[str]]:
    tags: dict[int, list[str]] = {}
    if {"itemTags", "tags"} <= tables:
        query = f"SELECT it.itemID, substr(t.name, 1, {MAX_FIELD}) FROM itemTags it JOIN tags t USING (tagID) ORDER BY it.itemID, t.name"
        for item_id, name in connection.execute(query):
            tags.setdefault(item_id, []).append(_text(name))
    return tags


def _collections(connection: sqlite3.Connection, tables: set[str]) -> dict[int, list[str]]:
    """itemID: the names of its collections, each with its parents ("Parent/Child")."""
    if not {"collections", "collectionItems"} <= tables:
        return {}
    rows = {
        collection_id: (clean(_text(name)), parent)
        for collection_id, name, parent in connection.execute(
            f"SELECT collectionID, substr(collectionName, 1, {MAX_FIELD}), parentCollectionID FROM collections"
        )
    }
    trashed = {cid for (cid,) in connection.execute("SELECT collectionID FROM deletedCollections")} if "deletedCollections" in tables else set()
    paths: dict[int, str | None] = {}

    def path_of(collection_id: int) -> str | None:
        if collection_id in paths:
            return paths[collection_id]
        chain, seen, current = [], set(), collection_id
        while current is not None and current in rows and current not in seen and len(chain) < MAX_COLLECTION_DEPTH:
            if current in trashed:  # it, or a parent, is in the trash
                paths[collection_id] = None
                return None
            seen.add(current)
            name, current = rows[current]
            chain.append(name)
        paths[collection_id] = "/".join(reversed(chain)) or None
        return paths[collection_id]

    found: dict[int, list[str]] = {}
    for item_id, collection_id in connection.execute("SELECT itemID, collectionID FROM collectionItems ORDER BY itemID, collectionID"):
        name = path_of(collection_id)
        if name:
            found.setdefault(item_id, []).append(name)
    return {item_id: sorted(set(names)) for item_id, names in found.items()}


def _attachments(
    connection: sqlite3.Connection, tables: set[str], attachments: dict[int, str], values: dict[int, dict[str, str]], data_dir: Path
) -> tuple[dict[int, Path], dict[int, list[str]], int]:
    """itemID: its first stored PDF; itemID: its attachments' URLs; how many stored paths
    were not used, for leaving the storage folder."""
    pdfs: dict[int, Path] = {}
    urls: dict[int, list[str]] = {}
    unsafe = 0
    if "itemAttachments" not in tables:
        return pdfs, urls, unsafe
    query = (
        f"SELECT itemID, parentItemID, contentType, substr(path, 1, {MAX_FIELD}) FROM itemAttachments"
        " WHERE parentItemID IS NOT NULL ORDER BY itemID"
    )
    for item_id, parent, content_type, stored in connection.execute(query):
        if item_id not in attachments:  # in the trash, or not an attachment item at all
            continue
        url = values.get(item_id, {}).get("url")
        if url:
            urls.setdefault(parent, []).append(url)
        if parent in pdfs or not stored:
            continue
        where = _stored_file(data_dir, attachments[item_id], _text(stored))
        if where is None:
            unsafe += _text(stored).startswith("storage:")
        elif _text(content_type) == "application/pdf" or where.suffix.lower() == ".pdf":
            pdfs[parent] = where
    return pdfs, urls, unsafe


def _stored_file(data_dir: Path, key: str, stored: str) -> Path | None:
    """Where Zotero keeps an attachment's file: `storage:NAME` is data_dir/storage/KEY/NAME;
    an absolute path is a linked file. None for a path that could leave the storage folder
    or that names no file (`attachments:` paths are relative to a folder set in Zotero)."""
    if stored.startswith("storage:"):
        name = stored[len("storage:") :]
        if not _ITEM_KEY.fullmatch(key) or not name or name in (".", "..") or "/" in name or "\\" in name or "\0" in name:
            return None
        return Path(os.path.join(data_dir, "storage", key, name))
    if os.path.isabs(stored) and "\0" not in stored:
        return Path(stored)
    return None


def _links(url: str, doi: str | None) -> list[str]:
    """The item's web page (an arXiv one is its id instead), and its DOI as a link, as the
    RIS and CSL-JSON readers give it (Semantic Scholar's lookup reads it there)."""
    links = [url] if url.startswith(("http://", "https://")) and not arxiv_id_from_url(url) else []
    return links + [doi_link(doi)] if doi else links


def _doi_in_extra(extra: str) -> str | None:
    """A `DOI: 10.…` line in `extra`, where Zotero keeps the DOI of types without the field."""
    match = _DOI_IN_EXTRA.search(extra)
    return clean_doi(clean(match.group(1))) if match else None


def _arxiv_id(fields: dict[str, str], doi: str | None, attachment_urls: list[str] | tuple[str, ...]) -> str | None:
    """From the item's fields (archive ID, arXiv DOI, URL, extra, a venue that names it),
    then from its attachments' URLs (arxiv.org/pdf/1311.4984): the first that is an id."""
    return next((found for found in _arxiv_candidates(fields, doi, attachment_urls) if found), None)


def _arxiv_candidates(fields: dict[str, str], doi: str | None, attachment_urls: list[str] | tuple[str, ...]) -> Iterator[str | None]:
    archive = _ARXIV_IN_TEXT.match(fields.get("archiveID", "").strip())
    yield parse_arxiv_id(archive.group(1)) if archive else None
    yield arxiv_id_from_doi(doi)
    yield arxiv_id_from_url(fields.get("url", ""))
    for name in ("extra", *_VENUE_FIELDS):
        for match in _ARXIV_IN_TEXT.finditer(fields.get(name, "")):
            yield parse_arxiv_id(match.group(1).rstrip(".,;"))
    for url in attachment_urls:
        yield arxiv_id_from_url(url)


def _date(stored: str | None) -> str | None:
    """`2023-06-00 June 2023` -> `2023-06`; Zotero's zeros mean "not given"."""
    if not stored:
        return None
    match = _MULTIPART_DATE.match(stored.strip())
    if match is None:  # not as Zotero writes it: whatever date it starts with
        return stored
    year, month, day = match.groups()
    if year == "0000":
        return None
    if month == "00":
        return year
    return f"{year}-{month}" if day == "00" else f"{year}-{month}-{day}"
