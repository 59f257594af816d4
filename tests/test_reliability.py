"""Nothing hangs and nothing is lost: special files, key floods, bytes that are not UTF-8,
quitting during a load that cannot finish, text Python cannot encode, marks that must not
be shared or lost, numbers out of range, and files too large for memory."""

from __future__ import annotations

import json
import re
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from textual import events

from helpers import make_paper, settle
from papertui.cli import main, make_app
from papertui.corpus import load_corpus
from papertui.links import arxiv_id_from_url, parse_arxiv_id
from papertui.marks.store import MarkStore
from terminal import Terminal

ABSTRACT = "A perfectly ordinary abstract, long enough to be recognised as the abstract of a paper."


def papertui(*args: str, timeout: float = 60, **kwargs) -> subprocess.CompletedProcess:
    """Run the real command; a hang fails the test instead of stalling the suite."""
    return subprocess.run([sys.executable, "-m", "papertui", *args], capture_output=True, text=True, timeout=timeout, **kwargs)


# --- special files ---------------------------------------------------------------------------


@pytest.mark.parametrize("command", ["list", "stats"])
def test_a_fifo_given_or_found_is_skipped_and_the_rest_loads(command, tmp_path):
    (tmp_path / "good.txt").write_text(f"Abstract: {ABSTRACT}\n")
    os.mkfifo(tmp_path / "pipe.txt")
    for target in ([str(tmp_path)], [str(tmp_path / "pipe.txt"), str(tmp_path / "good.txt")]):
        result = papertui(command, *target, timeout=30)  # a blocked open() would time out here
        assert result.returncode == 0, result.stderr
        assert result.stderr.strip() == f"papertui: warning: {tmp_path / 'pipe.txt'}: a named pipe (FIFO), not a regular file; skipped"
        assert "perfectly ordinary" in result.stdout or command == "stats"


def test_a_character_device_is_skipped(tmp_path):
    (tmp_path / "good.txt").write_text(f"Abstract: {ABSTRACT}\n")
    corpus = load_corpus([Path("/dev/zero"), tmp_path / "good.txt"])  # /dev/zero never ends
    assert len(corpus.papers) == 1
    assert corpus.warnings == ["/dev/zero: a character device, not a regular file; skipped"]


# --- keys ------------------------------------------------------------------------------------


async def test_a_flood_of_keystrokes_runs_a_few_filters_not_one_per_key():
    """10,000 characters without bracketed paste: at most one filter runs and one waits."""
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        started = []  # searches, whether on the UI thread (a small index) or in a worker
        real_search = app.index.search

        def counting_search(query, *args, **kwargs):
            started.append(query.text)
            return real_search(query, *args, **kwargs)

        app.index.search = counting_search
        typed = ("masked thought " * 700)[:10_000]
        for length in range(1, len(typed) + 1):  # every keystroke's change, as fast as keys come
            app.filter_bar.value = typed[:length]
        await settle(pilot)
        assert 1 <= len(started) <= 3, len(started)
        assert started[-1] == typed  # the last query is the one searched
        assert app.result.query == typed


async def test_a_burst_of_keys_is_typed_into_the_filter_as_one_edit():
    """Input does work in proportion to its whole value on every edit: 10,000 keys typed one
    by one were quadratic. Keys that arrive together are inserted together."""
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        edits = []
        real_insert = app.filter_bar.insert_text_at_cursor
        app.filter_bar.insert_text_at_cursor = lambda text: (edits.append(text), real_insert(text))[1]
        typed = ("masked thought " * 700)[:10_000]
        for char in typed:
            app.filter_bar.post_message(events.Key("space" if char == " " else char, char))
        await pilot.press("backspace")  # a key after the burst acts on all of it
        await settle(pilot)
        assert app.filter_bar.value == typed[:-1]
        assert 1 <= len(edits) <= 3 and "".join(edits) == typed
        assert app.result.query == typed[:-1]
        await pilot.press("x")  # a key typed alone still lands at once
        assert app.filter_bar.value == typed[:-1] + "x"


async def test_esc_right_after_a_burst_clears_the_burst_too():
    """A paste without bracketed paste arrives as keys; Esc pressed while they still wait to be
    inserted cleared the filter first, and the burst landed after it."""
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        for _ in range(2_000):  # as the terminal sends them: to the app, which hands them on
            app.post_message(events.Key("a", "a"))
        app.post_message(events.Key("escape", None))  # its binding runs while the burst still waits
        await settle(pilot)
        await pilot.press(*"masked thought")
        await settle(pilot)
        assert app.filter_bar.value == "masked thought"
        assert app.result.query == "masked thought"


def test_an_invalid_byte_from_the_terminal_is_replaced_and_the_app_lives(seeds_dir):
    terminal = Terminal(str(seeds_dir))
    try:
        assert terminal.wait_for_output(b"321"), terminal.output[-2000:]
        terminal.send(b"\xff")
        time.sleep(1.0)
        assert not terminal.exited_within(0.1), terminal.output[-2000:]
        assert b"Traceback" not in terminal.output and b"UnicodeDecodeError" not in terminal.output
        terminal.send(b"\x11")  # Ctrl+Q
        assert terminal.exited_within(10)
        assert terminal.status == 0
    finally:
        terminal.close()


def test_ctrl_q_ends_the_process_while_the_load_waits_on_a_pipe_and_the_marks_are_saved(data_dir, seeds_dir):
    """`tail -f papers | papertui SEEDS -`: the pipe never ends, so the load never does; the
    seeds, loaded first, can be browsed and starred meanwhile."""
    terminal = Terminal(str(seeds_dir), "-", stdin_pipe=True)
    try:
        assert terminal.pipe_writer is not None
        os.write(terminal.pipe_writer, f"Title: A Paper From A Pipe That Stays Open\nSummary: {ABSTRACT}\n---\n".encode())
        assert terminal.wait_for_output(b"of 321 papers"), terminal.output[-2000:]
        terminal.send(b"\r")  # to the list
        time.sleep(0.3)
        terminal.send(b"s")  # star it
        time.sleep(0.5)
        started = time.monotonic()
        terminal.send(b"\x11")  # Ctrl+Q
        assert terminal.exited_within(10), "the process lived on after Ctrl+Q"
        took = time.monotonic() - started
        assert terminal.status == 0
        assert took < 5, took
    finally:
        terminal.close()
    state = json.loads((data_dir / "state.json").read_text())
    assert [entry["starred"] for entry in state["papers"].values()] == [True]


# --- text Python cannot encode ---------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["text", "links", "markdown", "bibtex", "json", "jsonl"])
def test_lone_surrogates_are_replaced_and_every_output_format_works(fmt, tmp_path):
    (tmp_path / "papers.json").write_text('[{"paper": {"id": "2401.00001", "title": "Broken \\ud800 title", "summary": "' + ABSTRACT + '"}}]')
    result = papertui("list", str(tmp_path), "--format", fmt)
    assert result.returncode == 0, result.stderr
    assert "1 invalid characters (lone UTF-16 surrogates) replaced with \N{REPLACEMENT CHARACTER}" in result.stderr
    if fmt in ("text", "markdown", "bibtex"):
        assert "Broken \N{REPLACEMENT CHARACTER} title" in result.stdout


def test_one_unencodable_mark_never_keeps_the_others_from_being_saved(data_dir):
    store = MarkStore.open()
    good, bad = make_paper("A Good Paper"), make_paper("Bad \ud800 Paper")  # built by hand, never loaded
    store.update(good, starred=True)
    store.update(bad, starred=True, note="a note \udfff")
    store.save()
    again = MarkStore.open()
    assert again.get(good).starred
    assert [m.title for m in again.entries.values() if m.title.startswith("Bad")] == ["Bad \N{REPLACEMENT CHARACTER} Paper"]


async def test_the_app_saves_marks_of_a_paper_with_a_surrogate_in_its_title(tmp_path, data_dir):
    (tmp_path / "papers.json").write_text('[{"paper": {"id": "2401.00001", "title": "Broken \\ud800 title", "summary": "' + ABSTRACT + '"}}]')
    app = make_app([tmp_path])
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("enter", "s")
        await settle(pilot)
        assert not app.marks.pending
    assert MarkStore.open().entries["arxiv:2401.00001"].starred


# --- marks -----------------------------------------------------------------------------------


def test_titles_without_letters_or_digits_do_not_share_marks(data_dir):
    rockets, questions, again = make_paper("🚀🚀"), make_paper("???"), make_paper("  ??? ")
    store = MarkStore.open()
    store.update(rockets, starred=True)
    store.save()
    store = MarkStore.open()
    assert store.get(rockets).starred
    assert store.get(questions) is None
    store.update(questions, read=True)
    assert store.get(again).read and not store.get(again).starred  # the same title, spaced otherwise


def test_marks_stored_under_the_old_empty_key_move_to_the_titles_own(data_dir):
    data_dir.mkdir()
    entry = {"title": "🚀🚀", "starred": True, "changed": 1.0}
    (data_dir / "state.json").write_text(json.dumps({"version": 1, "papers": {"title:": entry}}))
    store = MarkStore.open()
    assert store.get(make_paper("🚀🚀")).starred and store.get(make_paper("???")) is None


def test_a_symlinked_marks_file_is_written_through_the_link(data_dir, tmp_path):
    dotfiles = tmp_path / "dotfiles"
    dotfiles.mkdir()
    target = dotfiles / "papertui-state.json"
    target.write_text(json.dumps({"version": 1, "papers": {}}))
    data_dir.mkdir()
    (data_dir / "state.json").symlink_to(target)
    store = MarkStore.open()
    store.update(make_paper("A Paper Worth A Star"), starred=True)
    store.save()
    assert (data_dir / "state.json").is_symlink()
    assert "A Paper Worth A Star" in target.read_text()
    assert list(dotfiles.glob("*.tmp")) == [] and list(dotfiles.glob(".*.tmp")) == []


def test_temp_files_of_a_killed_save_are_removed_on_the_next_start(data_dir):
    data_dir.mkdir()
    left = [data_dir / ".state.json.abc123.tmp", data_dir / ".resolved.json.def456.tmp"]
    for path in left:
        path.write_text('{"half": ')
    other = data_dir / "notes.tmp"
    other.write_text("not ours")
    MarkStore.open()
    from papertui.resolve import ResolveCache

    ResolveCache.open()
    assert not any(path.exists() for path in left)
    assert other.exists()


# --- numbers ---------------------------------------------------------------------------------


def test_upvotes_out_of_range_are_dropped_with_a_warning_and_sorting_works(tmp_path, capsys):
    (tmp_path / "papers.json").write_text(
        '[{"paper": {"id": "2401.00001", "title": "Too many votes", "summary": "' + ABSTRACT + '", "upvotes": 99999999999999999999999}},'
        ' {"paper": {"id": "2401.00002", "title": "Some votes", "summary": "' + ABSTRACT + ' Two.", "upvotes": 12}}]'
    )
    code = main(["list", str(tmp_path), "--sort", "upvotes"])
    out, err = capsys.readouterr()
    assert code == 0
    assert [line.split(maxsplit=1) for line in out.splitlines()] == [["2401.00002", "Some votes"], ["2401.00001", "Too many votes"]]
    assert "record 1: 99999999999999999999999 upvotes is out of range; left out" in err


async def test_the_app_sorts_papers_by_upvotes_out_of_range(tmp_path):
    (tmp_path / "papers.json").write_text(
        '[{"paper": {"id": "2401.00001", "title": "Too many votes", "summary": "' + ABSTRACT + '", "upvotes": 99999999999999999999999}},'
        ' {"paper": {"id": "2401.00002", "title": "Some votes", "summary": "' + ABSTRACT + ' Two.", "upvotes": 12}}]'
    )
    app = make_app([tmp_path])
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        for _ in range(4):  # relevance, corpus, title, date, upvotes
            await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.sort_order == "upvotes"
        assert [app.corpus.papers[i].title for i in app.paper_list.rows] == ["Some votes", "Too many votes"]


# --- memory ----------------------------------------------------------------------------------


def test_a_file_too_large_for_memory_costs_that_file_only(tmp_path):
    (tmp_path / "a-good.txt").write_text(f"Abstract: {ABSTRACT}\n")
    huge = tmp_path / "b-huge.bib"
    with open(huge, "wb") as file:  # sparse: 6 GB on paper, nothing on disk
        file.write(b"@article{big, title={A Huge Entry}, note={" + b"text " * 20_000)  # text first, then NULs
        file.truncate(6 << 30)
    limit = "import resource; resource.setrlimit(resource.RLIMIT_AS, (3 << 30, 3 << 30))"
    code = f"{limit}; import sys; from papertui.cli import main; sys.exit(main(['list', {str(tmp_path)!r}]))"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert "perfectly ordinary" in result.stdout
    assert result.stderr.strip() == f"papertui: warning: {huge}: too large to read into memory ({6 << 30:,} bytes); skipped"


# --- arXiv ids -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "２４０６.１６８４５",  # full-width digits
        "٢٤٠٦.١٦٨٤٥",  # Arabic-Indic digits
        "2406.1684５",
        "https://arxiv.org/abs/２４０６.１６８４５",
    ],
)
def test_arxiv_ids_take_ascii_digits_only(text):
    assert parse_arxiv_id(text) is None


@pytest.mark.parametrize(
    "url",
    [
        "https://evil.example/arxiv.org/abs/2406.16845",
        "https://notarxiv.org/abs/2406.16845",
        "https://arxiv.org.evil.example/abs/2406.16845",
        "https://example.com/?next=https://arxiv.org/abs/2406.16845",
    ],
)
def test_only_an_arxiv_host_yields_an_id(url):
    assert arxiv_id_from_url(url) is None


@pytest.mark.parametrize("url", ["https://export.arxiv.org/abs/2406.16845v2", "http://www.arxiv.org/pdf/2406.16845", "arxiv.org/abs/2406.16845"])
def test_arxiv_hosts_still_yield_ids(url):
    assert arxiv_id_from_url(url) == "2406.16845"


# --- what the terminal draws -----------------------------------------------------------------

EMOJI_TITLE = "Family 👨\u200d👩\u200d👧 reunions and ❤\ufe0f hearts 👍🏽 measured"


async def test_emoji_sequences_take_the_cells_they_are_measured_by(tmp_path):
    """A ZWJ family is one glyph of 2 cells on some terminals and three of 2 on others; a
    heart with VS16 is 1 cell by the tables and 2 on screen. Taken apart, each emoji is drawn
    as wide as the layout measured it, so the divider and the detail labels stay aligned."""
    (tmp_path / "emoji.txt").write_text(f"Title: {EMOJI_TITLE}\nSummary: {ABSTRACT} About {EMOJI_TITLE}.\n---\n"
                                        f"Title: A Plain Neighbour\nSummary: {ABSTRACT} Plain.\n---\n")
    app = make_app([tmp_path])
    async with app.run_test(size=(100, 20)) as pilot:
        await settle(pilot)
        paper_list = app.paper_list
        rows = [paper_list.render_line(y) for y in range(2)]
        assert [row.cell_length for row in rows] == [paper_list.size.width] * 2
        drawn = [row.text for row in rows]
        assert all(not re.search("[\u200d\ufe0f\U0001f3fb-\U0001f3ff]", text) for text in drawn)
        assert "👨👩👧" in drawn[0] and "❤ hearts" in drawn[0]
        detail = app.detail.text
        assert "\u200d" not in detail and "\ufe0f" not in detail and "👨👩👧" in detail
    assert app.corpus.papers[0].title == EMOJI_TITLE  # the paper keeps its text; only the screen differs


def test_marks_left_unsaved_in_the_app_are_saved_on_the_way_out(data_dir, monkeypatch, capsys):
    from papertui.cli import browse
    from papertui.ui.app import PaperApp

    def run_and_star_while_the_disk_is_full(app):
        app.marks.update(make_paper("Starred While The Disk Was Full"), starred=True)  # its save failed: pending
        return None

    monkeypatch.setattr(PaperApp, "run", run_and_star_while_the_disk_is_full)
    monkeypatch.setattr(browse, "_terminal_reachable", lambda: True)
    assert main([]) == 0
    assert MarkStore.open().get(make_paper("Starred While The Disk Was Full")).starred
    assert capsys.readouterr().err == ""


async def test_a_load_that_fails_says_so_and_stops_loading(monkeypatch):
    """An error the loader did not expect reaches the app (it once left the worker waiting
    for ever, the screen saying "Loading papers…"): one error note, and loading ends."""
    from papertui import loading

    def failing_load(*args, **kwargs):
        raise OSError("the disk went away")
        yield  # a generator, as the real one

    monkeypatch.setattr(loading, "load_and_index", failing_load)
    app = make_app()
    noted: list[tuple[str, str]] = []
    app.notify = lambda message, *, title="", severity="information", timeout=None, markup=True: noted.append((severity, message))
    async with app.run_test(size=(120, 40)) as pilot:
        for _ in range(200):  # the failure arrives through the worker; never waits for ever
            await pilot.pause(0.02)
            if not app.loading:
                break
        assert not app.loading
        status = str(app.query_one("#status").render())
        assert "Loading failed (OSError: the disk went away)" in status and "Loading papers" not in status
        assert ("error", "OSError: the disk went away") in noted


async def test_work_in_a_daemon_thread_hands_its_error_to_the_awaiting_worker():
    import asyncio

    from papertui.ui.daemon import in_daemon_thread

    def broken() -> None:
        raise ValueError("broken")

    with pytest.raises(ValueError, match="broken"):
        await asyncio.wait_for(in_daemon_thread(broken, name="test"), 5)


async def test_keys_typed_in_the_list_go_to_the_filter_only_until_the_list_loses_the_focus():
    """A key no binding takes hands what follows to the filter (a fast typist's word); back
    in the list, its own keys work again (`s` stars)."""
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("enter", "b")  # to the list; b is not a list key: the filter gets it
        await settle(pilot)
        assert app.filter_bar.value == "b" and app.filter_bar.has_focus
        await pilot.press("backspace", "enter")  # back to the list
        await settle(pilot)
        assert app.paper_list.has_focus
        await pilot.press("s")
        await settle(pilot)
        assert app.filter_bar.value == "" and app.marks.get(app.detail.paper).starred
