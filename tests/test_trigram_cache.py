"""The trigram index kept in the cache: a restored index answers substring lookups as a built one,
builds no trigram index after a start, and damaged trigram arrays are refused, never read."""

from __future__ import annotations

import numpy as np
import pytest

from papertui.search import SearchIndex
from papertui.search import vocabulary as vocabulary_module
from papertui.search.stored import DamagedIndex, check_parts, index_parts, restore_index
from papertui.search.trigrams import Trigrams

# Infix lookups (the trigram index's work), narrowed ones and a few that find nothing.
QUERIES = ("arning", "'ormer", "ptimiz", "model ransf", "diffusion odel", "eason", "ención", "zzzq", "lang mod")


@pytest.fixture
def large(monkeypatch):
    """Every vocabulary counts as large: the seeds get a trigram index as 2.7M papers would."""
    monkeypatch.setattr(vocabulary_module, "TRIGRAM_TEXT", 0)


def stored_and_restored(papers) -> tuple[SearchIndex, dict, dict, SearchIndex]:
    built = SearchIndex(papers)
    arrays, description = index_parts(built, papers)
    check_parts(arrays, description, len(papers))
    return built, arrays, description, restore_index(arrays, description, papers)


def test_a_restored_index_answers_substring_lookups_as_a_built_one(seed_corpus, large):
    papers = seed_corpus.papers
    built, arrays, _, restored = stored_and_restored(papers)
    built.prepare_substrings()
    assert "trigrams.positions" in arrays and restored._state.vocabulary._trigrams[0] is not None
    for query in QUERIES:
        assert list(restored.search(query).rows) == list(built.search(query).rows), query
    assert any(len(built.search(query).rows) for query in QUERIES)
    view, fresh = restored._state.vocabulary, SearchIndex(papers)._state.vocabulary  # fresh: a scan
    for word in ("ear", "ormer", "ptim", "odel", "zzz", "ión"):
        assert view.containing(word) == fresh.containing(word), word
        assert view.infix(word).tolist() == fresh.infix(word).tolist(), word


def test_a_restored_index_builds_no_trigram_index(seed_corpus, large, monkeypatch):
    papers = seed_corpus.papers
    built = SearchIndex(papers)
    arrays, description = index_parts(built, papers)

    def refuse(blob: str) -> None:
        raise AssertionError("a trigram index was built after a start from the cache")

    monkeypatch.setattr(Trigrams, "build", staticmethod(refuse))
    restored = restore_index(arrays, description, papers)
    assert not restored.substrings_wanted()
    restored.prepare_substrings()  # what the app calls once the keys pause: nothing to do
    assert len(restored.search("eason").rows) > 0
    kept = restored._state.vocabulary._trigrams[0]
    assert isinstance(kept, Trigrams)
    # Papers added after the start (an updated input) keep it: only their new words are new.
    monkeypatch.setattr(vocabulary_module, "TRIGRAM_TEXT", 10**9)
    restored.add([*papers, papers[0]], len(papers), len(papers) + 1)
    assert restored._state.vocabulary._trigrams[0] is kept and not restored.substrings_wanted()


def test_a_small_vocabulary_keeps_no_index_and_wants_none(seed_corpus):
    papers = seed_corpus.papers
    _, arrays, description, restored = stored_and_restored(papers)
    assert description["trigrams"] is False and not any(name.startswith("trigrams.") for name in arrays)
    assert not restored.substrings_wanted()


def truncated(arrays: dict) -> None:
    arrays["trigrams.positions"] = arrays["trigrams.positions"][:-1]


def bound_past_the_end(arrays: dict) -> None:
    bounds = arrays["trigrams.bounds"].copy()
    bounds[len(bounds) // 2] = len(arrays["trigrams.positions"]) + 1000
    arrays["trigrams.bounds"] = bounds


def last_bound_past_the_end(arrays: dict) -> None:
    bounds = arrays["trigrams.bounds"].copy()
    bounds[-1] += 5
    arrays["trigrams.bounds"] = bounds


def position_past_the_words(arrays: dict) -> None:
    positions = arrays["trigrams.positions"].copy()
    positions[0] = len(arrays["vocabulary.text"]) + 7
    arrays["trigrams.positions"] = positions


def keys_out_of_order(arrays: dict) -> None:
    arrays["trigrams.keys"] = arrays["trigrams.keys"][::-1].copy()


def a_code_too_wide(arrays: dict) -> None:
    dense = arrays["trigrams.dense"].copy()
    dense[ord("e")] = 1 << 40  # three of them no longer fit in 64 bits
    arrays["trigrams.dense"] = dense


def no_newline(arrays: dict) -> None:
    arrays["trigrams.dense"] = arrays["trigrams.dense"][:5].copy()


def wrong_dtype(arrays: dict) -> None:
    arrays["trigrams.positions"] = arrays["trigrams.positions"].astype(np.int64)


def missing(arrays: dict) -> None:
    del arrays["trigrams.keys"]


@pytest.mark.parametrize(
    "damage",
    [truncated, bound_past_the_end, last_bound_past_the_end, position_past_the_words, keys_out_of_order,
     a_code_too_wide, no_newline, wrong_dtype, missing],
)  # fmt: skip
def test_damaged_trigram_arrays_are_refused(seed_corpus, large, damage):
    papers = seed_corpus.papers
    arrays, description = index_parts(SearchIndex(papers), papers)
    arrays = dict(arrays)
    damage(arrays)
    with pytest.raises(DamagedIndex):
        check_parts(arrays, description, len(papers))


def test_a_description_without_the_trigram_flag_is_refused(seed_corpus, large):
    papers = seed_corpus.papers
    arrays, description = index_parts(SearchIndex(papers), papers)
    del description["trigrams"]  # a cache written before the index was kept
    with pytest.raises(DamagedIndex):
        check_parts(arrays, description, len(papers))
