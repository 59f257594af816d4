"""Triage in the app: marks that persist, selection, sorting, export, --print, under the pilot."""

from __future__ import annotations

import json

from helpers import settle
from papertui.cli import make_app
from papertui.marks.store import STATE_FILE, MarkStore
from papertui.ui.prompts import ExportScreen, TextPrompt
from test_app import MASKED, SIZE, instrument, rec  # noqa: F401  (rec is a fixture)


def row_text(app, y: int) -> str:
    return app.paper_list.render_line(y).text


def saved(data_dir) -> dict:
    return json.loads((data_dir / STATE_FILE).read_text())["papers"]


async def test_star_persists_and_is_starred_finds_exactly_it(data_dir):
    app = make_app(query="masked thought")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("enter", "s")
        await settle(pilot)
        assert "★" in row_text(app, 0)[:5]
        assert "★ starred" in app.detail.text
    assert [entry["title"] for entry in saved(data_dir).values()] == [MASKED]

    again = make_app(query="is:starred")  # a new session, as after a restart
    async with again.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert again.paper_list.row_count == 1 and again.current_paper.title == MASKED
        await pilot.press("enter", "s")  # unstar: the filter on marks follows
        await settle(pilot)
        assert again.paper_list.row_count == 0
    assert saved(data_dir) == {}


async def test_read_tags_and_note(data_dir):
    app = make_app(query="RaTEScore")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("enter", "r", "t")
        assert isinstance(app.screen, TextPrompt)
        await pilot.press(*"survey to-read", "enter")
        await pilot.press("n")
        await pilot.press(*"Check the [bold] metric", "enter", *"and its code", "ctrl+s")
        await settle(pilot)
        row = row_text(app, 0)
        assert "✓" in row[:5] and "#survey #to-read" in row
        detail = app.detail.text
        assert "✓ read" in detail and "#survey #to-read" in detail and "Check the [bold] metric\nand its code" in detail
        await pilot.press("t")
        assert app.screen.query_one("Input").value == "survey to-read"
        await pilot.press("escape")  # cancel changes nothing
    (entry,) = saved(data_dir).values()
    assert entry["read"] and entry["tags"] == ["survey", "to-read"] and entry["note"] == "Check the [bold] metric\nand its code"


async def test_opening_a_pdf_marks_it_read(rec, data_dir):
    app = instrument(make_app(query="RaTEScore"), rec)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("enter", "o")
        await settle(pilot)
        assert rec.opened == ["https://arxiv.org/pdf/2406.16845"]
        assert app.marks.get(app.current_paper).read


async def test_selection_drives_copy_star_and_tags(rec, data_dir):
    app = instrument(make_app(query="has:id"), rec)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("enter", "space", "space")
        assert app.paper_list.cursor == 2 and len(app.selected) == 2
        assert row_text(app, 0).startswith("+") and not row_text(app, 2).startswith("+")
        assert "2 selected" in str(app.query_one("#status").render())
        await pilot.press("y")
        (copied,) = rec.clipboard
        first, second = [app.corpus.papers[i] for i in app.paper_list.rows[:2]]
        assert copied == f"https://arxiv.org/abs/{first.arxiv_id}\nhttps://arxiv.org/abs/{second.arxiv_id}"
        assert "Copied 2 links" in rec.last
        await pilot.press("s", "t", *"batch", "enter")
        await settle(pilot)
        assert all(app.marks.get(p).starred and app.marks.get(p).tags == ("batch",) for p in (first, second))
        assert not app.marks.get(app.current_paper)  # the highlighted paper was not selected
        await pilot.press("c")
        assert not app.selected
        await pilot.press("a")
        assert len(app.selected) == app.paper_list.row_count == 50
    assert len(saved(data_dir)) == 2


async def test_opening_many_selected_papers_is_refused(rec):
    app = instrument(make_app(query="has:id"), rec)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("enter", "a", "o")
        await settle(pilot)
        assert rec.opened == [] and "opens 10 at most" in rec.last


async def test_export_selected_to_a_file_and_to_the_clipboard(rec, tmp_path):
    target = tmp_path / "out.md"
    app = instrument(make_app(query="RaTEScore"), rec)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("enter", "e")
        assert isinstance(app.screen, ExportScreen)
        await pilot.press("down", *str(target), "enter")  # BibTeX -> Markdown
        await settle(pilot)
        assert target.read_text() == (
            "- [RaTEScore: A Metric for Radiology Report Generation](https://arxiv.org/abs/2406.16845) · arXiv:2406.16845\n"
        )
        await pilot.press("e", "up", "enter")  # back to BibTeX, to the clipboard
        await settle(pilot)
        assert rec.clipboard[-1].startswith("@misc{ratescore2024,") and "Exported to the clipboard" in rec.last
        await pilot.press("e", *str(tmp_path / "missing" / "x.bib"), "enter")
        await settle(pilot)
        assert isinstance(app.screen, ExportScreen)  # the dialog stays, with the path and why
        assert app.screen.query_one("#export-path").value == str(tmp_path / "missing" / "x.bib")
        assert "No such file or directory" in str(app.screen.query_one("#export-warning").render())


async def test_sort_cycles_and_says_so():
    app = make_app(query="agent")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        relevance = list(app.paper_list.rows)
        await pilot.press("ctrl+s")  # corpus order
        await settle(pilot)
        assert list(app.paper_list.rows) == sorted(relevance)
        assert "sort: corpus order" in str(app.query_one("#status").render())
        await pilot.press("ctrl+s")  # title
        await settle(pilot)
        titles = [app.corpus.papers[i].title.casefold() for i in app.paper_list.rows]
        assert titles == sorted(titles) and sorted(app.paper_list.rows) == sorted(relevance)
        await pilot.press("ctrl+s", "ctrl+s", "ctrl+s")  # date, upvotes, then starred first
        await settle(pilot)
        assert "sort: starred first" in str(app.query_one("#status").render())
        await pilot.press("ctrl+s")  # newest first (first seen by the library): the seeds were never fetched
        await settle(pilot)
        assert "sort: newest first" in str(app.query_one("#status").render())
        assert list(app.paper_list.rows) == sorted(relevance)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert list(app.paper_list.rows) == relevance


async def test_a_malformed_query_is_read_literally_and_the_status_says_how():
    app = make_app(query='masked "thought')
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert app.current_paper.title == MASKED
        assert 'an unbalanced " was read literally' in str(app.query_one("#notes").render())


async def test_print_mode_returns_the_chosen_papers():
    app = make_app(query="RaTEScore", print_mode=True)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("enter")  # in the filter bar, as fzf
    assert [p.arxiv_id for p in app.return_value] == ["2406.16845"]

    app = make_app(query="has:id", print_mode=True)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("tab", "space", "space", "enter")  # Tab to the list to select several
    assert len(app.return_value) == 2

    app = make_app(print_mode=True)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+q")
    assert app.return_value is None


async def test_marks_that_cannot_be_saved_are_reported_and_kept(rec, tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("")
    app = instrument(make_app(query="RaTEScore", marks=MarkStore.open(blocker / "data")), rec)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("enter", "s")
        await settle(pilot)
        assert any(title == "Marks not saved" for title, _, _ in rec.notes)
        assert app.marks.get(app.current_paper).starred and app.is_running
