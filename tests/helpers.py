"""Small builders and waits shared by the tests."""

from __future__ import annotations

from typing import Sequence

from textual.worker import WorkerCancelled

from papertui.corpus import Corpus, Paper
from papertui.corpus.model import Source
from papertui.search import match_score, query_words, tokenize


def make_paper(title: str, abstract: str = "An abstract long enough to be a real one.", **fields) -> Paper:
    paper = Paper(title=title, abstract=abstract, **fields)
    paper.sources.append(Source("test.txt", 1, "test"))
    return paper


def make_corpus(*papers: Paper) -> Corpus:
    return Corpus(papers=list(papers))


async def settle(pilot) -> None:
    """Let the app finish loading, and its workers finish and their messages land.

    A filter superseded by a newer one is cancelled by design: that is not a failure here.
    """
    for _ in range(1000):  # a load that never ends fails the test's own asserts, not a hang
        if not pilot.app.loading:
            break
        await pilot.pause(0.01)
    for _ in range(3):
        try:
            await pilot.app.workers.wait_for_complete()
        except WorkerCancelled:
            continue
        await pilot.pause()


def brute_force_search(papers: Sequence[Paper], query: str) -> list[int]:
    """The ranking rule, applied paper by paper and word by word: what the index must return.

    Every query word must match a word of the title or abstract; more title hits first, then
    the higher sum of each word's best score (an abstract hit counts half), then corpus order.
    """
    words = query_words(query)[:24]
    if not words:
        return list(range(len(papers)))
    ranked = []
    for index, paper in enumerate(papers):
        title_words, abstract_words = set(tokenize(paper.title)), set(tokenize(paper.abstract))
        title_hits, score = 0, 0.0
        for query_word in words:
            in_title = max((match_score(query_word, w) for w in title_words), default=0.0)
            in_abstract = max((match_score(query_word, w) for w in abstract_words), default=0.0)
            if not (in_title or in_abstract):
                break
            title_hits += in_title > 0
            score += max(in_title, 0.5 * in_abstract)
        else:
            ranked.append((-title_hits, -round(score * 40), index))
    return [index for *_, index in sorted(ranked)]
