"""Not interested (dismissed papers leave every answer but `is:dismissed`) and the watch list
(authors and words, from the config's [watch] and watch.json; `is:watched`)."""

from __future__ import annotations

import json
import time

import numpy as np
import pytest

from helpers import make_paper
from papertui.marks.personal import PersonalFacts
from papertui.marks.store import STATE_FILE, MarkStore
from papertui.marks.undo import MarkHistory
from papertui.search import SearchIndex
from papertui.search.query import parse_query
from papertui.search.sorting import Sorter


@pytest.fixture(autouse=True)
def no_user_config(tmp_path, monkeypatch):
    """The watch list reads the config file: never the user's own."""
    monkeypatch.setenv("PAPERTUI_CONFIG", str(tmp_path / "no-config.toml"))


def library():
    return [
        make_paper("Diffusion models for images", "We denoise images step by step.", arxiv_id="2401.00001", authors=["Yann LeCun"]),
        make_paper("Diffusion policies for robots", "Robots learn by denoising actions.", arxiv_id="2401.00002", authors=["Jane Smith"]),
        make_paper("Graph networks", "Message passing on graphs, not diffusion.", arxiv_id="2401.00003", authors=["Hans Müller"]),
        make_paper("Protein folding", "Structures from sequences.", arxiv_id="2401.00004", authors=["John Smith"]),
        make_paper("Quokka smiles explained", "Marsupials and their diffusion across islands."),
    ]


def ids(papers, rows):
    return [papers[i].arxiv_id or papers[i].title for i in rows]


# --- dismissals: the marks ----------------------------------------------------------------


def test_a_dismissal_is_saved_read_back_and_counted(tmp_path):
    papers = library()
    store = MarkStore.open(tmp_path)
    marks = store.update(papers[1], dismissed=True)
    assert marks.dismissed and not marks.empty
    store.save()
    assert json.loads((tmp_path / STATE_FILE).read_text())["papers"]["arxiv:2401.00002"]["dismissed"] is True
    again = MarkStore.open(tmp_path)
    assert again.get(papers[1]).dismissed and again.dismissed_count == 1
    assert again.dismissed_mask(papers, len(papers)).tolist() == [False, True, False, False, False]
    again.update(papers[1], dismissed=False)  # taken back: no marks left, no entry
    assert again.get(papers[1]) is None and again.dismissed_count == 0


def test_a_hand_edited_dismissal_is_read_defensively(tmp_path):
    (tmp_path / STATE_FILE).write_text(json.dumps({"version": 1, "papers": {
        "arxiv:2401.00001": {"title": "Diffusion models for images", "arxiv_id": "2401.00001", "dismissed": "yes"},
        "arxiv:2401.00002": {"title": "Diffusion policies for robots", "arxiv_id": "2401.00002", "dismissed": True},
    }}))  # fmt: skip
    store = MarkStore.open(tmp_path)
    assert store.warnings == [] and store.dismissed_count == 1
    assert not store.get(library()[0]).dismissed and store.get(library()[1]).dismissed


def test_a_dismissal_by_another_papertui_is_seen_on_reload(tmp_path):
    papers = library()
    mine, theirs = MarkStore.open(tmp_path), MarkStore.open(tmp_path)
    before = mine.dismissed_version
    theirs.update(papers[3], dismissed=True)
    theirs.save()
    mine.reload()
    assert mine.dismissed_count == 1 and mine.dismissed_version != before


def test_undo_and_redo_a_dismissal():
    papers = library()
    store, history = MarkStore(None), MarkHistory()
    history.before_change(store, papers[0])
    store.update(papers[0], dismissed=True)
    history.close(store, "Dismissed 1 paper")
    assert history.done and store.dismissed_count == 1
    history.undo(store)
    assert store.dismissed_count == 0 and store.get(papers[0]) is None
    history.redo(store)
    assert store.dismissed_count == 1 and store.get(papers[0]).dismissed


# --- dismissals: every search hides them ----------------------------------------------------


@pytest.fixture
def dismissed_two():
    papers = library()
    store = MarkStore(None)
    store.update(papers[0], dismissed=True)
    store.update(papers[4], dismissed=True)
    store.update(papers[1], starred=True)
    return papers, SearchIndex(papers), PersonalFacts(store)


@pytest.mark.parametrize(
    "query, shown, hidden",
    [
        ("", ["2401.00002", "2401.00003", "2401.00004"], 2),  # no query: every paper but the dismissed
        ("diffusion", ["2401.00002", "2401.00003"], 2),  # plain words
        ("title:diffusion", ["2401.00002"], 1),  # a field
        ("'diffusion", ["2401.00002", "2401.00003"], 2),  # a substring
        ("date:>=2024 diffusion", ["2401.00002", "2401.00003"], 1),  # a filter (Quokka has no date)
        ("is:starred | protein", ["2401.00002", "2401.00004"], 0),
        ("is:dismissed", ["2401.00001", "Quokka smiles explained"], 0),  # only them
        ("is:dismissed diffusion", ["2401.00001", "Quokka smiles explained"], 0),
        ("!is:dismissed diffusion", ["2401.00002", "2401.00003"], 0),  # negated: the query left them out itself
        ("-is:dismissed diffusion", ["2401.00002", "2401.00003"], 0),
        ("is:dismissed | is:starred", ["2401.00001", "2401.00002", "Quokka smiles explained"], 0),
    ],
)
def test_dismissed_papers_leave_every_search_but_is_dismissed(dismissed_two, query, shown, hidden):
    papers, index, personal = dismissed_two
    result = index.search(query, personal)
    assert sorted(ids(papers, result.rows)) == sorted(shown)
    assert result.hidden == hidden
    if result.matched is not None:
        assert sorted(ids(papers, result.matched)) == sorted(shown)
    again = index.answered(parse_query(query), personal)  # the cached answer says the same
    assert again is not None and sorted(ids(papers, again.rows)) == sorted(shown) and again.hidden == hidden


@pytest.mark.parametrize("order", ["relevance", "corpus", "title", "date", "starred", "newest", "for-you"])
def test_sorted_results_never_bring_dismissed_papers_back(dismissed_two, order):
    papers, index, personal = dismissed_two
    for query in ("", "diffusion"):
        result = index.search(query, personal)
        starred = personal.marks.mask(papers, len(papers), lambda marks: marks.starred)
        for_you = np.arange(len(papers), dtype=np.float32)  # the dismissed papers would score highest
        rows = Sorter().sort(result, order, papers, starred, for_you)
        assert not {"2401.00001", "Quokka smiles explained"} & set(ids(papers, rows)), (query, order)


def test_a_dismissal_changes_the_cached_answers(dismissed_two):
    papers, index, personal = dismissed_two
    assert ids(papers, index.search("protein", personal).rows) == ["2401.00004"]
    assert ids(papers, index.search("title:protein", personal).rows) == ["2401.00004"]
    personal.marks.update(papers[3], dismissed=True)
    for query in ("protein", "title:protein"):
        assert index.answered(parse_query(query), personal) is None  # not the stale answer
        result = index.search(query, personal)
        assert list(result.rows) == [] and result.hidden == 1
    personal.marks.update(papers[3], dismissed=False)
    assert ids(papers, index.search("protein", personal).rows) == ["2401.00004"]


def test_a_star_keeps_the_cached_answer_to_plain_words(dismissed_two):
    papers, index, personal = dismissed_two
    first = index.search("diffusion", personal)
    personal.marks.update(papers[2], starred=True)  # not a dismissal: the hiding is the same
    assert index.answered(parse_query("diffusion"), personal).rows is first.rows


def test_a_longer_query_narrowed_from_the_last_still_counts_what_it_hides(dismissed_two):
    papers, index, personal = dismissed_two
    index.search("diffusion", personal)
    result = index.search("diffusion images", personal)
    assert list(result.rows) == [] and result.hidden == 1


def test_without_dismissals_nothing_is_hidden_and_an_empty_query_stays_a_range():
    papers = library()
    index = SearchIndex(papers)
    result = index.search("", PersonalFacts(MarkStore(None)))
    assert isinstance(result.rows, range) and result.hidden == 0
