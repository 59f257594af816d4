"""The PDF library: downloads through the polite client (against a local server), resuming,
refusing what is not a PDF, the extracted full text, `is:downloaded` and `full:` searches,
and opening only files inside the library."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

from fake_pdfs import FakePdfServer, PdfAnswer
from helpers import make_corpus, make_paper
from papertui.cli import main
from papertui.links import open_in_browser
from papertui.pdfs.download import Wanted, download_all, download_pdf
from papertui.pdfs.store import PdfStore, split_version
from papertui.pdfs.text import ensure_text, extract_text, first_page
from papertui.pdfs.viewer import choose_viewer, open_pdf
from papertui.marks.personal import PersonalFacts
from papertui.search import SearchIndex
from papertui.sources.http import FetchError, Stopped
from papertui.sources.runs import Clients
from papertui.marks.store import MarkStore
from pdf_writer import make_pdf

ATTENTION = make_pdf(
    ["Attention Is All You Need", "Abstract", "The dominant sequence transduction models are based on recurrent networks."],
    ["3 Model Architecture", "Scaled Dot-Product Attention with multi-head projections."],
)
MASKED = make_pdf(["MaskedThought", "We randomly mask tokens within the chain of thought."])


@pytest.fixture
def pdf_server(monkeypatch, clock):
    server = FakePdfServer({"1706.03762": ATTENTION, "2403.02178": MASKED, "hep-th/9901001": make_pdf(["Strings"])})
    monkeypatch.setenv("PAPERTUI_ARXIV_PDF", server.url)
    yield server
    server.close()


def client(stop=lambda: False):
    return Clients(stop).arxiv("arxiv.org (PDFs)")


def test_a_download_lands_whole_with_its_text(pdf_server, clock):
    store = PdfStore()
    [result] = download_all(store, client(), [Wanted("1706.03762")])
    assert result.pdf is not None and result.pdf.path == store.root / "1706.03762.pdf"
    assert result.pdf.path.read_bytes() == ATTENTION
    assert not list(store.root.glob("*.part"))
    assert store.local("1706.03762").has_text
    assert "scaled dot-product attention" in store.full_text("1706.03762")
    assert first_page(store, store.local("1706.03762"))[0] == "Attention Is All You Need"
    assert pdf_server.requests == [("/pdf/1706.03762", None)]


def test_requests_keep_three_seconds_apart_and_name_papertui(pdf_server, clock):
    results = download_all(PdfStore(), client(), [Wanted("1706.03762"), Wanted("2403.02178"), Wanted("hep-th/9901001")])
    assert all(result.pdf is not None for result in results)
    assert clock.sleeps == [3.0, 3.0]
    assert (PdfStore().root / "hep-th_9901001.pdf").is_file()


def test_a_cut_download_is_resumed_with_a_range_request(pdf_server, clock):
    pdf_server.script = [PdfAnswer(body=ATTENTION, cut=True)]
    store = PdfStore()
    pdf = download_pdf(store, client(), Wanted("1706.03762"))
    assert pdf.path.read_bytes() == ATTENTION
    assert pdf_server.requests[0] == ("/pdf/1706.03762", None)
    assert pdf_server.requests[1] == ("/pdf/1706.03762", f"bytes={len(ATTENTION) // 2}-")


def test_a_stopped_download_leaves_a_part_that_the_next_one_resumes(pdf_server, clock):
    store = PdfStore()
    with pytest.raises(Stopped):
        download_pdf(store, client(stop=lambda: store.root.joinpath("1706.03762.pdf.part").exists()), Wanted("1706.03762"))
    part = store.root / "1706.03762.pdf.part"
    assert part.is_file() and not store.local("1706.03762")  # a .part is never a PDF of the library
    part.write_bytes(ATTENTION[:500])  # as if cut after 500 bytes
    pdf = download_pdf(store, client(), Wanted("1706.03762"))
    assert pdf.path.read_bytes() == ATTENTION and not part.exists()
    assert pdf_server.requests[-1] == ("/pdf/1706.03762", "bytes=500-")


def test_a_part_already_whole_is_finished_without_asking_again_for_bytes(pdf_server, clock):
    store = PdfStore()
    store.root.mkdir(parents=True)
    (store.root / "1706.03762.pdf.part").write_bytes(ATTENTION)
    pdf = download_pdf(store, client(), Wanted("1706.03762"))
    assert pdf.path.read_bytes() == ATTENTION


@pytest.mark.parametrize(
    "answer, said",
    [
        (PdfAnswer(body=b"<!DOCTYPE html><html>rate limited</html>", content_type="text/html; charset=utf-8"), "web page"),
        (PdfAnswer(body=b"<!DOCTYPE html><html>served as a PDF</html>"), "did not send a PDF"),
    ],
)
def test_an_html_page_is_never_kept_as_a_pdf(pdf_server, clock, answer, said):
    pdf_server.script = [answer]
    store = PdfStore()
    [result] = download_all(store, client(), [Wanted("1706.03762")])
    assert result.pdf is None and said in result.problem
    assert not any(store.root.iterdir()) if store.root.exists() else True


def test_a_missing_paper_fails_alone_and_an_unreachable_service_stops_the_rest(pdf_server, clock, monkeypatch):
    results = download_all(PdfStore(), client(), [Wanted("2501.00001"), Wanted("1706.03762")])
    assert "HTTP 404" in results[0].problem and results[1].pdf is not None
    monkeypatch.setenv("PAPERTUI_ARXIV_PDF", "http://127.0.0.1:9")
    results = download_all(PdfStore(), client(), [Wanted("2403.02178"), Wanted("2501.00002")])
    assert "cannot reach" in results[0].problem and "not tried" in results[1].problem
    assert len(pdf_server.requests) == 2


def test_429_is_waited_for_as_the_server_asks(pdf_server, clock):
    pdf_server.script = [PdfAnswer(429, b"", headers=(("Retry-After", "7"),))]
    [result] = download_all(PdfStore(), client(), [Wanted("2403.02178")])
    assert result.pdf is not None and 7.0 in clock.sleeps


def test_a_damaged_pdf_gets_one_line_and_stays(pdf_server, clock):
    pdf_server.files["2501.00003"] = b"%PDF-1.4\nthis is not really a PDF\n"
    store = PdfStore()
    [result] = download_all(store, client(), [Wanted("2501.00003")])
    assert result.pdf is not None and result.pdf.path.is_file()
    assert "pdfium cannot read it" in result.text.problem and "\n" not in result.text.problem
    local = store.local("2501.00003")
    assert not local.has_text and local.no_text == result.text.problem
    assert ensure_text(store, local).problem == result.text.problem  # not tried again


def test_versions_and_old_style_ids_name_their_files():
    assert split_version("2406.16845v2") == ("2406.16845", "v2")
    assert split_version("https://arxiv.org/pdf/2406.16845v3.pdf") == ("2406.16845", "v3")
    assert split_version("hep-th/9901001") == ("hep-th/9901001", "")
    assert split_version("not an id") is None
    store = PdfStore()
    store.root.mkdir(parents=True)
    for name in ("2406.16845.pdf", "2406.16845v2.pdf", "hep-th_9901001.pdf", "notes.pdf", "2406.16846.pdf.part"):
        (store.root / name).write_bytes(b"%PDF-")
    found = store.downloaded()
    assert set(found) == {"2406.16845", "hep-th/9901001"}
    assert found["2406.16845"].version == "v2"


def test_a_file_deleted_by_hand_is_noticed(pdf_server, clock):
    store = PdfStore()
    download_all(store, client(), [Wanted("1706.03762")])
    facts = PersonalFacts(MarkStore.open(), store)
    before = facts.version
    (store.root / "1706.03762.pdf").unlink()
    assert facts.version != before and store.local("1706.03762") is None


def search_ids(papers, index, query, facts):
    return sorted(papers[i].arxiv_id for i in index.search(query, facts).rows)


def test_is_downloaded_and_full_text_terms(pdf_server, clock):
    corpus = make_corpus(
        make_paper("Attention Is All You Need", "Sequence transduction.", arxiv_id="1706.03762"),
        make_paper("MaskedThought", "Masking tokens.", arxiv_id="2403.02178"),
        make_paper("Not downloaded", "Attention again.", arxiv_id="2501.00009"),
    )
    index = SearchIndex(corpus.papers)
    store = PdfStore()
    facts = PersonalFacts(MarkStore.open(), store)
    assert search_ids(corpus.papers, index, "is:downloaded", facts) == []
    download_all(store, client(), [Wanted("1706.03762"), Wanted("2403.02178")])
    assert search_ids(corpus.papers, index, "is:downloaded", facts) == ["1706.03762", "2403.02178"]
    assert search_ids(corpus.papers, index, "!is:downloaded", facts) == ["2501.00009"]
    assert search_ids(corpus.papers, index, "full:recurrent", facts) == ["1706.03762"]
    assert search_ids(corpus.papers, index, 'full:"chain of thought"', facts) == ["2403.02178"]
    assert search_ids(corpus.papers, index, 'full:"thought chain"', facts) == []
    assert search_ids(corpus.papers, index, "full:thought full:chain", facts) == ["2403.02178"]
    assert search_ids(corpus.papers, index, "text:multi-head", facts) == ["1706.03762"]
    assert search_ids(corpus.papers, index, "attention !full:recurrent", facts) == ["2501.00009"]
    (store.root / "2403.02178.pdf").unlink()
    assert search_ids(corpus.papers, index, "is:downloaded", facts) == ["1706.03762"]


def test_only_files_inside_the_library_are_opened(tmp_path, monkeypatch):
    store = PdfStore()
    store.root.mkdir(parents=True)
    inside = store.root / "1706.03762.pdf"
    inside.write_bytes(ATTENTION)
    outside = tmp_path / "elsewhere.pdf"
    outside.write_bytes(ATTENTION)
    (store.root / "2401.00001.pdf").symlink_to(outside)
    log = tmp_path / "viewer.log"
    viewer = tmp_path / "viewer"
    viewer.write_text(f"#!/bin/sh\necho \"$@\" >> {log}\n")
    viewer.chmod(0o755)
    environ = {"PAPERTUI_PDF_VIEWER": f"{viewer} --page 1 %s"}
    assert open_pdf(inside, store, environ).opened
    for refused in (outside, store.root / "2401.00001.pdf", store.root / ".." / "state.json"):
        outcome = open_pdf(refused, store, environ)
        assert not outcome.opened and "refused" in outcome.how
    for _ in range(200):
        if log.exists() and log.read_text():
            break
        import time

        time.sleep(0.01)
    assert log.read_text().split() == ["--page", "1", str(inside)]


def test_the_viewer_choice_over_ssh_and_without_a_display():
    assert choose_viewer({"SSH_CONNECTION": "1 2 3 4", "DISPLAY": ":0"}, "linux").command is None
    assert "no display" in choose_viewer({}, "linux").how
    assert "no program" in choose_viewer({"PAPERTUI_PDF_VIEWER": "no-such-viewer %s"}, "linux").how
    assert choose_viewer({"PAPERTUI_PDF_VIEWER": f"{sys.executable} %s"}, "linux").command == [sys.executable, "%s"]


def test_web_links_open_only_when_http():
    environ = {"BROWSER": "true"}
    assert open_in_browser("https://github.com/owner/repo", environ, "linux", web_link=True).opened
    assert not open_in_browser("https://github.com/owner/repo", environ, "linux").opened
    for bad in ("javascript:alert(1)", "file:///etc/passwd", "https://x.org/a\x1b[2J"):
        assert not open_in_browser(bad, environ, "linux", web_link=True).opened


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_the_download_command(pdf_server, clock, capsys, monkeypatch):
    code, out, err = run(capsys, "download", "1706.03762", "https://arxiv.org/abs/2403.02178", "junk", "2501.00004")
    assert code == 1
    assert "1706.03762: downloaded" in out and "2403.02178: downloaded" in out
    assert "'junk' is not an arXiv id" in err and "2501.00004: HTTP" not in err and "2501.00004: arxiv.org (PDFs) answered HTTP 404" in err
    code, out, err = run(capsys, "download", "1706.03762")
    assert code == 0 and "already downloaded" in out
    code, out, err = run(capsys, "stats")
    assert "PDFs: 2 downloaded" in out and "2 with full text" in out
    monkeypatch.setattr(sys, "stdin", __import__("io").StringIO("https://arxiv.org/abs/hep-th/9901001\n\n"))
    code, out, err = run(capsys, "download", "-")
    assert code == 0 and "hep-th/9901001: downloaded" in out
    code, out, err = run(capsys, "download", "nothing")
    assert code == 2 and "no arXiv id" in err


def test_list_searches_the_full_text(pdf_server, clock, capsys, tmp_path):
    path = tmp_path / "papers.txt"
    path.write_text(
        "Title: Attention Is All You Need\nPDF: https://arxiv.org/pdf/1706.03762\nSummary: Transformers.\n\n"
        "Title: MaskedThought\nPDF: https://arxiv.org/pdf/2403.02178\nSummary: Masks.\n",
        encoding="utf-8",
    )
    run(capsys, "download", "1706.03762")
    code, out, err = run(capsys, "list", str(path), "--query", "full:recurrent", "--format", "links")
    assert code == 0 and out.split() == ["https://arxiv.org/abs/1706.03762"]
    code, out, err = run(capsys, "list", str(path), "--query", "is:downloaded", "--format", "links")
    assert out.split() == ["https://arxiv.org/abs/1706.03762"]


def test_real_extraction_reads_every_page(tmp_path):
    store = PdfStore(tmp_path)
    (tmp_path / "1706.03762.pdf").write_bytes(ATTENTION)
    text = extract_text(store.local("1706.03762"))
    assert text.count("\f") == 1 and "Model Architecture" in text.split("\f")[1]
    assert os.path.getsize(tmp_path / "1706.03762.pdf") == len(ATTENTION)


def test_without_pypdfium2_nothing_is_remembered_and_it_is_tried_again(tmp_path, monkeypatch):
    store = PdfStore(tmp_path)
    (tmp_path / "1706.03762.pdf").write_bytes(ATTENTION)
    monkeypatch.setitem(sys.modules, "pypdfium2", None)  # import fails
    outcome = ensure_text(store, store.local("1706.03762"))
    assert "pypdfium2 is not installed" in outcome.problem
    assert sorted(path.name for path in tmp_path.iterdir()) == ["1706.03762.pdf"]
    monkeypatch.delitem(sys.modules, "pypdfium2")
    assert ensure_text(store, store.local("1706.03762")).problem is None
    store.forget_listing()
    assert store.local("1706.03762").has_text


@pytest.mark.parametrize("bad", ["../../state", "1706.03762/../../x", "", "hep-th/../9901001"])
def test_a_malformed_id_never_names_a_file(pdf_server, clock, bad):
    store = PdfStore()
    [result] = download_all(store, client(), [Wanted(bad)])
    assert result.pdf is None and "not an arXiv id" in result.problem
    assert pdf_server.requests == [] and not store.root.parent.joinpath("state.pdf").exists()


def test_an_encrypted_pdf_is_said_so():
    from papertui.pdfs.extractor import why

    assert "encrypted" in why("Failed to load document (PDFium: Incorrect password error).")
    assert "damaged" in why("Failed to load document (PDFium: Data format error).")


HUGE_VERSION = "2401.00001v" + "9" * 5000


def test_a_hostile_version_or_digits_of_another_script_are_no_id():
    for hostile in (HUGE_VERSION, "https://arxiv.org/pdf/" + HUGE_VERSION + ".pdf", "2401.00001v²", "2401.0000١", "2401.00001v١"):
        assert split_version(hostile) is None
    assert split_version("2401.00001v0012") == ("2401.00001", "v12")


def test_the_download_command_says_each_hostile_id_in_one_line_and_downloads_the_rest(pdf_server, clock, capsys):
    code, out, err = run(capsys, "download", HUGE_VERSION, "2401.00001v²", "2401.0000١", "1706.03762", "2401.00001v\x1b[2J")
    assert code == 1
    assert "1706.03762: downloaded" in out and pdf_server.requests == [("/pdf/1706.03762", None)]
    lines = err.splitlines()
    assert len(lines) == 4 and all("is not an arXiv id or URL; skipped" in line and len(line) < 200 for line in lines)
    assert "5,011 characters" in lines[0] and "'2401.00001v²'" in lines[1] and "'2401.0000١'" in lines[2]
    assert "\x1b" not in err and "\\x1b[2J" in lines[3]
