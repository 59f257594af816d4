"""Word-start marks kept in the cache: a start from it has every field's letters and common
two-letter prefixes marked already, so its first keys wait on nothing being made; the marks
give the same answers as marks made afresh, and marks that do not fit are refused."""

from __future__ import annotations

import numpy as np
import pytest

from papertui.search import SearchIndex
from papertui.search import segment as segment_module
from papertui.search.index import WORD_START_LETTERS
from papertui.search.stored import DamagedIndex, check_parts, index_parts, restore_index

QUERIES = ("l", "la", "lang", "m", "re", "language m", "t", "th", "d", "x", "q", "9")


def kept(seed_corpus) -> tuple[SearchIndex, dict, dict, SearchIndex]:
    papers = seed_corpus.papers
    built = SearchIndex(papers)
    arrays, description = index_parts(built, papers)
    check_parts(arrays, description, len(papers))
    return built, arrays, description, restore_index(arrays, description, papers)


def test_a_restored_index_has_every_field_marked_and_makes_none_again(seed_corpus, monkeypatch):
    built, arrays, description, restored = kept(seed_corpus)
    assert description["word_starts"]
    for old, new in zip(built._state.segments, restored._state.segments):
        for field in ("title", "abstract"):
            made, read = getattr(old, field).word_starts, getattr(new, field).word_starts
            assert set(WORD_START_LETTERS) <= set(read)
            assert set(made) == set(read)
            for prefix in made:
                assert np.array_equal(made[prefix][0], read[prefix][0]), prefix
                assert np.array_equal(made[prefix][1], read[prefix][1]), prefix
    made_again = []
    real = segment_module.FieldPostings._keep_word_start
    monkeypatch.setattr(segment_module.FieldPostings, "_keep_word_start", lambda self, *a: made_again.append(a) or real(self, *a))
    assert restored.prepare_word_starts()
    assert made_again == []  # a start from the cache makes nothing before its first keys


def test_kept_marks_answer_as_marks_made_afresh(seed_corpus):
    papers = seed_corpus.papers
    _, _, _, restored = kept(seed_corpus)
    fresh = SearchIndex(papers)  # no marks: each query word scatters its postings
    for query in QUERIES:
        assert list(restored.search(query).rows) == list(fresh.search(query).rows), query
    assert any(len(fresh.search(query).rows) > 10 for query in QUERIES)


@pytest.mark.parametrize("damage", ["bits too short", "exact past the end", "not a prefix"])
def test_marks_that_do_not_fit_are_refused(seed_corpus, damage):
    _, arrays, description, _ = kept(seed_corpus)
    key = next(iter(description["word_starts"]))
    number, field = key.split(".")
    listed = description["word_starts"][key]
    if damage == "bits too short":
        arrays[f"segment{number}.{field}.starts"] = arrays[f"segment{number}.{field}.starts"][:-1]
    elif damage == "exact past the end":
        listed[0][2] = len(arrays[f"segment{number}.{field}.papers"]) + 1
    else:
        listed[0][0] = 7
    with pytest.raises(DamagedIndex, match="word starts"):
        check_parts(arrays, description, len(seed_corpus.papers))


def test_an_index_kept_without_marks_still_reads(seed_corpus):
    papers = seed_corpus.papers
    _, arrays, description, _ = kept(seed_corpus)
    del description["word_starts"]
    check_parts(arrays, description, len(papers))
    restored = restore_index(arrays, description, papers)
    assert all(not segment.title.word_starts for segment in restored._state.segments)
    assert len(restored.search("language").rows) == len(SearchIndex(papers).search("language").rows)
