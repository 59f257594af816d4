"""Every hostile file: one clear warning line (or none, where nothing is wrong), every good
record of it and of every other file loaded, and no control byte on the terminal or in
`list`'s output."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from rich.console import Console
from textual import events

from helpers import settle
from hostile.corpus import CASES, CLEAN_TITLES, CLIPBOARD_WRITE, ESC, HYPERLINK, MARKUP, SCREEN_CLEAR, Case
from papertui.cli import main, make_app
from papertui.corpus import load_corpus
from papertui.corpus.model import Paper

# What a terminal could act on: C0 controls but for line feed, DEL, C1, bidi controls.
CONTROL = re.compile(r"[\x00-\x09\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c]")
LOOP_TITLES = ["Paper Inside The Looping Directory"]
ALL_TITLES = sorted(t for case in CASES for t in case.titles) + CLEAN_TITLES + LOOP_TITLES


def fields_of(paper: Paper) -> list[str]:
    return [paper.title, paper.abstract, *paper.links, *paper.authors, *(s.path for s in paper.sources)]


def file_warnings(warnings: list[str], directory: Path, case: Case) -> list[str]:
    shown = repr(str(directory / case.path_name))[1:-1]  # the name with controls spelt out
    return [w for w in warnings if w.startswith(shown + ": ")]


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_each_hostile_file_alone(case, hostile_dir):
    corpus = load_corpus([hostile_dir / case.path_name])
    assert sorted(p.title for p in corpus.papers) == sorted(case.titles)
    warnings = corpus.warnings
    assert all("\n" not in w and not CONTROL.search(w) for w in warnings)
    if case.warning is None:
        assert warnings == []
    else:
        (warning,) = file_warnings(warnings, hostile_dir, case)
        assert re.search(case.warning, warning), warning
        assert warnings == [warning]
    for paper in corpus.papers:
        assert not any(CONTROL.search(text) for text in fields_of(paper)), paper.title


def test_the_whole_hostile_directory_loads_every_good_record(hostile_dir):
    corpus = load_corpus([hostile_dir])
    assert sorted(p.title for p in corpus.papers) == sorted(ALL_TITLES)
    for case in CASES:
        assert len(file_warnings(corpus.warnings, hostile_dir, case)) == (case.warning is not None), case.name
    loop = [w for w in corpus.warnings if "symlink-loop" in w]
    assert loop == [f"{hostile_dir}/symlink-loop/self-link.txt: symbolic link loop"]


def test_what_the_hostile_text_becomes(hostile_dir):
    papers = {p.title: p for p in load_corpus([hostile_dir]).papers}
    assert papers["Nul Bytes In The Title"].abstract.startswith("Summary with a NUL.")
    assert "Click click me now." in papers["Escapes In The Title"].abstract  # the link's text stays
    assert papers[f"Markup {MARKUP}"].abstract.startswith(f"Abstract with {MARKUP} inside.")
    assert papers[f"Markup {MARKUP}"].links == ("https://evil.example",)
    big = next(p for p in papers.values() if p.title.startswith("lorem ipsum"))
    assert len(big.abstract) == 20_001 and big.abstract.endswith("…")
    (named,) = papers["Paper In A Badly Named File"].sources
    assert named.path.endswith("/name\\x1b[2J\\x1b]52;c;eA==\\x07with\\nnewline.txt")


@pytest.mark.parametrize("fmt", ["text", "links", "markdown", "bibtex", "json", "jsonl"])
def test_list_output_and_its_warnings_carry_no_control_byte(fmt, hostile_dir, capsys):
    code = main(["list", str(hostile_dir), "--format", fmt, "--sort", "title"])
    out, err = capsys.readouterr()
    assert code == 0
    assert not CONTROL.search(out) and ESC not in out
    lines = err.splitlines()
    assert lines and all(line.startswith("papertui: warning: ") for line in lines)
    assert not CONTROL.search(err)
    if fmt == "text":
        for title in ALL_TITLES:
            assert title in out


async def test_the_app_shows_hostile_papers_literally_and_nothing_raw(hostile_dir):
    app = make_app([hostile_dir])
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert len(app.corpus.papers) == len(ALL_TITLES)
        (warnings,) = [n for n in app._notifications if "warnings while loading" in n.title]
        expected = sum(case.warning is not None for case in CASES) + 1  # and the link loop
        assert warnings.title == f"{expected} warnings while loading"
        assert not CONTROL.search(warnings.message)
        for query, shown in [
            ("escapes", "Escapes In The Title"),
            ("markup cls", "[link=https://evil.example]here[/link] [TODO]"),
            ("badly named", "newline.txt"),
            ("bidi", "Bidi elif.exe isolated Controls"),
            ("endless", "A Paper With An Endless Abstract"),
        ]:
            app.filter_bar.value = query
            await settle(pilot)
            screen = screen_text(app)
            assert shown in screen, query
            assert not CONTROL.search(screen), query


def screen_text(app) -> str:
    """What the terminal would be sent, as text (styles dropped, every character kept)."""
    console = Console(width=app.size.width, height=app.size.height, record=True, file=open("/dev/null", "w"))
    console.print(app.screen._compositor.render_update(full=True, screen_stack=app._background_screens))
    console.file.close()
    return console.export_text(styles=False)


async def test_pasted_escape_sequences_never_reach_the_filter_or_a_tag():
    app = make_app(query="")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        app.filter_bar.post_message(events.Paste(f"masked{CLIPBOARD_WRITE} thought{SCREEN_CLEAR}\x07"))
        await settle(pilot)
        assert app.filter_bar.value == "masked thought"
        assert app.detail.paper.title.startswith("Masked Thought")
        await pilot.press("enter", "t")
        await pilot.pause()
        app.focused.post_message(events.Paste(f"to-read{HYPERLINK}\tlater"))
        await pilot.pause()
        await pilot.press("enter")
        await settle(pilot)
        assert app.marks.get(app.detail.paper).tags == ("to-readclick", "me", "later")
        assert not CONTROL.search(screen_text(app))


async def test_escape_sequences_in_a_hand_edited_marks_file_never_reach_the_screen(data_dir):
    data_dir.mkdir(exist_ok=True)
    entry = {"title": "RaTEScore: A Metric for Radiology Report Generation", "arxiv_id": "2406.16845",
             "tags": [f"x{SCREEN_CLEAR}y"], "note": f"see{CLIPBOARD_WRITE} {HYPERLINK}"}  # fmt: skip
    (data_dir / "state.json").write_text(json.dumps({"version": 1, "papers": {"2406.16845": entry}}))
    app = make_app(query="ratescore")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        marks = app.marks.get(app.detail.paper)
        assert marks.tags == ("xy",) and marks.note == "see click me"
        screen = screen_text(app)
        assert "#xy" in screen and "see click me" in screen and not CONTROL.search(screen)


def test_a_hand_edited_found_ids_file_gives_only_valid_ids_and_clean_titles(data_dir):
    from papertui.resolve import ResolveCache

    data_dir.mkdir(exist_ok=True)
    titles = {
        "a": {"id": "2406.16845", "title": f"Found{SCREEN_CLEAR} title", "similarity": 100, "asked": "x"},
        "b": {"id": f"2406.16845{SCREEN_CLEAR}", "title": "Bad id", "similarity": 100, "asked": "x"},
    }
    (data_dir / "resolved.json").write_text(json.dumps({"version": 1, "titles": titles}))
    cache = ResolveCache.open()
    assert cache.answers["a"].arxiv_id == "2406.16845" and cache.answers["a"].title == "Found title"
    assert cache.answers["b"].arxiv_id is None
