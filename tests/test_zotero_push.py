"""Sending papers to Zotero through its connector server, against the stand-in on 127.0.0.1
(tests/fake_zotero.py): `papertui list … --format jsonl | papertui zotero push -`, ids alone,
Zotero not running, refusing or stuck, a read-only library, items as Zotero saves arXiv
papers, untrusted JSON lines, and the app's `z` (wired in the test as the app will wire it)."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from fake_zotero import FakeZotero, closed_url
from helpers import make_corpus, make_paper, settle
from papertui import cli
from papertui.cli import main, make_app
from papertui.corpus.model import Paper
from papertui.pdfs.store import PdfStore
from papertui.sources.zotero import connector as zotero_connector
from papertui.sources.zotero.connector import Connector
from papertui.sources.zotero.items import Sendable, creator, from_paper, from_record, note_html, zotero_item
from papertui.sources.zotero.push import push
from papertui.marks.store import MarkStore
from pdf_writer import make_pdf

ATOM = Path(__file__).parent / "fixtures" / "arxiv-api-query-testing.atom.xml"
FIRST_THREE = ["2202.12139", "2405.13786", "2005.14124"]  # the fixture's first entries


@pytest.fixture(autouse=True)
def no_real_zotero(monkeypatch):
    """Never the user's Zotero, nor the user's config: a closed port unless a test starts one."""
    monkeypatch.setenv("PAPERTUI_ZOTERO_URL", closed_url())
    monkeypatch.setenv("PAPERTUI_CONFIG", "/nonexistent/papertui-config.toml")
    # `papertui zotero` as the dispatch table will name it (a no-op once it does)
    monkeypatch.setitem(cli.COMMANDS, "zotero", ("papertui.cli.zotero", "main"))


@pytest.fixture
def zotero(monkeypatch):
    server = FakeZotero()
    monkeypatch.setenv("PAPERTUI_ZOTERO_URL", server.url)
    yield server
    server.close()


def run(argv: list[str], capsys, stdin: bytes | None = None, monkeypatch=None) -> tuple[int, str, str]:
    if stdin is not None:
        monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(stdin), encoding="utf-8"))
    status = main(argv)
    out, err = capsys.readouterr()
    return status, out, err


def files_of(directory: Path) -> dict[str, bytes]:
    return {str(p.relative_to(directory)): p.read_bytes() for p in sorted(directory.rglob("*")) if p.is_file()}


# --- the pipe of the issue ------------------------------------------------------------------


def test_list_jsonl_piped_to_push_sends_three_preprints_with_creators_ids_tags_note_and_the_pdf_bytes(zotero, capsys, monkeypatch, data_dir):
    marks = MarkStore.open()
    marks.update(Paper(title="", abstract="", arxiv_id=FIRST_THREE[0]), tags=("cite", "lit-review"), note="Read §3 <carefully>\n\nThen the appendix.")
    marks.save()
    status, listed, err = run(["list", str(ATOM), "--limit", "3", "--format", "jsonl"], capsys)
    assert status == 0, err
    lines = [json.loads(line) for line in listed.splitlines()]
    assert [line["arxiv_id"] for line in lines] == FIRST_THREE
    pdf = make_pdf("A PDF in papertui's library")
    store = PdfStore()
    store.root.mkdir(parents=True, exist_ok=True)
    store.target(FIRST_THREE[1]).write_bytes(pdf)
    before = files_of(data_dir)

    status, out, err = run(["zotero", "push", "-"], capsys, stdin=listed.encode(), monkeypatch=monkeypatch)

    assert status == 0, err
    assert out == "sent 3 papers to Zotero into Reading, 1 with their PDF\n"
    assert err == ""
    assert zotero.pings >= 1
    saved = zotero.saved
    assert [item["archiveID"] for item in saved] == [f"arXiv:{i}" for i in FIRST_THREE]
    for item, line in zip(saved, lines):
        arxiv_id = line["arxiv_id"]
        assert item["itemType"] == "preprint"
        assert item["title"] == line["title"] and item["abstractNote"] == line["abstract"]
        assert item["url"] == f"https://arxiv.org/abs/{arxiv_id}"
        assert item["repository"] == "arXiv"
        # the published DOI the feed gave (a doi.org link), as Zotero's arXiv translator takes it
        [published] = [link.removeprefix("https://doi.org/") for link in line["links"] if link.startswith("https://doi.org/")]
        assert item["DOI"] == published
        assert item["date"] == line["published"]
        assert len(item["creators"]) == len(line["authors"]) > 0
        for made, name in zip(item["creators"], line["authors"]):
            assert made["creatorType"] == "author"
            assert made["lastName"] == name.split()[-1] and made["firstName"] == " ".join(name.split()[:-1])
    assert saved[0]["tags"] == [{"tag": "cite"}, {"tag": "lit-review"}]
    assert saved[0]["notes"] == [{"note": "<p>Read §3 &lt;carefully&gt;</p><p>Then the appendix.</p>"}]
    assert saved[1]["tags"] == [] and saved[1]["notes"] == []
    # The PDF's bytes, attached to the item of its paper in that item's own save session.
    [attachment] = zotero.attachments
    assert attachment.data == pdf
    assert attachment.content_type == "application/pdf"
    assert attachment.metadata["parentItemID"] == saved[1]["id"]
    assert zotero.sessions[attachment.session] == [saved[1]["id"]]
    assert attachment.metadata["url"] == f"https://arxiv.org/pdf/{FIRST_THREE[1]}"
    # As Zotero's server wants it: a local Host, the connector API version, no browser agent.
    for headers in zotero.headers:
        assert headers["Host"].startswith("127.0.0.1:") and headers["X-Zotero-Connector-API-Version"] == "3"
        assert not headers["User-Agent"].startswith("Mozilla/")
    # Nothing of papertui's was written: marks, library, PDFs as they were.
    assert files_of(data_dir) == before


def test_a_json_array_of_list_format_json_is_read_too(zotero, capsys, monkeypatch):
    status, listed, err = run(["list", str(ATOM), "--limit", "2", "--format", "json"], capsys)
    assert status == 0, err
    status, out, err = run(["zotero", "push", "-"], capsys, stdin=listed.encode(), monkeypatch=monkeypatch)
    assert status == 0, err
    assert [item["archiveID"] for item in zotero.saved] == [f"arXiv:{i}" for i in FIRST_THREE[:2]]


def test_ids_alone_are_the_papers_papertui_loads_and_an_unknown_one_is_said(zotero, capsys):
    status, out, err = run(["zotero", "push", "https://arxiv.org/abs/2406.17720v2", "2401.00001", "not-an-id"], capsys)
    assert status == 1
    assert [item["archiveID"] for item in zotero.saved] == ["arXiv:2406.17720"]  # a paper of the seeds
    assert zotero.saved[0]["title"] == "Arboretum: A Large Multimodal Dataset Enabling AI for Biodiversity"
    assert out == "sent 1 paper to Zotero into Reading\n"
    assert "'not-an-id' is not an arXiv id or link; skipped" in err
    assert "2401.00001 is not among the papers papertui loads: 'papertui add 2401.00001' first" in err


class FakeTerminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_many_papers_show_progress_on_a_terminal_and_it_is_erased(zotero, monkeypatch):
    lines = "".join(json.dumps({"title": f"Paper {n}", "arxiv_id": f"2406.1684{n}"}) + "\n" for n in range(3))
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(lines.encode()), encoding="utf-8"))
    terminal, out = FakeTerminal(), io.StringIO()
    monkeypatch.setattr(sys, "stderr", terminal)
    monkeypatch.setattr(sys, "stdout", out)
    assert main(["zotero", "push", "-"]) == 0
    progress = terminal.getvalue()
    assert "\rpapertui: Zotero 2406.16840 [--------------------] 0/3" in progress
    assert progress.endswith("\r") and "\n" not in progress  # erased: the summary alone stays, on stdout
    assert out.getvalue() == "sent 3 papers to Zotero into Reading\n"


# --- Zotero not there, refusing, stuck -------------------------------------------------------


def test_with_no_zotero_push_is_one_line_and_exit_1_within_a_few_seconds(tmp_path):
    listed = json.dumps({"title": "A paper", "arxiv_id": "2406.16845", "authors": ["Jane Doe"]}) + "\n"
    env = {**os.environ, "PAPERTUI_ZOTERO_URL": closed_url(), "PAPERTUI_DATA_DIR": str(tmp_path / "data"),
           "PAPERTUI_CONFIG": str(tmp_path / "none.toml")}  # fmt: skip
    # `papertui zotero` through the dispatch table (with its line added if it is not there yet)
    program = "import sys; from papertui import cli; cli.COMMANDS.setdefault('zotero', ('papertui.cli.zotero', 'main')); sys.exit(cli.main())"
    started = time.monotonic()
    done = subprocess.run([sys.executable, "-c", program, "zotero", "push", "-"], input=listed, env=env,
                          capture_output=True, text=True, timeout=60, cwd=tmp_path)  # fmt: skip
    elapsed = time.monotonic() - started
    assert done.returncode == 1
    assert done.stdout == ""
    port = env["PAPERTUI_ZOTERO_URL"].rsplit(":", 1)[1]
    assert done.stderr == f"papertui: error: Zotero is not running (nothing answers at 127.0.0.1:{port}): start Zotero 7 and try again\n"
    assert elapsed < 10, elapsed  # a generous bound: the answer is immediate (a closed port)


def test_zotero_refusing_the_ping_is_one_line_and_exit_1(zotero, capsys):
    zotero.mode = "refuse"
    status, out, err = run(["zotero", "push", "2406.17720"], capsys)
    assert status == 1 and out == ""
    assert err.count("\n") == 1
    assert err.startswith("papertui: error: Zotero at 127.0.0.1:") and "refused papertui's ping (HTTP 500): restart Zotero" in err
    assert zotero.items == []


def test_a_stuck_zotero_is_one_line_within_the_deadline(zotero, capsys, monkeypatch):
    monkeypatch.setattr(zotero_connector, "PING_SECONDS", 0.5)
    zotero.mode = "stall"
    started = time.monotonic()
    status, out, err = run(["zotero", "push", "2406.17720"], capsys)
    assert time.monotonic() - started < 5  # the deadline is 0.5 s; without one this waits 30 s
    assert status == 1 and out == ""
    assert err.count("\n") == 1 and "Zotero did not answer at 127.0.0.1:" in err and "within 0.5 s" in err


def test_zotero_stuck_while_saving_stops_the_run_and_says_what_was_sent(zotero):
    papers = [Sendable(f"Paper {n}", arxiv_id=f"2406.1684{n}") for n in range(3)]
    sent: list[int] = []

    def stall_after_one(done: int, total: int, paper: Sendable) -> None:
        sent.append(done)
        if done == 1:
            zotero.mode = "stall"

    report = push(papers, Connector(zotero.url, save_seconds=0.5), progress=stall_after_one)
    assert len(zotero.saved) == 1 and len(report.sent) == 1
    assert not report.ok
    assert report.summary().startswith("sent 1 paper to Zotero into Reading; then stopped, 1 of 3 done: Zotero did not answer")


def test_asked_to_stop_it_stops_after_the_paper_being_sent(zotero):
    papers = [Sendable(f"Paper {n}", arxiv_id=f"2406.1684{n}") for n in range(3)]
    begun: list[int] = []
    report = push(papers, Connector(zotero.url), progress=lambda done, total, paper: begun.append(done), stop=lambda: bool(begun))
    assert len(zotero.saved) == 1 and not report.ok
    assert report.summary() == "sent 1 paper to Zotero into Reading; stopped as asked, 1 of 3 done"


def test_zotero_refusing_each_save_says_each_paper_and_exits_1(zotero, capsys, monkeypatch):
    zotero.mode = "refuse-saves"
    lines = "".join(json.dumps({"title": f"Paper {n}", "arxiv_id": f"2406.1684{n}"}) + "\n" for n in range(2))
    status, out, err = run(["zotero", "push", "-"], capsys, stdin=lines.encode(), monkeypatch=monkeypatch)
    assert status == 1
    assert err.splitlines() == [
        f"papertui: error: 2406.1684{n}: Zotero did not save it (HTTP 500: An error occurred); see Help → Debug Output Logging in Zotero"
        for n in range(2)
    ]
    assert out.startswith("sent 0 papers to Zotero into Reading; 2 refused")


def test_a_read_only_library_is_one_line_and_nothing_is_sent(capsys, monkeypatch):
    server = FakeZotero(collection="Group papers", editable=False)
    monkeypatch.setenv("PAPERTUI_ZOTERO_URL", server.url)
    try:
        status, out, err = run(["zotero", "push", "2406.17720"], capsys)
    finally:
        server.close()
    assert status == 1 and out == ""
    assert err == "papertui: error: Group papers, selected in Zotero, cannot be written: select My Library or a collection you can edit, and try again\n"
    assert server.items == []


def test_an_endless_answer_and_a_collection_name_with_escapes_reach_no_terminal(zotero, capsys):
    zotero.mode = "huge"
    status, out, err = run(["zotero", "push", "2406.17720"], capsys)
    assert status == 1 and err.count("\n") == 1 and "sent an answer of over 1 MB, not as Zotero does" in err
    zotero.mode = ""
    zotero.collection = "Evil\x1b]0;pwned\x07\x1b[2J name"
    report = push([Sendable("Paper", arxiv_id="2406.16845")], Connector(zotero.url))
    assert report.summary() == "sent 1 paper to Zotero into Evil\\x1b]0;pwned\\x07\\x1b[2J name"


def test_a_library_that_keeps_no_files_gets_the_items_without_pdfs(tmp_path):
    server = FakeZotero(files_editable=False)
    try:
        report = push([Sendable("Paper", arxiv_id="2406.16845")], Connector(server.url), pdf_of=lambda paper: b"%PDF-1.4")
    finally:
        server.close()
    assert len(server.saved) == 1 and server.attachments == []
    assert report.ok and report.summary() == "sent 1 paper to Zotero into Reading; no PDFs: the selected library keeps no files"


def test_a_pdf_over_the_limit_is_said_and_its_item_still_goes(zotero):
    from papertui.sources.zotero.push import library_pdfs

    store = PdfStore()
    store.root.mkdir(parents=True, exist_ok=True)
    store.target("2406.16845").write_bytes(b"%PDF-1.4" + b" " * 100)
    paper = Sendable("Paper", arxiv_id="2406.16845")
    report = push([paper], Connector(zotero.url), library_pdfs(store, 10))
    assert len(zotero.saved) == 1 and zotero.attachments == []
    assert report.pdf_problems == [(paper, "its PDF could not be read (it is larger than 10 bytes)")]


def test_the_address_comes_from_the_config_file_and_a_wrong_one_is_said(tmp_path, monkeypatch):
    monkeypatch.delenv("PAPERTUI_ZOTERO_URL")
    assert zotero_connector.zotero_url({"zotero": {"url": "http://localhost:23120/"}}) == ("http://localhost:23120", None)
    assert zotero_connector.zotero_url({}) == ("http://127.0.0.1:23119", None)
    url, problem = zotero_connector.zotero_url({"zotero": {"url": "https://example.org\x1b[2J"}})
    assert url == "http://127.0.0.1:23119" and "\x1b" not in problem and "is not an http://HOST:PORT address" in problem
    config = tmp_path / "config.toml"
    config.write_text('[zotero]\nurl = "http://127.0.0.1:5"\n')
    monkeypatch.setenv("PAPERTUI_CONFIG", str(config))
    assert zotero_connector.zotero_url() == ("http://127.0.0.1:5", None)
    monkeypatch.setenv("PAPERTUI_ZOTERO_URL", "http://127.0.0.1:6")
    assert zotero_connector.zotero_url() == ("http://127.0.0.1:6", None)


# --- items as Zotero saves arXiv papers ------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        # as Zotero.Utilities.cleanAuthor splits them (the arXiv translator's test cases among them)
        ("D. T. O'Dea", {"firstName": "D. T.", "lastName": "O'Dea"}),
        ("Ming-Wei Chang", {"firstName": "Ming-Wei", "lastName": "Chang"}),
        ("Francois Gay-Balmaz", {"firstName": "Francois", "lastName": "Gay-Balmaz"}),
        ("J. V. Perea Calderón", {"firstName": "J. V. Perea", "lastName": "Calderón"}),
        ("Doe, Jane", {"firstName": "Jane", "lastName": "Doe"}),
        ("van der Berg, J.", {"firstName": "J.", "lastName": "van der Berg"}),
        ("JD Salinger", {"firstName": "J. D.", "lastName": "Salinger"}),
        ("J.R.R. Tolkien", {"firstName": "J. R. R.", "lastName": "Tolkien"}),
        ("Aristotle", {"name": "Aristotle"}),
        ("Doe,", {"name": "Doe"}),
    ],
)
def test_names_are_split_as_zotero_splits_them(name, expected):
    assert creator(name) == {**expected, "creatorType": "author"}


def test_a_published_doi_replaces_arxivs_and_a_paper_without_an_id_keeps_its_link():
    paper = make_paper("Attention", arxiv_id="1706.03762", authors=("Ashish Vaswani",), published="2017-06-12")
    item = zotero_item(from_paper(paper, doi="10.5555/3295222.3295349"), "k1")
    assert item["DOI"] == "10.5555/3295222.3295349" and item["archiveID"] == "arXiv:1706.03762"
    other = zotero_item(from_paper(make_paper("No id", links=("https://example.org/paper",))), "k2")
    assert other["itemType"] == "preprint" and other["url"] == "https://example.org/paper"
    assert "archiveID" not in other and "DOI" not in other and "repository" not in other
    linked = zotero_item(from_paper(make_paper("Linked", links=("https://doi.org/10.1093/mind/LIX.236.433",))), "k3")
    assert linked["DOI"] == "10.1093/mind/LIX.236.433" and linked["url"] == "https://doi.org/10.1093/mind/LIX.236.433"


def test_an_untrusted_json_line_gives_clean_text_and_ignores_what_is_not_a_paper():
    line = {
        "title": "Evil\x1b[2J title\x07",
        "arxiv_id": "2406.16845v3",
        "authors": ["Jane\x1b]52;c;ZXZpbA==\x07 Doe", 42, ""],
        "abstract": ["not", "text"],
        "published": "tomorrow",
        "doi": "javascript:alert(1)",
        "marks": {"tags": ["Cite", 3, "a,b"], "note": "line\x1b[31m one"},
    }
    paper = from_record(line)
    assert paper == Sendable(title="Evil title", arxiv_id="2406.16845", authors=("Jane Doe",), tags=("cite", "a", "b"), note="line one")
    item = zotero_item(paper, "k")
    assert "\x1b" not in json.dumps(item) and item["DOI"] == "10.48550/arXiv.2406.16845"
    assert from_record({"arxiv_id": "2406.16845"}) is None and from_record(["a list"]) is None
    assert note_html("a & b\nc") == "<p>a &amp; b<br/>c</p>"


def test_lines_that_are_no_paper_are_skipped_with_a_warning_each(zotero, capsys, monkeypatch):
    lines = b'{"title": "Good", "arxiv_id": "2406.16845"}\n{broken json\n[1, 2]\n\n\x1b[2Jjunk\n'
    status, out, err = run(["zotero", "push", "-"], capsys, stdin=lines, monkeypatch=monkeypatch)
    assert status == 1
    assert len(zotero.saved) == 1 and out == "sent 1 paper to Zotero into Reading\n"
    assert "papertui: warning: line 2 of standard input is not a paper of 'papertui list --format jsonl'; skipped" in err
    assert "papertui: warning: line 3 of standard input is not an arXiv id or link; skipped" in err
    assert "\x1b" not in err


# --- the app's z -----------------------------------------------------------------------------


def wired_app(corpus, monkeypatch):
    """The app as it will be wired: `z` bound, and an action that calls the controller."""
    from papertui.ui.zotero_send import send_to_zotero

    app = make_app(corpus=corpus)
    monkeypatch.setattr(type(app), "action_send_to_zotero", lambda self: send_to_zotero(self), raising=False)
    app.bind("z", "send_to_zotero", description="Send to Zotero")
    return app


async def wait_for(pilot, condition, seconds: float = 10.0) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        await pilot.pause(0.02)


def zotero_lines(app) -> list[str]:
    return [n.message for n in app._notifications if n.title == "Zotero"]


async def test_z_sends_the_selected_papers_with_the_pdf_and_says_it_in_one_line(zotero, monkeypatch):
    papers = [make_paper(f"Paper {n}", arxiv_id=f"2406.1684{n}", authors=("Jane Doe",)) for n in range(3)]
    store = PdfStore()
    store.root.mkdir(parents=True, exist_ok=True)
    store.target("2406.16841").write_bytes(b"%PDF-1.4 the bytes")
    app = wired_app(make_corpus(*papers), monkeypatch)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("tab", "space", "space")  # select the first two (space moves down)
        assert app.selected == {0, 1}
        marks_before, rows_before, query_before = dict(app.marks.entries), list(app.paper_list.rows), app.result.query
        await pilot.press("z")
        await wait_for(pilot, lambda: len(zotero_lines(app)) == 2)
        assert zotero_lines(app) == ["Sending 2 papers to Zotero… (z again stops)", "Sent 2 papers to Zotero into Reading, 1 with their PDF"]
        assert [item["archiveID"] for item in zotero.saved] == ["arXiv:2406.16840", "arXiv:2406.16841"]
        assert [a.data for a in zotero.attachments] == [b"%PDF-1.4 the bytes"]
        # nothing else changed
        assert app.marks.entries == marks_before and list(app.paper_list.rows) == rows_before and app.result.query == query_before


async def test_z_without_zotero_says_so_in_one_line_and_nothing_changes(monkeypatch):
    app = wired_app(make_corpus(make_paper("Paper", arxiv_id="2406.16845")), monkeypatch)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("tab", "z")
        await wait_for(pilot, lambda: len(zotero_lines(app)) == 2)
        last = [n for n in app._notifications if n.title == "Zotero"][-1]
        assert last.message.startswith("Zotero is not running (nothing answers at 127.0.0.1:") and "\n" not in last.message
        assert last.severity == "error"
        assert app.selected == set() and not app.marks.entries
