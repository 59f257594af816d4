"""Similarity in the app: `m` (more like this), the `like:` and `~` terms, and the "for you"
order learned from the stars.

Mixed into `PaperApp`. The vectors are built in a daemon thread: once loading ends for a
corpus of up to 20k papers (a second or two), else at the first use of `m`, `like:`, `~` or
"for you" (about 80 s at 100k papers, which nobody should pay who never asks; the status line
says so meanwhile). "For you" is retrained whenever the starred, dismissed or read papers change. Until
the vectors exist, `like:` and `~` rank nothing and "for you" keeps the result's own order.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Callable, Sequence

from textual import work
from textual.message import Message

from papertui.corpus.model import Paper
from papertui.search.query import parse_query
from papertui.ui.daemon import in_daemon_thread
from papertui.ui.detail import WhyForYou

AUTO_BUILD_PAPERS = 20_000
QUIET_BEFORE_BUILDING = 0.5  # seconds without a keystroke before a paused build goes on
MADE_AT_ONCE = 1024  # papers made from the cache between two checks for keystrokes


def wait_for_quiet(
    last_keystroke: Callable[[], float],
    stopped: Callable[[], bool],
    quiet: float = QUIET_BEFORE_BUILDING,
    clock: Callable[[], float] = time.monotonic,
    sleep: Callable[[float], None] = time.sleep,
) -> bool:
    """Hold a background build while keys arrive: its Python loops hold the GIL, and each
    keystroke's work on the UI thread would wait behind them. True: stop the build."""
    while not stopped():
        wait = last_keystroke() + quiet - clock()
        if wait <= 0:
            return False
        sleep(min(wait, 0.1))
    return True

if TYPE_CHECKING:
    from papertui.recommend.model import ForYou, Recommender
    from papertui.ui.app import PaperApp

    _Base = PaperApp
else:
    _Base = object


class RecommendActions(_Base):
    @dataclass
    class VectorsBuilt(Message):
        recommender: Recommender

    @dataclass
    class ForYouTrained(Message):
        model: ForYou
        recommender: Recommender

    recommender: Recommender | None = None
    for_you: ForYou | None = None
    _similarity_line = ""
    _trained_on: frozenset[int] | None = None
    _negatives: tuple[frozenset[int], ...] | None = None  # dismissed, read not starred
    _vectors_wanted = False  # built, or being built, for the corpus now loaded
    last_keystroke = 0.0  # time.monotonic() of the last key that filtered or moved the list

    def vectors_after_loading(self) -> None:
        """A new corpus: its vectors now if it is small or they were in use, else on demand."""
        self._vectors_wanted = False
        in_use = self.recommender is not None or parse_query(self.filter_bar.value).uses_similarity or self.sort_order == "for-you"
        if self.corpus is not None and (len(self.corpus.papers) <= AUTO_BUILD_PAPERS or in_use):
            self.ensure_vectors()

    def ensure_vectors(self) -> None:
        """Build the vectors for the loaded papers in the background, unless under way."""
        if self._vectors_wanted or self.corpus is None or not self.corpus.papers or self.loading:
            return
        self._vectors_wanted = True
        count = len(self.corpus.papers)
        self._similarity_line = f"building similarity vectors for {count:,} papers…"
        self._update_status()
        self._build_vectors(self.corpus.papers)  # final (not loading): copied in the thread

    @work(exclusive=True, group="vectors", exit_on_error=False, name="building similarity vectors", description="vectors")
    async def _build_vectors(self, papers: Sequence[Paper]) -> None:
        abandoned = threading.Event()

        def checkpoint() -> bool:
            return wait_for_quiet(lambda: self.last_keystroke, abandoned.is_set)

        def build() -> None:
            from papertui.recommend.model import Recommender  # numpy: imported when first used

            kept: list[Paper] = []  # papers from the cache are made here, not on the UI thread
            for start in range(0, len(papers), MADE_AT_ONCE):
                if checkpoint():
                    return
                kept.extend(papers[i] for i in range(start, min(len(papers), start + MADE_AT_ONCE)))
            recommender = Recommender(kept)
            try:
                recommender.build(stop=checkpoint)
            except InterruptedError:
                return
            self.post_message(self.VectorsBuilt(recommender))

        try:
            await in_daemon_thread(build, name="papertui-vectors")
        finally:
            abandoned.set()

    def on_recommend_actions_vectors_built(self, message: VectorsBuilt) -> None:
        if self.corpus is None or message.recommender.size != len(self.corpus.papers):
            return  # the corpus changed meanwhile: a newer build is on its way
        self.recommender = message.recommender
        self.personal.recommender = message.recommender
        self._similarity_line = ""
        if message.recommender.meaning_problem:
            self.notify(f"Similarity by words only: {message.recommender.meaning_problem}", severity="warning", markup=False, timeout=8)
        self._trained_on = None
        self.retrain_for_you()
        if parse_query(self.filter_bar.value).uses_similarity:
            self.refilter()
        else:
            self._update_status()

    def starred_rows(self) -> frozenset[int]:
        if self.corpus is None:
            return frozenset()
        mask = self.marks.mask(self.corpus.papers, len(self.corpus.papers), lambda marks: marks.starred)
        return frozenset(mask.nonzero()[0].tolist())

    def retrain_for_you(self) -> None:
        """Learn "for you" again if the stars changed since it last learned, or the papers it
        learns against: dismissed ones (x), and read ones not starred (weak negatives)."""
        if self.recommender is None or self.corpus is None:
            return
        starred = self.starred_rows()
        papers = self.corpus.papers
        negatives = tuple(frozenset(rows) for rows in self.personal.negatives(papers, len(papers), lambda marks: marks.starred))
        if starred == self._trained_on and negatives == self._negatives:
            return
        self._trained_on, self._negatives = starred, negatives
        if not starred:
            self.for_you = None
            if self.sort_order == "for-you":
                self.refilter()
            return
        self._train(self.recommender, sorted(starred), sorted(negatives[0]), sorted(negatives[1]))

    @work(thread=True, exclusive=True, group="for-you", exit_on_error=False, name="learning what is for you", description="for you")
    def _train(self, recommender: Recommender, starred: list[int], dismissed: list[int], weak: list[int]) -> None:
        self.post_message(self.ForYouTrained(recommender.train(starred, dismissed, weak), recommender))

    def on_recommend_actions_for_you_trained(self, message: ForYouTrained) -> None:
        if message.recommender is not self.recommender:
            return
        self.for_you = message.model
        if self.sort_order == "for-you":
            self.refilter()
            self.show_details()

    def for_you_scores(self):
        return self.for_you.scores if self.for_you is not None else None

    def why_for_you(self, index: int | None) -> WhyForYou | None:
        """Why the highlighted paper ranks where it does, when the order is "for you"."""
        if self.sort_order != "for-you" or self.for_you is None or self.recommender is None or index is None or self.corpus is None:
            return None
        if index >= self.recommender.size:
            return None
        words, nearest = self.recommender.why(self.for_you, index)
        title = self.corpus.papers[nearest].title if nearest is not None else None
        return WhyForYou(tuple(words), title)

    def for_you_hint(self) -> None:
        """Said when the order becomes "for you": what it learns from, or that it cannot yet."""
        self.ensure_vectors()
        if self.recommender is None:
            self.notify("For you: the similarity vectors are still being built; the order follows when they are.", markup=False, timeout=5)
        elif not self._trained_on:
            self.notify("For you learns from your stars: star papers you like (s), and the list follows.", markup=False, timeout=6)

    # --- more like this ---------------------------------------------------------------

    def action_more_like_this(self) -> None:
        """Filter by `like:` the selected papers (or the highlighted one)."""
        if self._no_targets():
            return
        papers, _ = self.targets()
        self.ensure_vectors()
        self.filter_bar.value = "like:" + like_value(papers)
        self.paper_list.focus()


def like_value(papers: list[Paper]) -> str:
    """How `like:` names papers: arXiv ids, else quoted titles (a quote inside dropped)."""
    return ",".join(paper.arxiv_id or '"' + paper.title.replace('"', " ").strip() + '"' for paper in papers)
