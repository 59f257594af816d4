"""The app under Textual's pilot: keys, filtering, open and copy with fakes, literal text."""

from __future__ import annotations

import webbrowser

import pyperclip
import pytest
from textual.command import CommandList
from textual.binding import Binding
from textual.geometry import Region

from conftest import SEED_PAPERS
from helpers import make_corpus, make_paper, settle
from papertui.cli import make_app
from papertui.search import SearchResult
from papertui.ui.app import PaperApp
from papertui.ui.detail import DetailPane
from papertui.ui.filter_bar import FilterBar
from papertui.ui.help_screen import HelpScreen
from papertui.ui.paper_list import PaperList

SIZE = (120, 40)
MASKED = "Masked Thought: Simply Masking Partial Reasoning Steps Can Improve Mathematical Reasoning Learning of Language Models"



class Recorder:
    """Stands in for App.notify, pyperclip.copy, App.copy_to_clipboard and the browser."""

    def __init__(self):
        self.notes: list[tuple[str, str, str]] = []
        self.clipboard: list[str] = []
        self.osc52: list[str] = []
        self.opened: list[str] = []

    def notify(self, message, *, title="", severity="information", timeout=None, markup=True):
        assert markup is False, "untrusted text must never be parsed as markup"
        self.notes.append((title, message, severity))

    @property
    def last(self) -> str:
        title, message, _ = self.notes[-1]
        return f"{title}\n{message}"


class FakeBrowser:
    name = "firefox"

    def __init__(self, recorder: Recorder):
        self.recorder = recorder

    def open(self, url):
        self.recorder.opened.append(url)
        return True


@pytest.fixture
def rec(monkeypatch) -> Recorder:
    recorder = Recorder()
    monkeypatch.setattr(pyperclip, "copy", recorder.clipboard.append)
    monkeypatch.setattr(webbrowser, "get", lambda: FakeBrowser(recorder))
    for name in ("BROWSER", "SSH_CONNECTION", "SSH_CLIENT", "SSH_TTY", "WAYLAND_DISPLAY"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("DISPLAY", ":0")
    return recorder


def instrument(app: PaperApp, recorder: Recorder) -> PaperApp:
    app.notify = recorder.notify
    app.copy_to_clipboard = recorder.osc52.append
    return app


def no_clipboard(monkeypatch):
    def broken(text):
        raise pyperclip.PyperclipException("no copy/paste mechanism")

    monkeypatch.setattr(pyperclip, "copy", broken)


async def test_starts_with_every_paper_and_the_filter_focused():
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.focused, FilterBar)
        assert app.paper_list.row_count == SEED_PAPERS
        assert app.detail.paper is app.corpus.papers[0]
        assert "321 of 321 papers" in str(app.query_one("#status").content)


async def test_typing_filters_live_and_shows_the_best_match():
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press(*"masked thought")
        await settle(pilot)
        assert app.paper_list.row_count == 1
        assert app.detail.paper.title == MASKED
        assert app.paper_list.render_line(0).text.strip().startswith("Masked Thought")
        assert "masked" in app.detail.terms and "thought" in app.detail.terms
        assert "1 of 321 papers" in str(app.query_one("#status").content)
        await pilot.press("escape")  # clears the filter
        await settle(pilot)
        assert app.filter_bar.value == "" and app.paper_list.row_count == SEED_PAPERS


async def test_initial_query_from_the_command_line():
    app = make_app(query="arboretum")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert app.detail.paper.title.startswith("Arboretum")


async def test_arrows_move_the_selection_while_typing():
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press(*"llm")
        await settle(pilot)
        rows = app.result.rows
        await pilot.press("down", "down")
        await pilot.pause()
        assert isinstance(app.focused, FilterBar) and app.filter_bar.value == "llm"
        assert app.paper_list.cursor == 2
        assert app.detail.paper is app.corpus.papers[rows[2]]
        await pilot.press("up")
        await pilot.pause()
        assert app.paper_list.cursor == 1
        await pilot.press("pagedown")
        await pilot.pause()
        assert app.paper_list.cursor > 10


async def test_list_keys():
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        assert isinstance(app.focused, PaperList)
        await pilot.press("j", "j", "k")
        assert app.paper_list.cursor == 1
        await pilot.press("G")
        await pilot.pause()
        assert app.paper_list.cursor == SEED_PAPERS - 1
        assert app.paper_list.scroll_offset.y > 0  # the cursor stays in view
        await pilot.press("g")
        assert app.paper_list.cursor == 0
        await pilot.press("end", "pageup")
        assert app.paper_list.cursor < SEED_PAPERS - 10
        await pilot.press("home")
        assert app.paper_list.cursor == 0
        await pilot.press("enter")  # read: to the detail pane
        assert isinstance(app.focused, DetailPane)
        await pilot.press("escape")
        assert isinstance(app.focused, PaperList)
        await pilot.press("slash")
        assert isinstance(app.focused, FilterBar)
        await pilot.press("enter", "escape")  # from the list, Esc goes back to the filter
        assert isinstance(app.focused, FilterBar)


async def test_q_quits_from_the_list_but_types_in_the_filter():
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("q")
        assert app.filter_bar.value == "q" and app.is_running
        await pilot.press("enter", "q")
        await pilot.pause()
        assert not app.is_running


async def test_copy_abs_and_pdf_links_with_pyperclip(rec):
    app = instrument(make_app(query="RaTEScore"), rec)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+y")  # from the filter bar
        await pilot.press("enter", "Y")  # from the list
        assert rec.clipboard == ["https://arxiv.org/abs/2406.16845", "https://arxiv.org/pdf/2406.16845"]
        assert rec.osc52 == []
        assert "https://arxiv.org/pdf/2406.16845" in rec.last and "Copied PDF link" in rec.last


async def test_copy_falls_back_to_osc52(rec, monkeypatch):
    no_clipboard(monkeypatch)
    app = instrument(make_app(query="RaTEScore"), rec)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("enter", "y")
        assert rec.osc52 == ["https://arxiv.org/abs/2406.16845"]
        assert "https://arxiv.org/abs/2406.16845" in rec.last and "OSC 52" in rec.last


async def test_copy_without_id_uses_a_search_link_and_says_so(rec):
    app = instrument(make_app(query="masked thought"), rec)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("enter", "y")
        assert rec.clipboard == [
            "https://arxiv.org/search/?query=Masked+Thought%3A+Simply+Masking+Partial+Reasoning+Steps+Can+Improve"
            "+Mathematical+Reasoning+Learning+of+Language+Models&searchtype=title"
        ]
        assert "search link (no arXiv id)" in rec.last


async def test_open_pdf_and_abs_in_the_browser(rec):
    app = instrument(make_app(query="RaTEScore"), rec)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+o")
        await settle(pilot)
        await pilot.press("enter", "O")
        await settle(pilot)
        assert rec.opened == ["https://arxiv.org/pdf/2406.16845", "https://arxiv.org/abs/2406.16845"]
        assert "Opened arXiv link" in rec.last
        assert rec.clipboard == []


async def test_open_without_display_copies_instead(rec, monkeypatch):
    monkeypatch.delenv("DISPLAY")
    monkeypatch.setattr("sys.platform", "linux")
    app = instrument(make_app(query="RaTEScore"), rec)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("enter", "o")
        await settle(pilot)
        assert rec.opened == []
        assert rec.clipboard == ["https://arxiv.org/pdf/2406.16845"]
        title, message, severity = rec.notes[-1]
        assert severity == "warning" and "no display" in message and "https://arxiv.org/pdf/2406.16845" in message


async def test_open_without_display_and_without_clipboard_uses_osc52(rec, monkeypatch):
    monkeypatch.delenv("DISPLAY")
    monkeypatch.setattr("sys.platform", "linux")
    no_clipboard(monkeypatch)
    app = instrument(make_app(query="RaTEScore"), rec)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("enter", "o")
        await settle(pilot)
        assert rec.opened == [] and rec.osc52 == ["https://arxiv.org/pdf/2406.16845"]


MARKUP_TITLE = "[CLS] tokens, [TODO] and [/bold] in a title"
MARKUP_ABSTRACT = "We cite [ASA+22,GTLV22,ONR+22] and write [/bold] [link=https://evil.example]click[/link] [b]literally[/b]."


async def test_markup_like_text_is_shown_literally():
    corpus = make_corpus(make_paper(MARKUP_TITLE, MARKUP_ABSTRACT))
    app = make_app(corpus=corpus)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert MARKUP_TITLE in app.paper_list.render_line(0).text
        lines = "".join(app.detail.render_line(y).text for y in range(20))  # as drawn
        assert MARKUP_TITLE in lines
        assert "[ASA+22,GTLV22,ONR+22]" in lines and "[/bold]" in lines and "[b]literally[/b]" in lines


async def test_seed_abstract_with_citation_brackets_is_literal():
    app = make_app(query="closeness softmax")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert "[ASA+22,GTLV22,ONR+22]" in app.detail.paper.abstract
        lines = " ".join(app.detail.render_line(y).text.strip() for y in range(app.detail.size.height))
        assert "[ASA+22,GTLV22,ONR+22]" in lines


async def test_empty_result_says_so():
    app = make_app(query="zzzqqqxxx")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert app.paper_list.row_count == 0 and app.detail.paper is None
        assert "No papers match" in app.paper_list.render_line(0).text


async def test_stale_filter_results_are_dropped():
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        stale = SearchResult("old query", [0], frozenset())
        app.post_message(PaperApp.Filtered(stale, stale.rows, app._generation - 1))
        await pilot.pause()
        assert app.paper_list.row_count == SEED_PAPERS


# Every key the browser promises, as the help screen shows it.
PROMISED_KEYS = ["↑", "↓", "pgup", "pgdn", "home", "end", "⏎", "esc", "/", "j", "k", "g", "G", "o", "O", "y", "Y", "^o", "^y", "?", "f1", "^p", "q", "^q"]


async def test_help_screen_lists_every_binding():
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("f1")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        text = app.screen.help_text().plain
        for key in PROMISED_KEYS:
            assert f" {key} " in text or f" {key}," in text or f", {key} " in text, key
        bindings = Binding.make_bindings([*FilterBar.BINDINGS, *PaperList.BINDINGS, *DetailPane.BINDINGS, *PaperApp.BINDINGS])
        for binding in bindings:
            if binding.action in ("app.choose", "stop_loading"):  # only with --print / while loading
                assert (binding.tooltip or binding.description) not in text
                continue
            assert (binding.tooltip or binding.description) in text
        await pilot.press("escape")
        assert not isinstance(app.screen, HelpScreen)
        await pilot.press("enter", "question_mark")  # ? from the list
        assert isinstance(app.screen, HelpScreen)


async def test_palette_offers_every_action_and_runs_it(rec):
    app = instrument(make_app(query="RaTEScore"), rec)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        titles = {command.title for command in app.get_system_commands(app.screen)}
        assert {
            "Open PDF", "Open abstract page", "Copy arXiv link", "Copy PDF link", "Focus filter",
            "Clear filter", "Focus list", "First paper", "Last paper", "Read abstract", "Show keys", "Quit",
        } <= titles
        await pilot.press("ctrl+p")
        await pilot.press(*"copy pdf link")
        commands = app.screen.query_one(CommandList)
        for _ in range(500):  # the palette searches in the background
            highlighted = commands.highlighted_option
            if highlighted is not None and "Copy PDF link" in str(highlighted.prompt):
                break
            await pilot.pause(0.01)
        await pilot.press("enter")
        await settle(pilot)
        assert rec.clipboard == ["https://arxiv.org/pdf/2406.16845"]


async def test_load_warnings_are_notified(rec, write, tmp_path):
    write("good.txt", "Abstract: A fine abstract about retrieval augmented generation.\n")
    write("junk.txt", "nothing to see here\n")
    app = instrument(make_app([tmp_path]), rec)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert app.paper_list.row_count == 1
        assert any("junk.txt: matches no known format" in message for _, message, _ in rec.notes)


async def test_clicking_a_row_selects_it():
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.click(PaperList, offset=(10, 4))
        await pilot.pause()
        assert app.paper_list.cursor == 4
        assert app.detail.paper is app.corpus.papers[4]


async def test_small_terminal_stays_usable():
    app = make_app(query="masked thought")
    async with app.run_test(size=(60, 14)) as pilot:
        await settle(pilot)
        assert app.detail.paper.title.startswith("Masked Thought")
        await pilot.press("enter", "G", "f1")
        assert isinstance(app.screen, HelpScreen)


async def test_cursor_row_background_spans_every_cell():
    app = make_app(query="reinforcement")  # derived titles, matches and dates on the rows
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        cursor_bg = app.paper_list.get_component_rich_style("paper-list--cursor").bgcolor
        for row in range(app.paper_list.row_count)[:5]:
            app.paper_list.cursor = row
            strip = app.paper_list.render_line(row)
            assert {segment.style.bgcolor for segment in strip if segment.text} == {cursor_bg}


@pytest.mark.parametrize("worker", [False, True])
@pytest.mark.parametrize("keys", [["l"], ["l", "a"], ["pagedown"], ["down"]])
async def test_a_key_changes_the_list_and_the_detail_pane_in_one_frame(monkeypatch, keys, worker):
    """What each drawn frame repainted: a key that moves or filters the list must not leave
    the detail pane (or a scrollbar, or the bar) for a later frame; with a worker searching
    (a large index), the typed character waits for its answer to be drawn with it."""
    from textual.screen import Screen

    from papertui.ui import app as app_module

    if worker:
        monkeypatch.setattr(app_module, "INLINE_SEARCH_PAPERS", 0)

    frames: list[set[str]] = []
    draw = Screen._compositor_refresh

    def recorded(screen):
        frames.append({type(widget).__name__ for widget in screen._dirty_widgets})
        draw(screen)

    monkeypatch.setattr(Screen, "_compositor_refresh", recorded)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("l")  # the first filter shows the scrollbars' new sizes once
        await settle(pilot)
        if keys[0] in ("pagedown", "down"):
            await pilot.press("escape")
            await settle(pilot)
        shown = app.detail.paper
        frames.clear()
        await pilot.press(*keys)
        await settle(pilot)
        assert app.detail.paper is not shown
        # Frames of scrollbars alone may follow: Textual repaints them after its scroll pass,
        # with the positions they already had (the harness in bench/keystrokes.py sees no change).
        drawn = [frame for frame in frames if frame - {"ScrollBar"}]
        assert 0 < len(drawn) <= len(keys) and all({"PaperList", "DetailPane"} <= frame for frame in drawn), frames
        if keys[0] not in ("pagedown", "down"):
            assert all("FilterBar" in frame for frame in drawn) and not app._batch_count, frames


async def test_a_scrollbar_that_comes_or_goes_with_a_key_is_drawn_in_the_same_frame(monkeypatch):
    """A new paper whose text no longer fits the detail pane (or now fits it) needs a layout
    pass for the pane's scrollbar; that pass must happen before the key's frame, not in a
    frame of its own after it (a second change on screen, a frame later)."""
    from textual.screen import Screen

    events: list[str] = []
    draw, lay_out = Screen._compositor_refresh, Screen._refresh_layout

    def recorded_draw(screen):
        events.append("frame" if screen._dirty_widgets - set(screen.query("ScrollBar")) else "scrollbars")
        draw(screen)

    def recorded_layout(screen, *args, **kwargs):
        events.append("layout")
        lay_out(screen, *args, **kwargs)

    monkeypatch.setattr(Screen, "_compositor_refresh", recorded_draw)
    monkeypatch.setattr(Screen, "_refresh_layout", recorded_layout)
    app = make_app(query="language model r")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        scrollbar_before = app.detail.show_vertical_scrollbar
        events.clear()
        await pilot.press("e")
        await settle(pilot)
        assert app.detail.show_vertical_scrollbar != scrollbar_before  # the case this is about
        drawn = [event for event in events if event != "scrollbars"]
        assert drawn[0] == "layout" and drawn.count("layout") == 1, events
