"""The PDF library in the app: d downloads (against a local server), o opens the local file
with the configured viewer or says where it is, the list and the detail pane show it,
is:downloaded and full: filter, and l lists a paper's links."""

from __future__ import annotations

import time

import pytest

from fake_pdfs import FakePdfServer
from helpers import make_corpus, make_paper, settle
from papertui.cli import make_app
from papertui.pdfs.store import PdfStore
from papertui.ui.links_screen import LinksScreen
from papertui.ui.paper_list import PDF_MARKER
from pdf_writer import make_pdf

ATTENTION = make_pdf(["Attention Is All You Need", "The dominant models are based on recurrent networks."])
ABSTRACT = (
    "We propose the Transformer. Code: https://github.com/tensorflow/tensor2tensor and a demo at "
    "https://huggingface.co/spaces/demo/[brackets], see also https://arxiv.org/abs/1706.03762."
)


@pytest.fixture
def pdf_server(monkeypatch, clock):
    server = FakePdfServer({"1706.03762": ATTENTION})
    monkeypatch.setenv("PAPERTUI_ARXIV_PDF", server.url)
    yield server
    server.close()


def corpus():
    return make_corpus(
        make_paper("Attention Is All You Need", ABSTRACT, arxiv_id="1706.03762", links=("https://github.com/tensorflow/tensor2tensor",)),
        make_paper("A listing without an id", "Nothing to download here."),
    )


def messages(app) -> list[str]:
    return [f"{n.title}: {n.message}" for n in app._notifications]


def list_line(app, row: int = 0) -> str:
    return app.paper_list.render_line(row).text


async def wait_for(pilot, condition, seconds: float = 10.0) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        await pilot.pause(0.05)


async def test_d_downloads_and_the_list_and_detail_pane_show_the_file(pdf_server):
    app = make_app(corpus=corpus())
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        await pilot.press("enter")  # to the list
        assert PDF_MARKER not in list_line(app)
        await pilot.press("d")
        await wait_for(pilot, lambda: any(n.title == "Downloaded" for n in app._notifications))
        await settle(pilot)
        path = PdfStore().root / "1706.03762.pdf"
        assert path.read_bytes() == ATTENTION
        assert any(str(path) in text for text in messages(app))
        assert PDF_MARKER in list_line(app)
        shown = app.detail.text
        assert "On disk" in shown and str(path) in shown and "First page of the PDF" in shown
        assert "full text searchable with full:" in shown
        await pilot.press("d")  # already there: says where
        await pilot.pause()
        assert any("Already downloaded" in text for text in messages(app))


async def test_a_paper_without_an_id_is_not_downloaded_and_i_is_suggested(pdf_server):
    app = make_app(corpus=corpus())
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        await pilot.press("enter", "j", "d")
        await pilot.pause()
        assert any("no arXiv id" in text and "i finds the id" in text for text in messages(app))
        assert pdf_server.requests == []


async def test_is_downloaded_and_full_filter_in_the_app(pdf_server):
    app = make_app(corpus=corpus())
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        await pilot.press(*"is:downloaded")
        await settle(pilot)
        assert len(app.result.rows) == 0
        await pilot.press("escape", "enter", "d")
        await wait_for(pilot, lambda: any(n.title == "Downloaded" for n in app._notifications))
        await pilot.press("slash", *"full:recurrent")
        await settle(pilot)
        assert [app.corpus.papers[i].arxiv_id for i in app.result.rows] == ["1706.03762"]
        # deleted by hand: the list forgets it at the next look
        (PdfStore().root / "1706.03762.pdf").unlink()
        app.filter_bar.value = "is:downloaded"
        await wait_for(pilot, lambda: app.result is not None and app.result.query == "is:downloaded" and not app.result.rows)


async def test_o_opens_the_local_file_with_the_viewer_and_marks_it_read(pdf_server, tmp_path, monkeypatch):
    log = tmp_path / "viewer.log"
    viewer = tmp_path / "viewer"
    viewer.write_text(f'#!/bin/sh\necho "$@" >> {log}\n')
    viewer.chmod(0o755)
    monkeypatch.setenv("PAPERTUI_PDF_VIEWER", f"{viewer} %s")
    monkeypatch.setenv("BROWSER", "false")  # the browser must not be the one used
    app = make_app(corpus=corpus())
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        await pilot.press("enter", "d")
        await wait_for(pilot, lambda: any(n.title == "Downloaded" for n in app._notifications))
        await pilot.press("o")
        await wait_for(pilot, lambda: log.exists() and log.read_text().strip() != "")
        assert log.read_text().split() == [str(PdfStore().root / "1706.03762.pdf")]
        await wait_for(pilot, lambda: app.marks.get(app.corpus.papers[0]) is not None and app.marks.get(app.corpus.papers[0]).read)


async def test_o_over_ssh_says_where_the_file_is_and_copies_the_path(pdf_server, monkeypatch):
    monkeypatch.delenv("PAPERTUI_PDF_VIEWER", raising=False)
    monkeypatch.setenv("SSH_CONNECTION", "10.0.0.1 22 10.0.0.2 22")
    app = make_app(corpus=corpus())
    copied = []
    monkeypatch.setattr("papertui.ui.actions.copy_with_pyperclip", lambda text: copied.append(text) or True)
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        await pilot.press("enter", "d")
        await wait_for(pilot, lambda: any(n.title == "Downloaded" for n in app._notifications))
        await pilot.press("o")
        await wait_for(pilot, lambda: any(n.title == "PDF on disk, not opened" for n in app._notifications))
        path = str(PdfStore().root / "1706.03762.pdf")
        note = next(n.message for n in app._notifications if n.title == "PDF on disk, not opened")
        assert "No display" in note and path in note and copied == [path]


async def test_l_lists_the_links_whole_and_opens_or_copies_one(monkeypatch, tmp_path):
    log = tmp_path / "browser.log"
    browser = tmp_path / "browser"
    browser.write_text(f'#!/bin/sh\necho "$@" >> {log}\n')
    browser.chmod(0o755)
    monkeypatch.setenv("BROWSER", str(browser))
    copied = []
    monkeypatch.setattr("papertui.ui.actions.copy_with_pyperclip", lambda text: copied.append(text) or True)
    app = make_app(corpus=corpus())
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        await pilot.press("enter", "l")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, LinksScreen)
        # the paper's own arXiv link is left out: o and y have it
        assert screen.links == ["https://github.com/tensorflow/tensor2tensor", "https://huggingface.co/spaces/demo/"]
        await pilot.press("down", "y")
        await pilot.pause()
        assert copied == ["https://huggingface.co/spaces/demo/"] and not isinstance(app.screen, LinksScreen)
        await pilot.press("l", "enter")
        await wait_for(pilot, lambda: log.exists() and log.read_text().strip() != "")
        assert log.read_text().split() == ["https://github.com/tensorflow/tensor2tensor"]
        await pilot.press("j", "l")
        await pilot.pause()
        assert not isinstance(app.screen, LinksScreen)
        assert any("No links" in text for text in messages(app))


async def test_a_download_that_dies_says_so_in_one_line_and_clears_the_progress(pdf_server, monkeypatch):
    import papertui.pdfs.download

    real_download_all = papertui.pdfs.download.download_all

    def dies(store, client, wanted, progress):
        progress(0, len(wanted), wanted[0].arxiv_id, 0, None)  # "downloading 1/1 … 0 bytes"
        raise RuntimeError("a bug of papertui's\n\x1b[31mon two lines " + "x" * 5000)

    monkeypatch.setattr(papertui.pdfs.download, "download_all", dies)
    app = make_app(corpus=corpus())
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        await pilot.press("enter", "d")
        await wait_for(pilot, lambda: any(n.severity == "error" for n in app._notifications))
        await settle(pilot)
        assert "downloading" not in str(app.query_one("#status").content)
        [failed] = [n for n in app._notifications if n.severity == "error"]
        note = failed.message
        assert failed.title == "Download failed" and "RuntimeError: a bug of papertui's" in note and "d tries again" in note
        assert "\n" not in note and "\x1b" not in note and len(note) < 400
        monkeypatch.setattr(papertui.pdfs.download, "download_all", real_download_all)
        await pilot.press("d")  # starts a download again, where it would have said "Stopping"
        await wait_for(pilot, lambda: any(n.title == "Downloaded" for n in app._notifications))
