"""A query word's marks are the same whichever way they are made: two-letter prefixes from
bits kept on first use or prepared ahead, many other words (infixes, typos) through a table
by word id, the rest by scattering postings; all equal a brute-force scoring of every paper."""

from __future__ import annotations

import string

import numpy as np
import pytest

from helpers import make_paper
from papertui.search import SearchIndex
from papertui.search import segment as segment_module
from papertui.search.index import _best_units, _decoded
from papertui.search.query import parse_query
from papertui.search.vocabulary import word_set

WORDS = ("la", "re", "mo", "co", "th", "zq", "lan", "ion", "ing", "mod", "reason", "lerning", "langauge", "netwrk", "model")


def _in_segments(papers, parts: int = 3) -> SearchIndex:
    index = SearchIndex()
    bounds = np.linspace(0, len(papers), parts + 1).astype(int).tolist()
    for low, high in zip(bounds, bounds[1:]):
        index.add(papers, low, high)
    return index


def _hits(index: SearchIndex, word: str) -> tuple[np.ndarray, np.ndarray]:
    index._cached_for = None  # forget answers and word hits, as when the index grows
    index._search(parse_query(word), None, lambda: False)
    hits = index._word_cache[word]
    return hits.title.copy(), hits.abstract.copy()


@pytest.fixture(scope="module")
def brute(seed_corpus):
    papers = seed_corpus.papers
    fields = [(_decoded(word_set(p.title, parts=True)), _decoded(word_set(p.abstract))) for p in papers]
    return {
        word: (
            np.array([_best_units(word, title) for title, _ in fields], dtype=np.uint8),
            np.array([_best_units(word, abstract) for _, abstract in fields], dtype=np.uint8),
        )
        for word in WORDS
    }


@pytest.mark.parametrize("table", [False, True])
@pytest.mark.parametrize("few_words", [0, 1 << 30])  # postings by an index of them all, or slice by slice
@pytest.mark.parametrize("few_others", [0, 1 << 30])  # other words checked against each field's bits first, or not
def test_marks_equal_a_brute_force_scoring(seed_corpus, brute, monkeypatch, table, few_words, few_others):
    monkeypatch.setattr(segment_module, "FEW_WORDS", few_words)
    monkeypatch.setattr(segment_module, "FEW_OTHERS", few_others)
    if table:  # every word with others through the table
        monkeypatch.setattr(segment_module, "OTHERS_TABLE_FROM", 1)
        monkeypatch.setattr(segment_module, "OTHERS_BY_TABLE", 1 << 30)
    else:
        monkeypatch.setattr(segment_module, "OTHERS_TABLE_FROM", 1 << 30)
    first, prepared = _in_segments(seed_corpus.papers), _in_segments(seed_corpus.papers)
    prepared.prepare_word_starts()
    for word in WORDS:
        title, abstract = brute[word]
        for index in (first, first, prepared):  # first use, again from what it kept, prepared
            got_title, got_abstract = _hits(index, word)
            assert np.array_equal(got_title, title), word
            assert np.array_equal(got_abstract, abstract), word
    assert any(brute[word][1].any() for word in WORDS if len(word) > 3)


def test_two_letter_prefixes_with_many_postings_are_kept(seed_corpus):
    """Exactly those whose words have postings for a quarter of the papers, whether or not
    the letter itself is a word (it comes first among them)."""
    papers = [*seed_corpus.papers, make_paper("r l", "r l m t a s c the letters as words")]
    index = _in_segments(papers)
    index.prepare_word_starts()
    letters = string.ascii_lowercase + string.digits
    for segment in index._state.segments:
        count = segment.stop - segment.start
        for postings in (segment.title, segment.abstract):
            wanted = set()
            for prefix in (a + b for a in letters for b in letters):
                low, high = postings._starting_with(prefix)
                if postings.offsets[high] - postings.offsets[low] >= count // segment_module.KEEP_SHARE:
                    wanted.add(prefix)
            assert {prefix for prefix in postings.word_starts if len(prefix) == 2} == wanted
    abstract = index._state.segments[-1].abstract
    assert "re" in abstract.word_starts and abstract.vocabulary[abstract.by_word[abstract._starting_with("r")[0]]] == "r"
    index._search(parse_query("zq"), None, lambda: False)  # a rare one is not kept on first use
    assert "zq" not in abstract.word_starts


def test_a_fields_word_bits_say_which_words_it_has(seed_corpus):
    index = _in_segments(seed_corpus.papers)
    size = len(index._state.vocabulary.words)
    asked = np.array([*range(0, size, 7), size, size + 40, 0, 3], dtype=np.int32)  # beyond: words added later
    for segment in index._state.segments:
        for postings in (segment.title, segment.abstract):
            within = asked[asked <= postings.ids.max()]  # every one within its bits
            for words in (asked, within):
                assert postings.has_words(words).tolist() == np.isin(words, postings.ids).tolist()
                assert postings.has_words(words).any()
