"""Failing surroundings: no clipboard, no browser, a bad $BROWSER, a data directory that
cannot be written, a damaged state file, Ctrl+C during a long load, a tiny terminal, no
terminal at all. The app stays usable, says what happened in one line, and the state file
is never damaged."""

from __future__ import annotations

import errno
import os
import subprocess
import sys
import threading
from pathlib import Path

from test_app import SIZE, instrument, no_clipboard, rec  # noqa: F401 (rec is a fixture)

from helpers import settle
from papertui.marks import store as state
from papertui.storage import files
from papertui.cli import make_app
from papertui.corpus import Corpus, loader
from papertui.corpus.loader import iter_load
from papertui.ui.detail import DetailPane
from papertui.ui.paper_list import PaperList

ID = "2406.16845"


def one_line(message: str) -> bool:
    return "\n" not in message.strip()


async def test_a_browser_variable_naming_a_missing_program_says_so_and_copies(rec, monkeypatch):
    monkeypatch.setenv("BROWSER", "no-such-browser-anywhere %s")
    no_clipboard(monkeypatch)
    app = instrument(make_app(query="RaTEScore"), rec)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("enter", "o")
        await settle(pilot)
        title, message, severity = rec.notes[-1]
        reason, link = message.splitlines()  # what happened, then the link itself
        assert severity == "warning" and "no-such-browser-anywhere" in reason and "OSC 52" in reason
        assert link == f"https://arxiv.org/pdf/{ID}"
        assert rec.osc52 == [f"https://arxiv.org/pdf/{ID}"] and rec.opened == []
        marks = app.marks.get(app.current_paper)
        assert marks is None or not marks.read  # nothing was opened, so nothing was read


def test_a_browser_variable_naming_a_missing_program_is_reported_by_the_opener():
    from papertui.links import open_in_browser

    outcome = open_in_browser(f"https://arxiv.org/abs/{ID}", environ={"BROWSER": "no-such-browser-anywhere"})
    assert not outcome.opened and "no-such-browser-anywhere" in outcome.how and one_line(outcome.how)


async def test_a_full_disk_keeps_the_marks_and_leaves_the_state_file_whole(rec, data_dir, monkeypatch):
    app = instrument(make_app(query="RaTEScore"), rec)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("enter", "s")  # saved
        await settle(pilot)
        saved = (data_dir / "state.json").read_bytes()

        def full(*args, **kwargs):
            raise OSError(errno.ENOSPC, "No space left on device")

        monkeypatch.setattr(files.os, "fsync", full)
        await pilot.press("r")  # not saved
        await settle(pilot)
        title, message, severity = rec.notes[-1]
        assert title == "Marks not saved" and "No space left on device" in message and one_line(message)
        assert app.marks.get(app.current_paper).read and app.is_running
        assert (data_dir / "state.json").read_bytes() == saved
        assert sorted(p.name for p in data_dir.iterdir()) == [".state.json.lock", "opened.json", "settings.json", "state.json"]  # no temp file left

        monkeypatch.undo()
        monkeypatch.setenv("PAPERTUI_DATA_DIR", str(data_dir))
        await pilot.press("t", *"later", "enter")  # the next save writes the pending mark too
        await settle(pilot)
        paper = app.current_paper
    reopened = state.MarkStore.open(data_dir)
    assert reopened.get(paper).starred and reopened.get(paper).read and reopened.get(paper).tags == ("later",)


async def test_a_damaged_state_file_is_moved_aside_and_the_app_starts(rec, data_dir):
    data_dir.mkdir(exist_ok=True)
    (data_dir / "state.json").write_bytes(b'{"version": 1, "papers": {"x": \x00\xff')
    app = instrument(make_app(query="RaTEScore"), rec)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        (note,) = [message for title, message, _ in rec.notes if title == "Marks"]
        assert "damaged" in note and "moved aside" in note and one_line(note)
        await pilot.press("enter", "s")
        await settle(pilot)
        paper = app.current_paper
    aside = [p for p in data_dir.iterdir() if p.name.startswith("state.json.damaged-")]
    assert len(aside) == 1 and aside[0].read_bytes().startswith(b'{"version": 1, "papers": {"x": ')
    assert state.MarkStore.open(data_dir).get(paper).starred


def test_stopping_a_load_keeps_what_loaded(tmp_path, monkeypatch):
    monkeypatch.setattr(loader, "PROGRESS_EVERY", 5)
    for name in "abc":
        (tmp_path / f"{name}.txt").write_text("".join(f"Abstract: Paper {name}{n} with an abstract long enough to stand on its own.\n" for n in range(12)))
    corpus = Corpus()

    def stop() -> bool:  # asked after every record: Ctrl+C takes effect at once
        return len(corpus.papers) >= 12 + 5  # all of a.txt, then b.txt at record 5

    steps = list(iter_load([tmp_path], corpus=corpus, stop=stop))
    last = steps[-1]
    assert last.stopped and last.done and last.files_done == 2 and last.files_total == 3
    assert len(last.corpus.papers) == 12 + 5
    assert last.corpus.warnings == [f"{tmp_path}/b.txt: loading stopped after record 5; the rest of this file and 1 more file was not read"]


async def test_ctrl_c_during_a_long_load_stops_it_and_the_app_stays_usable(rec, tmp_path, monkeypatch):
    papers = tmp_path / "papers"  # apart from the data directory, which the app writes to
    papers.mkdir()
    for name in "abc":
        (papers / f"{name}.txt").write_text(
            "".join(f"Title: Paper {name} number {n}\nSummary: About {name} and item {n}, long enough to be an abstract.\n---\n" for n in range(20))
        )
    app = instrument(make_app([papers]), rec)
    real_load_file = loader.load_file
    waited = threading.Event()

    def slow_load_file(path, report, builder, stop):  # b.txt waits for Ctrl+C: a load still under way
        if path.name == "b.txt":
            waited.set()
            app._stop_loading.wait(10)
        yield from real_load_file(path, report, builder, stop)

    monkeypatch.setattr(loader, "load_file", slow_load_file)
    async with app.run_test(size=SIZE) as pilot:
        for _ in range(1000):
            if waited.is_set():
                break
            await pilot.pause(0.01)
        assert app.loading
        await pilot.press("ctrl+c")
        await settle(pilot)
        # The stop is seen after the next record: all of a.txt and the first paper of b.txt.
        assert not app.loading and len(app.corpus.papers) == 21
        assert any(message.startswith("Loading stopped: 21 papers from 2 of 3 files") for _, message, _ in rec.notes), rec.notes
        app.filter_bar.value = "number 0"
        await settle(pilot)
        assert [app.corpus.papers[i].title for i in app.result.rows[:2]] == ["Paper a number 0", "Paper b number 0"]
        await pilot.press("ctrl+c")  # no load any more: Ctrl+C is Textual's again, and nothing breaks
        assert app.is_running


async def test_a_40_by_12_terminal_shows_one_pane_at_a_time():
    app = make_app(query="masked thought")
    async with app.run_test(size=(40, 12)) as pilot:
        await settle(pilot)
        list_pane, detail = app.query_one(PaperList), app.query_one(DetailPane)
        assert list_pane.display and not detail.display and list_pane.outer_size.width == 40
        await pilot.press("enter", "enter")
        await pilot.pause()
        assert detail.display and not list_pane.display and detail.has_focus
        assert detail.paper.title.startswith("Masked Thought")
        await pilot.press("escape")
        await pilot.pause()
        assert list_pane.display and not detail.display and list_pane.has_focus
        await pilot.resize_terminal(120, 40)
        await pilot.pause()
        assert list_pane.display and detail.display


def test_the_browser_refuses_to_start_without_a_terminal(tmp_path):
    """No terminal at all (cron, CI, a service): say so instead of drawing into a pipe."""
    result = subprocess.run(
        [sys.executable, "-m", "papertui"], stdin=subprocess.DEVNULL, capture_output=True, text=True,
        start_new_session=True, timeout=60, env={**os.environ, "PAPERTUI_DATA_DIR": str(tmp_path)},
    )  # fmt: skip
    assert result.returncode == 2
    assert result.stderr.startswith("papertui: error: the browser needs a terminal") and one_line(result.stderr)
    assert result.stdout == ""
    assert not Path(tmp_path, "state.json").exists()
