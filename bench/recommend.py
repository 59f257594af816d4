"""Recommendation quality and speed on real labelled papers, against arxiv-sanity-lite's recipe,
with the parameters chosen on other papers than those reported.

    .venv/bin/pip install scikit-learn        (the anchor and this script only; papertui does not use it)
    .venv/bin/python bench/recommend.py --tune     (cross-validation on the tuning set: chooses the parameters)
    .venv/bin/python bench/recommend.py            (the reported sets, once, with the frozen parameters)

Sets (each one a corpus of its own: vectors, idf and the anchor's tf-idf are built on it alone):

  tuning    OAI page 1    tests/feeds OAI-PMH page 1 of 3 (1,000 papers), label: primary subject
                          (the first <dc:subject>); used ONLY to choose parameters, never reported
  reported  OAI page 2    page 2 of 3 (1,000 papers), same label
            OAI page 3    page 3 of 3 (265 papers), same label
            RSS cs.CL     the arXiv RSS cs.CL feed of 2026-08-13 (139 papers), label: first category
            API testing   the arXiv API answer to all:testing (100 papers), label: primary category
            snapshot      the first 100 papers of the arXiv metadata snapshot, label: the archive of
                          the first category (math, cond-mat, physics, ...: no single category has
                          10 papers there)

"for you": for each subject with at least MIN papers and each seed, star STARS random papers of
it; precision@20 = the share of that subject among the top 20 of the other papers, averaged
over subjects and seeds. The 1,000-paper sets use 10 stars and subjects of at least 30 papers;
the small ones 5 stars and subjects of at least 10 (fewer could not be told from chance). The
same protocol, same stars, for every method. "like": for every paper, the 10 nearest others;
precision@10 = the share with its label, averaged over papers.

"with 2 dismissed": the same queries, and 2 random papers of the close-but-wrong subject (the
other subject whose centroid, in the anchor's tf-idf space, is nearest the stars') dismissed;
both rankings then leave out those 2 papers.

Tuning (--tune): every combination of the grid below, scored on the tuning set's queries
(10 stars of subjects >= 30, and 5 stars of subjects >= 15); 5-fold cross-validation with the
subjects split between folds (a fold's subjects are never among those its choice was made on)
says how well the choice holds on subjects it did not see; the combination best over the whole
tuning set is what model.py freezes.

Anchor (same papers, same run): arxiv-sanity-lite's recipe, tf-idf on 1-2-grams with 20k
features (min_df 5, max_df 0.1, sublinear tf, English stopwords) and a LinearSVC with C=0.01
and balanced class weights, trained per query, exactly as arxiv-sanity-lite ranks; random as
the floor. Speed: time per `like:` query and per "for you" retrain at 10k and 100k papers (the
real papers repeated with their words shuffled within each abstract, so that vectors differ).
"""

from __future__ import annotations

import itertools
import random
import re
import statistics
import sys
import time
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from papertui.corpus import load_corpus
from papertui.recommend import model as recommend_model
from papertui.recommend.model import Recommender

ROOT = Path(__file__).parent.parent
FEEDS = ROOT / "tests" / "feeds"
REAL = Path("/work/shared/realdata")
PAGES = sorted(FEEDS.glob("arxiv-oai-ListRecords-oai_dc-*.xml"))
SEEDS = 10
K = 20


@dataclass
class LabelledSet:
    name: str
    papers: list
    labels: list[str]
    stars: int
    minimum: int
    rule: str

    def subjects(self, minimum: int | None = None) -> dict[str, list[int]]:
        by_subject: dict[str, list[int]] = {}
        for number, label in enumerate(self.labels):
            by_subject.setdefault(label, []).append(number)
        return {s: m for s, m in sorted(by_subject.items()) if len(m) >= (minimum or self.minimum)}


def oai_page(name: str, page: Path, stars: int, minimum: int) -> LabelledSet:
    subjects: dict[str, str] = {}
    for record in re.findall(r"<record>(.*?)</record>", page.read_text(encoding="utf-8"), re.DOTALL):
        found_id = re.search(r"<identifier>oai:arXiv.org:([^<]+)</identifier>", record)
        subject = re.search(r"<dc:subject>([^<]+)</dc:subject>", record)
        if found_id and subject:
            subjects[found_id.group(1).strip()] = " ".join(subject.group(1).split())
    papers = [p for p in load_corpus([page]).papers if p.arxiv_id in subjects]
    return LabelledSet(name, papers, [subjects[p.arxiv_id] for p in papers], stars, minimum, "primary subject")


def by_category(name: str, path: Path, label, rule: str) -> LabelledSet:
    papers = [p for p in load_corpus([path]).papers if p.categories and p.abstract]
    return LabelledSet(name, papers, [label(p.categories[0]) for p in papers], 5, 10, rule)


def tuning_sets() -> list[LabelledSet]:
    return [oai_page("OAI page 1", PAGES[0], 10, 30)]


def reported_sets() -> list[LabelledSet]:
    return [
        oai_page("OAI page 2", PAGES[1], 10, 30),
        oai_page("OAI page 3", PAGES[2], 5, 10),
        by_category("RSS cs.CL", FEEDS / "arxiv-rss-cs.CL-2026-08-13.xml", lambda c: c, "first category"),
        by_category("API testing", REAL / "arxiv-api-query-testing.atom.xml", lambda c: c, "primary category"),
        by_category("snapshot", REAL / "arxiv-metadata-snapshot-head.jsonl", lambda c: c.split(".")[0], "archive"),
    ]


@dataclass
class Query:
    subject: str
    starred: list[int]
    dismissed: list[int]


def queries(data: LabelledSet, stars: int | None = None, minimum: int | None = None, seeds: int = SEEDS, anchor=None) -> list[Query]:
    """The starred papers of each query (and, given the anchor's features, 2 dismissed ones)."""
    stars = stars or data.stars
    subjects = data.subjects(minimum)
    out = []
    for subject, members in subjects.items():
        for seed in range(seeds):
            rng = random.Random(f"{subject}/{seed}")
            starred = rng.sample(members, stars)
            dismissed = []
            if anchor is not None:
                close = anchor.closest_subject(starred, data, subject)
                if close is not None:
                    dismissed = rng.sample(data.subjects(2)[close], 2)
            out.append(Query(subject, starred, dismissed))
    return out


def precision_at(order, data: LabelledSet, query: Query, leave_out=()) -> float:
    chosen = set(query.starred) | set(leave_out)
    top = [int(i) for i in order if int(i) not in chosen][:K]
    return sum(data.labels[i] == query.subject for i in top) / K


def like_precision(rank_neighbours, labels: list[str], k: int = 10) -> float:
    hits = []
    for number, label in enumerate(labels):
        order = [i for i in rank_neighbours(number)[: k + 1] if i != number][:k]
        hits.append(sum(labels[i] == label for i in order) / k)
    return statistics.mean(hits)


# --- the methods ------------------------------------------------------------------------


class Random:
    name = "random (floor)"

    def __init__(self, papers) -> None:
        self.size = len(papers)

    def neighbours(self, number: int) -> list[int]:
        return random.Random(number).sample(range(self.size), self.size)

    def for_you(self, starred: list[int], dismissed=()) -> list[int]:
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
        return list(np.argsort(-classifier.decision_function(self.features), kind="stable"))

    def neighbours(self, number: int) -> list[int]:
        return self._rank([number])

    def for_you(self, starred: list[int], dismissed=()) -> list[int]:
        return self._rank(starred)  # the recipe has no negatives beyond "not starred"

    def closest_subject(self, starred: list[int], data: LabelledSet, subject: str) -> str | None:
        """The other subject (of 2 papers or more) whose centroid is nearest the stars' centroid."""
        centre = np.asarray(self.features[starred].mean(axis=0)).ravel()
        best, best_cosine = None, -1.0
        for other, members in data.subjects(2).items():
            if other == subject:
                continue
            theirs = np.asarray(self.features[members].mean(axis=0)).ravel()
            cosine = float(centre @ theirs) / ((np.linalg.norm(centre) * np.linalg.norm(theirs)) or 1.0)
            if cosine > best_cosine:
                best, best_cosine = other, cosine
        return best


class Papertui:
    def __init__(self, papers, mode: str) -> None:
        self.name = {"lexical": "papertui, words only", "combined": "papertui, words + meaning (ships)"}.get(mode, f"papertui ({mode})")
        self.recommender = Recommender(papers, mode=mode)
        self.recommender.build()

    def neighbours(self, number: int) -> list[int]:
        return list(np.argsort(-self.recommender.like([number]), kind="stable"))

    def for_you(self, starred: list[int], dismissed=()) -> list[int]:
        model = self.recommender.train(starred, dismissed=dismissed)
        return list(np.argsort(-model.scores, kind="stable"))


# --- tuning -------------------------------------------------------------------------------

GRID = {
    "LEXICAL_RIDGE": (0.01, 0.03, 0.1, 0.3, 1.0, 3.0),
    "MEANING_RIDGE": (0.003, 0.01, 0.03, 0.1, 0.3),
    "FOR_YOU_MEANING_WEIGHT": (0.5, 0.625, 0.75, 1.0, 1.5),
}
FOLDS = 5


def tune() -> int:
    """Score every combination on the tuning set(s), by cross-validation over subjects."""
    results: dict[str, dict[tuple, list[float]]] = {"lexical": {}, "combined": {}}
    groups: list[str] = []  # each query's subject, for the folds
    anchor_scores: list[float] = []
    for data in tuning_sets():
        print(f"tuning on {data.name}: {len(data.papers):,} papers", flush=True)
        anchor = ArxivSanity(data.papers)
        cases = queries(data, 10, 30) + queries(data, 5, 15, seeds=5)
        groups += [f"{data.name}/{q.subject}" for q in cases]
        anchor_scores += [precision_at(anchor.for_you(q.starred), data, q) for q in cases]
        for mode in ("lexical", "combined"):
            recommender = Recommender(data.papers, mode=mode)
            recommender.build()
            for query in cases:
                parts = _parts(recommender, query.starred)
                for combination in _combinations(mode):
                    settings = dict(zip(GRID, combination))
                    scores = _mixed(parts, settings)
                    results[mode].setdefault(combination, []).append(precision_at(np.argsort(-scores, kind="stable"), data, query))
            print(f"  {mode}: {len(results[mode])} combinations scored", flush=True)
    subjects = sorted(set(groups))
    fold_of = {subject: number % FOLDS for number, subject in enumerate(subjects)}
    for mode, scored in results.items():
        print(f"{mode}: cross-validation ({FOLDS} folds over {len(subjects)} subjects, {len(groups)} queries)")
        held_out_ours, held_out_anchor = [], []
        for fold in range(FOLDS):
            inside = [i for i, g in enumerate(groups) if fold_of[g] != fold]
            outside = [i for i, g in enumerate(groups) if fold_of[g] == fold]
            chosen = max(scored, key=lambda c: (statistics.mean(scored[c][i] for i in inside), c))
            ours = statistics.mean(scored[chosen][i] for i in outside)
            theirs = statistics.mean(anchor_scores[i] for i in outside)
            held_out_ours.append(ours)
            held_out_anchor.append(theirs)
            print(f"  fold {fold}: chose {dict(zip(GRID, chosen))} -> held-out P@20 {ours:.3f} (anchor {theirs:.3f})")
        print(f"  held-out mean: ours {statistics.mean(held_out_ours):.3f}, anchor {statistics.mean(held_out_anchor):.3f}")
        best = sorted(scored, key=lambda c: -statistics.mean(scored[c]))[:5]
        for combination in best:
            print(f"  whole tuning set: {dict(zip(GRID, combination))} P@20 {statistics.mean(scored[combination]):.3f}")
        default = tuple(getattr(recommend_model, name) for name in GRID)
        if default in scored:
            print(f"  the current model.py values {dict(zip(GRID, default))}: P@20 {statistics.mean(scored[default]):.3f}")
    return 0


DISMISSED_WEIGHTS = (0.1, 0.25, 0.5, 1.0, 2.0)


def tune_dismissals() -> int:
    """DISMISSED_WEIGHT, the other parameters frozen: the tuning set's queries, each with 2
    dismissed papers of the close-but-wrong subject, cross-validated over subjects as above."""
    scored: dict[str, dict[float, list[float]]] = {}
    groups: list[str] = []
    saved = recommend_model.DISMISSED_WEIGHT
    for data in tuning_sets():
        anchor = ArxivSanity(data.papers)
        cases = queries(data, 10, 30, anchor=anchor) + queries(data, 5, 15, seeds=5, anchor=anchor)
        groups += [f"{data.name}/{q.subject}" for q in cases]
        for mode in ("lexical", "combined"):
            recommender = Recommender(data.papers, mode=mode)
            recommender.build()
            baseline = [precision_at(np.argsort(-recommender.train(q.starred).scores, kind="stable"), data, q, q.dismissed) for q in cases]
            scored.setdefault(mode, {}).setdefault(0.0, []).extend(baseline)
            try:
                for weight in DISMISSED_WEIGHTS:
                    recommend_model.DISMISSED_WEIGHT = weight
                    scored[mode].setdefault(weight, []).extend(
                        precision_at(np.argsort(-recommender.train(q.starred, q.dismissed).scores, kind="stable"), data, q, q.dismissed) for q in cases
                    )
            finally:
                recommend_model.DISMISSED_WEIGHT = saved
    subjects = sorted(set(groups))
    fold_of = {subject: number % FOLDS for number, subject in enumerate(subjects)}
    for mode, by_weight in scored.items():
        print(f"{mode}: with 2 dismissed, P@20 by DISMISSED_WEIGHT (0 = the dismissals not given): "
              + ", ".join(f"{w}: {statistics.mean(v):.3f}" for w, v in by_weight.items()))  # fmt: skip
        for fold in range(FOLDS):
            inside = [i for i, g in enumerate(groups) if fold_of[g] != fold]
            outside = [i for i, g in enumerate(groups) if fold_of[g] == fold]
            chosen = max(DISMISSED_WEIGHTS, key=lambda w: statistics.mean(by_weight[w][i] for i in inside))
            print(f"  fold {fold}: chose {chosen} -> held-out {statistics.mean(by_weight[chosen][i] for i in outside):.3f}"
                  f" (not given: {statistics.mean(by_weight[0.0][i] for i in outside):.3f})")  # fmt: skip
    return 0


def _combinations(mode: str):
    if mode == "lexical":  # the meaning settings do not apply
        fixed = {name: (getattr(recommend_model, name),) for name in ("MEANING_RIDGE", "FOR_YOU_MEANING_WEIGHT")}
        return itertools.product(*[fixed.get(name, values) for name, values in GRID.items()])
    return itertools.product(*GRID.values())


def _parts(recommender: Recommender, starred: list[int]) -> dict:
    """The pieces Recommender.train adds up, for each ridge of the grid (computed once)."""
    size = recommender.size
    positives = len(starred)
    labels = np.full(size, -1.0, np.float32)
    labels[starred] = 1.0
    weights = np.where(labels > 0, 0.5 / positives, 0.5 / (size - positives)).astype(np.float32)
    training = np.arange(size)
    parts: dict = {"lexical": {}, "meaning": {}}
    saved = {name: getattr(recommend_model, name) for name in GRID}
    try:
        if recommender.lexical is not None:
            for ridge in GRID["LEXICAL_RIDGE"]:
                recommend_model.LEXICAL_RIDGE = ridge
                parts["lexical"][ridge] = recommender.lexical.rows_dot(recommender._lexical_classifier(training, labels, weights))
        if recommender.meaning is not None:
            for ridge in GRID["MEANING_RIDGE"]:
                recommend_model.MEANING_RIDGE = ridge
                parts["meaning"][ridge] = recommender._meaning_classifier(training, labels, weights)
    finally:
        for name, value in saved.items():
            setattr(recommend_model, name, value)
    return parts


def _mixed(parts: dict, settings: dict) -> np.ndarray:
    """What Recommender.train returns with these settings (checked in --check)."""
    lexical = parts["lexical"].get(settings["LEXICAL_RIDGE"])
    meaning = parts["meaning"].get(settings["MEANING_RIDGE"])
    return recommend_model._combined(lexical, meaning, settings["FOR_YOU_MEANING_WEIGHT"])


def check_mixing() -> None:
    """The tuning's shortcut ranks exactly as Recommender.train does, with the frozen values."""
    data = tuning_sets()[0]
    recommender = Recommender(data.papers)
    recommender.build()
    settings = {name: getattr(recommend_model, name) for name in GRID}
    for query in queries(data, 10, 30, seeds=2):
        ours = _mixed(_parts(recommender, query.starred), settings)
        real = recommender.train(query.starred).scores
        assert np.allclose(ours, real, atol=1e-4), (query.subject, float(np.abs(ours - real).max()))
    print("the tuning's shortcut matches Recommender.train")


# --- the report ---------------------------------------------------------------------------


def report(with_like: bool) -> None:
    print("tuned on (never reported): " + ", ".join(f"{d.name} ({len(d.papers):,} papers)" for d in tuning_sets()))
    for data in reported_sets():
        subjects = data.subjects()
        print(
            f"{data.name}: {len(data.papers):,} papers, label {data.rule}, {len(subjects)} subjects of >= {data.minimum} "
            f"({', '.join(f'{s} {len(m)}' for s, m in subjects.items())}), {data.stars} stars x {SEEDS} seeds",
            flush=True,
        )
        anchor = ArxivSanity(data.papers)
        cases = queries(data, anchor=anchor)
        methods = [Random(data.papers), anchor, Papertui(data.papers, "lexical"), Papertui(data.papers, "combined")]
        for method in methods:
            started = time.perf_counter()
            for_you = statistics.mean(precision_at(method.for_you(q.starred), data, q) for q in cases)
            line = f"  {method.name:<58} for-you P@20 {for_you:.3f}"
            if isinstance(method, Papertui):
                without = statistics.mean(precision_at(method.for_you(q.starred), data, q, q.dismissed) for q in cases)
                dismissing = statistics.mean(precision_at(method.for_you(q.starred, q.dismissed), data, q, q.dismissed) for q in cases)
                line += f"   with 2 dismissed {dismissing:.3f} (same ranking without them {without:.3f})"
            if with_like:
                line += f"   like P@10 {like_precision(method.neighbours, data.labels):.3f}"
            print(f"{line}   ({time.perf_counter() - started:.0f} s)", flush=True)


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
        for stars in (10, 10, 10, 100, 100):
            starred = rng.sample(range(size), stars)
            dismissed = rng.sample(range(size), 20)
            started = time.perf_counter()
            recommender.train(starred, dismissed=dismissed, weak=rng.sample(range(size), 50))
            trains.append(time.perf_counter() - started)
        print(
            f"  {mode:<9} {size:>7,} papers: vectors built in {built:.1f} s; like: p50 {statistics.median(likes) * 1000:.1f} ms, "
            f"max {max(likes) * 1000:.1f} ms; for-you retrain p50 {statistics.median(trains) * 1000:.0f} ms, max {max(trains) * 1000:.0f} ms",
            flush=True,
        )


def main() -> int:
    if "--tune" in sys.argv:
        return tune()
    if "--tune-dismissals" in sys.argv:
        return tune_dismissals()
    if "--check" in sys.argv:
        check_mixing()
        return 0
    if "--speed-only" not in sys.argv:
        report(with_like="--no-like" not in sys.argv)
    if "--no-speed" not in sys.argv:
        print("speed (all the OAI pages' papers, grown):")
        papers = [p for page in PAGES for p in load_corpus([page]).papers]
        for mode in ("lexical", "combined"):
            speed(papers, mode)
    return 0


if __name__ == "__main__":
    sys.exit(main())
