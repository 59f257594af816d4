"""A query that only adds words to the last one is narrowed from its answer: the same answer
as a search from scratch, and only the added words are checked against the candidates."""

from __future__ import annotations

from papertui.search import SearchIndex
from papertui.search import index as index_module

QUERIES = ("language model reason", "graph neural network", "diffusion transformer video", "reinforcment learn agent")


def test_typing_a_query_answers_as_a_search_from_scratch(seed_corpus):
    typed = SearchIndex(seed_corpus.papers)
    for query in QUERIES:
        for end in range(1, len(query) + 1):
            fresh = SearchIndex(seed_corpus.papers)
            assert list(typed.search(query[:end]).rows) == list(fresh.search(query[:end]).rows), query[:end]


def test_only_the_added_words_are_checked_against_the_candidates(seed_corpus, monkeypatch):
    index = SearchIndex(seed_corpus.papers)
    checked: list[int] = []
    matching = index_module.SearchIndex._matching

    def counting(hits, candidates):
        if candidates is not None:
            checked.append(len(hits))
        return matching(hits, candidates)

    monkeypatch.setattr(index_module.SearchIndex, "_matching", staticmethod(counting))
    index.search("language model")
    index.search("language model reason")  # narrowed from the last answer: one word is new
    assert checked == [1]
