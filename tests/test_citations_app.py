"""Citations in the app, against the Semantic Scholar stand-in on 127.0.0.1 (tests/fake_s2.py):
the detail pane and the list's column, E and the background asks, walking the citation graph
with C, R and Backspace, adding a paper from outside to the library, and keys answered while
the service is slow."""

from __future__ import annotations

import json
import re
import time
from typing import Any

import pytest

from fake_s2 import GRAPH_PAPER, FakeS2, Reply, arxiv_papers, only_fields
from helpers import make_corpus, make_paper, settle
from papertui.cli import make_app
from papertui.sources.citations import client as s2_client
from papertui.ui import enrich_worker
from papertui.ui.breadcrumb import Breadcrumb

TURING_DOI = "10.1093/MIND/LIX.236.433"  # Paper.json: 10,059 citations, a TL;DR
LLAMA = "2302.13971"  # among Paper.json's citing papers: 5,708 citations, 845 influential


class WalkableS2(FakeS2):
    """The stand-in, walkable two steps: every paper's citations are the recorded pages of
    GRAPH_PAPER (300 papers, then an empty last page); a paper's references other than
    GRAPH_PAPER's are a page made of 50 real citing papers with arXiv ids (LLaMA among them)."""

    def route(self, method: str, path: str, query: dict[str, str], body: Any) -> Reply:
        match = re.fullmatch(r"/graph/v1/paper/(.+)/(citations|references)", path)
        if method == "GET" and match:
            direction = match.group(2)
            offset = int(query.get("offset", 0))
            if direction == "citations":
                if offset >= 300:
                    return Reply(200, json.dumps({"offset": offset, "data": []}).encode())
                return super().route(method, f"/graph/v1/paper/{GRAPH_PAPER}/citations", query, body)
            if match.group(1) != GRAPH_PAPER:
                others = [p for p in arxiv_papers() if p["externalIds"]["ArXiv"] != LLAMA][:49]
                papers = others[:25] + [next(p for p in arxiv_papers() if p["externalIds"]["ArXiv"] == LLAMA)] + others[25:]
                page = {"offset": 0, "data": [{"citedPaper": only_fields(p, query.get("fields", "title"))} for p in papers]}
                return Reply(200, json.dumps(page).encode())
        return super().route(method, path, query, body)


@pytest.fixture
def s2(monkeypatch):
    server = WalkableS2()
    monkeypatch.setenv("PAPERTUI_S2_API", server.url)
    monkeypatch.setattr(s2_client, "INTERVAL", 0.0)  # the pace is the client's tests' business
    monkeypatch.setattr(enrich_worker, "STILL_SECONDS", 0.0)
    monkeypatch.setattr(enrich_worker, "TICK_SECONDS", 0.02)
    yield server
    server.close()


def corpus():
    return make_corpus(
        make_paper("Computing Machinery and Intelligence", "Can machines think?", links=(f"https://doi.org/{TURING_DOI}",)),
        make_paper("LLaMA: Open and Efficient Foundation Language Models", "We introduce LLaMA.", arxiv_id=LLAMA),
        make_paper("The graph paper of the recorded pages", "Cited by three recorded pages.", links=(f"https://doi.org/{GRAPH_PAPER}",)),
        make_paper("A paper Semantic Scholar is never asked about", "No id, no DOI."),
    )


async def wait_for(pilot, condition, seconds: float = 10.0) -> None:
    """Until `condition()` (the workers post their messages from threads)."""
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        await pilot.pause(0.02)


def asked(server: FakeS2, what: str) -> list:
    return [seen for seen in server.seen if what in seen.path]


async def test_the_detail_pane_shows_counts_and_the_tldr_of_a_paper_highlighted_for_a_moment(s2) -> None:
    app = make_app(corpus=corpus())
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        await wait_for(pilot, lambda: "Cited by" in app.detail.text)
        text = app.detail.text
        assert "Cited by 10,059 (" in text and "influential)" in text
        assert "TL;DR    If the meaning of the words “machine” and “think”" in text
        assert "Venue" in text and "1950" in text and f"DOI      {TURING_DOI}" in text
        assert [seen.body["ids"] for seen in asked(s2, "/paper/batch")][0] == [f"DOI:{TURING_DOI.lower()}"]


async def test_the_list_gets_a_citations_column_once_a_paper_has_a_count(s2) -> None:
    app = make_app(corpus=corpus())
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        await pilot.press("tab", "j")  # LLaMA, highlighted a moment
        await wait_for(pilot, lambda: app.enricher.citation_count(app.corpus.papers[1]) is not None)
        await settle(pilot)
        assert app.paper_list.show_citations
        rows = [app.paper_list.render_line(y).text for y in range(2)]
        assert rows[1].rstrip().endswith("5.7k"), rows
        assert "10k" in rows[0]  # the Turing paper was asked first, while highlighted


async def test_E_asks_for_the_whole_list_in_one_request_and_says_so_in_one_line(s2, monkeypatch) -> None:
    monkeypatch.setattr(enrich_worker, "STILL_SECONDS", 3600.0)  # E alone asks here
    app = make_app(corpus=corpus())
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        assert not app.paper_list.show_citations  # no paper has a count yet: no column
        await pilot.press("tab", "E")
        await wait_for(pilot, lambda: any(n.title == "Citations" for n in app._notifications))
        assert app.paper_list.show_citations
        batches = asked(s2, "/paper/batch")
        assert len(batches) == 1 and sorted(batches[0].body["ids"]) == sorted([f"DOI:{TURING_DOI.lower()}", f"ARXIV:{LLAMA}", f"DOI:{GRAPH_PAPER}"])
        line = [n.message for n in app._notifications if n.title == "Citations"][0]
        assert "asked 3, found 2, not found 1" in line and "\n" not in line
        assert app.enricher.citation_count(app.corpus.papers[1]) == 5708
        # A second E within the week asks nothing.
        await pilot.press("E")
        await wait_for(pilot, lambda: len([n for n in app._notifications if n.title == "Citations"]) == 2)
        assert len(asked(s2, "/paper/batch")) == 1
        assert "less than a week old: nothing asked" in [n.message for n in app._notifications if n.title == "Citations"][1]


async def test_without_the_service_E_is_one_line_and_the_citations_kept_stay(monkeypatch) -> None:
    from papertui.sources.citations.model import Citations
    from papertui.sources.citations.store import CitationStore

    monkeypatch.setattr(enrich_worker, "STILL_SECONDS", 3600.0)
    kept = CitationStore.open()
    kept.put(LLAMA, Citations(fetched="2020-01-01T00:00:00Z", citation_count=1234))  # old: asked again
    kept.save()
    app = make_app(corpus=corpus())  # PAPERTUI_S2_API: a closed port (conftest)
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        await pilot.press("tab", "E")
        await wait_for(pilot, lambda: any(n.title == "Citations" for n in app._notifications))
        line = [n.message for n in app._notifications if n.title == "Citations"][0]
        assert "\n" not in line and "E tries again" in line
        assert app._citations_line == "citations: no answer from Semantic Scholar (E asks again)"
        await pilot.press("j")  # keys still work
        assert app.paper_list.cursor == 1
        await pilot.pause()
        assert "Cited by 1,234" in app.detail.text  # what was kept is still shown
    assert CitationStore.open().get(LLAMA).citation_count == 1234


async def test_C_then_R_walks_two_steps_and_backspace_twice_comes_back_to_the_same_paper_and_query(s2) -> None:
    app = make_app(corpus=corpus(), query="graph paper")
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        base = app.corpus
        start = app.current_paper
        assert start is base.papers[2]
        await pilot.press("C")
        await wait_for(pilot, lambda: app.walk.depth == 1 and not app.walk.fetching)
        await settle(pilot)
        assert len(app.corpus.papers) == 272 and app.filter_bar.value == ""  # 300 on the pages: 28 came twice
        crumb = app.query_one(Breadcrumb)
        assert crumb.display and crumb.text == "The graph paper of the record… › cited by  (272 papers · Backspace: back)"
        assert all(paper in app.walk.outside for paper in app.corpus.papers)  # no ids on the recorded pages
        first_citing = app.current_paper
        await pilot.press("R")
        await wait_for(pilot, lambda: app.walk.depth == 2 and not app.walk.fetching)
        await settle(pilot)
        papers = app.corpus.papers
        assert len(papers) == 50
        # Most cited first; a paper of yours is shown as that very paper.
        assert papers[0] is base.papers[1] and papers[0] not in app.walk.outside
        counts = [app.enricher.citation_count(p) for p in papers]
        known = [c for c in counts if c is not None]
        assert known == sorted(known, reverse=True) and app.paper_list.show_citations
        assert "› references" in app.query_one(Breadcrumb).text and first_citing.title[:20] in app.query_one(Breadcrumb).text
        # m (like:) works in a step: the step's own vectors.
        await wait_for(pilot, lambda: app.recommender is not None and app.recommender.size == 50)
        await pilot.press("m")
        await settle(pilot)
        assert app.filter_bar.value == f"like:{LLAMA}" and app.paper_list.row_count > 1
        await pilot.press("/", "escape")  # to the filter bar, and clear it
        await settle(pilot)
        await pilot.press("/", *"survey")
        await settle(pilot)
        assert 0 < app.paper_list.row_count < 50
        await pilot.press("enter", "backspace")
        await settle(pilot)
        assert app.walk.depth == 1 and app.current_paper is first_citing and app.filter_bar.value == ""
        await pilot.press("backspace")
        await settle(pilot)
        assert app.walk.depth == 0 and app.corpus is base
        assert app.current_paper is start and app.filter_bar.value == "graph paper"
        assert not app.query_one(Breadcrumb).display


async def test_escape_in_the_list_goes_back_one_step(s2) -> None:
    app = make_app(corpus=corpus(), query="graph paper")
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        await pilot.press("enter", "R")
        await wait_for(pilot, lambda: app.walk.depth == 1 and not app.walk.fetching)
        await settle(pilot)
        assert app.focused is app.paper_list
        await pilot.press("escape")
        await settle(pilot)
        assert app.walk.depth == 0 and app.filter_bar.value == "graph paper" and app.current_paper.title.startswith("The graph paper")


async def test_A_adds_a_paper_from_outside_to_the_library_and_it_loads_without_a_warning(s2, tmp_path) -> None:
    from papertui.corpus import load_corpus
    from papertui.sources.library import library_dir

    app = make_app(corpus=corpus(), query="graph paper")
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        await pilot.press("enter", "C")
        await wait_for(pilot, lambda: app.walk.depth == 1 and not app.walk.fetching)
        await settle(pilot)
        outside = app.current_paper
        assert outside in app.walk.outside and "A adds it to the library" in app.detail.text
        await pilot.press("A")
        await wait_for(pilot, lambda: any(n.title == "Library" for n in app._notifications))
        line = [n.message for n in app._notifications if n.title == "Library"][0]
        assert line.startswith("Added “") and "semantic-scholar.jsonl" in line and "\n" not in line
        assert outside not in app.walk.outside
        await pilot.press("s")  # starring works on it too
        assert app.marks.get(outside).starred
    entries = [json.loads(line) for line in (library_dir() / "semantic-scholar.jsonl").read_text().splitlines()]
    assert [entry["title"] for entry in entries] == [outside.title]
    assert entries[0]["abstract"]  # never empty: the library would warn at every start
    loaded = load_corpus([library_dir()])
    assert [paper.title for paper in loaded.papers] == [outside.title] and not loaded.warnings


async def test_A_on_a_paper_of_yours_says_so_and_writes_nothing(s2) -> None:
    from papertui.sources.library import library_dir

    app = make_app(corpus=corpus())
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        await pilot.press("tab", "A")
        assert any("one of yours already" in n.message for n in app._notifications)
        assert not (library_dir() / "semantic-scholar.jsonl").exists()


async def test_keys_are_answered_while_the_service_is_slow(s2, monkeypatch) -> None:
    """A stalled answer holds the worker's thread, never the keys: while the request is still
    out, the filter takes keys and the list moves."""
    monkeypatch.setattr(enrich_worker, "STILL_SECONDS", 3600.0)
    app = make_app(corpus=corpus(), query="paper")
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        s2.script = [Reply(200, b'{"offset": 0, "data": []}', stall=5.0)]
        await pilot.press("enter", "C")
        await wait_for(pilot, lambda: bool(s2.seen))  # the stalled request is out
        await pilot.press("j", "k", "j")
        await pilot.pause()
        assert app.paper_list.cursor == 1
        await pilot.press("escape", *"x")  # to the filter (no step taken yet), and type
        await pilot.pause()
        assert app.filter_bar.value == "paperx"
        assert app.walk.fetching and app.walk.depth == 0 and len(s2.seen) == 1  # the answer is still on its way
        assert "asking Semantic Scholar" in app._walking_line


async def test_without_the_service_C_is_one_line_and_nothing_changes(monkeypatch) -> None:
    monkeypatch.setattr(enrich_worker, "STILL_SECONDS", 3600.0)
    app = make_app(corpus=corpus(), query="graph paper")  # PAPERTUI_S2_API: a closed port (conftest)
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        base, paper = app.corpus, app.current_paper
        await pilot.press("enter", "C")
        await wait_for(pilot, lambda: any(n.title == "Citation walk" for n in app._notifications))
        await settle(pilot)
        line = [n.message for n in app._notifications if n.title == "Citation walk"][0]
        assert "nothing changed" in line and "\n" not in line
        assert app.corpus is base and app.current_paper is paper and app.walk.depth == 0 and not app.walk.fetching
        assert app._walking_line == ""


async def test_the_citation_keys_are_in_the_help_the_palette_and_the_keymap() -> None:
    from papertui.ui.help_screen import HelpScreen

    app = make_app(corpus=corpus())
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        await pilot.press("f1")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        help_text = app.screen.help_text().plain
        for words in ("The papers that cite this one", "The papers this one cites", "Back one step of the citation walk",
                      "Add a paper met walking the citation graph", "Ask Semantic Scholar for the citations", "how many papers cite it"):
            assert words in help_text, words
        await pilot.press("escape")
        titles = {command.title for command in app.get_system_commands(app.screen)}
        assert {"Cited by", "References", "Back", "Add to library", "Ask for citations"} <= titles
        ids = {binding.id for _, group in app.binding_groups() for binding in group if getattr(binding, "id", None)}
        assert {"paper.cited_by", "paper.references", "paper.walk_back", "paper.add_to_library", "paper.enrich"} <= ids


async def test_E_answers_reach_the_citations_order_and_filter_at_once(s2, monkeypatch) -> None:
    """The app's enricher and the query's citations: share one store, and after E the list
    is filtered and sorted again by what came."""
    monkeypatch.setattr(enrich_worker, "STILL_SECONDS", 3600.0)
    papers = corpus().papers
    app = make_app(corpus=make_corpus(papers[3], papers[1], papers[0]))  # unknown, LLaMA, Turing
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        app.sort_order = "citations"
        app.refilter(keep_cursor=False)
        await settle(pilot)
        titles = lambda: [app.corpus.papers[i].title[:8] for i in app.paper_list.rows]  # noqa: E731
        assert titles() == ["A paper ", "LLaMA: O", "Computin"]  # nothing known: as listed
        await pilot.press("tab", "E")
        await wait_for(pilot, lambda: any(n.title == "Citations" for n in app._notifications))
        await settle(pilot)
        assert titles() == ["Computin", "LLaMA: O", "A paper "]  # most cited first, unknown last
        await pilot.press("/", *"citations:>=6000")
        await settle(pilot)
        assert titles() == ["Computin"]


def test_a_paper_added_without_abstract_or_tldr_says_so_with_its_title(tmp_path) -> None:
    """Two such papers stay two papers when the library loads (a fixed line would make their
    abstracts alike, and alike papers are merged), and neither is warned about."""
    from papertui.corpus import load_corpus
    from papertui.sources.citations.model import GraphPaper
    from papertui.sources.library import Library
    from papertui.ui.citation_walk import with_abstract

    papers = [GraphPaper(s2_id=f"{n:040x}", title=f"A paper with nothing to say, number {n}") for n in (1, 2)]
    records = [with_abstract(paper, paper, None) for paper in papers]
    assert records[0].abstract == "(Semantic Scholar has no abstract for “A paper with nothing to say, number 1”.)"
    Library(tmp_path / "library").store("semantic-scholar.jsonl", records)
    loaded = load_corpus([tmp_path / "library"])
    assert len(loaded.papers) == 2 and not loaded.warnings
    tldr = with_abstract(papers[0], papers[0], "It says little.")
    assert tldr.abstract == "TL;DR (Semantic Scholar): It says little."


async def test_the_apps_export_carries_what_semantic_scholar_said(tmp_path):
    """BibTeX from the app's export (to a file, and appended to a .bib) names the venue, year
    and DOI the citations store holds, as `papertui list --format bibtex` does."""
    from papertui.sources.citations.model import Citations
    from papertui.ui.prompts import ExportRequest

    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        paper = next(p for p in app.corpus.papers if p.arxiv_id)
        said = Citations(fetched="2026-12-01T00:00:00Z", venue="Neural Information Processing Systems", year=2024, doi="10.5555/neurips.42")
        app.enricher.citations_of = lambda p: said if p is paper else None
        written, appended = tmp_path / "out.bib", tmp_path / "library.bib"
        appended.write_text("@misc{other,\n  title = {Another paper},\n}\n", encoding="utf-8")
        app._export([paper], "one paper", ExportRequest("bibtex", str(written)))
        app._export([paper], "one paper", ExportRequest("bibtex", str(appended), append=True))
        for path in (written, appended):
            text = path.read_text(encoding="utf-8")
            assert "@inproceedings{" in text and "booktitle = {Neural Information Processing Systems}" in text, text
            assert "doi = {10.5555/neurips.42}" in text and "year = {2024}" in text


async def test_a_fetch_that_ends_during_a_walk_loads_when_the_walk_is_back(s2) -> None:
    """A load in the middle of a walk replaced the corpus the walk returns to underneath it
    (its selection and vectors for the old corpus, its warnings never said)."""
    app = make_app(corpus=corpus(), query="graph paper")
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        loads = []
        app.load_papers = lambda: loads.append(app.walk.depth)  # type: ignore[method-assign]
        await pilot.press("enter", "R")
        await wait_for(pilot, lambda: app.walk.depth == 1 and not app.walk.fetching)
        await settle(pilot)
        walked = app.corpus
        app.reload_library()  # what the end of F does
        await settle(pilot)
        assert loads == [] and app.corpus is walked and not app.loading
        assert any("back from the citation walk" in n.message for n in app._notifications)
        await pilot.press("escape")
        await settle(pilot)
        assert app.walk.depth == 0 and loads == [0]  # loaded now, at the walk's start
