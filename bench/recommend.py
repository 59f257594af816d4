"""Recommendation quality and speed on real labelled papers, against arxiv-sanity-lite's recipe.

    .venv/bin/pip install scikit-learn        (the anchor only; papertui does not use it)
    .venv/bin/python bench/recommend.py

Papers: the three recorded OAI-PMH pages in tests/feeds (2,265 real arXiv papers), each
labelled with its primary subject, the first <dc:subject> ("Computer Science - Computation
and Language", "Mathematics - Number Theory", ...).

(a) "like": for every paper, the 10 nearest others; precision@10 = the share with the same
    primary subject, averaged over papers.
(b) "for you": for each subject with at least 30 papers and each of 5 seeds, star 10 random
    papers of it; precision@20 = the share of that subject among the top 20 of the other
    papers, averaged over subjects and seeds.
(c) time per `like:` query and per "for you" retrain at 10k and 100k papers (the real papers
    repeated with their words shuffled within each abstract, so that vectors differ).

Anchor (same papers, same run): arxiv-sanity-lite's recipe, tf-idf on 1-2-grams with 20k
features (min_df 5, max_df 0.1, sublinear tf, English stopwords) and a LinearSVC with C=0.01
and balanced class weights, trained per query (one positive for "like", ten for "for you"),
exactly as arxiv-sanity-lite ranks; random as the floor.
"""

from __future__ import annotations

import random
import re
import statistics
import sys
import time
from dataclasses import replace
from pathlib import Path

import numpy as np

from papertui.corpus import load_corpus
from papertui.recommend.model import Recommender

ROOT = Path(__file__).parent.parent
PAGES = sorted((ROOT / "tests" / "feeds").glob("arxiv-oai-ListRecords-oai_dc-*.xml"))
SEEDS = 5
STARS = 10
MIN_SUBJECT = 30


def primary_subjects() -> dict[str, str]:
    subjects: dict[str, str] = {}
    for page in PAGES:
        for record in re.findall(r"<record>(.*?)</record>", page.read_text(encoding="utf-8"), re.DOTALL):
            found_id = re.search(r"<identifier>oai:arXiv.org:([^<]+)</identifier>", record)
            subject = re.search(r"<dc:subject>([^<]+)</dc:subject>", record)
            if found_id and subject:
                subjects[found_id.group(1).strip()] = " ".join(subject.group(1).split())
    return subjects


def load():
    corpus = load_corpus(PAGES)
    subjects = primary_subjects()
    papers = [paper for paper in corpus.papers if paper.arxiv_id in subjects]
    labels = [subjects[paper.arxiv_id] for paper in papers]
    return papers, labels


def like_precision(rank_neighbours, labels: list[str], k: int = 10) -> float:
    hits = []
    for number, label in enumerate(labels):
        order = [i for i in rank_neighbours(number)[: k + 1] if i != number][:k]
        hits.append(sum(labels[i] == label for i in order) / k)
    return statistics.mean(hits)


def for_you_precision(rank_for, labels: list[str], k: int = 20) -> float:
    by_subject: dict[str, list[int]] = {}
    for number, label in enumerate(labels):
        by_subject.setdefault(label, []).append(number)
    scores = []
    for subject, members in sorted(by_subject.items()):
        if len(members) < MIN_SUBJECT:
            continue
        for seed in range(SEEDS):
            starred = random.Random(f"{subject}/{seed}").sample(members, STARS)
            chosen = set(starred)
            order = [i for i in rank_for(starred) if i not in chosen][:k]
            scores.append(sum(labels[i] == subject for i in order) / k)
    return statistics.mean(scores)


# --- the methods ------------------------------------------------------------------------


class Random:
    name = "random (floor)"

    def __init__(self, papers) -> None:
        self.size = len(papers)

    def neighbours(self, number: int) -> list[int]:
        return random.Random(number).sample(range(self.size), self.size)

    def for_you(self, starred: list[int]) -> list[int]:
        return random.Random(str(starred)).sample(range(self.size), self.size)


class ArxivSanity:
    name = "arxiv-sanity-lite recipe (tf-idf 1-2-grams + LinearSVC)"

    def __init__(self, papers) -> None:
        from sklearn.feature_extraction.text import TfidfVectorizer

        vectorizer = TfidfVectorizer(
            input="content", encoding="utf-8", decode_error="replace", strip_accents="unicode", lowercase=True,
            analyzer="word", stop_words="english", token_pattern=r"(?u)\b[a-zA-Z_][a-zA-Z0-9_]+\b", ngram_range=(1, 2),
            max_features=20000, norm="l2", use_idf=True, smooth_idf=True, sublinear_tf=True, max_df=0.1, min_df=5,
        )  # fmt: skip
        self.features = vectorizer.fit_transform([f"{p.title} {p.abstract}" for p in papers])

    def _rank(self, positives: list[int]) -> list[int]:
        from sklearn import svm

        y = np.zeros(self.features.shape[0])
        y[positives] = 1
        classifier = svm.LinearSVC(class_weight="balanced", verbose=False, max_iter=10000, tol=1e-6, C=0.01)
        classifier.fit(self.features, y)
        return list(np.argsort(-classifier.decision_function(self.features)))

    def neighbours(self, number: int) -> list[int]:
        return self._rank([number])

    def for_you(self, starred: list[int]) -> list[int]:
        return self._rank(starred)


class Papertui:
    def __init__(self, papers, mode: str) -> None:
        self.name = f"papertui ({mode})"
        self.recommender = Recommender(papers, mode=mode)
        self.recommender.build()

    def neighbours(self, number: int) -> list[int]:
        return list(np.argsort(-self.recommender.like([number]), kind="stable"))

    def for_you(self, starred: list[int]) -> list[int]:
        model = self.recommender.train(starred)
        return list(np.argsort(-model.scores, kind="stable"))


def quality(papers, labels) -> list[tuple[str, float, float]]:
    rows = []
    methods = [lambda: Random(papers), lambda: ArxivSanity(papers)]
    methods += [lambda mode=mode: Papertui(papers, mode) for mode in ("lexical", "semantic", "combined")]
    for make in methods:
        started = time.perf_counter()
        method = make()
        like = like_precision(method.neighbours, labels)
        for_you = for_you_precision(method.for_you, labels)
        rows.append((method.name, like, for_you))
        print(f"  {method.name:<58} like P@10 {like:.3f}   for-you P@20 {for_you:.3f}   ({time.perf_counter() - started:.0f} s)", flush=True)
    return rows


def grown(papers, size: int):
    """`size` papers: the real ones, then copies with each abstract's words shuffled."""
    out = list(papers)
    rng = random.Random(7)
    while len(out) < size:
        paper = papers[len(out) % len(papers)]
        words = paper.abstract.split()
        rng.shuffle(words)
        out.append(replace(paper, abstract=" ".join(words), arxiv_id=None, sources=[]))
    return out


def speed(papers, mode: str) -> None:
    for size in (10_000, 100_000):
        many = grown(papers, size)
        recommender = Recommender(many, mode=mode)
        started = time.perf_counter()
        recommender.build()
        built = time.perf_counter() - started
        rng = random.Random(1)
        likes = []
        for _ in range(30):
            started = time.perf_counter()
            recommender.like([rng.randrange(size)])
            likes.append(time.perf_counter() - started)
        trains = []
        for _ in range(5):
            starred = rng.sample(range(size), STARS)
            started = time.perf_counter()
            recommender.train(starred)
            trains.append(time.perf_counter() - started)
        print(
            f"  {mode:<9} {size:>7,} papers: vectors built in {built:.1f} s; like: p50 {statistics.median(likes) * 1000:.1f} ms, "
            f"max {max(likes) * 1000:.1f} ms; for-you retrain p50 {statistics.median(trains) * 1000:.0f} ms, max {max(trains) * 1000:.0f} ms",
            flush=True,
        )


def main() -> int:
    papers, labels = load()
    print(f"{len(papers):,} labelled papers, {len(set(labels))} primary subjects "
          f"({sum(1 for s in set(labels) if labels.count(s) >= MIN_SUBJECT)} with at least {MIN_SUBJECT} papers)")  # fmt: skip
    print("quality:")
    quality(papers, labels)
    if "--no-speed" not in sys.argv:
        print("speed:")
        for mode in ("lexical", "combined"):
            speed(papers, mode)
    return 0


if __name__ == "__main__":
    sys.exit(main())
