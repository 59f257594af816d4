"""Papers as tf-idf vectors over their words (the title counts twice), for "more like this"
and "for you": sublinear term frequency, smoothed idf, unit length, and only each paper's
strongest terms kept, so that a million papers stay within memory.

Stored twice, as numpy arrays: by paper (CSR: a paper's terms) to build a query from papers,
and by term (an inverted index) to score every paper against a query in one pass over the
query terms' postings.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Callable, Sequence

import numpy as np

from papertui.corpus.model import Paper

TERMS_KEPT = 64  # per paper, by weight: the rest barely moves a cosine
MIN_LENGTH = 2
MAX_DOCUMENT_SHARE = 0.5  # a word in more than half the papers says nothing about any
# Words; numbers alone are not topics. A word starts where a word starts (the lookbehind): tried
# from every digit of a long number, `\d+[^\W\d_]` read to the number's end each time (n²).
_WORD = re.compile(r"(?<![^\W_])\d*[^\W\d_][^\W_]*")
STOPWORDS = frozenset(
    """a about above after again all also an and any are as at be because been before being below between both but by can
    could did do does doing down during each few for from further had has have having here how however i if in into is it
    its itself just more most no nor not of off on once only or other our out over own same should so some such than that
    the their them then there these they this those through to too under until up very was we were what when where which
    while who whom why will with would you your via thus using use used based show shows shown paper propose proposed
    present new approach method methods results result work study""".split()
)


def paper_terms(paper: Paper) -> list[str]:
    """The words a paper is about: title twice, then the abstract; lower case, stopwords out."""
    text = f"{paper.title} {paper.title} {paper.abstract}".lower()
    return [word for word in _WORD.findall(text) if len(word) >= MIN_LENGTH and word not in STOPWORDS]


@dataclass
class SparseRows:
    """Rows of a sparse matrix, CSR: row r is indices/data[indptr[r]:indptr[r+1]]."""

    indptr: np.ndarray
    indices: np.ndarray
    data: np.ndarray

    def row(self, r: int) -> tuple[np.ndarray, np.ndarray]:
        start, stop = self.indptr[r], self.indptr[r + 1]
        return self.indices[start:stop], self.data[start:stop]


class LexicalVectors:
    """tf-idf vectors of `papers`, built once (call `build`, in a worker: it takes ~1 s per
    20k papers)."""

    def __init__(self, vocabulary: dict[str, int], rows: SparseRows, idf: np.ndarray) -> None:
        self.vocabulary = vocabulary
        self.rows = rows
        self.idf = idf
        self.size = len(rows.indptr) - 1
        self._row_of_entry = np.repeat(np.arange(self.size, dtype=np.int32), np.diff(rows.indptr))
        self._by_term: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None
        self._words: list[str] | None = None

    @property
    def words(self) -> list[str]:
        if self._words is None:
            words = [""] * len(self.vocabulary)
            for word, number in self.vocabulary.items():
                words[number] = word
            self._words = words
        return self._words

    def prepare(self) -> None:
        """Build the by-term arrays now (else the first query does)."""
        self._inverted()

    def _inverted(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The same weights by term: which papers hold term t, and how strongly."""
        if self._by_term is None:
            order = np.argsort(self.rows.indices, kind="stable")
            pointers = np.zeros(len(self.vocabulary) + 1, dtype=np.int64)
            np.cumsum(np.bincount(self.rows.indices, minlength=len(self.vocabulary)), out=pointers[1:])
            self._by_term = (pointers, self._row_of_entry[order], self.rows.data[order])
        return self._by_term

    @classmethod
    def build(cls, papers: Sequence[Paper], stop: Callable[[], bool] = lambda: False) -> LexicalVectors:
        vocabulary: dict[str, int] = {}
        counted: list[tuple[np.ndarray, np.ndarray]] = []
        for number, paper in enumerate(papers):
            if number % 256 == 255 and stop():  # often: `stop` may also pause the build
                raise InterruptedError
            counts: dict[int, int] = {}
            for word in paper_terms(paper):
                term = vocabulary.setdefault(word, len(vocabulary))
                counts[term] = counts.get(term, 0) + 1
            counted.append((np.fromiter(counts.keys(), np.int32, len(counts)), np.fromiter(counts.values(), np.float32, len(counts))))
        size = len(papers)
        document_frequency = np.zeros(len(vocabulary), dtype=np.int64)
        for terms, _ in counted:
            document_frequency[terms] += 1
        idf = (np.log((1 + size) / (1 + document_frequency)) + 1).astype(np.float32)
        idf[document_frequency > max(2, MAX_DOCUMENT_SHARE * size)] = 0.0
        indptr = np.zeros(size + 1, dtype=np.int64)
        kept_terms: list[np.ndarray] = []
        kept_weights: list[np.ndarray] = []
        for number, (terms, counts) in enumerate(counted):
            weights = (1 + np.log(counts)) * idf[terms]
            if len(weights) > TERMS_KEPT:
                strongest = np.argpartition(-weights, TERMS_KEPT - 1)[:TERMS_KEPT]
                terms, weights = terms[strongest], weights[strongest]
            alive = weights > 0
            terms, weights = terms[alive], weights[alive]
            norm = math.sqrt(float(weights @ weights)) or 1.0
            kept_terms.append(terms)
            kept_weights.append((weights / norm).astype(np.float32))
            indptr[number + 1] = indptr[number] + len(terms)
        rows = SparseRows(
            indptr,
            np.concatenate(kept_terms) if kept_terms else np.zeros(0, np.int32),
            np.concatenate(kept_weights) if kept_weights else np.zeros(0, np.float32),
        )
        return cls(vocabulary, rows, idf)

    # --- queries --------------------------------------------------------------------

    def centroid(self, papers: Sequence[int]) -> tuple[np.ndarray, np.ndarray]:
        """The mean of some papers' vectors, as (terms, weights), unit length."""
        if not len(papers):
            return np.zeros(0, np.int32), np.zeros(0, np.float32)
        parts = [self.rows.row(int(p)) for p in papers]
        terms = np.concatenate([t for t, _ in parts])
        weights = np.concatenate([w for _, w in parts])
        unique, inverse = np.unique(terms, return_inverse=True)
        summed = np.bincount(inverse, weights=weights).astype(np.float32)
        norm = float(np.linalg.norm(summed)) or 1.0
        return unique.astype(np.int32), summed / norm

    def scores(self, terms: np.ndarray, weights: np.ndarray) -> np.ndarray:
        """Cosine of every paper with the query vector (terms, weights)."""
        if not len(terms):
            return np.zeros(self.size, dtype=np.float32)
        pointers, term_papers, term_weights = self._inverted()
        starts, stops = pointers[terms], pointers[terms + 1]
        lengths = stops - starts
        if not lengths.sum():
            return np.zeros(self.size, dtype=np.float32)
        positions = np.repeat(starts - np.cumsum(lengths) + lengths, lengths) + np.arange(lengths.sum())
        papers = term_papers[positions]
        contributions = term_weights[positions] * np.repeat(weights, lengths)
        return np.bincount(papers, weights=contributions, minlength=self.size).astype(np.float32)

    def text_vector(self, text: str) -> tuple[np.ndarray, np.ndarray]:
        """A free text as a query vector over the known words (unknown words drop out)."""
        counts: dict[int, int] = {}
        for word in _WORD.findall(text.lower()):
            term = self.vocabulary.get(word)
            if term is not None:
                counts[term] = counts.get(term, 0) + 1
        if not counts:
            return np.zeros(0, np.int32), np.zeros(0, np.float32)
        terms = np.fromiter(counts.keys(), np.int32, len(counts))
        weights = (1 + np.log(np.fromiter(counts.values(), np.float32, len(counts)))) * self.idf[terms]
        norm = float(np.linalg.norm(weights)) or 1.0
        return terms, (weights / norm).astype(np.float32)

    def subset(self, papers: np.ndarray) -> LexicalVectors:
        """The vectors of some papers only (rows renumbered in `papers` order), same words."""
        starts, stops = self.rows.indptr[papers], self.rows.indptr[papers + 1]
        lengths = stops - starts
        positions = np.repeat(starts - np.cumsum(lengths) + lengths, lengths) + np.arange(int(lengths.sum()))
        indptr = np.zeros(len(papers) + 1, dtype=np.int64)
        np.cumsum(lengths, out=indptr[1:])
        return LexicalVectors(self.vocabulary, SparseRows(indptr, self.rows.indices[positions], self.rows.data[positions]), self.idf)

    def rows_dot(self, word_weights: np.ndarray) -> np.ndarray:
        """X·w: every paper's vector dotted with a weight per vocabulary word."""
        contributions = self.rows.data * word_weights[self.rows.indices]
        return np.bincount(self._row_of_entry, weights=contributions, minlength=self.size).astype(np.float32)

    def columns_dot(self, paper_weights: np.ndarray) -> np.ndarray:
        """Xᵀ·v: a weight per word, from a weight per paper."""
        contributions = self.rows.data * paper_weights[self._row_of_entry]
        return np.bincount(self.rows.indices, weights=contributions, minlength=len(self.vocabulary)).astype(np.float32)

    def strongest_words(self, paper: int, word_weights: np.ndarray, count: int = 5) -> list[str]:
        """A paper's words that add most to its score under `word_weights`."""
        terms, weights = self.rows.row(paper)
        strength = weights * word_weights[terms]
        best = np.argsort(-strength)[:count]
        return [self.words[int(terms[i])] for i in best if strength[i] > 0]

    def shared_words(self, paper: int, terms: np.ndarray, weights: np.ndarray, count: int = 5) -> list[str]:
        """The words that most join a paper to a query vector: the "why" of a ranking."""
        own_terms, own_weights = self.rows.row(paper)
        common, mine, theirs = np.intersect1d(own_terms, terms, return_indices=True)
        if not len(common):
            return []
        strength = own_weights[mine] * weights[theirs]
        best = np.argsort(-strength)[:count]
        return [self.words[int(common[i])] for i in best]
