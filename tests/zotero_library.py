"""Zotero data directories for the tests: `zotero.sqlite` made from Zotero's real schema
(tests/fixtures/zotero/schema.sql), filled as Zotero fills it, and `storage/KEY/` folders.

Item types, fields and creator types get ids the way Zotero gives them, per installation
(here deliberately not 1, 2, 3, …), so a reader that assumed fixed ids would fail.
"""

from __future__ import annotations

import itertools
import sqlite3
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator, Sequence

SCHEMA = Path(__file__).parent / "fixtures" / "zotero" / "schema.sql"

# Names from zotero/zotero-schema's schema.json (see the header of SCHEMA).
ITEM_TYPES = ("annotation", "attachment", "note", "book", "bookSection", "journalArticle", "conferencePaper", "preprint", "thesis", "report", "webpage")
FIELDS = (
    "title", "abstractNote", "publicationTitle", "proceedingsTitle", "conferenceName", "bookTitle", "repository",
    "archiveID", "date", "DOI", "url", "accessDate", "extra", "volume", "pages", "publisher", "language",
)  # fmt: skip
CREATOR_TYPES = ("author", "contributor", "editor", "translator", "reviewedAuthor")
KEY_LETTERS = "23456789ABCDEFGHIJKLMNPQRSTUVWXYZ"  # Zotero's keys: 8 of these
LIBRARY_ID = 1

# Zotero's attachment link modes (Zotero.Attachments.LINK_MODE_*).
IMPORTED_FILE, IMPORTED_URL, LINKED_FILE, LINKED_URL = 0, 1, 2, 3


class ZoteroLibrary:
    """A Zotero data directory being filled; `close()` (or leaving the `with`) writes it out.

    The database is in WAL mode, as Zotero keeps it, and checkpointed on close: no -wal is
    left, as after Zotero quits."""

    def __init__(self, data_dir: Path) -> None:
        self.data_dir = data_dir
        data_dir.mkdir(parents=True, exist_ok=True)
        self.path = data_dir / "zotero.sqlite"
        self.db = sqlite3.connect(self.path, isolation_level=None)
        self.db.execute("PRAGMA journal_mode = WAL")
        self.db.executescript(SCHEMA.read_text(encoding="utf-8"))
        self.db.execute("BEGIN")
        self.type_ids = {name: 100 + 7 * n for n, name in enumerate(ITEM_TYPES)}
        self.field_ids = {name: 200 + 3 * n for n, name in enumerate(FIELDS)}
        self.creator_type_ids = {name: 50 + n for n, name in enumerate(CREATOR_TYPES)}
        self.db.executemany("INSERT INTO itemTypes VALUES (?, ?, NULL, 1)", [(i, n) for n, i in self.type_ids.items()])
        self.db.executemany("INSERT INTO itemTypesCombined VALUES (?, ?, 1, 0)", [(i, n) for n, i in self.type_ids.items()])
        self.db.executemany("INSERT INTO fields VALUES (?, ?, NULL)", [(i, n) for n, i in self.field_ids.items()])
        self.db.executemany("INSERT INTO fieldsCombined VALUES (?, ?, NULL, NULL, 0)", [(i, n) for n, i in self.field_ids.items()])
        self.db.executemany("INSERT INTO creatorTypes VALUES (?, ?)", [(i, n) for n, i in self.creator_type_ids.items()])
        self._ids = itertools.count(1)
        self._keys = itertools.count(1)
        self._values: dict[object, int] = {}
        self._creators: dict[tuple, int] = {}
        self._tags: dict[str, int] = {}
        self._collections = itertools.count(1)
        self._rows: dict[str, list[tuple]] = {}

    def __enter__(self) -> ZoteroLibrary:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _key(self) -> str:
        number, letters = next(self._keys), []
        for _ in range(8):
            number, digit = divmod(number, len(KEY_LETTERS))
            letters.append(KEY_LETTERS[digit])
        return "".join(reversed(letters))

    def _row(self, table: str, *values: object) -> None:
        self._rows.setdefault(table, []).append(values)

    def _value_id(self, value: object) -> int:
        if value not in self._values:
            self._values[value] = len(self._values) + 1
            self._row("itemDataValues", self._values[value], value)
        return self._values[value]

    def _item(self, item_type: str, fields: dict[str, object]) -> tuple[int, str]:
        item_id, key = next(self._ids), self._key()
        self._row("items", item_id, self.type_ids[item_type], LIBRARY_ID, key)
        for name, value in fields.items():
            if value is not None:
                self._row("itemData", item_id, self.field_ids[name], self._value_id(value))
        return item_id, key

    def add_item(
        self,
        item_type: str = "preprint",
        *,
        creators: Sequence[tuple[str, str] | str | tuple[str, str, str]] = (),
        tags: Sequence[str] = (),
        collections: Sequence[int] = (),
        deleted: bool = False,
        **fields: object,
    ) -> int:
        """A regular item; `creators`: ("First", "Last"), ("First", "Last", "editor"), or one
        string for a single-field name (an institution). `date` as Zotero stores it."""
        item_id, _ = self._item(item_type, fields)
        for order, creator in enumerate(creators):
            if isinstance(creator, str):
                first, last, mode, kind = "", creator, 1, "author"
            else:
                first, last, kind = creator if len(creator) == 3 else (*creator, "author")  # type: ignore[misc]
                mode = 0
            creator_key = (last, first, mode)
            if creator_key not in self._creators:
                self._creators[creator_key] = len(self._creators) + 1
                self._row("creators", self._creators[creator_key], first, last, mode)
            self._row("itemCreators", item_id, self._creators[creator_key], self.creator_type_ids[kind], order)
        for tag in tags:
            if tag not in self._tags:
                self._tags[tag] = len(self._tags) + 1
                self._row("tags", self._tags[tag], tag)
            self._row("itemTags", item_id, self._tags[tag], 0)
        for order, collection in enumerate(collections):
            self._row("collectionItems", collection, item_id, order)
        if deleted:
            self._row("deletedItems", item_id)
        return item_id

    def add_attachment(
        self,
        parent: int | None,
        *,
        url: str | None = None,
        filename: str | None = "paper.pdf",
        content: bytes | None = b"%PDF-1.4\n%%EOF\n",
        content_type: str = "application/pdf",
        link_mode: int = IMPORTED_URL,
        path: str | None = None,
        deleted: bool = False,
    ) -> str:
        """An attachment item (its key names its folder in storage/); the file is written
        there when `content` is given. `path` overrides the stored `storage:FILENAME`."""
        item_id, key = self._item("attachment", {"title": "Full Text PDF", "url": url})
        stored = path if path is not None else (f"storage:{filename}" if filename else None)
        self._row("itemAttachments", item_id, parent, link_mode, content_type, stored)
        if content is not None and filename and path is None:
            folder = self.data_dir / "storage" / key
            folder.mkdir(parents=True, exist_ok=True)
            (folder / filename).write_bytes(content)
        if deleted:
            self._row("deletedItems", item_id)
        return key

    def add_note(self, parent: int | None, html: str = "<p>A note</p>") -> int:
        item_id, _ = self._item("note", {})
        self._row("itemNotes", item_id, parent, html, "A note")
        return item_id

    def add_collection(self, name: str, parent: int | None = None, deleted: bool = False) -> int:
        collection_id = next(self._collections)
        self._row("collections", collection_id, name, parent, LIBRARY_ID, self._key())
        if deleted:
            self._row("deletedCollections", collection_id)
        return collection_id

    def add_feed_item(self, **fields: object) -> int:
        """An item of an RSS feed Zotero follows: in `items`, but not in the library."""
        item_id, key = self._item("journalArticle", fields)
        self._row("feedItems", item_id, key)
        return item_id

    def flush(self, db: sqlite3.Connection | None = None) -> None:
        db = db or self.db
        inserts = {
            "itemDataValues": "INSERT INTO itemDataValues (valueID, value) VALUES (?, ?)",
            "items": "INSERT INTO items (itemID, itemTypeID, libraryID, key) VALUES (?, ?, ?, ?)",
            "itemData": "INSERT INTO itemData VALUES (?, ?, ?)",
            "creators": "INSERT INTO creators (creatorID, firstName, lastName, fieldMode) VALUES (?, ?, ?, ?)",
            "itemCreators": "INSERT INTO itemCreators VALUES (?, ?, ?, ?)",
            "tags": "INSERT INTO tags (tagID, name) VALUES (?, ?)",
            "itemTags": "INSERT INTO itemTags VALUES (?, ?, ?)",
            "collections": "INSERT INTO collections (collectionID, collectionName, parentCollectionID, libraryID, key) VALUES (?, ?, ?, ?, ?)",
            "collectionItems": "INSERT INTO collectionItems VALUES (?, ?, ?)",
            "deletedItems": "INSERT INTO deletedItems (itemID) VALUES (?)",
            "deletedCollections": "INSERT INTO deletedCollections (collectionID) VALUES (?)",
            "itemAttachments": "INSERT INTO itemAttachments (itemID, parentItemID, linkMode, contentType, path) VALUES (?, ?, ?, ?, ?)",
            "itemNotes": "INSERT INTO itemNotes VALUES (?, ?, ?, ?)",
            "feedItems": "INSERT INTO feedItems (itemID, guid) VALUES (?, ?)",
        }
        for table, sql in inserts.items():
            db.executemany(sql, self._rows.pop(table, []))

    def close(self) -> None:
        if self.db is None:
            return
        self.flush()
        self.db.execute("COMMIT")
        self.db.close()  # the last connection checkpoints the -wal into the file and deletes it
        self.db = None  # type: ignore[assignment]

    @contextmanager
    def zotero_running(self) -> Iterator[sqlite3.Connection]:
        """A connection as Zotero holds one while it runs: exclusive locking, WAL, changes
        committed to the -wal and not checkpointed. Items added in the block are committed
        into the -wal by `commit_into_wal()`; the block ends with a write transaction open."""
        assert self.db is None, "close() the library first"
        db = sqlite3.connect(self.path, isolation_level=None)
        db.execute("PRAGMA locking_mode = EXCLUSIVE")
        db.execute("PRAGMA wal_autocheckpoint = 0")
        db.execute("PRAGMA journal_mode = WAL")
        db.execute("SELECT count(*) FROM items").fetchone()  # takes the exclusive lock
        try:
            yield db
        finally:
            if db.in_transaction:
                db.execute("ROLLBACK")
            db.close()

    def commit_into_wal(self, db: sqlite3.Connection) -> None:
        """The items added since the last flush, committed by the running "Zotero" `db`."""
        db.execute("BEGIN IMMEDIATE")
        self.flush(db)
        db.execute("COMMIT")
