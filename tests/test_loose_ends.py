"""The loose ends of "nothing an outsider sends can hang papertui, fill memory or disk, or
delete what is not its own": one test (or a few) per item, each failing on the code before it."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from papertui.pdfs.download import Wanted, download_pdf
from papertui.pdfs.store import PdfStore
from papertui.sources.http import VALIDATOR_SUFFIX, FetchError


# --- a download that is not a PDF leaves nothing behind ----------------------------------------


class _LeavesAValidator:
    """A client whose download ends with an HTML page in the part and a validator beside it
    (as a removal that failed, or another papertui's download, would leave one)."""

    def download(self, url: str, part: Path, on_bytes=None) -> None:
        part.write_bytes(b"<html>busy</html>")
        part.with_name(part.name + VALIDATOR_SUFFIX).write_text('{"if_range": "\\"abc\\"", "size": 17}\n')


def test_a_part_that_is_not_a_pdf_goes_with_its_validator():
    store = PdfStore()
    with pytest.raises(FetchError, match="did not send a PDF"):
        download_pdf(store, _LeavesAValidator(), Wanted("1706.03762"))
    assert sorted(path.name for path in store.root.iterdir()) == []


# --- the app's F says when a source stored nothing readable -------------------------------------




async def test_f_says_a_source_that_stored_nothing_readable_failed(feeds, tmp_path, monkeypatch):
    from fake_feeds import Scripted
    from helpers import settle
    from papertui.cli import make_app

    config = tmp_path / "config.toml"
    config.write_text('arxiv = ["cs.CL"]\n')
    monkeypatch.setenv("PAPERTUI_CONFIG", str(config))
    feeds.script = [Scripted(body=b'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY big "x">]><rss version="2.0"><channel/></rss>')]
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("enter")  # to the list: the filter bar would take F as a letter
        await pilot.pause()
        await pilot.press("F")
        for _ in range(500):
            await settle(pilot)
            if not app.fetching:
                break
            await pilot.pause(0.02)
        failed = [n.message for n in app._notifications if n.title == "Fetch failed"]
        assert failed == ["arXiv cs.CL (RSS): nothing stored: 1 answer held no paper papertui can read (see the lines above)"]
        assert "\n" not in failed[0]


# --- papertui download says a limit it could not use ---------------------------------------------


def test_download_warns_of_a_limit_it_ignores(capsys, monkeypatch, clock):
    from papertui.cli import main

    monkeypatch.setenv("PAPERTUI_ARXIV_PDF", "http://127.0.0.1:9")  # nothing listens: one line, exit 1
    monkeypatch.setenv("PAPERTUI_PDF_MB", "lots")
    code = main(["download", "1706.03762"])
    err = capsys.readouterr().err
    assert code == 1
    assert err.splitlines()[0] == "papertui: warning: $PAPERTUI_PDF_MB = 'lots': give a number from 0.001 to 100,000; ignored"
    assert "cannot reach arxiv.org (PDFs)" in err


# --- exporting to a FIFO is refused, not a hang ---------------------------------------------------


class _Unblocker:
    """The deadline of a test that would hang: past `seconds`, it opens the FIFO again and
    again (read and write at once, which never blocks) so that an open or read stuck on it
    returns, and the test fails on `fired` instead of never ending."""

    def __init__(self, fifo: Path, seconds: float) -> None:
        import threading

        self.fifo, self.fired, self.done = fifo, False, threading.Event()
        self.thread = threading.Thread(target=self._run, args=(seconds,), daemon=True)
        self.thread.start()

    def _run(self, seconds: float) -> None:
        import os

        if self.done.wait(seconds):
            return
        self.fired = True
        while not self.done.is_set():
            handle = os.open(self.fifo, os.O_RDWR | os.O_NONBLOCK)
            self.done.wait(0.05)
            os.close(handle)

    def stop(self) -> None:
        self.done.set()
        self.thread.join()


async def test_export_to_a_fifo_is_refused_at_once(tmp_path):
    import os

    from helpers import settle
    from papertui.cli import make_app
    from papertui.ui.prompts import ExportScreen

    fifo = tmp_path / "refs.bib"
    os.mkfifo(fifo)
    app = make_app(query="RaTEScore")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("enter", "e")
        app.screen.query_one("#export-path").value = str(fifo)
        for keys, what in ((("ctrl+a",), "appended to"), (("enter", "enter"), "replaced")):
            unblocker = _Unblocker(fifo, 5.0)
            try:
                await pilot.press(*keys)
                await settle(pilot)
            finally:
                unblocker.stop()
            assert not unblocker.fired, what  # the export came back by itself, well within the deadline
            assert isinstance(app.screen, ExportScreen), what  # the dialog stays, with the path and why
            warning = str(app.screen.query_one("#export-warning").render())
            assert warning == f"Not exported: {fifo}: it is a named pipe (FIFO), not a file", what


async def test_appending_to_a_bib_too_large_to_be_one_is_refused_without_reading_it(tmp_path, monkeypatch):
    """The .bib appended to was read whole, whatever its size: a sparse file of 1 GB took the
    memory. Past the limit the dialog says so and the file is left as it was."""
    from helpers import settle
    from papertui.cli import make_app
    from papertui.ui import actions
    from papertui.ui.prompts import ExportScreen

    monkeypatch.setattr(actions, "BIB_LIMIT", 1 << 20)
    huge = tmp_path / "refs.bib"
    with open(huge, "wb") as file:
        file.truncate(4 << 20)  # sparse: four times the limit, no disk used
    app = make_app(query="RaTEScore")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("enter", "e")
        app.screen.query_one("#export-path").value = str(huge)
        await pilot.press("ctrl+a")
        await settle(pilot)
        assert isinstance(app.screen, ExportScreen)
        warning = str(app.screen.query_one("#export-warning").render())
        assert warning == f"Not exported: {huge}: it is larger than 1,048,576 bytes", warning
    assert huge.stat().st_size == 4 << 20


# --- a library line skipped as unreadable is said by the fetch that stores into its file -------


@pytest.mark.parametrize(
    "argv",
    [
        ["fetch", "hf", "--date", "2024-10-21"],
        ["fetch", "arxiv", "cs.CL"],
        ["fetch", "arxiv", "cs.AI", "cs.LG", "cs.CL", "--since", "2020-01-01"],
        ["add", "1706.03762"],
        ["fetch", "oai", "--set", "cs", "--from", "2023-03-07"],
    ],
    ids=["hf", "rss", "api", "add", "oai"],
)
def test_a_fetch_says_each_library_line_it_left_out(capsys, feeds, argv):
    from papertui.cli import main
    from papertui.sources.library import library_dir

    assert main(argv) == 0, capsys.readouterr().err
    bad_line = {}  # each file of the library, and the number of the line put in it
    for path in sorted(library_dir().rglob("*.jsonl")):
        bad_line[path] = len(path.read_text().splitlines()) + 1
        with path.open("a") as file:
            file.write("{a line cut short by a full disk\n")
    assert bad_line
    capsys.readouterr()
    assert main(argv) == 0
    err = capsys.readouterr().err
    for path, number in bad_line.items():
        said = f"{path}: line {number:,} is not JSON; left out of the file, kept in .{path.name}.skipped"
        assert said in err
        assert (path.parent / f".{path.name}.skipped").read_text() == "{a line cut short by a full disk\n"


# --- the counts of papertui fetch are ASCII digits, as every count of the command line ---------


@pytest.mark.parametrize(
    ("argv", "said"),
    [
        (["fetch", "hf", "--days", "²"], "argument --days: not a whole number: '²'"),
        (["fetch", "hf", "--days", "٣"], "argument --days: not a whole number: '٣'"),  # Arabic-Indic 3
        (["fetch", "arxiv", "--query", "ti:x", "--limit", "0"], "argument --limit: must be 1 or more: 0"),
        (["fetch", "hf", "--days", "-" + "0" * 50 + "1"], "argument --days: must be 1 or more: -1"),  # not 50 zeros again
        (["fetch", "hf", "--days", "9" * 5000], "argument --days: too large: give at most 12 digits"),
    ],
    ids=["superscript", "arabic-indic", "zero", "negative", "long"],
)
def test_fetch_counts_are_ascii_digits(capsys, feeds, argv, said):
    from papertui.cli import main

    code = main(argv)
    out, err = capsys.readouterr()
    assert (code, out, err) == (2, "", f"papertui: error: {said} (see 'papertui fetch --help')\n")
    assert feeds.requests == []


# --- the citations file is read within a limit -------------------------------------------------


def test_a_citations_file_past_the_limit_is_neither_read_nor_written():
    import os

    from papertui.sources.citations.model import Citations
    from papertui.sources.citations.store import STORE_FILE, CitationStore
    from papertui.storage.files import data_dir

    path = data_dir() / STORE_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as file:
        file.truncate(257 << 20)  # sparse: nothing is written, but it is larger than the limit
    store = CitationStore.open()
    (warning,) = store.warnings
    assert warning == f"cannot read the citations file {path}: it is larger than 268,435,456 bytes; citations are not kept this time"
    store.put("a", Citations(fetched="2026-01-01T00:00:00Z"))
    store.save()
    assert os.path.getsize(path) == 257 << 20 and sorted(os.listdir(path.parent)) == [STORE_FILE]


# --- the embedding model's files are opened only when they are regular files ----------------


def test_a_fifo_in_place_of_the_model_weights_is_said(tmp_path, monkeypatch):
    import os

    import wordllama

    from papertui.recommend import semantic

    package = tmp_path / "wordllama"
    (package / "tokenizers").mkdir(parents=True)
    (package / "weights").mkdir()
    (package / "tokenizers" / f"{semantic.MODEL}_tokenizer_config.json").write_text("{}")
    weights = package / "weights" / f"{semantic.MODEL}_{semantic.DIMENSIONS}.safetensors"
    os.mkfifo(weights)
    monkeypatch.setattr(wordllama, "__file__", str(package / "__init__.py"))
    semantic._model.cache_clear()
    try:
        said = semantic.available()
    finally:
        semantic._model.cache_clear()  # the next test loads the installed model again
    assert said == f"the installed wordllama's model cannot be read ({weights} is a named pipe (FIFO), not a file); reinstall wordllama"


# --- doctor says a cache directory that cannot be one ----------------------------------------


def test_doctor_says_a_fifo_in_place_of_the_cache_directory(capsys, tmp_path, monkeypatch):
    import os

    from papertui.cli import main

    fifo = tmp_path / "cache"
    os.mkfifo(fifo)
    monkeypatch.setenv("PAPERTUI_CACHE_DIR", str(fifo))
    assert main(["doctor"]) == 0
    (row,) = [line for line in capsys.readouterr().out.splitlines() if line.startswith("  cache ")]
    assert row.split(None, 1)[1] == f"{fifo} is a named pipe (FIFO), not a directory: nothing is kept (point $PAPERTUI_CACHE_DIR at a directory)"


def test_doctor_says_what_in_the_cache_is_not_papertuis(capsys):
    from papertui.cache.snapshot import snapshots_dir
    from papertui.cli import main

    snapshots_dir().mkdir(parents=True)
    (snapshots_dir() / "notes.txt").write_text("mine")
    assert main(["doctor"]) == 0
    (row,) = [line for line in capsys.readouterr().out.splitlines() if line.startswith("  cache ")]
    assert row.endswith(f": 0 kept loads, 0 bytes; left 1 entry papertui did not write in {snapshots_dir()} (papertui cache --clear empties it)")


# --- every command is in the usage text and the command list ----------------------------------


def test_the_help_names_every_command(capsys):
    from papertui.cli import COMMANDS, main

    with pytest.raises(SystemExit):
        main(["--help"])
    out = capsys.readouterr().out
    usage, commands = out.split("\n\n", 1)[0], out.split("\ncommands:\n", 1)[1].split("\n\n", 1)[0]
    for name in COMMANDS:
        assert f"papertui {name} " in usage or usage.endswith(f"papertui {name}"), name
        assert re.search(rf"^  papertui {name}( \.\.\.)? +\S", commands, re.MULTILINE), name
    assert "papertui enrich [PATH ...] [--refresh]" in usage
    assert "  papertui enrich ...     citation counts, TL;DRs and venues from Semantic Scholar (kept a week)" in commands
