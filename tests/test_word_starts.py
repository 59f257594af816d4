"""A one-letter query word (the first key of every word typed) is marked from bits kept per
segment and field after its first use, or prepared in a pause of the keys: the same answer as
scattering the postings of every word starting with that letter."""

from __future__ import annotations

import string

import numpy as np

from papertui.search import SearchIndex
from papertui.search.vocabulary import word_set

LETTERS = "almrgx0qz"  # common, rare and absent first letters, and a digit


def _in_segments(papers, parts: int = 3) -> SearchIndex:
    """An index of `parts` segments (each `add` starts a new one)."""
    index = SearchIndex()
    bounds = np.linspace(0, len(papers), parts + 1).astype(int).tolist()
    for low, high in zip(bounds, bounds[1:]):
        index.add(papers, low, high)
    assert len(index._state.segments) == parts
    return index


def _hits(index: SearchIndex, word: str):
    index._cached_for = None  # forget answers and word hits, as when the index grows
    index._search(index_query(word), None, lambda: False)
    hits = index._word_cache[word]
    return hits.title.copy(), hits.abstract.copy()


def index_query(text: str):
    from papertui.search.query import parse_query

    return parse_query(text)


def _starting_with(text: str, letter: str, parts: bool) -> bool:
    return any(word.startswith(letter.encode()) for word in word_set(text, parts))


def test_one_letter_words_mark_both_fields_of_every_segment_alike(seed_corpus):
    papers = seed_corpus.papers
    first, kept, prepared = _in_segments(papers), _in_segments(papers), _in_segments(papers)
    prepared.prepare_word_starts()
    for letter in LETTERS:
        fresh = _hits(first, letter)  # scattered from the postings (first use)
        _hits(kept, letter)
        again = _hits(kept, letter)  # from the bits kept by the first use
        ready = _hits(prepared, letter)  # from the bits prepared ahead
        for field, expected in enumerate(fresh):
            assert np.array_equal(again[field], expected), letter
            assert np.array_equal(ready[field], expected), letter
        title, abstract = fresh
        assert [bool(units) for units in title] == [_starting_with(p.title, letter, True) for p in papers], letter
        assert [bool(units) for units in abstract] == [_starting_with(p.abstract, letter, False) for p in papers], letter
    title, abstract = _hits(first, "l")
    assert title.any() and abstract.any() and not np.array_equal(title != 0, abstract != 0)


def _forgotten(index: SearchIndex) -> SearchIndex:
    """`index` as new: no answer, word hit or kept mark from earlier searches."""
    index._cached_for = None
    for segment in index._state.segments:
        for postings in (segment.title, segment.abstract):
            object.__setattr__(postings, "word_starts", {})
    return index


def test_typing_key_by_key_answers_as_a_fresh_search(seed_corpus):
    typed, again, fresh = (_in_segments(seed_corpus.papers) for _ in range(3))
    for query in ("language model reason", "a m r", "graph n x"):
        for end in range(1, len(query) + 1):
            expected = list(_forgotten(fresh).search(query[:end]).rows)
            assert list(typed.search(query[:end]).rows) == expected, query[:end]  # narrowed key by key
            for _ in range(2):  # first use, then from the kept marks
                again._cached_for = None
                assert list(again.search(query[:end]).rows) == expected, query[:end]


def _without_postings(index: SearchIndex) -> None:
    """Every posting moved to paper 0: only kept marks can still answer as before."""
    for segment in index._state.segments:
        segment.title.papers[:] = 0
        segment.abstract.papers[:] = 0


def test_the_kept_marks_are_what_answers_a_letter_again(seed_corpus):
    # Letters that are no word of their own here (those marks are a view of the postings).
    letters = [c for c in string.ascii_lowercase if not any(c.encode() in word_set(p.title, True) | word_set(p.abstract) for p in seed_corpus.papers)][:4]
    assert letters
    used, prepared = _in_segments(seed_corpus.papers), _in_segments(seed_corpus.papers)
    answers = {}
    for letter in letters:
        answers[letter] = list(used.search(letter).rows)
        assert len(answers[letter]) > 1
    assert not prepared.prepare_word_starts(letters, stop=lambda: True)
    assert prepared.prepare_word_starts(letters)
    _without_postings(used)
    _without_postings(prepared)
    for letter in letters:
        used._cached_for = prepared._cached_for = None
        assert list(used.search(letter).rows) == answers[letter], letter
        assert list(prepared.search(letter).rows) == answers[letter], letter


async def test_the_app_prepares_word_starts_after_loading_and_gives_way_to_a_key(monkeypatch):
    """Once loaded, the app prepares the one-letter marks in a pause of the keys; a key typed
    meanwhile stops the pass, which goes on in the next pause."""
    import time

    from helpers import settle
    from papertui.cli import make_app
    from papertui.search.index import WORD_START_LETTERS

    app = make_app(with_library=False, with_zotero=False)
    real = SearchIndex.prepare_word_starts
    stops: list[bool] = []

    def interrupted_once(index, letters=WORD_START_LETTERS, stop=lambda: False):
        if not stops:
            app.last_keystroke = time.monotonic()  # a key comes in during the first pass
            stops.append(stop())
            return False
        stops.append(stop())
        return real(index, letters, stop)

    monkeypatch.setattr(SearchIndex, "prepare_word_starts", interrupted_once)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert stops == [True, False]  # stopped by the key, then finished in the next pause
        for segment in app.index._state.segments:
            assert set(WORD_START_LETTERS) <= set(segment.title.word_starts), segment.start
