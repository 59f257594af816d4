"""The search index: vocabulary and postings built once, queries ranked against them."""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Sequence

from papertui.corpus.model import Paper
from papertui.search.matching import match_score, query_words, tokenize, typo_budget

# An abstract match counts for this share of a title match, so title hits rank first.
ABSTRACT_WEIGHT = 0.5


@dataclass(frozen=True)
class SearchResult:
    query: str
    rows: Sequence[int] = field(repr=False)  # paper indices, best first
    terms: frozenset[str] = field(default=frozenset(), repr=False)  # every matched corpus word


@dataclass(frozen=True, slots=True)
class _Ranked:
    title_hits: int
    score: float
    index: int

    def key(self) -> tuple[int, float, int]:
        return (-self.title_hits, -self.score, self.index)


@dataclass
class SearchIndex:
    """Search over titles and abstracts: every query word must match; title hits rank first."""

    papers: Sequence[Paper]
    _title_words: list[frozenset[str]] = field(init=False)
    _abstract_words: list[frozenset[str]] = field(init=False)
    _postings: dict[str, list[int]] = field(init=False)
    _vocabulary: list[str] = field(init=False)
    _by_first_letter: dict[str, list[str]] = field(init=False)

    def __post_init__(self) -> None:
        self._title_words = [frozenset(tokenize(paper.title)) for paper in self.papers]
        self._abstract_words = [frozenset(tokenize(paper.abstract)) for paper in self.papers]
        postings: dict[str, list[int]] = {}
        for index, (title, abstract) in enumerate(zip(self._title_words, self._abstract_words)):
            for word in title | abstract:
                postings.setdefault(word, []).append(index)
        self._postings = postings
        self._vocabulary = sorted(postings)
        by_first: dict[str, list[str]] = {}
        for word in self._vocabulary:
            by_first.setdefault(word[0], []).append(word)
        self._by_first_letter = by_first
        self.terms_for = lru_cache(maxsize=4096)(self._terms_for)

    def __len__(self) -> int:
        return len(self.papers)

    def __repr__(self) -> str:  # the generated one would print every paper
        return f"SearchIndex({len(self.papers)} papers, {len(self._vocabulary)} words)"

    def _terms_for(self, query_word: str) -> dict[str, float]:
        """Every vocabulary word that matches `query_word`, with its score."""
        candidates: set[str] = set()
        start = bisect.bisect_left(self._vocabulary, query_word)
        for word in self._vocabulary[start:]:
            if not word.startswith(query_word):
                break
            candidates.add(word)
        if len(query_word) >= 3:
            candidates.update(word for word in self._vocabulary if query_word in word)
        if typo_budget(len(query_word)):
            candidates.update(self._by_first_letter.get(query_word[0], ()))
        scored = ((word, match_score(query_word, word)) for word in candidates)
        return {word: score for word, score in scored if score > 0}

    def search(self, query: str) -> SearchResult:
        words = query_words(query)
        if not words:
            return SearchResult(query, range(len(self.papers)), frozenset())
        per_word = [self.terms_for(word) for word in words]
        candidates = self._candidates(per_word)
        ranked = sorted((self._rank(index, per_word) for index in candidates), key=_Ranked.key)
        terms = frozenset().union(*per_word)
        rows = [entry.index for entry in ranked]
        return SearchResult(query, rows, terms)

    def _candidates(self, per_word: list[dict[str, float]]) -> set[int]:
        """Papers in which every query word matches some word."""
        result: set[int] | None = None
        for terms in sorted(per_word, key=len):
            papers: set[int] = set()
            for word in terms:
                papers.update(self._postings[word])
            result = papers if result is None else result & papers
            if not result:
                return set()
        return result or set()

    def _rank(self, index: int, per_word: list[dict[str, float]]) -> _Ranked:
        title_words = self._title_words[index]
        abstract_words = self._abstract_words[index]
        title_hits = 0
        score = 0.0
        for terms in per_word:
            in_title = _best(terms, title_words)
            in_abstract = _best(terms, abstract_words)
            title_hits += in_title > 0
            score += max(in_title, ABSTRACT_WEIGHT * in_abstract)
        return _Ranked(title_hits, score, index)


def _best(terms: dict[str, float], words: frozenset[str]) -> float:
    if len(terms) < len(words):
        return max((score for word, score in terms.items() if word in words), default=0.0)
    return max((terms[word] for word in words if word in terms), default=0.0)
