"""Search that understands technical text: compounds findable as parts, joined and hyphenated;
camelCase and name-with-digits words by their parts; phrases ranked first; LaTeX readable."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from helpers import brute_force_search, make_paper
from papertui.search import SearchIndex
from papertui.search.matching import index_words
from papertui.search.vocabulary import word_set

ABSTRACT = "An abstract long enough to be a real one, about something else entirely."


def titles(index: SearchIndex, papers, query: str) -> list[str]:
    return [papers[i].title for i in index.search(query).rows]


@pytest.fixture(scope="module")
def seed_index(seed_corpus):
    return SearchIndex(seed_corpus.papers)


def text_of(paper) -> str:
    return f"{paper.title} {paper.abstract}".lower()


def test_q_learning_finds_only_papers_with_it(seed_corpus, seed_index):
    """Before: 118 papers, the two with Q-learning 4th and 6th below Quality and Question."""
    rows = list(seed_index.search("q-learning").rows)
    assert rows and all(re.search(r"q[- ]?learning", text_of(seed_corpus.papers[i])) for i in rows)
    assert len(rows) <= 5


@pytest.mark.parametrize("query", ["u-net", "n-gram"])
def test_a_compound_never_matches_papers_without_it(query, seed_corpus, seed_index):
    """Before: u-net gave 53 papers and n-gram 15, none containing the compound."""
    first, second = query.split("-")
    for i in seed_index.search(query).rows:
        assert re.search(rf"{first}[- ]?{second}", text_of(seed_corpus.papers[i])), seed_corpus.papers[i].title


def test_gpt4_is_gpt_dash_4(seed_index):
    """Before: gpt4 found 1 paper and gpt-4 found 40."""
    assert list(seed_index.search("gpt4").rows)[:5] == list(seed_index.search("gpt-4").rows)[:5]
    assert len(seed_index.search("gpt4").rows) == len(seed_index.search("gpt-4").rows) >= 30


def test_words_adjacent_in_a_title_rank_first(seed_corpus, seed_index):
    rows = list(seed_index.search("chain of thought").rows)
    adjacent = [i for i in rows if re.search(r"chain[- ]of[- ]thought", seed_corpus.papers[i].title.lower())]
    assert adjacent and rows[: len(adjacent)] == adjacent


def test_joined_camel_and_hyphenated_forms_find_each_other():
    papers = [
        make_paper("Memory Retrieval For Evaluation Of Deep Models", "We research how deep nets evaluate retrieval. " + ABSTRACT),
        make_paper("DeepResearchEval: A Benchmark For Deep Research Agents"),
        make_paper("Fast On-Device Language Models For Phones"),
        make_paper("Real-Time Image Super-Resolution With Diffusion"),
        make_paper("Text-to-Video Generation With Qwen2.5-VL and GPT-4o", "We compare with LLaMA and 3-D scenes. " + ABSTRACT),
        make_paper("A Question of Quality in Queueing", "Quality questions in queues. " + ABSTRACT),
    ]
    index = SearchIndex(papers)
    assert titles(index, papers, "deep research eval")[0].startswith("DeepResearchEval")
    assert titles(index, papers, "deepresearcheval") == ["DeepResearchEval: A Benchmark For Deep Research Agents"]
    assert titles(index, papers, "ondevice") == titles(index, papers, "on-device") == ["Fast On-Device Language Models For Phones"]
    assert titles(index, papers, "superresolution") == ["Real-Time Image Super-Resolution With Diffusion"]
    assert titles(index, papers, "super resolution") == ["Real-Time Image Super-Resolution With Diffusion"]
    video = "Text-to-Video Generation With Qwen2.5-VL and GPT-4o"
    for query in ("text-to-video", "texttovideo", "qwen2.5-vl", "qwen", "gpt-4o", "gpt4o", "3d", "3-d", "llama"):
        assert titles(index, papers, query) == [video], query
    assert titles(index, papers, "q-learning") == []  # never every Q-word


def test_an_exact_title_comes_first_of_all():
    papers = [
        make_paper("Attention Is All You Need For Graphs", "Attention is all you need. " + ABSTRACT),
        make_paper("Is Attention All You Need"),
        make_paper("Attention Is All You Need"),
    ]
    index = SearchIndex(papers)
    assert titles(index, papers, "attention is all you need")[0] == "Attention Is All You Need"


def test_latex_in_the_text_formats_is_readable(seed_corpus):
    by_title = {paper.title: paper for paper in seed_corpus.papers}
    assert "From r to Q^*: Your Language Model is Secretly a Q-Function" in by_title
    state_act = next(p for p in seed_corpus.papers if p.title.startswith("StateAct"))
    assert "‘real’ tasks" in state_act.abstract and "(+14%" in state_act.abstract
    assert not any("\\%" in paper.abstract or "$Q^*$" in paper.title for paper in seed_corpus.papers)


def test_text_that_only_looks_like_latex_stays(write):
    from papertui.corpus import load_corpus

    path = write("p.txt", "Title: Prices Of Tools\nSummary: It costs $5 and $6 a month; run tool --all --verbose, or see `man tool`.\n---\n")
    (paper,) = load_corpus([path]).papers
    assert paper.abstract == "It costs $5 and $6 a month; run tool --all --verbose, or see `man tool`."


# --- properties: the index equals the paper-by-paper rule on compound-rich text ----------------

PIECES = ["q", "learning", "text", "to", "video", "on", "device", "deep", "research", "eval", "gpt", "4o", "qwen2", "5", "vl", "3d", "net"]
separator = st.sampled_from([" ", "-", "/", ".", "", " ", " "])
piece = st.sampled_from(PIECES).map(lambda p: p.capitalize() if len(p) > 2 else p)


@st.composite
def compound_text(draw, max_pieces=8) -> str:
    words = draw(st.lists(piece, min_size=1, max_size=max_pieces))
    return "".join(word + draw(separator) for word in words).strip(" -/.") or "x"


@settings(max_examples=200, deadline=None)
@given(compound_text(), st.booleans())
def test_the_fast_word_set_equals_index_words(text, parts):
    assert word_set(text, parts) == {word.encode() for word in index_words(text, parts)}


@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(compound_text(), compound_text(12)), min_size=1, max_size=12), compound_text(3))
def test_compound_queries_rank_as_the_rule_says(papers, query):
    made = [make_paper(title, abstract + " " + ABSTRACT) for title, abstract in papers]
    assert list(SearchIndex(made).search(query).rows) == brute_force_search(made, query)
