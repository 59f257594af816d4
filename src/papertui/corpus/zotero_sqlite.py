"""Zotero's library, read-only: the regular items of `zotero.sqlite` as records.

Zotero holds its database open with an exclusive lock while it runs, in WAL mode: its latest
changes sit in `zotero.sqlite-wal` until a checkpoint. papertui never opens the file for
writing, nor through SQLite's locks (which Zotero's lock would refuse):
- with no `-wal` beside it (or an empty one, as Zotero leaves it on quitting), the file is
  opened read-only and immutable: SQLite takes no lock and creates no -journal, -wal or -shm;
- with a `-wal` that holds changes, the database and its -wal are copied into a temporary
  directory and the copy is read (immutable would not see them), then deleted.

Attachments, notes, annotations, items in the trash and feed items are not papers. A handful
of queries read every table once, so a library loads in time linear in its size.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Iterator
from urllib.parse import quote

from papertui.corpus.model import FileReport, Record
from papertui.corpus.records import MAX_ABSTRACT, MAX_TITLE, make_record
from papertui.corpus.text import clean
from papertui.links import arxiv_id_from_url, parse_arxiv_id
from papertui.regular_files import NotRegularFile, open_regular

if TYPE_CHECKING:
    import sqlite3

FORMAT = "zotero-sqlite"
DESCRIPTION = "Zotero's database (zotero.sqlite; read-only, never written)"
SQLITE_HEADER = b"SQLite format 3\x00"
DATABASE_NAME = "zotero.sqlite"

# Zotero's own item types that are not papers.
_NOT_PAPERS = ("attachment", "note", "annotation")
# The fields read; a venue is the first of these an item has (their names in Zotero's schema).
_VENUE_FIELDS = ("publicationTitle", "proceedingsTitle", "conferenceName", "bookTitle", "repository")
_FIELDS = ("title", "abstractNote", "date", "DOI", "url", "archiveID", "extra", *_VENUE_FIELDS)
# Tables the reader needs: a SQLite file without them is not a Zotero library.
_REQUIRED = ("items", "itemData", "itemDataValues", "fields", "itemTypes")
# A field longer than this is not one (a venue, a DOI, a name): cut inside SQLite, so that a
# runaway value never reaches Python whole. Titles and abstracts get their own limits.
MAX_FIELD = 2_000
_LIMITS = {"title": MAX_TITLE, "abstractNote": MAX_ABSTRACT, "extra": MAX_ABSTRACT}
MAX_COLLECTION_DEPTH = 64  # a parent loop in a damaged file must end
# A read that runs this long is stuck on a hostile file (a library of 10,000 items takes
# well under a second): SQLite is interrupted and the file reported.
DEADLINE = 60.0

_ARXIV_IN_TEXT = re.compile(r"arXiv:\s*([\w.\-/]+)", re.IGNORECASE)
_ARXIV_DOI = re.compile(r"10\.48550/arXiv\.([\w.\-/]+)", re.IGNORECASE)
_DOI_IN_EXTRA = re.compile(r"^\s*DOI:\s*(10\.\S+)", re.IGNORECASE | re.MULTILINE)
# Zotero keeps dates as "SQL date, then the date as typed": "2023-06-00 June 2023".
_MULTIPART_DATE = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})(?: |$)")
_ITEM_KEY = re.compile(r"[A-Za-z0-9]{1,32}")  # Zotero's keys are 8 of [23456789A-Z]


class ZoteroUnreadable(Exception):
    """The file cannot be read as a Zotero library; the message is one line for the user."""


@dataclass(frozen=True, slots=True)
class ZoteroItem:
    """What Zotero knows of a paper that a `Record` has no field for."""

    key: str  # the item's key in Zotero: the paper is "in Zotero"
    item_type: str  # "preprint", "journalArticle", …
    doi: str | None = None
    venue: str | None = None
    tags: tuple[str, ...] = ()
    collections: tuple[str, ...] = ()  # each with its parents: "Thesis/Related work"
    # The item's stored PDF (data directory/storage/KEY/file.pdf); not checked to exist,
    # as Zotero may not have downloaded it yet.
    pdf: Path | None = None


@dataclass(slots=True)
class ZoteroLibrary:
    """The regular items of one database, in Zotero's order (the order they were added)."""

    entries: list[tuple[Record, ZoteroItem]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)  # one line each, without the file's name
    copied: bool = False  # read from a copy, because its -wal held changes


def is_sqlite(head: bytes) -> bool:
    return head.startswith(SQLITE_HEADER)


def parse_zotero_sqlite(path: Path, report: FileReport, extras: Callable[[Record, ZoteroItem], None] | None = None) -> Iterator[Record]:
    """The records of the database at `path`, for the loader; what cannot be read is one
    warning on `report`. `extras` is given each record with what Zotero knows beyond it."""
    try:
        library = read_zotero(path)
    except ZoteroUnreadable as error:
        report.warn(str(error))
        return
    for warning in library.warnings:
        report.warn(warning)
    for record, item in library.entries:
        if extras is not None:
            extras(record, item)
        yield record


def read_zotero(path: Path, deadline: float = DEADLINE) -> ZoteroLibrary:
    """Every regular item of the Zotero database at `path`, never writing it.

    Raises ZoteroUnreadable with one line when it is not a regular file, not SQLite, not
    Zotero's, damaged, or takes longer than `deadline` seconds."""
    try:
        import sqlite3
    except ImportError as error:  # a Python built without it
        raise ZoteroUnreadable("this Python has no sqlite3 module; the Zotero library cannot be read") from error
    path = Path(path)
    library = ZoteroLibrary()
    try:
        source = open_regular(path)  # a FIFO would block SQLite's open forever
    except NotRegularFile as error:
        raise ZoteroUnreadable(f"{error.kind}, not a regular file; skipped") from None
    except OSError as error:
        raise ZoteroUnreadable(f"cannot read: {error.strerror or error}") from None
    with source, tempfile.TemporaryDirectory(prefix="papertui-zotero-") as scratch:
        if not is_sqlite(source.read(len(SQLITE_HEADER))):
            raise ZoteroUnreadable("not a SQLite database; skipped")
        wal = _wal_with_changes(path, library.warnings)
        try:
            if wal is None:
                connection = _connect_immutable(sqlite3, path)
            else:
                connection = _connect_copy(sqlite3, source, wal, Path(scratch))
                library.copied = True
        except OSError as error:
            raise ZoteroUnreadable(f"cannot copy it to read its recent changes: {error.strerror or error}") from None
        except sqlite3.Error as error:
            raise ZoteroUnreadable(f"SQLite cannot open it ({_reason(error)}); skipped") from None
        try:
            _stop_after(connection, deadline)
            library.entries = _read_items(connection, path.absolute().parent, library.warnings)
        except sqlite3.OperationalError as error:
            if "interrupted" in str(error):
                raise ZoteroUnreadable(f"reading it took over {deadline:g} s and was stopped; skipped") from None
            raise ZoteroUnreadable(_damaged(error)) from None
        except sqlite3.DatabaseError as error:
            raise ZoteroUnreadable(_damaged(error)) from None
        finally:
            connection.close()
    return library


def _damaged(error: Exception) -> str:
    return f"SQLite cannot read it ({_reason(error)}): damaged, or being written; skipped (try again, or after quitting Zotero)"


def _reason(error: Exception) -> str:
    return clean(str(error))[:200]


def _wal_with_changes(path: Path, warnings: list[str]) -> Path | None:
    """The database's -wal when it holds changes not yet in the file itself."""
    wal = path.with_name(path.name + "-wal")
    try:
        with open_regular(wal) as file:
            return wal if os.fstat(file.fileno()).st_size > 0 else None
    except FileNotFoundError:
        return None
    except NotRegularFile as error:
        warnings.append(f"{wal.name} is {error.kind}, not a regular file: Zotero's latest changes are not read")
    except OSError as error:
        warnings.append(f"cannot read {wal.name} ({error.strerror or error}): Zotero's latest changes are not read")
    return None


def _connect_immutable(sqlite3: Any, path: Path) -> sqlite3.Connection:
    # `immutable`: no lock is taken and no file is created or written beside the database.
    uri = f"file:{quote(str(path.absolute()))}?mode=ro&immutable=1"
    connection = sqlite3.connect(uri, uri=True, check_same_thread=False)
    _harden(connection)
    return connection


def _connect_copy(sqlite3: Any, source: Any, wal: Path, scratch: Path) -> sqlite3.Connection:
    """A private copy of the database and its -wal, which SQLite replays when it opens it.

    The database is copied from the file already open (checked to be a regular file); the
    copy is opened read-write only because replaying a -wal writes the copy's -shm."""
    copy = scratch / DATABASE_NAME
    source.seek(0)
    with open(copy, "wb") as target:
        shutil.copyfileobj(source, target, 1 << 20)
    with open_regular(wal) as wal_file, open(scratch / (DATABASE_NAME + "-wal"), "wb") as target:
        shutil.copyfileobj(wal_file, target, 1 << 20)
    connection = sqlite3.connect(str(copy), check_same_thread=False)
    _harden(connection)
    return connection


def _harden(connection: sqlite3.Connection) -> None:
    # A file from anywhere may carry views and triggers: never let them call functions with
    # side effects, and never write through this connection.
    connection.execute("PRAGMA trusted_schema = OFF")
    connection.execute("PRAGMA query_only = ON")


def _stop_after(connection: sqlite3.Connection, seconds: float) -> None:
    end = time.monotonic() + seconds
    connection.set_progress_handler(lambda: 1 if time.monotonic() > end else 0, 10_000)


def _read_items(connection: sqlite3.Connection, data_dir: Path, warnings: list[str]) -> list[tuple[Record, ZoteroItem]]:
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
    if unsafe_paths:
        warnings.append(f"{unsafe_paths:,} attachment paths leave the storage folder or name no file; not used")
    entries = []
    for item_id, (key, type_name) in items.items():
        fields = values.get(item_id, {})
        doi = _doi(fields)
        record = make_record(
            fields.get("abstractNote", ""),
            title=fields.get("title") or None,
            arxiv_id=_arxiv_id(fields, doi, attachment_urls.get(item_id, ())),
            authors=creators.get(item_id, ()),
            published=_date(fields.get("date")),
            links=[url for url in (fields.get("url", ""),) if url.startswith(("http://", "https://")) and not arxiv_id_from_url(url)],
        )
        record.cut = _true_lengths(record.cut, fields)
        venue = next((fields[name] for name in _VENUE_FIELDS if fields.get(name)), None)
        item = ZoteroItem(
            key=clean(key),
            item_type=clean(type_name),
            doi=clean(doi)[:MAX_FIELD] if doi else None,
            venue=(clean(venue) or None) if venue else None,
            tags=tuple(dict.fromkeys(filter(None, map(clean, tags.get(item_id, ()))))),
            collections=tuple(collections.get(item_id, ())),
            pdf=pdfs.get(item_id),
        )
        entries.append((record, item))
    return entries


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
    """itemID: {field name: value} for the fields read, each cut to its limit inside SQLite
    (the length kept beside the cut ones as `name#length`)."""
    wanted = {field_id: name for field_id, name in field_names.items() if name in _FIELDS}
    values: dict[int, dict[str, str]] = {}
    if not wanted:
        return values
    marks = ",".join("?" * len(wanted))
    query = (
        "SELECT d.itemID, d.fieldID, substr(v.value, 1, ?), substr(v.value, 1, ?), substr(v.value, 1, ?), length(v.value)"
        f" FROM itemData d JOIN itemDataValues v USING (valueID) WHERE d.fieldID IN ({marks})"
    )
    for item_id, field_id, short, long, longest, length in connection.execute(query, (MAX_FIELD, MAX_TITLE + 1, MAX_ABSTRACT + 1, *wanted)):
        name = wanted[field_id]
        limit = _LIMITS.get(name, MAX_FIELD)
        value = _text(longest if limit == MAX_ABSTRACT else long if limit == MAX_TITLE else short)
        fields = values.setdefault(item_id, {})
        fields[name] = value
        if isinstance(length, int) and length > limit:
            fields[f"{name}#length"] = str(length)
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


def _doi(fields: dict[str, str]) -> str | None:
    doi = fields.get("DOI", "").strip()
    if doi:
        return doi.removeprefix("https://doi.org/").removeprefix("http://dx.doi.org/")
    match = _DOI_IN_EXTRA.search(fields.get("extra", ""))
    return match.group(1) if match else None


def _arxiv_id(fields: dict[str, str], doi: str | None, attachment_urls: list[str] | tuple[str, ...]) -> str | None:
    """From the item's fields (archive ID, arXiv DOI, URL, extra, a venue that names it),
    then from its attachments' URLs (arxiv.org/pdf/1311.4984): the first that is an id."""
    return next((found for found in _arxiv_candidates(fields, doi, attachment_urls) if found), None)


def _arxiv_candidates(fields: dict[str, str], doi: str | None, attachment_urls: list[str] | tuple[str, ...]) -> Iterator[str | None]:
    archive = _ARXIV_IN_TEXT.match(fields.get("archiveID", "").strip())
    yield parse_arxiv_id(archive.group(1)) if archive else None
    arxiv_doi = _ARXIV_DOI.search(doi or "")
    yield parse_arxiv_id(arxiv_doi.group(1)) if arxiv_doi else None
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


def wal_state(path: Path) -> tuple[int, int] | None:
    """(size, mtime in ns) of the database's -wal, or None: Zotero's changes land there
    first, so a cache of the database must look at it too."""
    try:
        state = os.stat(path.with_name(path.name + "-wal"))
    except OSError:
        return None
    return (state.st_size, state.st_mtime_ns)
