"""Which new papers go in which section of the digest, each with one line of why.

The rule for papers that several sections would claim: Watched, For you, Most upvoted and
Most cited all answer "which new papers should I look at", so a paper is listed once among
them, in the first (in that order) that claims it. New versions (papers you already know,
moved on) and each saved search (an inbox of its own) answer other questions: they list
their papers even when a section above did, and say so in the why line.

Dismissed papers are in no section. "New" is first seen by the library after `since`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Callable, Mapping, Protocol, Sequence

import numpy as np

from papertui.corpus.model import Paper
from papertui.digest.model import FOR_YOU, MOST_CITED, MOST_UPVOTED, NEW_VERSIONS, WATCHED, Digest, Entry, Section
from papertui.marks.watch import watched_among

if TYPE_CHECKING:
    from papertui.recommend.model import ForYou, Recommender

DEFAULT_LIMIT = 10
# "For you" learns against at most this many papers that are neither new nor yours, drawn at
# random, as the recommender itself does past this size: the vectors of a 100k-paper library
# are a minute's work, those of a morning's papers and such a sample seconds.
BACKGROUND = 20_000
NEAREST_TITLE = 90  # characters of the nearest starred paper's title in a why line
STAR_HINT = "star papers you like (s in the app, or 'papertui mark ID --star') and this section learns what is for you"


class Watching(Protocol):
    """The watch list (`papertui.marks.watch.WatchList`): which papers it matches, and why."""

    def mask(self, papers: Sequence[Paper], size: int) -> np.ndarray: ...

    def reason(self, paper: Paper) -> str | None: ...


@dataclass(frozen=True)
class SavedSearch:
    name: str
    query: str
    rows: Sequence[int]  # its matches, best first (new or not: the digest keeps the new ones)


@dataclass
class DigestInput:
    papers: Sequence[Paper]
    since: str | None  # new: first seen after this (None: every paper the library fetched)
    made: str
    dismissed: np.ndarray  # a bool per paper
    starred: np.ndarray
    read: np.ndarray
    weak: np.ndarray  # weak negatives for "for you": `PersonalFacts.negatives`, as the app learns
    limit: int = DEFAULT_LIMIT
    watch: Watching | None = None  # None: no watch list configured (no Watched section)
    # Builds the vectors of the papers it is given (only when there is something to rank).
    recommender: Callable[[Sequence[Paper]], Recommender] | None = None
    cited: Callable[[Paper], int | None] | None = None  # None: no citation data kept at all
    updated: np.ndarray | None = None  # starred or read, and at a newer arXiv version now
    seen_version: Callable[[Paper], int | None] = lambda paper: None  # the version starred or read
    told_versions: Mapping[str, int] = field(default_factory=dict)  # told of by earlier digests
    saved: Sequence[SavedSearch] = ()


@dataclass
class Selection:
    digest: Digest
    told_versions: dict[str, int]  # to keep for the next digest: these and the ones told now
    newest_seen: str | None  # the newest first_seen among the papers: where the next digest starts


def select(given: DigestInput) -> Selection:
    papers = given.papers
    size = len(papers)
    seen = np.fromiter((paper.seen_after(given.since) for paper in papers), dtype=bool, count=size)
    new = seen & ~given.dismissed
    claimed: dict[int, str] = {}  # paper -> the section that lists it
    sections: list[Section] = []

    def claim(name: str, entries: list[tuple[int, str]], more: int = 0, note: str = "") -> None:
        for index, _ in entries:
            claimed.setdefault(index, name)
        sections.append(Section(name, tuple(Entry(papers[i], why) for i, why in entries), more, note))

    if given.watch is not None:
        watched = _upvotes_first(papers, watched_among(given.watch, papers, np.flatnonzero(new)))
        entries = [(i, given.watch.reason(papers[i]) or "watched") for i in watched]
        claim(WATCHED, entries, note="" if entries else "nothing new by the watched authors or with the watched words")

    unclaimed = new.copy()
    unclaimed[list(claimed)] = False
    claim(*_for_you(given, unclaimed & ~given.starred & ~given.read))

    unclaimed[list(claimed)] = False
    upvoted = [i for i in np.flatnonzero(unclaimed).tolist() if (papers[i].upvotes or 0) > 0]
    upvoted.sort(key=lambda i: -(papers[i].upvotes or 0))  # stable: corpus order among equals
    if upvoted:
        claim(MOST_UPVOTED, [(i, _count(papers[i].upvotes or 0, "upvote") + " on Hugging Face") for i in upvoted[: given.limit]], max(0, len(upvoted) - given.limit))

    if given.cited is not None:
        unclaimed[list(claimed)] = False
        counts = {i: given.cited(papers[i]) or 0 for i in np.flatnonzero(unclaimed).tolist()}
        cited = sorted((i for i, n in counts.items() if n > 0), key=lambda i: -counts[i])
        if cited:
            claim(MOST_CITED, [(i, f"cited {_count(counts[i], 'time')} (Semantic Scholar)") for i in cited[: given.limit]], max(0, len(cited) - given.limit))

    told = dict(given.told_versions)
    if given.updated is not None:
        versions = []
        for i in np.flatnonzero(given.updated & ~given.dismissed).tolist():
            paper = papers[i]
            if paper.arxiv_id and paper.version is not None and told.get(paper.arxiv_id, 0) < paper.version:
                versions.append(i)
        listed = versions[: given.limit]
        entries = []
        for i in listed:
            paper = papers[i]
            assert paper.arxiv_id is not None and paper.version is not None
            told[paper.arxiv_id] = paper.version
            seen_at = given.seen_version(paper)
            entries.append((i, f"now v{paper.version}; you starred or read v{seen_at}" if seen_at else f"now v{paper.version}"))
        if entries:
            sections.append(Section(NEW_VERSIONS, tuple(Entry(papers[i], why) for i, why in entries), len(versions) - len(listed)))

    for search in given.saved:
        rows = [int(i) for i in search.rows if 0 <= i < size and new[i]]
        entries = []
        for i in rows[: given.limit]:
            also = f"; also under {claimed[i]}" if i in claimed else ""
            entries.append((i, f"matches {search.query}{also}"))
        sections.append(Section(f"Saved search: {search.name}", tuple(Entry(papers[i], why) for i, why in entries), max(0, len(rows) - given.limit),
                                "" if entries else "nothing new"))  # fmt: skip

    newest = max((paper.first_seen for paper in papers if paper.first_seen), default=None)
    digest = Digest(given.since, given.made, int(new.sum()), int((seen & given.dismissed).sum()), tuple(sections))
    return Selection(digest, told, newest)


def _for_you(given: DigestInput, candidates: np.ndarray) -> tuple[str, list[tuple[int, str]], int, str]:
    """The best new papers by the ranking learned from the stars (dismissed papers are its
    negatives, `given.weak` weak ones), each with what ranks it there."""
    starred = np.flatnonzero(given.starred).tolist()
    if not starred:
        return FOR_YOU, [], 0, STAR_HINT
    count = int(candidates.sum())
    if given.recommender is None or not count:
        return FOR_YOU, [], 0, "" if count else "nothing new left to rank"
    weak = given.weak
    subset = papers_to_rank(candidates, given.starred | given.dismissed | weak)
    position = np.full(len(given.papers), -1, dtype=np.int64)
    position[subset] = np.arange(len(subset))
    recommender = given.recommender([given.papers[i] for i in subset.tolist()])
    model = recommender.train(
        position[starred].tolist(),
        dismissed=position[np.flatnonzero(given.dismissed)].tolist(),
        weak=position[np.flatnonzero(weak)].tolist(),
    )
    scores = np.where(candidates[subset], model.scores, -np.inf)
    best = np.argsort(-scores, kind="stable")[: min(given.limit, count)].tolist()
    return FOR_YOU, [(int(subset[i]), for_you_reason(recommender, model, i)) for i in best], max(0, count - given.limit), ""


def papers_to_rank(candidates: np.ndarray, labelled: np.ndarray) -> np.ndarray:
    """The papers "for you" needs vectors of, ascending: the new ones, those you starred,
    dismissed or read, and at most BACKGROUND others, drawn at random (the same each run)."""
    chosen = candidates | labelled
    others = np.flatnonzero(~chosen)
    if len(others) > BACKGROUND:
        others = np.random.default_rng(0).choice(others, BACKGROUND, replace=False)
    return np.union1d(np.flatnonzero(chosen), others)


def for_you_reason(recommender: Recommender, model: ForYou, index: int) -> str:
    """What the detail pane says of a paper's place in "for you" (`Recommender.why`), on one
    line: the starred paper most like it, and its words the ranking weighs most."""
    words, nearest = recommender.why(model, index)
    parts = []
    if nearest is not None:
        title = " ".join(recommender.papers[nearest].title.split())
        parts.append(f"like your starred “{title if len(title) <= NEAREST_TITLE else title[: NEAREST_TITLE - 1] + '…'}”")
    if words:
        parts.append("its words " + ", ".join(words))
    return "; ".join(parts) or "ranked high by what you starred"


def _upvotes_first(papers: Sequence[Paper], rows: np.ndarray) -> list[int]:
    return sorted(rows.tolist(), key=lambda i: -(papers[i].upvotes or 0))


def _count(number: int, noun: str) -> str:
    return f"{number:,} {noun}{'' if number == 1 else 's'}"
