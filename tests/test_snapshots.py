"""Snapshots of the main screens at a fixed size (SVGs under tests/__snapshots__)."""

import pytest
from textual.widgets import Input

from helpers import make_corpus, make_paper
from helpers import settle as settle_workers
from papertui.cli import make_app
from papertui.sources.citations import client as s2_client
from papertui.ui import enrich_worker

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


# --- citations -------------------------------------------------------------------------


@pytest.fixture(autouse=True)
def no_background_asks(monkeypatch):
    """A snapshot shows what its keys made, never a background ask that happened to land
    (the app asks Semantic Scholar about a paper highlighted for a second)."""
    monkeypatch.setattr(enrich_worker, "STILL_SECONDS", 3600.0)


def test_detail_pane_with_citations(snap_compare):
    from papertui.sources.citations.model import Citations
    from papertui.sources.citations.store import CitationStore

    store = CitationStore.open()
    store.put(
        "1706.03762",
        Citations(
            fetched="2026-12-06T18:00:00Z", s2_id="204e3073870fae3d05bcbc2f6a8e263d9b72e776", citation_count=136_941,
            influential_citation_count=17_456, reference_count=41,
            tldr="A new simple network architecture, the Transformer, based solely on attention mechanisms, dispensing with recurrence and convolutions entirely is proposed. [b]not markup[/b]",
            venue="Neural Information Processing Systems", year=2017, publication_date="2017-06-12",
            doi="10.48550/arXiv.1706.03762", open_access_pdf="https://arxiv.org/pdf/1706.03762",
            fields_of_study=("Computer Science",),
        ),
    )  # fmt: skip
    store.put("1810.04805", Citations(fetched="2026-12-06T18:00:00Z", citation_count=94_512, influential_citation_count=20_001))
    store.save()
    corpus = make_corpus(
        make_paper(
            "Attention Is All You Need", "The dominant sequence transduction models are based on complex recurrent or convolutional neural networks.",
            arxiv_id="1706.03762", authors=("Ashish Vaswani", "Noam Shazeer", "Niki Parmar"), published="2017-06-12",
        ),
        make_paper("BERT: Pre-training of Deep Bidirectional Transformers", arxiv_id="1810.04805", published="2018-10-11"),
        make_paper("A paper nobody asked about", published="2024-01-02"),
    )  # fmt: skip
    assert snap_compare(make_app(corpus=corpus), terminal_size=SIZE, run_before=settle)


def test_citation_graph_with_its_breadcrumb(snap_compare, monkeypatch):
    from test_citations_app import WalkableS2, corpus

    server = WalkableS2()
    monkeypatch.setenv("PAPERTUI_S2_API", server.url)
    monkeypatch.setattr(s2_client, "INTERVAL", 0.0)

    async def run_before(pilot):
        app = pilot.app
        await settle(pilot)
        await pilot.press("enter", "C")
        for _ in range(500):
            if app.walk.depth == 1 and not app.walk.fetching:
                break
            await pilot.pause(0.02)
        await settle(pilot)
        await pilot.press("R")
        for _ in range(500):
            if app.walk.depth == 2 and not app.walk.fetching:
                break
            await pilot.pause(0.02)
        await settle(pilot)
        await pilot.press("j")  # below LLaMA (yours, most cited): a paper from outside
        await settle(pilot)

    try:
        assert snap_compare(make_app(corpus=corpus(), query="graph paper"), terminal_size=SIZE, run_before=run_before)
    finally:
        server.close()


def test_watched_papers_highlighted_and_dismissed_ones_counted(snap_compare):
    """◉ and the watched colour on the papers of a watched author, the detail pane's reason,
    and the status line's count of papers hidden as dismissed."""
    from papertui.marks.store import MarkStore
    from papertui.marks.watch import watch_author

    papers = [
        make_paper("Learning to grasp with [red]tactile[/red] fingers", arxiv_id="2501.00001", authors=("Yann LeCun", "Ann Lee"),
                   listed="Mar 14"),
        make_paper("A survey of robot hands", arxiv_id="2501.00002", authors=("Bob Smith",), listed="Mar 14"),
        make_paper("Self-supervised touch", arxiv_id="2501.00003", authors=("Y. LeCun",), listed="Mar 14"),
        make_paper("A paper nobody wants", arxiv_id="2501.00004", authors=("Carl Dull",), listed="Mar 14"),
    ]
    watch_author("Yann LeCun")
    marks = MarkStore.open()
    marks.update(papers[3], dismissed=True)
    marks.save()
    assert snap_compare(make_app(corpus=make_corpus(*papers)), terminal_size=SIZE, run_before=settle)
