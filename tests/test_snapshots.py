"""Snapshots of the main screens at a fixed size (SVGs under tests/__snapshots__)."""

from textual.widgets import Input

from helpers import make_corpus, make_paper
from helpers import settle as settle_workers
from papertui.cli import make_app

SIZE = (120, 36)


async def settle(pilot) -> None:
    """Settle, then hold every input's cursor steady: a blink landing mid-capture on a busy
    machine would otherwise change the picture."""
    await settle_workers(pilot)
    for field in pilot.app.query(Input):
        field.cursor_blink = False
    await pilot.pause()


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


def test_authors_categories_and_upvotes_shown(snap_compare):
    corpus = make_corpus(
        make_paper(
            "Breaking the Memory Barrier: Near Infinite Batch Size Scaling for Contrastive Loss",
            arxiv_id="2410.17243", authors=("Zesen Cheng", "Hang Zhang", "Kehan Li"), categories=("cs.CV", "cs.LG"),
            published="2024-10-22", upvotes=64,
        ),
        make_paper("Calculation of prompt diphoton production cross sections", arxiv_id="0704.0001",
                   authors=("C. Balázs", "E. L. Berger"), categories=("hep-ph",), published="2007-04-02"),
        make_paper("Towards Explainable Test Case Prioritisation", arxiv_id="2405.13786", authors=("Aurora Ramírez",),
                   resolved_from="Towards Explainable Test Case Prioritisation with Learning-to-Rank Models"),
        make_paper("A paper from a page copy, with no authors", listed="Mar 14"),
    )
    assert snap_compare(make_app(corpus=corpus), terminal_size=(160, 24), run_before=settle)


def test_a_40_by_12_terminal_shows_one_pane_at_a_time(snap_compare):
    async def run_before(pilot):
        await settle(pilot)
        await pilot.press("enter", "enter")  # to the list, then read the paper
        await pilot.pause()

    assert snap_compare(make_app(query="masked thought"), terminal_size=(40, 12), run_before=run_before)
