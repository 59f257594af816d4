"""The vocabulary's trigram index: the same substring matches as a scan of every word."""

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from papertui.search import SearchIndex
from papertui.search import vocabulary as vocabulary_module
from papertui.search.trigrams import Trigrams
from papertui.search.vocabulary import Vocabulary

LETTERS = "abcé日-"  # few letters: many shared trigrams; a non-Latin and a wide character
words_strategy = st.lists(st.text(alphabet=LETTERS, min_size=1, max_size=7), min_size=1, max_size=40, unique=True)


def scanned_positions(blob: str, trigram: str) -> list[int]:
    return [match.start() for match in re.finditer(f"(?={re.escape(trigram)})", blob)]  # overlapping too


@settings(max_examples=200, deadline=None)
@given(words_strategy, st.lists(st.text(alphabet=LETTERS, min_size=3, max_size=3), min_size=1, max_size=10))
def test_the_positions_of_a_trigram_are_where_a_scan_finds_it(words, trigrams):
    blob = "\n".join(words) + "\n"
    index = Trigrams.build(blob)
    assert index is not None
    for trigram in trigrams + ["zzz", "ab\n"[:3]]:
        expected = [] if "\n" in trigram else scanned_positions(blob, trigram)
        assert index.positions_of(trigram).tolist() == expected, trigram


def view_of(words):
    vocabulary = Vocabulary()
    vocabulary.ids_of([word.encode() for word in words], len(words))
    return vocabulary.publish()


@settings(max_examples=150, deadline=None)
@given(words_strategy, st.lists(st.text(alphabet=LETTERS, min_size=3, max_size=5), min_size=1, max_size=8))
def test_substring_lookups_answer_the_same_with_the_index(words, queries):
    scanned, indexed = view_of(words), view_of(words)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(vocabulary_module, "TRIGRAM_TEXT", 0)
        indexed.prepare_substrings()
    assert indexed._trigrams  # the case this is about
    for query in queries:
        containing = [i for i, word in enumerate(words) if query in word]
        infix = [i for i in containing if not words[i].startswith(query)]
        for view in (scanned, indexed):
            assert view.containing(query) == containing, query
            assert view.infix(query).tolist() == infix, query
        # and narrowed from the shorter word, as typing does
        longer = query + "a"
        assert indexed.containing(longer) == [i for i, word in enumerate(words) if longer in word]


def test_searches_answer_the_same_with_the_trigram_index(seed_corpus, monkeypatch):
    queries = ("arning", "'ormer", "ptimiz", "model ransf", "diffusion odel", "eason")
    plain = SearchIndex(seed_corpus.papers)
    expected = {query: list(plain.search(query).rows) for query in queries}
    monkeypatch.setattr(vocabulary_module, "TRIGRAM_TEXT", 0)
    indexed = SearchIndex(seed_corpus.papers)
    indexed.prepare_substrings()
    assert indexed._state.vocabulary._trigrams  # the case this is about
    for query in queries:
        assert list(indexed.search(query).rows) == expected[query], query
        assert expected[query], query  # each finds something


@pytest.mark.parametrize("with_index", [False, True])
def test_a_word_that_starts_with_the_query_is_no_infix_match_even_if_it_holds_it_again(monkeypatch, with_index):
    words = ["aaaa", "baaa", "aaab", "abab", "cabab"]
    view = view_of(words)
    if with_index:
        monkeypatch.setattr(vocabulary_module, "TRIGRAM_TEXT", 0)
        view.prepare_substrings()
    assert view.containing("aaa") == [0, 1, 2] and view.infix("aaa").tolist() == [1]
    assert view.containing("bab") == [3, 4] and view.infix("bab").tolist() == [3, 4]
    assert view.containing("abab") == [3, 4] and view.infix("abab").tolist() == [4]


def test_only_a_large_vocabulary_wants_the_index(seed_corpus, monkeypatch):
    index = SearchIndex(seed_corpus.papers)
    assert not index.substrings_wanted()  # the seeds: a scan is cheaper
    monkeypatch.setattr(vocabulary_module, "TRIGRAM_TEXT", 0)
    assert index.substrings_wanted()
    index.prepare_substrings()
    assert not index.substrings_wanted()  # built once


async def test_the_app_builds_the_index_once_loading_ends(monkeypatch):
    from helpers import settle
    from papertui.cli import make_app

    monkeypatch.setattr(vocabulary_module, "TRIGRAM_TEXT", 0)
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert not app.index.substrings_wanted() and app.index._state.vocabulary._trigrams
        await pilot.press(*"eason")  # an infix lookup through the index
        await settle(pilot)
        assert len(app.paper_list.rows) > 0
