"""Similarity over a corpus: "more like these papers" (`like:`), "about this text" (`~"…"`),
and "for you" (a ranking learned from the starred papers).

Two representations, chosen by measurement (bench/recommend.py, bench/RESULTS.md): lexical
tf-idf vectors (`lexical.py`) and meaning vectors (`semantic.py`, when wordllama is there).
Combined, each similarity is put on the same scale (standardised over the corpus) and summed,
so neither one's typical cosine range drowns the other.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Literal, Sequence

import numpy as np

from papertui.corpus.model import Paper
from papertui.recommend import semantic
from papertui.recommend.lexical import LexicalVectors

Mode = Literal["lexical", "semantic", "combined"]
MEANING_WEIGHT = 1.0  # the meaning similarity's share beside the lexical one, once both are standardised
WHY_WORDS = 5
EXPANSION = 20  # "like": the best papers found are added to the query, at half weight
EXPANSION_WEIGHT = 0.5
EXPANSION_SHARE = 20  # at most one paper in this many: in a small corpus, no expansion at all
# "for you": chosen by 5-fold cross-validation (folds split by subject) over the tuning set ONLY,
# OAI page 1 (1,000 papers), never over the sets bench/RESULTS.md reports (`bench/recommend.py
# --tune`, 2026-12-06): best of a grid of 6 x 5 x 5; 4 of the 5 folds chose these too (words
# only: 0.1 in 3 folds, 0.3 in 2).
# Before: 0.01, 0.01, 1.0 (chosen on the very papers they were reported on).
LEXICAL_RIDGE = 0.1  # the word classifier's regularisation (words only too: it chose 0.1 alone)
MEANING_RIDGE = 0.03  # the meaning classifier's
FOR_YOU_MEANING_WEIGHT = 0.75  # the meaning classifier's share beside the words', both standardised
LEXICAL_STEPS = 10  # conjugate-gradient steps for the lexical classifier (more change no ranking)
TRAINING_PAPERS = 20_000  # "for you" learns from the starred papers and at most this many others, drawn at random
# "Not interested": each dismissed paper weighs a quarter of a starred one against its neighbours,
# each paper read and not starred a fifth of that; both on top of the background's weight, and
# relative to a star's, so they keep their pull however many papers the corpus holds. Chosen
# like the ridges (`bench/recommend.py --tune-dismissals`, OAI page 1 only, 2 dismissed papers of
# the close-but-wrong subject per query): 0.1 and 0.25 tie (P@20 0.604 against 0.601 without the
# dismissals), 1.0 and 2.0 lose (0.591, 0.581); of the tie, the one that moves the feed more.
DISMISSED_WEIGHT = 0.25
WEAK_WEIGHT = 0.05  # nothing measures it (no real "read" marks): a fifth of a dismissal


@dataclass
class ForYou:
    """A ranking learned from starred papers: a score per paper, and what it learned from."""

    scores: np.ndarray
    starred: list[int]
    word_weights: np.ndarray = field(default_factory=lambda: np.zeros(0, np.float32))  # per vocabulary word
    dismissed: list[int] = field(default_factory=list)  # the negative examples
    weak: list[int] = field(default_factory=list)  # the weak negatives (read, not starred)


class Recommender:
    """Vectors of `papers`, and rankings over them. `build` first (in a worker)."""

    def __init__(self, papers: Sequence[Paper], mode: Mode = "combined") -> None:
        self.papers = papers
        self.mode = mode
        self.lexical: LexicalVectors | None = None
        self.meaning: np.ndarray | None = None  # unit rows, centred on the corpus (float32: BLAS speed)
        self.meaning_centre: np.ndarray | None = None
        self.meaning_problem: str | None = None  # why there are no meaning vectors
        self.size = len(papers)

    def build(self, stop: Callable[[], bool] = lambda: False) -> None:
        """Compute the vectors (seconds at 100k papers)."""
        if self.mode in ("lexical", "combined"):
            self.lexical = LexicalVectors.build(self.papers, stop)
            self.lexical.prepare()
        if self.mode in ("semantic", "combined"):
            self.meaning_problem = semantic.available()
            if self.meaning_problem is None:
                vectors = semantic.embed_papers(self.papers, stop).astype(np.float32)
                # Static embeddings share one large common direction: without it, cosines
                # tell topics apart far better (measured: for-you P@20 0.385 -> 0.494).
                self.meaning_centre = vectors.mean(axis=0) if len(vectors) else np.zeros(semantic.DIMENSIONS, np.float32)
                vectors -= self.meaning_centre
                vectors /= np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-6)
                self.meaning = vectors

    @property
    def has_meaning(self) -> bool:
        return self.meaning is not None

    # --- similarities -----------------------------------------------------------------

    def _like_once(self, papers: list[int]) -> np.ndarray:
        lexical = meaning = None
        if self.lexical is not None:
            lexical = self.lexical.scores(*self.lexical.centroid(papers))
        if self.meaning is not None:
            meaning = self._meaning_scores(self.meaning[papers].mean(axis=0))
        return _combined(lexical, meaning)

    def like(self, papers: Sequence[int]) -> np.ndarray:
        """How like `papers` (together) every paper is; higher is more alike. The papers most
        like them join the query at half weight (pseudo-relevance feedback: measured like
        P@10 0.336 -> 0.359)."""
        papers = sorted({int(p) for p in papers})
        first = self._like_once(papers)
        ranked = first.copy()
        ranked[papers] = -np.inf
        count = min(EXPANSION, (self.size - len(papers)) // EXPANSION_SHARE)
        if count <= 0:
            return first
        expansion = np.argpartition(-ranked, count - 1)[:count].tolist()
        return (first + EXPANSION_WEIGHT * self._like_once(expansion)).astype(np.float32)

    def about(self, text: str) -> np.ndarray:
        """How close every paper is to a free text (the `~` term): by meaning and by words."""
        lexical = meaning = None
        if self.lexical is not None:
            lexical = self.lexical.scores(*self.lexical.text_vector(text))
        if self.meaning is not None and self.meaning_centre is not None:
            meaning = self._meaning_scores(semantic.embed_texts([text])[0] - self.meaning_centre)
        if lexical is None and meaning is None:
            return np.zeros(self.size, dtype=np.float32)
        return _combined(lexical, meaning)

    def _meaning_scores(self, vector: np.ndarray) -> np.ndarray:
        assert self.meaning is not None
        norm = float(np.linalg.norm(vector)) or 1.0
        return self.meaning @ (vector / norm).astype(np.float32)

    # --- for you ----------------------------------------------------------------------

    def train(self, starred: Sequence[int], dismissed: Sequence[int] = (), weak: Sequence[int] = ()) -> ForYou:
        """A ranking learned from the starred papers against the others: a ridge classifier
        with balanced class weights on each representation, standardised and summed
        (measured on five real sets that did not choose its parameters: P@20 above
        arxiv-sanity-lite's SVM on each, bench/RESULTS.md). Past 20k papers it learns from a
        fixed random sample of the others, which keeps a retrain near 0.2 s at 100k.

        `dismissed` papers are negative examples (each DISMISSED_WEIGHT of a star) and `weak`
        ones (read, not starred) weaker ones (WEAK_WEIGHT of a star); every other paper is the
        unlabelled background. A paper starred wins over being dismissed or weak, and a
        dismissed one over weak."""
        starred = sorted({int(p) for p in starred})
        dismissed = sorted({int(p) for p in dismissed} - set(starred))
        weak = sorted({int(p) for p in weak} - set(starred) - set(dismissed))
        training = self._training_papers(starred, dismissed, weak)
        labels = np.where(np.isin(training, starred), 1.0, -1.0).astype(np.float32)
        positives = int((labels > 0).sum())
        per_star = 0.5 / max(1, positives)
        background = 0.5 / max(1, len(training) - positives)
        weights = np.where(labels > 0, per_star, background).astype(np.float32)
        # on top of the background's weight: even in a corpus of a few papers, a hint is never less
        weights[np.isin(training, weak)] = background + WEAK_WEIGHT * per_star
        weights[np.isin(training, dismissed)] = background + DISMISSED_WEIGHT * per_star
        lexical = meaning = None
        word_weights = np.zeros(0, np.float32)
        if self.lexical is not None:
            word_weights = self._lexical_classifier(training, labels, weights)
            lexical = self.lexical.rows_dot(word_weights)
        if self.meaning is not None:
            meaning = self._meaning_classifier(training, labels, weights)
        return ForYou(_combined(lexical, meaning, FOR_YOU_MEANING_WEIGHT), starred, word_weights, dismissed, weak)

    def _training_papers(self, *labelled: list[int]) -> np.ndarray:
        if self.size <= TRAINING_PAPERS:
            return np.arange(self.size)
        others = np.random.default_rng(0).choice(self.size, TRAINING_PAPERS, replace=False)
        return np.union1d(others, np.concatenate([np.asarray(papers, dtype=np.int64) for papers in labelled]))

    def _lexical_classifier(self, training: np.ndarray, labels: np.ndarray, weights: np.ndarray) -> np.ndarray:
        """Weights per word solving (XᵀCX + λI)w = XᵀCy by conjugate gradients (X sparse)."""
        assert self.lexical is not None
        vectors = self.lexical.subset(training)

        def apply(w: np.ndarray) -> np.ndarray:
            return vectors.columns_dot(weights * vectors.rows_dot(w)) + LEXICAL_RIDGE * w

        target = vectors.columns_dot(weights * labels)
        w = np.zeros_like(target)
        residual = target.copy()
        direction = residual.copy()
        size = float(residual @ residual)
        for _ in range(LEXICAL_STEPS):
            if size < 1e-12:
                break
            moved = apply(direction)
            step = size / float(direction @ moved)
            w += step * direction
            residual -= step * moved
            new_size = float(residual @ residual)
            direction = residual + (new_size / size) * direction
            size = new_size
        return w.astype(np.float32)

    def _meaning_classifier(self, training: np.ndarray, labels: np.ndarray, weights: np.ndarray) -> np.ndarray:
        """A ridge classifier over the meaning vectors (and a bias): a 257×257 solve."""
        assert self.meaning is not None
        block = np.hstack([self.meaning[training], np.ones((len(training), 1), np.float32)])
        weighted = block.T * weights
        gram = (weighted @ block).astype(np.float64) + MEANING_RIDGE * np.eye(block.shape[1])
        coefficients = np.linalg.solve(gram, (weighted @ labels).astype(np.float64)).astype(np.float32)
        return self.meaning @ coefficients[:-1] + coefficients[-1]

    def why(self, model: ForYou, paper: int) -> tuple[list[str], int | None]:
        """What ranks `paper` high for `model`: its words the model weighs most, and the
        starred paper most like it."""
        words = self.lexical.strongest_words(paper, model.word_weights, WHY_WORDS) if self.lexical is not None and len(model.word_weights) else []
        nearest = None
        others = [p for p in model.starred if p != paper]
        if others:
            similarity = self._like_once([paper])[others]
            nearest = others[int(np.argmax(similarity))]
        return words, nearest


def _standardised(scores: np.ndarray) -> np.ndarray:
    spread = float(scores.std()) or 1.0
    return (scores - float(scores.mean())) / spread


def _combined(lexical: np.ndarray | None, meaning: np.ndarray | None, meaning_weight: float = MEANING_WEIGHT) -> np.ndarray:
    if lexical is None and meaning is None:
        raise ValueError("no vectors: call build() first")
    if lexical is None:
        return meaning  # type: ignore[return-value]
    if meaning is None:
        return lexical
    return (_standardised(lexical) + meaning_weight * _standardised(meaning)).astype(np.float32)
