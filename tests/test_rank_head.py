"""Ranking many matches in passes over every paper (the summed keys kept between keys),
picking the head from a sorted copy of the keys and keeping the phrase bonus apart from the
keys gives exactly the rows, in exactly the order, of the gathers, the histogram and the
widened keys it replaced. The old code is kept here to compare with."""

from __future__ import annotations

import random

import numpy as np
import pytest

from helpers import make_paper
from papertui.search import SearchIndex
from papertui.search import index as index_module
from papertui.search.index import HEAD
from papertui.search.matching import TYPO_PREFIX, TYPO_STEP, typo_budget
from papertui.search.vocabulary import units


def old_best_first(keys: np.ndarray, count: int) -> np.ndarray:
    """best_first as it was (a histogram of the keys), for comparison."""
    at_least = np.cumsum(np.bincount(keys)[::-1])
    kth = len(at_least) - 1 - int(np.searchsorted(at_least, count))
    above = np.flatnonzero(keys > kth)
    ties = np.flatnonzero(keys == kth)[: count - len(above)]
    chosen = np.concatenate([above, ties])
    chosen.sort()
    return chosen[np.argsort(-keys[chosen].astype(np.int64), kind="stable")]


def old_plain(self, state, words, candidates, known=0):
    """SearchIndex._plain as it was: the matches' scores gathered word by word."""
    hits = [self._word_hits(state, word) for word in words]
    papers = self._matching(hits[known:], candidates) if candidates is not None else self._matching(hits, None)
    keys = np.zeros(len(papers), dtype=np.uint16)
    for word_hits in hits:
        title, abstract = word_hits.title[papers], word_hits.abstract[papers]
        keys += np.maximum(title, abstract >> 1)
        keys += (title != 0).astype(np.uint16) << 10
    return papers, keys


def old_with_phrase_bonus(self, papers, keys, words):
    """SearchIndex._with_phrase_bonus as it was (every key widened to hold the bonus), its
    answer given as the bonus the new RankedRows takes."""
    if not words or not len(papers):
        return None, None
    ranked = keys.astype(np.uint32)
    count = min(len(papers), index_module.PHRASE_CHECKS if len(words) > 1 else HEAD)
    best = old_best_first(keys, count) if count < len(papers) else np.argsort(-ranked.astype(np.int64), kind="stable")
    phrase = index_module.Phrase(words)
    for rank, position in enumerate(best.tolist()):
        ranked[position] |= phrase.level(self._papers[int(papers[position])], rank < index_module.ABSTRACT_CHECKS) << 16
    gained = np.flatnonzero(ranked >> 16)
    bonus = (gained, ranked[gained] >> 16) if len(gained) else None
    if count < HEAD:
        return bonus, None
    in_corpus_order = np.sort(best)
    return bonus, in_corpus_order[np.argsort(-ranked[in_corpus_order].astype(np.int64), kind="stable")[:HEAD]]


class OldRankedRows:
    """RankedRows as it was, over keys widened to hold the phrase bonus (what the old
    _with_phrase_bonus returned): the head up front, the full order when asked."""

    def __init__(self, papers, keys, head=None, bonus=None):
        if bonus is not None:
            keys = keys.astype(np.uint32)
            keys[bonus[0]] |= bonus[1] << 16
        self._papers, self._keys, self._order = papers, keys, None
        self._head = (head if head is not None else old_best_first(keys, HEAD)) if len(papers) > 4 * HEAD else None

    def _full_order(self):
        if self._order is None:
            self._order = np.argsort(-self._keys.astype(np.int64), kind="stable")
        return self._order

    def __len__(self):
        return len(self._papers)

    def __getitem__(self, position):
        if self._head is not None and position < HEAD:
            return int(self._papers[self._head[position]])
        return int(self._papers[self._full_order()[position]])

    def __iter__(self):
        return iter(self._papers[self._full_order()].tolist())


WORDS = ["graph", "graphs", "neural", "network", "networks", "language", "languages", "model", "models",
         "reason", "reasoning", "learning", "deep", "plan", "planning", "lang", "mode", "modal", "relu"]  # fmt: skip


def corpus(count: int = 3000, seed: int = 5) -> list:
    """Few words, so that most queries match thousands of papers with many equal keys; some
    titles are a query exactly or hold it as a phrase; some words are misspelt (typo hits)."""
    rng = random.Random(seed)

    def text(low: int, high: int) -> str:
        words = [rng.choice(WORDS) for _ in range(rng.randint(low, high))]
        if rng.random() < 0.1:
            at = rng.randrange(len(words))
            words[at] = words[at][:-1] + "x" if len(words[at]) > 5 else words[at]  # a typo
        return " ".join(words)

    papers = []
    for number in range(count):
        if number % 97 == 0:
            title = "language model reasoning"  # the whole query: the phrase's best level
        elif number % 31 == 0:
            title = "on language model reason and graph"
        else:
            title = text(1, 5)
        papers.append(make_paper(title, text(6, 20)))
    return papers


class Dismissing:
    """The marks of a paper every `every`: only dismissals (what hides rows from plain words)."""

    version = 0
    new_since = None
    dismissed_version = 1

    def __init__(self, size: int, every: int) -> None:
        self.dismissed = np.zeros(size, dtype=bool)
        self.dismissed[::every] = True
        self.dismissed_count = int(self.dismissed.sum())

    def dismissed_mask(self, papers, size):
        return self.dismissed[:size].copy()

    def mask(self, papers, size, wanted):
        return np.zeros(size, dtype=bool)


TYPED = ("language model reasoning", "graph neural network", "lang mode relu", "planing networks", "qqq graph")
QUERIES = ("graph OR neural", "title:language model", "-graph network", '"language model"', "languag modl",
           "model reason", "neural abstract:graph", "network -deep", "reasonig")  # fmt: skip


def answers(index: SearchIndex, marks) -> list[list[int]]:
    """Every answer, typed a key at a time and backspaced, then the other queries: the first
    rows, the count, the hidden, every row in order and the rows ascending."""
    found = []
    for query in TYPED:
        keys = [query[:end] for end in range(1, len(query) + 1)]
        for typed in keys + keys[-2::-1]:
            rows = index.search(typed, marks).rows
            found.append([rows[i] for i in range(min(len(rows), HEAD + 20))])
    for query in (*TYPED, *QUERIES):
        index.search("")  # not narrowed: from scratch
        result = index.search(query, marks)
        rows = result.rows
        ascending = result.matched.tolist() if result.matched is not None else None
        found.append([rows[i] for i in range(min(len(rows), HEAD + 20))] + [len(rows), result.hidden, ascending] + list(rows))
    return found


@pytest.mark.parametrize("path", ["sums", "gathers"])
@pytest.mark.parametrize("dismissed_every", [0, 7])
def test_answers_are_the_old_ones(monkeypatch, path, dismissed_every):
    papers = corpus()
    marks = Dismissing(len(papers), dismissed_every) if dismissed_every else None
    if path == "sums":  # every narrowed search too
        monkeypatch.setattr(index_module, "SPARSE_ALWAYS", 0)
        monkeypatch.setattr(index_module, "SPARSE_SHARE", 1 << 40)
    else:  # every narrowed search gathers
        monkeypatch.setattr(index_module, "SPARSE_ALWAYS", len(papers) + 1)
    new = answers(SearchIndex(papers), marks)
    with monkeypatch.context() as old:
        old.setattr(index_module, "best_first", old_best_first)
        old.setattr(SearchIndex, "_gathering", lambda self, state, narrowed: True)  # no sums: the old path
        old.setattr(SearchIndex, "_plain", old_plain)
        old.setattr(SearchIndex, "_with_phrase_bonus", old_with_phrase_bonus)
        old.setattr(index_module, "RankedRows", OldRankedRows)
        expected = answers(SearchIndex(papers), marks)
    assert len(new) == len(expected)
    for number, (rows, wanted) in enumerate(zip(new, expected)):
        assert rows == wanted, number
    assert max(map(len, new)) > 4 * HEAD  # the head is ranked on its own: the case this is about


def test_sums_are_the_gathered_keys_where_every_word_matches():
    papers = corpus(800, seed=9)
    index = SearchIndex(papers)
    index.search("language model reas")
    state = index._state
    words = ("language", "model", "reas")
    total = index._summed_keys(words, [index._word_hits(state, word) for word in words])
    papers_old, keys_old = old_plain(index, state, words, None)
    assert np.flatnonzero(total).tolist() == papers_old.tolist() and len(papers_old) > 100
    assert total[papers_old].tolist() == keys_old.tolist()


def test_the_weakest_hit_still_counts_when_halved():
    """A word's key is 0 only where it does not match: true while the weakest score, halved
    for an abstract, stays above 0 (a typo against a word's start, at the largest budget)."""
    weakest = TYPO_PREFIX - TYPO_STEP * (max(map(typo_budget, range(100))) - 1)
    assert units(weakest) >> 1 > 0


@pytest.mark.parametrize("seed", range(6))
def test_best_first_picks_what_the_histogram_picked(seed):
    rng = np.random.default_rng(seed)
    size = int(rng.integers(300, 20_000))
    spread = int(rng.choice([2, 5, 40, 3000, 60_000]))
    keys = rng.integers(0, spread, size=size).astype(np.uint16)
    if seed % 2:  # one huge tie at the top
        keys[rng.random(size) < 0.5] = spread
    for count in (1, HEAD, size // 2, size - 1):
        assert index_module.best_first(keys, count).tolist() == old_best_first(keys, count).tolist(), count


@pytest.mark.parametrize("start", [0, 15_000, 19_900])
def test_best_first_finds_ties_gathered_late(start):
    """Ties looked for in a prefix: found however unevenly they lie."""
    keys = np.ones(20_000, dtype=np.uint16)
    keys[start:] = 2
    keys[::997] = 3  # a few above them
    for count in (30, HEAD, 5_000):
        assert index_module.best_first(keys, count).tolist() == old_best_first(keys, count).tolist(), count
