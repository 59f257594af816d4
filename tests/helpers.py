"""Small builders and waits shared by the tests."""

from __future__ import annotations

from papertui.corpus import Corpus, Paper
from papertui.corpus.model import Source


def make_paper(title: str, abstract: str = "An abstract long enough to be a real one.", **fields) -> Paper:
    paper = Paper(title=title, abstract=abstract, **fields)
    paper.sources.append(Source("test.txt", 1, "test"))
    return paper


def make_corpus(*papers: Paper) -> Corpus:
    return Corpus(papers=list(papers))


async def settle(pilot) -> None:
    """Let the app's workers finish and their messages land."""
    for _ in range(3):
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
