"""Zotero papers as first-class papers: a paper carries its DOI, venue, Zotero collections, key
and stored PDF from every reader through merging and the kept load; the list marks it, the
detail pane names its collections, `in:zotero` and `collection:` find it, `o` and `full:` use
its PDF in Zotero's storage."""

from __future__ import annotations

import dataclasses
import json
import os
import shutil
import tempfile
from pathlib import Path

import pytest

from papertui.cache.snapshot import CACHE_DIR_VARIABLE
from papertui.corpus import load_corpus
from papertui.corpus.merge import CorpusBuilder
from papertui.corpus.model import FileReport, Record, Source
from papertui.loading import load_and_index
from zotero_library import LINKED_FILE, ZoteroLibrary

FIXTURES = Path(__file__).resolve().parent / "fixtures"
ATTENTION = "Attention Is All You Need"
ATARI = "Human-level control through deep reinforcement learning"
RESNET = "Deep Residual Learning for Image Recognition"


def zotero_library(data_dir: Path) -> ZoteroLibrary:
    """Three papers in collections, one with its PDF in storage/, one outside any collection."""
    library = ZoteroLibrary(data_dir)
    thesis = library.add_collection("Thesis")
    related = library.add_collection("Related work", thesis)
    reading = library.add_collection("Reading group")
    attention = library.add_item(
        "preprint",
        title=ATTENTION,
        abstractNote="The dominant sequence transduction models are based on recurrent networks.",
        date="2017-06-12 2017-06-12",
        repository="arXiv",
        archiveID="arXiv:1706.03762",
        DOI="10.48550/arXiv.1706.03762",
        creators=[("Ashish", "Vaswani"), ("Noam", "Shazeer")],
        collections=[related, reading],
    )
    library.add_attachment(attention, url="https://arxiv.org/pdf/1706.03762v7", filename="Vaswani - 2017.pdf")
    atari = library.add_item(
        "journalArticle",
        title=ATARI,
        date="2015-02-00 February 2015",
        DOI="10.1038/nature14236",
        publicationTitle="Nature",
        creators=[("Volodymyr", "Mnih")],
        collections=[thesis],
    )
    library.add_attachment(atari, url="https://arxiv.org/pdf/1312.5602", filename="Mnih.pdf")
    library.add_item(
        "conferencePaper",
        title=RESNET,
        date="2016-00-00 2016",
        proceedingsTitle="Proceedings of CVPR",
        DOI="10.1109/CVPR.2016.90",
        creators=[("Kaiming", "He")],
    )
    library.close()
    return library


def by_title(papers) -> dict:
    return {paper.title: paper for paper in papers}


# --- the model: read, merged, kept -----------------------------------------------------


def test_a_zotero_paper_has_its_doi_venue_collections_key_and_stored_pdf(tmp_path):
    library = zotero_library(tmp_path / "Zotero")
    papers = by_title(load_corpus([library.path]).papers)
    atari = papers[ATARI]
    assert atari.doi == "10.1038/nature14236" and atari.venue == "Nature" and atari.collections == ("Thesis",)
    assert atari.zotero_key is not None and len(atari.zotero_key) == 8 and atari.in_zotero
    assert atari.local_pdf == str(library.data_dir / "storage" / Path(atari.local_pdf).parent.name / "Mnih.pdf")
    attention = papers[ATTENTION]
    assert attention.collections == ("Reading group", "Thesis/Related work") and attention.venue == "arXiv"
    assert papers[RESNET].venue == "Proceedings of CVPR" and papers[RESNET].local_pdf is None and papers[RESNET].collections == ()


def test_the_same_paper_in_zotero_and_in_a_bib_with_its_doi_merges(tmp_path, write):
    """No arXiv id, a title too short to prove anything: the DOI (any case) is the same paper."""
    library = zotero_library(tmp_path / "Zotero")
    bib = write("refs.bib", "@inproceedings{he, title={ResNet}, doi={10.1109/cvpr.2016.90}, booktitle={CVPR}}")
    corpus = load_corpus([bib, library.path])
    assert len(corpus.papers) == 3
    resnet = next(paper for paper in corpus.papers if paper.doi and paper.doi.lower() == "10.1109/cvpr.2016.90")
    assert {source.format for source in resnet.sources} == {"bibtex", "zotero-sqlite"}
    # Zotero's copy ranks before BibTeX's: its title, DOI and venue win
    assert resnet.title == RESNET and resnet.doi == "10.1109/CVPR.2016.90" and resnet.venue == "Proceedings of CVPR"
    assert resnet.in_zotero and resnet.zotero_key


def test_merging_takes_the_first_doi_venue_key_and_pdf_by_precedence_and_every_collection():
    builder = CorpusBuilder()
    report = FileReport("x")
    abstract = "An abstract long enough to be a merge key of its own, shared by both records."
    zotero = Record(abstract, title="A paper", doi="10.1/a", venue="Nature", collections=("B", "A/C"), zotero_key="KEY1", local_pdf="/z/storage/KEY1/a.pdf")
    other = Record(abstract, title="A paper", doi="10.1/b", venue="Elsewhere", collections=("A/C", "D"), zotero_key="KEY2", local_pdf="/y.pdf")
    builder.add(other, Source("b.ris", 1, "ris"), report)
    builder.add(zotero, Source("zotero.sqlite", 1, "zotero-sqlite"), report)
    builder.finish()
    (paper,) = builder.papers
    assert (paper.doi, paper.venue, paper.zotero_key, paper.local_pdf) == ("10.1/a", "Nature", "KEY1", "/z/storage/KEY1/a.pdf")
    assert paper.collections == ("A/C", "B", "D")
    assert builder.kept_records[0][0][0].collections in {("B", "A/C"), ("A/C", "D")}


def loaded(folder: Path):
    steps = list(load_and_index([folder]))
    return [s for s in steps if not s.after_done][-1]


def papers_of(step) -> list[str]:
    return sorted(json.dumps(dataclasses.asdict(p), sort_keys=True) for p in step.corpus.papers)


def test_the_kept_load_and_its_update_keep_every_new_field(tmp_path, write):
    folder = tmp_path / "papers"
    zotero_library(folder / "Zotero")
    write("papers/refs.bib", "@inproceedings{he, title={ResNet}, doi={10.1109/cvpr.2016.90}, booktitle={CVPR}}")
    fresh = loaded(folder)
    assert not fresh.cached
    again = loaded(folder)
    assert again.cached and papers_of(again) == papers_of(fresh)
    resnet = next(p for p in again.corpus.papers if p.title == RESNET)
    assert resnet.doi == "10.1109/CVPR.2016.90" and resnet.zotero_key and resnet.in_zotero
    attention = next(p for p in again.corpus.papers if p.title == ATTENTION)
    assert attention.collections == ("Reading group", "Thesis/Related work") and attention.local_pdf
    # a changed file merges again from the kept records (merge_state), as a full read would
    write("papers/refs.bib", "@inproceedings{he, title={ResNet}, doi={10.1109/cvpr.2016.90}, booktitle={CVPR}}\n@misc{n, title={A new paper of mine}}")
    updated = loaded(folder)
    kept = os.environ[CACHE_DIR_VARIABLE]
    os.environ[CACHE_DIR_VARIABLE] = tempfile.mkdtemp(prefix="full-read-")
    try:
        full = loaded(folder)
    finally:
        shutil.rmtree(os.environ[CACHE_DIR_VARIABLE], ignore_errors=True)
        os.environ[CACHE_DIR_VARIABLE] = kept
    assert papers_of(updated) == papers_of(full) and len(full.corpus.papers) == 4


# --- the other readers -----------------------------------------------------------------


def test_ris_csl_json_and_bibtex_give_the_doi_and_venue(write):
    ris = write("a.ris", "TY  - JOUR\nTI  - A RIS paper with a venue\nDO  - 10.1000/ris.1\nJO  - Journal of RIS\nER  - \n")
    csl = write("b.json", json.dumps([{"type": "article-journal", "title": "A CSL paper with a venue", "DOI": "10.1000/csl.1", "container-title": "CSL Letters"}]))
    bib = write("c.bib", "@article{k, title={A BibTeX paper with a venue}, doi={https://doi.org/10.1000/bib.1}, journal={Bib {\\\"U}ber}}\n"
                "@article{a, title={An arXiv preprint in BibTeX}, journal={arXiv preprint arXiv:2401.00001}}")  # fmt: skip
    papers = by_title(load_corpus([ris, csl, bib]).papers)
    assert (papers["A RIS paper with a venue"].doi, papers["A RIS paper with a venue"].venue) == ("10.1000/ris.1", "Journal of RIS")
    assert (papers["A CSL paper with a venue"].doi, papers["A CSL paper with a venue"].venue) == ("10.1000/csl.1", "CSL Letters")
    assert (papers["A BibTeX paper with a venue"].doi, papers["A BibTeX paper with a venue"].venue) == ("10.1000/bib.1", "Bib Über")
    assert papers["An arXiv preprint in BibTeX"].venue is None  # an id, not a venue
    assert not any(paper.in_zotero for paper in papers.values())


# --- list --format json ----------------------------------------------------------------


def test_list_json_has_the_doi_venue_collections_and_in_zotero(tmp_path, write, capsys):
    from papertui.cli import main

    library = zotero_library(tmp_path / "Zotero")
    bib = write("refs.bib", "@article{k, title={A paper only in my BibTeX file}}")
    assert main(["list", "--format", "json", str(library.path), str(bib)]) == 0
    listed = {entry["title"]: entry for entry in json.loads(capsys.readouterr().out)}
    atari = listed[ATARI]
    assert (atari["doi"], atari["venue"], atari["collections"], atari["in_zotero"]) == ("10.1038/nature14236", "Nature", ["Thesis"], True)
    mine = listed["A paper only in my BibTeX file"]
    assert (mine["doi"], mine["venue"], mine["collections"], mine["in_zotero"]) == (None, None, [], False)


def test_the_json_doi_is_the_papers_own_else_semantic_scholars():
    from papertui.corpus.model import Paper
    from papertui.export.json import paper_record
    from papertui.sources.citations.model import Citations

    found = Citations("2026-01-01T00:00:00Z", doi="10.9/s2", venue="S2 Venue")
    assert paper_record(Paper("T", "A", doi="10.1/own", venue="Own"), citations=found)["doi"] == "10.1/own"
    assert paper_record(Paper("T", "A", doi="10.1/own", venue="Own"), citations=found)["venue"] == "Own"
    assert paper_record(Paper("T", "A"), citations=found)["doi"] == "10.9/s2"


# --- the list's mark and the detail pane -----------------------------------------------


def list_line(app, row: int) -> str:
    return app.paper_list.render_line(row).text


async def test_the_list_marks_papers_in_zotero_and_the_detail_pane_names_their_collections(tmp_path, write):
    from helpers import settle

    from papertui.cli import make_app
    from papertui.ui.paper_list import ZOTERO_MARKER

    library = zotero_library(tmp_path / "Zotero")
    bib = write("refs.bib", "@article{k, title={A paper only in my BibTeX file}, abstract={Nothing of it is elsewhere.}}")
    app = make_app(corpus=load_corpus([bib, library.path]))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("enter")  # to the list
        seen = {}
        for row in range(4):
            paper = app.detail.paper
            seen[paper.title] = (list_line(app, row - app.paper_list.scroll_offset.y), app.detail.text)
            await pilot.press("down")
    assert len(seen) == 4
    for title in (ATTENTION, ATARI, RESNET):
        line, _ = seen[title]
        assert f" {ZOTERO_MARKER}" in line.split(title[:20], 1)[1], line  # right of the title
    line, detail = seen["A paper only in my BibTeX file"]
    assert ZOTERO_MARKER not in line and "Zotero" not in detail and "in:zotero" not in line
    assert "Zotero   in Reading group, Thesis/Related work" in seen[ATTENTION][1]
    assert "Zotero   in your library, in no collection" in seen[RESNET][1]
    assert "DOI      10.1038/nature14236" in seen[ATARI][1] and "Venue    Nature" in seen[ATARI][1]


def test_collection_names_reach_the_detail_pane_as_text_without_control_characters():
    from papertui.corpus.model import Paper
    from papertui.ui.detail import paper_details

    paper = Paper("T", "A", zotero_key="ABCD2345", collections=("[bold]Mine[/bold]\x1b[2J/Sub\x07",), venue="[red]V\x1b]0;x\x07")
    shown = paper_details(paper)
    assert "in [bold]Mine[/bold]/Sub\n" in shown.plain and "Venue    [red]V\n" in shown.plain  # escapes stripped whole
    assert not any(ord(char) < 32 and char != "\n" for char in shown.plain)
    assert not any(span.style == "bold" for span in shown.spans if shown.plain[span.start : span.end] == "Mine")


# --- PDFs in Zotero's storage ----------------------------------------------------------


def zotero_pdf_paths(tmp_path: Path):
    """A library whose one item has a real PDF with text in storage/, and the paper."""
    from pdf_writer import make_pdf

    library = ZoteroLibrary(tmp_path / "Zotero")
    item = library.add_item("journalArticle", title="A paper whose PDF only Zotero has", DOI="10.1000/only.zotero")
    library.add_attachment(item, filename="Only Zotero.pdf", content=make_pdf(["Attention Is All You Need", "We propose the platypus transformer."]))
    linked = library.add_item("journalArticle", title="A paper linked to a file elsewhere", DOI="10.1000/linked")
    outside = tmp_path / "linked\x1b[31m.pdf"
    outside.write_bytes(b"%PDF-1.4\n")
    library.add_attachment(linked, path=str(outside), link_mode=LINKED_FILE, content=None)
    library.close()
    return library, load_corpus([library.path]).papers


def directory_state(directory: Path) -> dict[str, tuple[int, int]]:
    return {str(p): (p.stat().st_size, p.stat().st_mtime_ns) for p in sorted(directory.rglob("*"))}


def test_only_a_regular_pdf_inside_a_zotero_storage_folder_is_used(tmp_path):
    from papertui.pdfs.zotero_pdfs import zotero_storage_pdf

    library, papers = zotero_pdf_paths(tmp_path)
    paper, linked = sorted((p for p in papers if p.local_pdf), key=lambda p: "linked" in p.title)
    stored = Path(paper.local_pdf)
    assert zotero_storage_pdf(paper.local_pdf) == stored.resolve()
    outside = tmp_path / "secret.pdf"
    outside.write_bytes(b"%PDF-1.4\n")
    escape = stored.parent / "escape.pdf"
    escape.symlink_to(outside)  # a link in storage/ to a file elsewhere
    fifo = stored.parent / "fifo.pdf"
    os.mkfifo(fifo)
    (stored.parent / "notes.txt").write_text("not a PDF")
    (stored.parent / "folder.pdf").mkdir()
    lookalike = tmp_path / "NotZotero" / "storage" / "ABCD2345" / "a.pdf"  # no zotero.sqlite beside storage/
    lookalike.parent.mkdir(parents=True)
    lookalike.write_bytes(b"%PDF-1.4\n")
    for refused in (linked.local_pdf, outside, escape, fifo, stored.parent / "notes.txt", stored.parent / "folder.pdf", lookalike, "storage/X/a.pdf", "", None,
                    library.data_dir / "storage" / ".." / "storage" / "missing" / "a.pdf"):  # fmt: skip
        assert zotero_storage_pdf(refused) is None, refused


def test_o_hands_only_zoteros_stored_pdf_to_the_viewer_and_refuses_anything_else_in_one_line(tmp_path):
    import time

    from papertui.pdfs.viewer import open_zotero_pdf

    library, papers = zotero_pdf_paths(tmp_path)
    paper, linked = sorted((p for p in papers if p.local_pdf), key=lambda p: "linked" in p.title)
    assert linked.local_pdf and "storage" not in linked.local_pdf  # Zotero's reader gives a linked file's path
    log, viewer = tmp_path / "viewer.log", tmp_path / "viewer"
    viewer.write_text(f'#!/bin/sh\necho "$@" >> {log}\n')
    viewer.chmod(0o755)
    environ = {"PAPERTUI_PDF_VIEWER": f"{viewer} %s"}
    refused = open_zotero_pdf(linked.local_pdf, environ)
    assert not refused.opened and "refused" in refused.how and "Zotero" in refused.how
    assert "\n" not in refused.how and "\x1b" not in refused.how
    assert open_zotero_pdf(paper.local_pdf, environ).opened
    for _ in range(300):
        if log.exists() and log.read_text():
            break
        time.sleep(0.01)
    assert log.read_text().strip() == str(Path(paper.local_pdf).resolve())


def test_the_text_of_zoteros_pdf_is_kept_in_papertuis_data_directory_never_beside_it(tmp_path, data_dir):
    pytest.importorskip("pypdfium2")
    from papertui.pdfs.store import PdfStore

    library, papers = zotero_pdf_paths(tmp_path)
    paper = next(p for p in papers if p.local_pdf and "storage" in p.local_pdf)
    before = directory_state(library.data_dir)
    texts = PdfStore().zotero_texts
    texts.note_papers([(7, paper.local_pdf)])
    assert texts.wanted() == [paper.local_pdf] and texts.full_text(paper.local_pdf) is None
    assert texts.ensure_text(paper.local_pdf) is None
    assert directory_state(library.data_dir) == before  # nothing written in Zotero's data directory
    assert [p.parent for p in texts.root.iterdir()] == [data_dir / "zotero-texts"]
    assert "platypus transformer" in (texts.full_text(paper.local_pdf) or "")
    assert texts.matching(["platypus", "transformer"]) == [(7, paper.local_pdf)] and texts.matching(["wombat"]) == []
    assert texts.ensure_text(str(tmp_path / "elsewhere.pdf")).startswith("refused")


async def test_the_app_extracts_zoteros_pdf_text_after_loading_and_opens_the_pdf_from_zotero(tmp_path, monkeypatch):
    pytest.importorskip("pypdfium2")
    import time

    from helpers import settle

    from papertui.cli import make_app

    library, papers = zotero_pdf_paths(tmp_path)
    viewer = tmp_path / "viewer"
    viewer.write_text("#!/bin/sh\nexit 0\n")
    viewer.chmod(0o755)
    monkeypatch.setenv("PAPERTUI_PDF_VIEWER", f"{viewer} %s")
    app = make_app(corpus=load_corpus([library.path]))
    before = directory_state(library.data_dir)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        app._look_at_pdf_files()  # what its timer does every 2 s
        texts = app.pdfs.zotero_texts
        paper = next(p for p in app.corpus.papers if p.local_pdf and "storage" in p.local_pdf)
        linked = next(p for p in app.corpus.papers if p.local_pdf and p is not paper)
        deadline = time.monotonic() + 10
        while texts.full_text(paper.local_pdf) is None:
            assert time.monotonic() < deadline, "no text extracted"
            await pilot.pause(0.05)
        assert texts.wanted() == [paper.local_pdf, linked.local_pdf]
        assert app.zotero_pdfs_of(list(app.corpus.papers)) == [paper, linked]
        app.open_zotero_pdfs([paper, linked])
        await settle(pilot)
        said = [(n.title, n.message) for n in app._notifications]
        assert any(title == "Opened the PDF" and "Zotero" in message for title, message in said), said
        refusals = [message for title, message in said if title == "PDF in Zotero, not opened"]
        assert len(refusals) == 1 and refusals[0].startswith("refused to open") and "\n" not in refusals[0]
        assert app.marks.get(paper) is not None and app.marks.get(paper).read  # opened: read, as o on a download
    assert directory_state(library.data_dir) == before


async def test_o_opens_the_pdf_stored_in_zotero(tmp_path, monkeypatch):
    """A paper not in papertui's PDF library but with a PDF in Zotero's storage: `o` opens that
    file (not the arXiv link), and the paper counts as read."""
    import time

    from helpers import settle

    from papertui.cli import make_app

    library, papers = zotero_pdf_paths(tmp_path)
    viewer = tmp_path / "viewer"
    opened = tmp_path / "opened"
    viewer.write_text(f'#!/bin/sh\necho "$1" >> {opened}\n')
    viewer.chmod(0o755)
    monkeypatch.setenv("PAPERTUI_PDF_VIEWER", f"{viewer} %s")
    monkeypatch.setenv("BROWSER", f"{viewer} %s")
    app = make_app(corpus=load_corpus([library.path]))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        paper = next(p for p in app.corpus.papers if p.local_pdf and "storage" in p.local_pdf)
        app.paper_list.cursor = list(app.paper_list.rows).index(app.corpus.papers.index(paper))
        app.paper_list.focus()
        await settle(pilot)
        await pilot.press("o")
        deadline = time.monotonic() + 10
        while not opened.exists():
            assert time.monotonic() < deadline, "nothing was opened"
            await pilot.pause(0.05)
        await settle(pilot)
        assert opened.read_text().strip().endswith(".pdf") and "storage" in opened.read_text()
        assert app.marks.get(paper) is not None and app.marks.get(paper).read


# --- RIS and CSL-JSON out: the export dialog and list --format -------------------------


async def test_the_export_dialog_writes_ris_and_csl_json_that_read_back(tmp_path):
    from helpers import settle

    from papertui.cli import make_app
    from papertui.ui.prompts import ExportScreen

    library = zotero_library(tmp_path / "Zotero")
    app = make_app(corpus=load_corpus([library.path]))
    ris, csl = tmp_path / "out.ris", tmp_path / "out.json"
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("enter", "a", "e")  # every paper
        assert isinstance(app.screen, ExportScreen)
        await pilot.press("down", "down", "down", *str(ris), "enter")  # BibTeX -> Markdown -> JSON -> RIS
        await settle(pilot)
        await pilot.press("e", "down", *str(csl), "enter")  # RIS -> CSL-JSON
        await settle(pilot)
    assert ris.read_text().startswith("TY  - ") and json.loads(csl.read_text())[0]["type"]
    for written in (ris, csl):
        again = by_title(load_corpus([written]).papers)
        assert sorted(again) == sorted([ATTENTION, ATARI, RESNET]), written
        assert again[ATARI].doi == "10.1038/nature14236" and again[ATARI].authors == ("Volodymyr Mnih",)
        assert again[ATTENTION].arxiv_id == "1706.03762"


def test_the_export_dialog_offers_ris_and_csl_json(snap_compare):
    from helpers import make_corpus, make_paper
    from helpers import settle as settle_workers
    from textual.widgets import Input

    from papertui.cli import make_app

    async def run_before(pilot) -> None:
        await settle_workers(pilot)
        await pilot.press("enter", "e")
        await settle_workers(pilot)
        for field in pilot.app.query(Input):
            field.cursor_blink = False
        await pilot.pause()

    corpus = make_corpus(make_paper(ATTENTION, arxiv_id="1706.03762", published="2017-06-12"), make_paper(RESNET, doi="10.1109/CVPR.2016.90"))
    assert snap_compare(make_app(corpus=corpus), terminal_size=(120, 36), run_before=run_before)


# --- the command line -------------------------------------------------------------------


def test_add_says_a_doi_is_accepted_when_an_argument_is_none_of_them(capsys):
    from papertui.cli import main

    assert main(["add", "not-an-id"]) == 2
    err = capsys.readouterr().err
    assert "'not-an-id' is not an arXiv id, URL or DOI; skipped" in err and err.count("\n") == 2


# --- in:zotero and collection: ------------------------------------------------------------


def listed(capsys, *argv) -> dict:
    from papertui.cli import main

    assert main(["list", "--format", "json", *argv]) == 0
    return {entry["title"]: entry for entry in json.loads(capsys.readouterr().out)}


def test_a_running_zoteros_regular_items_with_dois_and_arxiv_ids_and_in_zotero_filters_to_them(tmp_path, write, capsys):
    """Done when (issue 28): a Zotero data directory, locked by a running Zotero with its latest
    changes in the -wal, lists its regular items only, and in:zotero filters to them."""
    library = zotero_library(tmp_path / "Zotero")
    bib = write("refs.bib", "@article{k, title={A paper only in my BibTeX file}}\n@misc{v, title={Attention Is All You Need}, eprint={1706.03762}, archivePrefix={arXiv}}")
    with library.zotero_running() as zotero:
        item = library.add_item("preprint", title="Saved while Zotero runs", DOI="10.48550/arXiv.2406.16845", collections=[3])
        library.add_note(item)
        library.add_attachment(None, url="https://arxiv.org/pdf/2001.00001", filename="standalone.pdf")
        library.commit_into_wal(zotero)
        assert (library.data_dir / "zotero.sqlite-wal").stat().st_size > 0
        everything = listed(capsys, str(bib), str(library.data_dir))
        in_zotero = listed(capsys, "--query", "in:zotero", str(bib), str(library.data_dir))
        outside = listed(capsys, "--query", "!in:zotero", str(bib), str(library.data_dir))
    assert sorted(in_zotero) == sorted([ATTENTION, ATARI, RESNET, "Saved while Zotero runs"])  # no note, no attachment
    assert sorted(outside) == ["A paper only in my BibTeX file"] and len(everything) == 5
    assert in_zotero[ATARI]["arxiv_id"] == "1312.5602" and in_zotero[ATARI]["doi"] == "10.1038/nature14236"  # the id from the PDF's URL
    assert in_zotero["Saved while Zotero runs"]["arxiv_id"] == "2406.16845"
    assert in_zotero["Saved while Zotero runs"]["collections"] == ["Reading group"]
    assert {source["format"] for source in in_zotero[ATTENTION]["sources"]} == {"bibtex", "zotero-sqlite"}  # merged, and in Zotero


@pytest.mark.parametrize(
    ("query", "titles"),
    [
        ("collection:thesis", {ATTENTION, ATARI}),  # Thesis, and Thesis/Related work under it
        ("collection:RELATED", {ATTENTION}),  # a child's name, any case
        ('collection:"thesis/related work"', {ATTENTION}),
        ("collection:thesis/rel", {ATTENTION}),  # the start of a whole path
        ("collection:reading", {ATTENTION}),
        # names start with it, not contain it ("Related work"); a venue is no collection
        ("collection:work | collection:nature | collection:reading", {ATTENTION}),
        ("!collection:thesis", {RESNET, "A paper only in my BibTeX file"}),
        ("collection:reading | collection:thesis", {ATTENTION, ATARI}),
        ("in:zotero !collection:thesis", {RESNET}),
        ("!in:zotero | collection:thesis", {ATTENTION, ATARI, "A paper only in my BibTeX file"}),
    ],
)
def test_collection_filters_by_name_at_any_depth_or_by_path_negated_and_joined(tmp_path, write, capsys, query, titles):
    library = zotero_library(tmp_path / "Zotero")
    bib = write("refs.bib", "@article{k, title={A paper only in my BibTeX file}}")
    assert set(listed(capsys, "--query", query, str(bib), str(library.path))) == titles


def test_in_and_collection_are_read_as_words_when_they_cannot_be_filters():
    from papertui.search.query import parse_query

    query = parse_query("in:mendeley")
    assert query.groups[0][0].kind == "words" and "in:mendeley is not a filter (in:zotero): read as words" in query.notes
    assert parse_query("IN:Zotero").groups[0][0].kind == "in"
    assert parse_query('collection:"Thesis/Related Work"').groups[0][0].value == "thesis/related work"
    assert parse_query("collection:/").empty and parse_query("collection:/").notes


async def test_in_zotero_and_full_in_the_app_find_zoteros_papers_and_the_text_of_its_pdfs(tmp_path, write):
    pytest.importorskip("pypdfium2")
    import time

    from helpers import settle

    from papertui.cli import make_app

    library, _ = zotero_pdf_paths(tmp_path)
    bib = write("refs.bib", "@article{k, title={A paper only in my BibTeX file}}")
    app = make_app(corpus=load_corpus([bib, library.path]))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press(*"in:zotero")
        await settle(pilot)
        shown = {app.corpus.papers[i].title for i in app.paper_list.rows}
        assert shown == {"A paper whose PDF only Zotero has", "A paper linked to a file elsewhere"}
        app._look_at_pdf_files()  # what its timer does every 2 s: the Zotero PDF's text is extracted
        deadline = time.monotonic() + 10
        while not app.pdfs.zotero_texts.matching(["platypus"]):
            assert time.monotonic() < deadline, "no text extracted"
            await pilot.pause(0.05)
        await settle(pilot)
        await pilot.press(*" full:platypus")
        await settle(pilot)
        assert [app.corpus.papers[i].title for i in app.paper_list.rows] == ["A paper whose PDF only Zotero has"]
