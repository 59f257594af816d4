"""Snapshots of the main screens at a fixed size (SVGs under tests/__snapshots__)."""

from helpers import make_corpus, make_paper, settle
from papertui.cli import make_app

SIZE = (120, 36)



def test_browser_with_a_query(snap_compare):
    assert snap_compare(make_app(query="masked thought"), terminal_size=SIZE, run_before=settle)


def test_browser_unfiltered_list_focused(snap_compare):
    async def run_before(pilot):
        await settle(pilot)
        await pilot.press("enter", "j", "j")

    assert snap_compare(make_app(), terminal_size=SIZE, run_before=run_before)


def test_help_screen(snap_compare):
    async def run_before(pilot):
        await settle(pilot)
        await pilot.press("f1")

    assert snap_compare(make_app(), terminal_size=SIZE, run_before=run_before)


def test_markup_like_text_rendered_literally(snap_compare):
    corpus = make_corpus(
        make_paper(
            "[CLS] tokens, [TODO] and [/bold] in a title",
            "We cite [ASA+22,GTLV22,ONR+22] and write [/bold] [link=https://evil.example]click[/link] [b]literally[/b].",
            arxiv_id="2406.16845",
            listed="Mar 14",
        )
    )
    assert snap_compare(make_app(corpus=corpus, query="cls"), terminal_size=SIZE, run_before=settle)


def test_marks_selection_and_an_operator_query(snap_compare):
    async def run_before(pilot):
        await settle(pilot)
        await pilot.press("enter", "s", "t", *"to-read agents", "enter", "j", "r", "j", "space", "space", "s", "k")
        await settle(pilot)

    assert snap_compare(make_app(query="agent | planning"), terminal_size=SIZE, run_before=run_before)
