"""The inbox in the app, under the pilot: x (not interested) hides papers and u brings them
back, the status line's counts, w's author picker, the watched highlight, and the palette's
saved searches with how many new papers each has."""

from __future__ import annotations

import json
import threading

from helpers import make_corpus, make_paper, settle
from papertui.cli import make_app
from papertui.marks.watch import WatchList, watch_author
from papertui.settings import Remembered
from papertui.ui.watch_picker import WatchPicker

SIZE = (120, 40)


def inbox_papers():
    """Five robot papers first seen on five days (two by Yann LeCun), one on grasping."""
    papers = [
        make_paper(f"Robot paper {day}", authors=("Ann Author", "Yann LeCun") if day in (2, 4) else (f"Other Person{day}",),
                   first_seen=f"2025-01-0{day}T08:00:00Z")
        for day in range(1, 6)
    ]  # fmt: skip
    papers.append(make_paper("Grasping hands", authors=("[red]Evil Name", "Bob Smith"), first_seen="2025-01-05T08:00:00Z"))
    return papers


def notes_of(app) -> list[str]:
    return [f"{note.title}: {note.message}" for note in app._notifications]


def status(app) -> str:
    return str(app.query_one("#status").content)


def dismissed(app, number: int) -> bool:
    marks = app.marks.get(app.corpus.papers[number])
    return marks is not None and marks.dismissed


def titles(app) -> list[str]:
    return [app.corpus.papers[i].title for i in app.paper_list.rows]


async def to_list(pilot):
    await settle(pilot)
    await pilot.press("tab")
    await settle(pilot)


async def test_x_hides_the_highlighted_paper_and_u_brings_it_back():
    app = make_app(corpus=make_corpus(*inbox_papers()))
    async with app.run_test(size=SIZE) as pilot:
        await to_list(pilot)
        await pilot.press("x")
        await settle(pilot)
        assert "Robot paper 1" not in titles(app) and len(titles(app)) == 5
        assert dismissed(app, 0)
        assert "Dismissed 1 paper" in notes_of(app)[-1] and "u to undo" in notes_of(app)[-1]
        assert "5 of 6 papers" in status(app) and "1 hidden as dismissed" in status(app)
        assert app.detail.paper.title == "Robot paper 2"  # the next paper is highlighted
        await pilot.press("u")
        await settle(pilot)
        assert "Robot paper 1" in titles(app) and "hidden as dismissed" not in status(app)
        assert not dismissed(app, 0)


async def test_x_on_a_selection_and_back_in_is_dismissed():
    app = make_app(corpus=make_corpus(*inbox_papers()))
    async with app.run_test(size=SIZE) as pilot:
        await to_list(pilot)
        await pilot.press("space", "space", "x")  # selects papers 1 and 2
        await settle(pilot)
        assert titles(app)[:1] == ["Robot paper 3"] and not app.selected
        assert "Dismissed 2 papers" in notes_of(app)[-1]
        await pilot.press("escape", *"robot")  # a filter hides them too, and says so
        await settle(pilot)
        assert "Robot paper 1" not in titles(app) and "2 hidden as dismissed" in status(app)
        app.filter_bar.value = "is:dismissed"
        await settle(pilot)
        assert titles(app) == ["Robot paper 1", "Robot paper 2"]
        await pilot.press("tab", "x")  # x there takes the dismissal back
        await settle(pilot)
        assert titles(app) == ["Robot paper 2"] and not dismissed(app, 0)
        assert "back in every view" in notes_of(app)[-1]


async def test_for_you_learns_against_dismissed_and_read_papers():
    app = make_app(corpus=make_corpus(*inbox_papers()))
    trained = []
    async with app.run_test(size=SIZE) as pilot:
        await to_list(pilot)
        app._train = lambda recommender, *rows: trained.append(rows)
        assert app.recommender is not None  # six papers: built once loaded
        await pilot.press("s", "j", "r", "j", "x")  # star 1, read 2, dismiss 3
        await settle(pilot)
        assert trained[-1] == ([0], [2], [1])  # starred, dismissed, read and not starred


async def test_status_counts_new_watched_papers():
    watch_author("Yann LeCun")
    app = make_app(corpus=make_corpus(*inbox_papers()))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert "2 new watched" in status(app)


async def test_w_picker_watches_an_author_highlights_and_persists():
    app = make_app(corpus=make_corpus(*inbox_papers()))
    async with app.run_test(size=SIZE) as pilot:
        await to_list(pilot)
        await pilot.press("j", "w")  # Robot paper 2: Ann Author, Yann LeCun
        await settle(pilot)
        picker = app.screen
        assert isinstance(picker, WatchPicker) and picker.lines == ["  Ann Author", "  Yann LeCun"]
        assert "◉" not in app.paper_list.render_line(3).text
        await pilot.press("down", "enter")
        await settle(pilot)
        assert picker.lines == ["  Ann Author", "◉ Yann LeCun (watched)"]
        assert WatchList.load().authors == ("Yann LeCun",)  # in watch.json: the next start knows
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is app.screen_stack[0]
        # Robot paper 4 is Yann LeCun's too: marked in the list, and the detail pane says why
        assert "◉ Robot paper 4" in app.paper_list.render_line(3).text
        assert "◉ Robot paper 1" not in app.paper_list.render_line(0).text
        assert "watched author: Yann LeCun" in app.detail.text
        app.filter_bar.value = "is:watched"
        await settle(pilot)
        assert titles(app) == ["Robot paper 2", "Robot paper 4"]
        await pilot.press("tab", "w", "down", "enter", "escape")  # and stop watching
        await settle(pilot)
        assert WatchList.load().authors == () and titles(app) == []
        assert "watched author" not in app.detail.text


async def test_w_picker_shows_names_literally():
    app = make_app(corpus=make_corpus(*inbox_papers()))
    async with app.run_test(size=SIZE) as pilot:
        await to_list(pilot)
        await pilot.press("G", "w")
        await settle(pilot)
        assert app.screen.lines == ["  [red]Evil Name", "  Bob Smith"]


def save_searches(searches: dict[str, str], opened: dict[str, str]) -> None:
    """Saved searches and when each was opened, as settings.json keeps them."""
    remembered = Remembered()
    remembered.values.update(saved=searches, saved_opened=opened)
    remembered.save()


async def palette_lines(app, pilot, typed: str = "saved") -> list[str]:
    await pilot.press("ctrl+p")
    await pilot.pause()
    await pilot.press(*typed)
    await settle(pilot)
    await pilot.pause(0.2)
    return [str(option.prompt).splitlines()[0] for option in app.screen.query_one("CommandList").options]


async def test_palette_counts_new_papers_per_saved_search_and_opening_one_resets_it():
    save_searches({"robots": "robot", "[b]hands": "grasping"}, {"robots": "2025-01-02T12:00:00Z", "[b]hands": "2025-01-06T00:00:00Z"})
    app = make_app(corpus=make_corpus(*inbox_papers()))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        lines = await palette_lines(app, pilot)
        # papers 3, 4 and 5 since Jan 2 noon; the name drawn literally, never as markup
        assert sorted(lines) == ["Saved search: [b]hands — nothing new", "Saved search: robots — 3 new"]
        await pilot.press("ctrl+a", "ctrl+k", *"robots", "enter")  # opens robots
        await settle(pilot)
        assert app.filter_bar.value == "robot"
        opened = Remembered().searches_opened["robots"]
        assert opened > "2025-01-02T12:00:00Z"  # recorded now, in settings.json
        assert "Saved search: robots — nothing new" in await palette_lines(app, pilot)


async def test_palette_counts_leave_out_dismissed_papers():
    save_searches({"robots": "robot"}, {"robots": "2025-01-02T12:00:00Z"})
    app = make_app(corpus=make_corpus(*inbox_papers()))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("tab", "G", "k", "x")  # dismiss Robot paper 5
        await settle(pilot)
        assert (await palette_lines(app, pilot))[0] == "Saved search: robots — 2 new"


async def test_the_palette_never_searches_on_the_ui_thread():
    """The counts are searches: at 100k papers each takes tens of milliseconds or more, so
    they run in a thread and the palette shows the counts at hand."""
    save_searches({"robots": "robot"}, {"robots": "2025-01-01T00:00:00Z"})
    app = make_app(corpus=make_corpus(*inbox_papers()))
    searched_on: list[str] = []
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        index = app.index
        search = index.search

        def recording(*args, **kwargs):
            searched_on.append(threading.current_thread().name)
            return search(*args, **kwargs)

        index.search = recording
        app.remembered.open_search("robots", "2025-01-03T00:00:00Z")  # stale counts: counted again
        assert app.inbox.counts == {"robots": 5}
        # The palette shows the counts at hand (5) while the new ones are counted.
        assert await palette_lines(app, pilot) in (["Saved search: robots — 5 new"], ["Saved search: robots — 3 new"])
        await settle(pilot)
        await pilot.press("backspace", "d")  # the palette asks again: the new count is there
        await settle(pilot)
        lines = [str(option.prompt).splitlines()[0] for option in app.screen.query_one("CommandList").options]
        assert lines == ["Saved search: robots — 3 new"]  # papers 3, 4 and 5
        assert searched_on and threading.main_thread().name not in searched_on


def test_opened_times_survive_and_junk_is_ignored(data_dir):
    remembered = Remembered()
    remembered.save_search("a", "x", "2025-01-01T00:00:00Z")
    (data_dir / "settings.json").write_text(
        json.dumps({"saved": {"a": "x", "b": "y"}, "saved_opened": {"a": "2025-01-01T00:00:00Z", "b": "not a time", "c": 5}}), encoding="utf-8"
    )
    assert Remembered().searches_opened == {"a": "2025-01-01T00:00:00Z"}


async def test_a_start_with_dismissed_papers_lists_every_other_paper(tmp_path):
    """The empty filter of a loading app (read afresh, then from the cache) leaves out only
    the dismissed papers: an index still catching up with the load must not decide it."""
    from papertui.corpus import load_corpus
    from papertui.marks.store import MarkStore

    seeds = tmp_path / "seeds.txt"
    seeds.write_text(
        "\n".join(f"Title: Paper number {n}\nSummary: About subject {n} and more.\n" for n in range(400)), encoding="utf-8"
    )
    papers = load_corpus([seeds]).papers
    marks = MarkStore.open()
    for paper in (papers[3], papers[250]):
        marks.update(paper, dismissed=True)
    marks.save()
    for start in ("afresh", "from the cache"):
        app = make_app([seeds], with_library=False, with_zotero=False)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            shown = titles(app)
            assert len(shown) == len(papers) - 2, start
            assert "Paper number 3" not in shown and "Paper number 250" not in shown, start
            assert "2 hidden as dismissed" in status(app), start
