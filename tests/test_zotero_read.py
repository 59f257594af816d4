"""Your Zotero library, read-only: zotero.sqlite as Zotero writes it (tests/zotero_library.py
builds it from Zotero's real schema), read while "Zotero" holds it locked, never written."""

from __future__ import annotations

import hashlib
import os
import sqlite3
import threading
import time
from pathlib import Path

import pytest

from papertui.cli.common import resolve_paths
from papertui.corpus import load_corpus
from papertui.corpus.records import MAX_ABSTRACT, MAX_TITLE
from papertui.corpus.zotero_items import MAX_FIELD
from papertui.corpus.zotero_sqlite import ZoteroUnreadable, read_zotero
from zotero_library import LINKED_FILE, ZoteroLibrary

fifo_only = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes on this system")


def sample_library(data_dir: Path) -> ZoteroLibrary:
    """A small library as a researcher's looks: papers with PDFs, notes, the trash, a feed."""
    library = ZoteroLibrary(data_dir)
    thesis = library.add_collection("Thesis")
    related = library.add_collection("Related work", thesis)
    trashed = library.add_collection("Old stuff", deleted=True)
    attention = library.add_item(
        "preprint",
        title="Attention Is All You Need",
        abstractNote="The dominant sequence transduction models are based on recurrent networks.",
        date="2017-06-12 2017-06-12",
        repository="arXiv",
        archiveID="arXiv:1706.03762",
        DOI="10.48550/arXiv.1706.03762",
        url="http://arxiv.org/abs/1706.03762",
        creators=[("Ashish", "Vaswani"), ("Noam", "Shazeer"), ("Niki", "Parmar")],
        tags=["transformers", "to read"],
        collections=[related, trashed],
    )
    library.add_attachment(attention, url="https://arxiv.org/pdf/1706.03762v7", filename="Vaswani - 2017 - Attention.pdf")
    library.add_note(attention, "<p>Read section 3 again</p>")
    atari = library.add_item(
        "journalArticle",
        title="Human-level control through deep reinforcement learning",
        date="2015-02-00 February 2015",
        DOI="10.1038/nature14236",
        publicationTitle="Nature",
        url="https://www.nature.com/articles/nature14236",
        creators=[("Volodymyr", "Mnih"), ("Koray", "Kavukcuoglu")],
        collections=[thesis],
    )
    # The arXiv id only in an attachment's URL, as Zotero saves a PDF fetched from arXiv.
    library.add_attachment(atari, url="https://arxiv.org/pdf/1312.5602", filename="Mnih - Playing Atari.pdf")
    library.add_item(
        "conferencePaper",
        title="Deep Residual Learning for Image Recognition",
        date="2016-00-00 2016",
        proceedingsTitle="Proceedings of CVPR",
        conferenceName="CVPR 2016",
        DOI="10.1109/CVPR.2016.90",
        creators=[("Kaiming", "He"), "Microsoft Research", ("Ross", "Girshick", "editor")],
    )
    library.add_item("book", title="Edited Volume", creators=[("Ed", "Itor", "editor"), ("An", "Other", "editor")])
    library.add_item("journalArticle", title="A paper moved to the trash", DOI="10.1000/trashed", deleted=True)
    library.add_attachment(None, url="https://arxiv.org/pdf/2001.00001", filename="standalone.pdf")  # no parent: not a paper
    library.add_note(None, "<p>A standalone note</p>")
    library.add_feed_item(title="An item of an RSS feed Zotero follows")
    library.close()
    return library


def pairs(library) -> list:
    return [(item.record, item) for item in library.items]


def entries(path: Path) -> list:
    return pairs(read_zotero(path))


def by_title(path: Path) -> dict:
    return {record.title: (record, item) for record, item in entries(path)}


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_regular_items_only_with_dois_and_the_arxiv_ids_of_attachment_urls(tmp_path):
    library = sample_library(tmp_path / "Zotero")
    found = by_title(library.path)
    assert sorted(found) == [
        "Attention Is All You Need",
        "Deep Residual Learning for Image Recognition",
        "Edited Volume",
        "Human-level control through deep reinforcement learning",
    ]
    record, item = found["Human-level control through deep reinforcement learning"]
    assert record.arxiv_id == "1312.5602"  # from the PDF attachment's URL only
    assert item.reference.doi == "10.1038/nature14236" and item.reference.venue == "Nature"
    assert item.reference.kind == "journalArticle" and item.reference.year == 2015
    assert record.authors == ("Volodymyr Mnih", "Koray Kavukcuoglu") and record.published == "2015-02"
    assert record.links == ("https://www.nature.com/articles/nature14236", "https://doi.org/10.1038/nature14236")
    assert item.collections == ("Thesis",)
    assert item.pdf is not None and item.pdf.read_bytes().startswith(b"%PDF")
    assert item.pdf.parent.parent == library.data_dir / "storage" and item.pdf.name == "Mnih - Playing Atari.pdf"

    record, item = found["Attention Is All You Need"]
    assert record.arxiv_id == "1706.03762" and record.published == "2017-06-12"
    assert record.abstract.startswith("The dominant sequence") and record.authors[0] == "Ashish Vaswani"
    assert item.reference.doi == "10.48550/arXiv.1706.03762" and item.reference.venue == "arXiv"
    assert item.tags == ("to read", "transformers")
    assert item.collections == ("Thesis/Related work",)  # with its parent; the trashed one left out
    assert item.pdf is not None and item.pdf.name == "Vaswani - 2017 - Attention.pdf" and len(item.key) == 8

    record, item = found["Deep Residual Learning for Image Recognition"]
    assert record.authors == ("Kaiming He", "Microsoft Research")  # the authors; the editor is not one
    assert item.reference.venue == "Proceedings of CVPR" and record.published == "2016" and item.pdf is None
    assert found["Edited Volume"][0].authors == ("Ed Itor", "An Other")  # no author at all: every creator


@pytest.mark.parametrize(
    "fields",
    [
        {"archiveID": "arXiv:2406.16845"},
        {"DOI": "10.48550/arXiv.2406.16845"},
        {"url": "https://arxiv.org/abs/2406.16845v2"},
        {"extra": "tex.ids: x\narXiv: 2406.16845"},
        {"publicationTitle": "arXiv preprint arXiv:2406.16845"},
        {"extra": "DOI: 10.48550/arXiv.2406.16845"},  # types without a DOI field keep it there
    ],
)
def test_the_arxiv_id_is_taken_from_each_field_zotero_keeps_it_in(tmp_path, fields):
    with ZoteroLibrary(tmp_path / "Zotero") as library:
        library.add_item("journalArticle", title="Somewhere the id is", **fields)
        library.add_item("journalArticle", title="Nowhere", url="https://example.org/x", extra="no id here")
    ids = {record.title: record.arxiv_id for record, _ in entries(library.path)}
    assert ids == {"Somewhere the id is": "2406.16845", "Nowhere": None}


def directory_state(directory: Path) -> dict[str, tuple[str, int]]:
    return {entry.name: (digest(entry), entry.stat().st_mtime_ns) for entry in directory.iterdir() if entry.is_file()}


def test_reading_writes_nothing_and_creates_no_file_beside_it(tmp_path):
    library = sample_library(tmp_path / "Zotero")
    before = directory_state(library.data_dir)
    assert list(before) == ["zotero.sqlite"]
    assert len(read_zotero(library.path).items) == 4
    assert len(load_corpus([library.path]).papers) == 4
    assert directory_state(library.data_dir) == before  # byte for byte, not even touched; no -wal, -shm, -journal


def test_read_while_zotero_holds_its_exclusive_lock_with_a_write_open(tmp_path):
    library = sample_library(tmp_path / "Zotero")
    with library.zotero_running() as zotero:
        library.add_item("preprint", title="Saved while Zotero runs", archiveID="arXiv:2406.16845")
        library.commit_into_wal(zotero)  # committed: in the -wal only, as Zotero's latest changes are
        zotero.execute("BEGIN IMMEDIATE")
        library.add_item("preprint", title="Not committed yet")
        library.flush(zotero)  # a write transaction left open
        with pytest.raises(sqlite3.OperationalError, match="locked"):  # the lock is real: SQLite's readers wait on it
            sqlite3.connect(library.path, timeout=0).execute("SELECT count(*) FROM items").fetchone()
        before = directory_state(library.data_dir)
        assert "zotero.sqlite-wal" in before and "zotero.sqlite-shm" not in before

        read = read_zotero(library.path)

        assert directory_state(library.data_dir) == before  # nothing written, nothing created
    titles = sorted(record.title for record, _ in pairs(read))
    assert "Saved while Zotero runs" in titles and "Not committed yet" not in titles
    assert len(titles) == 5 and read.copied
    ids = {record.title: record.arxiv_id for record, _ in pairs(read)}
    assert ids["Saved while Zotero runs"] == "2406.16845"


def test_what_a_running_zotero_commits_to_its_wal_is_not_hidden_by_the_kept_load(tmp_path, capsys):
    """Zotero's changes stay in the -wal until a checkpoint: zotero.sqlite keeps its size and
    time, so a kept load keyed by them alone was used again without the new items."""
    from papertui.cli import main

    library = sample_library(tmp_path / "Zotero")
    with library.zotero_running() as zotero:
        library.add_item("preprint", title="Saved first while Zotero runs")
        library.commit_into_wal(zotero)
        assert main(["list", "--query", "saved", str(library.path)]) == 0  # read, indexed, kept in the cache
        assert "Saved first while Zotero runs" in capsys.readouterr().out
        assert main(["list", str(library.path)]) == 0
        assert "Saved first while Zotero runs" in capsys.readouterr().out and "kept" not in capsys.readouterr().err
        database = library.path.stat()
        library.add_item("preprint", title="Saved later while Zotero runs")
        library.commit_into_wal(zotero)
        assert (library.path.stat().st_size, library.path.stat().st_mtime_ns) == (database.st_size, database.st_mtime_ns)
        assert main(["list", str(library.path)]) == 0
    assert "Saved later while Zotero runs" in capsys.readouterr().out


def test_an_empty_wal_of_a_running_zotero_is_read_in_place(tmp_path):
    library = sample_library(tmp_path / "Zotero")
    with library.zotero_running() as zotero:
        zotero.execute("BEGIN IMMEDIATE")
        library.add_item("preprint", title="Not committed yet")
        library.flush(zotero)
        before = directory_state(library.data_dir)
        read = read_zotero(library.path)
        assert directory_state(library.data_dir) == before
    assert len(read.items) == 4 and not read.copied


# --- as an input of papertui ---------------------------------------------------------


def test_a_zotero_sqlite_path_or_its_directory_loads_as_an_input(tmp_path):
    library = sample_library(tmp_path / "Zotero")
    for given in (library.path, library.data_dir):
        corpus = load_corpus([given])
        assert corpus.files[0].format == "zotero-sqlite" and corpus.warnings == []
        assert corpus.files[0].records == 4 and len(corpus.papers) == 4
        assert {paper.arxiv_id for paper in corpus.papers} == {"1706.03762", "1312.5602", None}
        assert all(source.format == "zotero-sqlite" for paper in corpus.papers for source in paper.sources)


def test_a_zotero_data_directory_is_its_database_and_what_else_is_put_there(tmp_path, write):
    """Not the PDFs in storage/, the JavaScript of translators/, the FIFOs of pipes/, the
    backups or the -wal, which would each be a warning; a file of papers put there still is."""
    library = sample_library(tmp_path / "Zotero")
    for name in ("translators/arXiv.org.js", "styles/apa.csl", "zotero.sqlite.bak", "zotero.sqlite.1.bak", "zotero.sqlite-journal"):
        write(f"Zotero/{name}", "// not papers\n")
    write("Zotero/mine.bib", "@article{k, title={A paper of my own}}")
    corpus = load_corpus([library.data_dir])
    assert [report.path.rsplit("/", 1)[-1] for report in corpus.files] == ["mine.bib", "zotero.sqlite"]
    assert corpus.warnings == [] and len(corpus.papers) == 5


def test_a_zotero_paper_merges_with_the_same_paper_from_another_input(tmp_path, write):
    library = sample_library(tmp_path / "Zotero")
    bib = write("refs.bib", "@article{v, title={Attention Is All You Need}, eprint={1706.03762}, archivePrefix={arXiv}}")
    corpus = load_corpus([bib, library.path])
    merged = [paper for paper in corpus.papers if paper.arxiv_id == "1706.03762"]
    assert len(merged) == 1 and {source.format for source in merged[0].sources} == {"bibtex", "zotero-sqlite"}


def test_any_other_sqlite_file_is_one_warning(tmp_path):
    other = tmp_path / "places.sqlite"
    sqlite3.connect(other).execute("CREATE TABLE moz_places (url TEXT)").connection.commit()
    corpus = load_corpus([other])
    assert corpus.papers == [] and len(corpus.warnings) == 1
    assert "without Zotero's tables (items, itemData, itemDataValues, fields, itemTypes)" in corpus.warnings[0]


def test_a_database_on_standard_input_is_one_line_saying_to_give_its_path(tmp_path):
    from papertui.corpus.loader import _load_stream
    from papertui.corpus.merge import CorpusBuilder
    from papertui.corpus.model import FileReport

    library = sample_library(tmp_path / "Zotero")
    report = FileReport("<stdin>")
    with open(library.path, "rb") as stream:
        list(_load_stream(stream, report, CorpusBuilder(), lambda: False))
    assert report.records == 0 and report.warnings == ["<stdin>: a SQLite database cannot be read from standard input; give its path instead"]


def test_by_default_the_zotero_data_directory_is_read_unless_no_zotero(tmp_path, monkeypatch):
    monkeypatch.delenv("PAPERTUI_ZOTERO_DIR", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setenv("PAPERTUI_CONFIG", str(tmp_path / "no-config.toml"))
    assert not any(path.name == "zotero.sqlite" for path in resolve_paths([])[0])  # no ~/Zotero
    default = sample_library(tmp_path / "home" / "Zotero")
    paths, roots = resolve_paths([])
    assert paths[-1] == default.path and roots is not None and roots[-1] == tmp_path / "home"
    assert default.path not in resolve_paths([], with_zotero=False)[0]
    assert resolve_paths([tmp_path / "x.bib"]) == ([tmp_path / "x.bib"], None)  # paths given: only those

    configured = sample_library(tmp_path / "elsewhere" / "zotero-data")
    (tmp_path / "config.toml").write_text(f'[zotero]\ndata_dir = "{configured.data_dir}"\n', encoding="utf-8")
    monkeypatch.setenv("PAPERTUI_CONFIG", str(tmp_path / "config.toml"))
    assert resolve_paths([])[0][-1] == configured.path
    monkeypatch.setenv("PAPERTUI_ZOTERO_DIR", str(default.data_dir))
    assert resolve_paths([])[0][-1] == default.path


def test_the_command_line_takes_no_zotero():
    import argparse

    from papertui.cli.common import add_paths_arguments

    parser = argparse.ArgumentParser()
    add_paths_arguments(parser)
    assert parser.parse_args(["--no-zotero"]).no_zotero and not parser.parse_args([]).no_zotero


@pytest.mark.parametrize("command", ["list", "stats"])
def test_no_zotero_leaves_the_zotero_library_out_of_the_default_inputs(tmp_path, monkeypatch, capsys, command):
    from papertui.cli import main

    library = sample_library(tmp_path / "Zotero")
    monkeypatch.setenv("PAPERTUI_ZOTERO_DIR", str(library.data_dir))
    assert main([command]) == 0
    with_zotero = capsys.readouterr().out
    assert main([command, "--no-zotero"]) == 0
    without = capsys.readouterr().out
    zotero_paper = "zotero.sqlite" if command == "stats" else "Human-level control through deep reinforcement learning"
    assert zotero_paper in with_zotero and zotero_paper not in without


# --- hostile files --------------------------------------------------------------------


def test_a_damaged_database_is_one_line(tmp_path):
    library = sample_library(tmp_path / "Zotero")
    data = bytearray(library.path.read_bytes())
    page_size = int.from_bytes(data[16:18], "big")
    data[page_size:] = b"\xff" * (len(data) - page_size)  # every page after the schema's
    library.path.write_bytes(bytes(data))
    with pytest.raises(ZoteroUnreadable, match="damaged"):
        read_zotero(library.path)
    corpus = load_corpus([library.path])
    assert corpus.papers == [] and len(corpus.warnings) == 1 and "\n" not in corpus.warnings[0]
    assert "SQLite cannot read it" in corpus.warnings[0]


def test_a_cut_database_is_one_line(tmp_path):
    library = sample_library(tmp_path / "Zotero")
    library.path.write_bytes(library.path.read_bytes()[:150])
    corpus = load_corpus([library.path])
    assert corpus.papers == [] and len(corpus.warnings) == 1 and "SQLite cannot" in corpus.warnings[0]


def test_a_file_that_is_not_sqlite_is_refused(tmp_path):
    path = tmp_path / "zotero.sqlite"
    path.write_bytes(b"SQLite format 2\x00" + b"\x00" * 5000)
    with pytest.raises(ZoteroUnreadable, match="not a SQLite database"):
        read_zotero(path)
    path.write_text("Title: not a database\n", encoding="utf-8")
    with pytest.raises(ZoteroUnreadable, match="not a SQLite database"):
        read_zotero(path)


@fifo_only
def test_a_fifo_named_zotero_sqlite_is_refused_at_once(tmp_path):
    fifo = tmp_path / "Zotero" / "zotero.sqlite"
    fifo.parent.mkdir()
    os.mkfifo(fifo)
    outcome: list[object] = []

    def read() -> None:
        try:
            read_zotero(fifo)
        except ZoteroUnreadable as error:
            outcome.append(str(error))
        outcome.append(load_corpus([fifo]).warnings)

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    reader.join(timeout=5)
    if reader.is_alive():  # unblock it, so the test run is not stuck behind it
        with open(fifo, "wb"):
            pass
        pytest.fail("reading a FIFO named zotero.sqlite blocked")
    assert outcome[0] == "a named pipe (FIFO), not a regular file; skipped"
    assert outcome[1] == [f"{fifo}: a named pipe (FIFO), not a regular file; skipped"]


@fifo_only
def test_a_fifo_as_the_wal_is_said_and_the_database_read(tmp_path):
    library = sample_library(tmp_path / "Zotero")
    os.mkfifo(library.data_dir / "zotero.sqlite-wal")
    read = read_zotero(library.path)
    assert len(read.items) == 4
    assert read.warnings == ["zotero.sqlite-wal is a named pipe (FIFO), not a regular file: Zotero's latest changes are not read"]


def test_a_view_named_like_zoteros_tables_is_not_run(tmp_path):
    """A view could run a query without end (a recursive CTE); only tables are read."""
    path = tmp_path / "zotero.sqlite"
    db = sqlite3.connect(path)
    db.executescript((Path(__file__).parent / "fixtures" / "zotero" / "schema.sql").read_text(encoding="utf-8"))
    db.executescript(
        "DROP TABLE items; CREATE VIEW items AS WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n)"
        " SELECT i AS itemID, 1 AS itemTypeID, 'K' AS key FROM n;"
    )
    db.close()
    start = time.monotonic()
    with pytest.raises(ZoteroUnreadable, match=r"without Zotero's tables \(items\)"):
        read_zotero(path)
    assert time.monotonic() - start < 5


def test_a_query_past_the_deadline_is_stopped(tmp_path):
    with ZoteroLibrary(tmp_path / "Zotero") as library:
        for n in range(3000):
            library.add_item("journalArticle", title=f"Paper {n}", tags=[f"t{n}"], creators=[("A", f"B{n}")])
    with pytest.raises(ZoteroUnreadable, match="took over 0 s and was stopped"):
        read_zotero(library.path, deadline=0)


def test_huge_fields_are_cut_inside_sqlite_and_said_with_their_length(tmp_path):
    huge = "word " * 600_000  # 3,000,000 characters
    with ZoteroLibrary(tmp_path / "Zotero") as library:
        collection = library.add_collection("c" * 1_000_000)
        item = library.add_item(
            "journalArticle",
            title=huge,
            abstractNote=huge,
            DOI="10.1/" + "d" * 1_000_000,
            publicationTitle="v" * 1_000_000,
            url="https://example.org/" + "u" * 1_000_000,
            extra="x" * 1_000_000,
            creators=[("f" * 1_000_000, "l" * 1_000_000)],
            tags=["t" * 1_000_000],
            collections=[collection],
        )
        library.add_attachment(item, url="https://arxiv.org/pdf/" + "9" * 1_000_000, filename="a" * 200 + ".pdf")
    start = time.perf_counter()
    [(record, item)] = entries(library.path)
    assert time.perf_counter() - start < 5  # a hang guard; it takes milliseconds
    assert len(record.title) <= MAX_TITLE + 1 and len(record.abstract) <= MAX_ABSTRACT + 1
    assert dict(record.cut) == {"title": 3_000_000, "abstract": 3_000_000}
    assert item.reference.doi is None  # a million characters are no DOI
    assert len(item.reference.venue) <= MAX_FIELD and len(item.tags[0]) <= MAX_FIELD
    assert len(item.collections[0]) <= MAX_FIELD and all(len(name) <= 2 * MAX_FIELD + 1 for name in record.authors)
    assert record.arxiv_id is None
    corpus = load_corpus([library.path])
    assert "record 1: the title has 3,000,000 characters; the first 1,000 are kept" in " ".join(corpus.warnings)
    assert len(corpus.papers[0].title) <= MAX_TITLE + 1


def test_control_characters_never_reach_the_screen(tmp_path):
    with ZoteroLibrary(tmp_path / "Zotero") as library:
        collection = library.add_collection("Re\x1b[2Jading\nlist")
        library.add_item(
            "journalArticle",
            title="A \x1b[31mred\x1b[0m title\x07",
            abstractNote="Abstract \x1b]52;c;cGF5bG9hZA==\x07with a clipboard write",
            DOI="10.1000/\x1b[2Jdoi",
            publicationTitle="Ven\x9bue",
            creators=[("Ann\x1b[1m", "Author\u202e")],
            tags=["ta\x1b[5mg"],
            collections=[collection],
        )
    [(record, item)] = entries(library.path)
    shown = [record.title, record.abstract, *record.authors, item.reference.doi, item.reference.venue, *item.tags, *item.collections]
    assert all(text.isprintable() for text in shown), shown
    assert record.title == "A red title" and item.tags == ("tag",) and item.collections == ("Reading list",)
    assert item.reference.doi == "10.1000/doi" and item.reference.venue == "Venue"
    corpus = load_corpus([library.path])
    assert any("control characters and escape sequences removed" in warning for warning in corpus.warnings)


def test_values_of_any_sqlite_type_are_read_as_text(tmp_path):
    with ZoteroLibrary(tmp_path / "Zotero") as library:
        library.add_item("journalArticle", title=b"Bytes \xff title", date=2020, DOI=10.5, publicationTitle=3.25)
    [(record, item)] = entries(library.path)
    assert record.title == "Bytes \ufffd title" and record.published == "2020"
    assert item.reference.doi is None and item.reference.venue == "3.25"  # 10.5 is no DOI


def test_attachment_paths_never_leave_the_storage_folder(tmp_path):
    with ZoteroLibrary(tmp_path / "Zotero") as library:
        first = library.add_item("journalArticle", title="Escaping")
        library.add_attachment(first, path="storage:../../../etc/passwd")
        second = library.add_item("journalArticle", title="Relative to a base folder")
        library.add_attachment(second, path="attachments:papers/x.pdf", link_mode=LINKED_FILE)
        third = library.add_item("journalArticle", title="Linked")
        library.add_attachment(third, path="/srv/papers/linked.pdf", link_mode=LINKED_FILE)
        fourth = library.add_item("journalArticle", title="Trashed PDF")
        library.add_attachment(fourth, filename="gone.pdf", deleted=True)
    read = read_zotero(library.path)
    pdfs = {record.title: item.pdf for record, item in pairs(read)}
    assert pdfs == {"Escaping": None, "Relative to a base folder": None, "Linked": Path("/srv/papers/linked.pdf"), "Trashed PDF": None}
    assert read.warnings == ["1 attachment paths leave the storage folder or name no file; not used"]


def test_a_loop_of_parent_collections_ends(tmp_path):
    with ZoteroLibrary(tmp_path / "Zotero") as library:
        first = library.add_collection("A")
        second = library.add_collection("B", first)
        library.add_item("journalArticle", title="Looped", collections=[second])
        library.db.execute("UPDATE collections SET parentCollectionID = ? WHERE collectionID = ?", (second, first))
    [(_, item)] = entries(library.path)
    assert item.collections == ("A/B",)


def build_many(data_dir: Path, count: int) -> Path:
    with ZoteroLibrary(data_dir) as library:
        collections = [library.add_collection(f"Topic {n}") for n in range(20)]
        for n in range(count):
            item = library.add_item(
                "preprint",
                title=f"Paper {n} on sparse graph kernels",
                abstractNote=f"We study problem {n}. " + "Graph kernels scale to large sparse inputs. " * 20,
                date="2021-03-04 2021-03-04",
                DOI=f"10.1000/x{n}",
                repository="arXiv",
                creators=[(f"Ann{n}", "Author"), ("Bob", f"Builder{n % 100}")],
                tags=[f"t{n % 50}", "ml"],
                collections=[collections[n % 20]],
            )
            library.add_attachment(item, url=f"https://arxiv.org/pdf/2103.{n:05d}", content=None)
            library.add_note(item)
    return library.path


@pytest.mark.xdist_group("timing")  # n vs 8n timings: under -n, on the worker that runs the others
def test_reading_is_linear_in_the_number_of_items(tmp_path):
    """8 times the items take about 8 times as long (quadratic: 64); 10,000 items are
    measured in the report (well under 2 s)."""
    times = []
    for count in (400, 3200):
        path = build_many(tmp_path / f"Zotero-{count}", count)
        best = float("inf")
        for _ in range(3):
            start = time.perf_counter()
            items = read_zotero(path).items
            best = min(best, time.perf_counter() - start)
        assert len(items) == count and items[-1].record.arxiv_id == f"2103.{count - 1:05d}"
        times.append(best)
    assert times[1] / times[0] < 20, f"8x the items took {times[1] / times[0]:.1f}x as long"


def test_the_help_names_the_zotero_database_among_the_formats():
    from papertui.cli.common import formats_help

    assert "zotero-sqlite" in formats_help() and "never written" in formats_help()
