"""Small builders and waits shared by the tests."""

from __future__ import annotations

import threading
from typing import Callable, Sequence

from textual.worker import WorkerCancelled, WorkerState

from papertui.corpus import Corpus, Paper
from papertui.corpus.model import Source
from papertui.search import match_score, query_words, tokenize
from papertui.search.index import ABSTRACT_CHECKS, HEAD, PHRASE_CHECKS, phrase_level
from papertui.search.matching import index_words
from papertui.search.query import parse_query


def make_paper(title: str, abstract: str = "An abstract long enough to be a real one.", **fields) -> Paper:
    paper = Paper(title=title, abstract=abstract, **fields)
    paper.sources.append(Source("test.txt", 1, "test"))
    return paper


def make_corpus(*papers: Paper) -> Corpus:
    return Corpus(papers=list(papers))


async def settle(pilot) -> None:
    """Let the app finish loading, and its workers finish and their messages land.

    Quiet means: not loading and no worker pending or running, twice in a row with a pass of
    the message loop between (a finished worker's last message may start another worker).
    A filter superseded by a newer one is cancelled by design: that is not a failure here.
    """
    app = pilot.app
    quiet = 0
    for _ in range(1000):  # a load that never ends fails the test's own asserts, not a hang
        await pilot.pause()
        busy = [worker for worker in app.workers if worker.state in (WorkerState.PENDING, WorkerState.RUNNING)]
        if not busy and not app.loading:
            quiet += 1
            if quiet == 2:
                return
            continue
        quiet = 0
        if app.loading:
            await pilot.pause(0.01)
        try:
            await app.workers.wait_for_complete(busy)
        except WorkerCancelled:
            pass


def brute_force_search(papers: Sequence[Paper], query: str) -> list[int]:
    """The ranking rule, applied paper by paper and word by word: what the index must return.

    Every query word must match a word of the title or abstract; more title hits first, then
    the higher sum of each word's best score (an abstract hit counts half), then corpus order.
    """
    words = query_words(query)[:24]
    phrase = parse_query(query).phrase_words  # adjacent in the title, or the title itself, first
    if not words:
        return list(range(len(papers)))
    ranked = []
    for index, paper in enumerate(papers):
        title_words, abstract_words = set(index_words(paper.title, parts=True)), set(index_words(paper.abstract))
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
    return with_phrase_order(papers, sorted(ranked), phrase)


def brute_force_query(papers: Sequence[Paper], text: str, marks=None) -> list[int]:
    """A parsed query (see papertui.search.query) applied paper by paper: what the index's
    evaluation must return. Same rank key as above, in integer score units."""
    from papertui.corpus.facts import date_key, date_text, has_code
    from papertui.search.query import date_matches, parse_query

    def units(score: float) -> int:
        return round(score * 40)

    def best(word: str, words: set[str]) -> int:
        return max((units(match_score(word, w)) for w in words), default=0)

    def term_score(term, paper) -> int | None:
        """None: no match; else the term's contribution to the key."""
        found, score = True, 0
        if term.kind == "words":
            title_words, abstract_words = set(index_words(paper.title, parts=True)), set(index_words(paper.abstract))
            for word in term.words:
                t, a = best(word, title_words), best(word, abstract_words)
                if term.field == "title":
                    found, score = found and t > 0, score + t + (t > 0) * 1024
                elif term.field == "abstract":
                    found, score = found and a > 0, score + (a >> 1)
                else:
                    found, score = found and (t > 0 or a > 0), score + max(t, a >> 1) + (t > 0) * 1024
        elif term.kind == "text":
            fields = ("title",) if term.anchor and term.field == "any" else {
                "any": ("title", "abstract"), "title": ("title",), "abstract": ("abstract",)}[term.field]
            needle = term.value if term.case_sensitive else term.value.lower()
            hits = {}
            for field in fields:
                text = getattr(paper, field)
                text = text if term.case_sensitive else text.lower()
                hits[field] = {
                    "": needle in text, "start": text.startswith(needle),
                    "end": text.endswith(needle), "whole": text == needle,
                }[term.anchor]
            found = any(hits.values())
            score = 40 + 1024 if hits.get("title") else (20 if found else 0)
        else:
            mark = marks.get(paper) if marks is not None else None
            value = term.value
            found = {
                "id": lambda: bool(paper.arxiv_id) and value in paper.arxiv_id.lower(),
                "source": lambda: any(value in s.path.lower() for s in paper.sources),
                "date": lambda: date_matches(date_key(paper), term.operator, value) if term.operator else value in date_text(paper),
                "has": lambda: bool(paper.arxiv_id) if value == "id" else has_code(paper),
                "is": lambda: bool(mark) and (mark.starred if value == "starred" else mark.read),
                "tag": lambda: bool(mark) and value in mark.tags,
            }[term.kind]()
        if term.negated:
            return None if found else 0
        return score if found else None

    query = parse_query(text)
    if not query.groups:
        return list(range(len(papers)))
    ranked = []
    for index, paper in enumerate(papers):
        total = 0
        for group in query.groups:
            scores = [s for s in (term_score(term, paper) for term in group) if s is not None]
            if not scores:
                break
            total += max(scores)
        else:
            ranked.append((-min(total, 0xFFFF), index))
    return with_phrase_order(papers, sorted(ranked), query.phrase_words)


def with_phrase_order(papers: Sequence[Paper], ranked: list[tuple], words: tuple[str, ...]) -> list[int]:
    """The phrase above the rank key, read (as the index does) for the best candidates only:
    PHRASE_CHECKS of them (HEAD for one word), and their abstracts for the best ABSTRACT_CHECKS."""
    cap = PHRASE_CHECKS if len(words) > 1 else HEAD
    leveled = []
    for rank, (*key, index) in enumerate(ranked):
        level = phrase_level(papers[index], words, rank < ABSTRACT_CHECKS) if words and rank < cap else 0
        leveled.append((-level, *key, index))
    return [index for *_, index in sorted(leveled)]


def within_deadline(call: Callable[[], object], seconds: float = 10.0) -> tuple[str, object]:
    """`call()` where a hang cannot stop the test run: ("value", what it gave) or ("error", what
    it raised); a failure once `seconds` have passed (a FIFO opened for reading, say)."""
    outcome: list = []

    def run() -> None:
        try:
            outcome.append(("value", call()))
        except BaseException as error:  # noqa: BLE001 - handed back to the test
            outcome.append(("error", error))

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(seconds)
    assert outcome, f"still blocked after {seconds} s"
    return outcome[0]
