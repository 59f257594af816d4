"""Evaluating a full query (operators, fields, filters) over one snapshot of the index.

Plain word queries take the index's faster path; this one handles everything else, with
the same rank key: more title hits first, then the summed score (an abstract hit counts half).
Each term becomes a bool per paper (and a rank key when it scores); groups OR their terms,
the query ANDs its groups. Substring terms are first narrowed with the vocabulary (every word
of the needle lies inside a word of the paper), then checked on the survivors' text.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Callable, Protocol, Sequence

import numpy as np

from papertui.corpus.facts import date_key, date_text, has_code
from papertui.corpus.model import Paper
from papertui.search.matching import JOINED, MIN_INFIX, tokenize
from papertui.search.query import CITATION_KINDS, PERSONAL_KINDS, SIMILARITY_KINDS, Query, Term, compare, date_matches, date_range, fold_name
from papertui.search.segment import others_table
from papertui.search.vocabulary import units

if TYPE_CHECKING:
    from papertui.search.index import _State, _WordHits
    from papertui.marks.store import Marks

TITLE_HIT = 1 << 10
EXACT_UNITS = units(1.0)
MAX_SCORING_WORDS = 24  # as the plain path: keeps the summed key within 16 bits
SIMILAR_MIN = 20
SIMILAR_KEY_TOP = 0xC000  # similarity ranks above word scores: "ranks by meaning within the filter"
SIMILAR_KEY_FLOOR = 0x2000


class MarkSource(Protocol):
    version: int
    new_since: str | None  # `is:new`: first seen after this (ISO time); None: every fetched paper

    def mask(self, papers: Sequence[Paper], size: int, wanted: Callable[[Marks], bool]) -> np.ndarray: ...

    def downloaded_mask(self, papers: Sequence[Paper], size: int) -> np.ndarray: ...

    def updated_mask(self, papers: Sequence[Paper], size: int) -> np.ndarray: ...

    # `is:dismissed`, and the hiding of dismissed papers from every other query. A source
    # without them (a test's stand-in) dismisses nothing: see `dismissals`.
    dismissed_count: int
    dismissed_version: object

    def dismissed_mask(self, papers: Sequence[Paper], size: int) -> np.ndarray: ...

    def watched_mask(self, papers: Sequence[Paper], size: int) -> np.ndarray: ...

    def full_text_mask(self, phrase: str, whole: bool, papers: Sequence[Paper], size: int) -> np.ndarray: ...

    def similarity(self, term: Term, papers: Sequence[Paper], size: int) -> np.ndarray | None: ...

    def citation_mask(self, term: Term, papers: Sequence[Paper], size: int) -> np.ndarray: ...


_PLAIN_TOKEN = re.compile(r"[a-z0-9]{3,}")


class SearchCancelled(Exception):
    """A newer query made this one pointless: it stopped part way."""


class CorpusFacts:
    """Per-paper facts as arrays, computed on first use and grown with the index: dates, and
    which texts are ASCII (where a substring of letters and digits is in the text exactly when
    it is inside one of its words, which the vocabulary already answers)."""

    def __init__(self, papers: Sequence[Paper], state: _State) -> None:
        self.papers, self.state = papers, state
        self._arrays: dict[str, np.ndarray] = {}
        self._patched: dict[str, set[int]] = {}

    _FACTS: dict[str, Callable[[Paper], object]] = {
        "date": date_key,
        "title": lambda paper: paper.title.isascii(),
        "abstract": lambda paper: paper.abstract.isascii(),
    }

    def moved_to(self, papers: Sequence[Paper], state: _State) -> CorpusFacts:
        """The same facts for a grown snapshot (computed lazily again from where they were)."""
        self.papers, self.state = papers, state
        return self

    def kept(self, keep: np.ndarray, papers: Sequence[Paper], state: _State) -> CorpusFacts:
        """The facts of the papers `keep` (one flag a paper) says True, for `state` without
        the others."""
        renumbered = np.cumsum(keep, dtype=np.int64) - 1
        facts = CorpusFacts(papers, state)
        for name, array in self._arrays.items():
            facts._arrays[name] = array[keep[: len(array)]]
            patched = self._patched.get(name, set())
            facts._patched[name] = {int(renumbered[i]) for i in patched if i < len(keep) and keep[i]}
        return facts

    def prefill(self, name: str, array: np.ndarray) -> None:
        """Use `array` (kept from an earlier run, patched papers included) as the fact for the
        first len(array) papers."""
        self._arrays[name] = array
        self._patched[name] = set(self.state.patched)

    def get(self, name: str) -> np.ndarray:
        """The fact for every paper of the snapshot: "date" (YYYYMMDD), "title" or "abstract"
        (ASCII or not)."""
        fact = self._FACTS[name]
        array = self._arrays.get(name, np.zeros(0, dtype=np.int64 if name == "date" else bool))
        size = self.state.size
        if len(array) < size:
            new = self.papers[len(array) : size]
            array = np.concatenate([array, np.fromiter(map(fact, new), dtype=array.dtype, count=len(new))])
        patched = self._patched.setdefault(name, set())
        for index in self.state.patched.keys() - patched:  # text changed by a later merge
            array[index] = fact(self.papers[index])
            patched.add(index)
        self._arrays[name] = array
        return array[:size]


class Evaluation:
    """One query over one snapshot. `filter_mask` gives (cached) masks of filter terms."""

    def __init__(
        self,
        state: _State,
        papers: Sequence[Paper],
        word_hits: Callable[[str], _WordHits],
        filter_mask: Callable[[Term], np.ndarray],
        facts: CorpusFacts,
        cancelled: Callable[[], bool] = lambda: False,
        similarity: Callable[[Term], np.ndarray | None] = lambda term: None,
    ) -> None:
        self.cancelled = cancelled
        self.similarity = similarity
        self.state = state
        self.facts = facts
        self.size = state.size
        self.papers = papers
        self.word_hits = word_hits
        self.filter_mask = filter_mask
        self._scoring_words = 0

    def run(self, query: Query, candidates: np.ndarray | None) -> tuple[np.ndarray, np.ndarray]:
        """The matching papers (ascending) and their rank keys (uint16)."""
        alive = np.zeros(self.size, dtype=bool)
        if candidates is None:
            alive[:] = True
        else:
            alive[candidates] = True
        total = np.zeros(self.size, dtype=np.int32)
        # Cheap groups first, so substring checks only look at papers still in the running.
        for group in sorted(query.groups, key=lambda g: any(t.kind == "text" for t in g)):
            matched = np.zeros(self.size, dtype=bool)
            best = np.zeros(self.size, dtype=np.int32)
            for term in group:
                mask, key = self._term(term, alive)
                matched |= mask
                if key is not None:
                    np.maximum(best, key, out=best)
            alive &= matched
            total += best
        papers = np.flatnonzero(alive)
        return papers, np.minimum(total[papers], 0xFFFF).astype(np.uint16)

    def _term(self, term: Term, alive: np.ndarray) -> tuple[np.ndarray, np.ndarray | None]:
        if term.kind == "words":
            return self._words(term)
        if term.kind == "text":
            return self._text(term, alive)
        if term.kind in SIMILARITY_KINDS:
            return self._similar(term)
        mask = self.filter_mask(term)
        return (~mask if term.negated else mask), None

    def _similar(self, term: Term) -> tuple[np.ndarray, np.ndarray | None]:
        """`like:` and `~`: the most similar papers (a tenth of them, at least SIMILAR_MIN),
        ranked by similarity above any word score. Without vectors (still being computed, or
        nothing named is loaded) every paper passes, unranked."""
        scores = self.similarity(term)
        if scores is None or len(scores) < self.size:
            return np.ones(self.size, dtype=bool), None
        scores = scores[: self.size]
        kept = min(self.size, max(SIMILAR_MIN, self.size // 10))
        best = np.argpartition(-scores, kept - 1)[:kept] if kept < self.size else np.arange(self.size)
        mask = np.zeros(self.size, dtype=bool)
        mask[best] = True
        key = np.zeros(self.size, dtype=np.int32)
        order = best[np.argsort(-scores[best], kind="stable")]
        key[order] = SIMILAR_KEY_TOP - (np.arange(len(order)) * (SIMILAR_KEY_TOP - SIMILAR_KEY_FLOOR) // max(1, len(order)))
        return mask, key

    def _words(self, term: Term) -> tuple[np.ndarray, np.ndarray]:
        mask = np.ones(self.size, dtype=bool)
        key = np.zeros(self.size, dtype=np.int32)
        for word in term.words:
            hits = self.word_hits(word)
            title, abstract = hits.title.astype(np.int32), hits.abstract.astype(np.int32)
            if term.field == "title":
                found, score = title != 0, title + (title != 0) * TITLE_HIT
            elif term.field == "abstract":
                found, score = abstract != 0, abstract >> 1
            else:
                found = (title | abstract) != 0
                score = np.maximum(title, abstract >> 1) + (title != 0) * TITLE_HIT
            mask &= found
            if self._scoring_words < MAX_SCORING_WORDS:
                self._scoring_words += 1
                key += score
        key[~mask] = 0
        return mask, key

    def _text(self, term: Term, alive: np.ndarray) -> tuple[np.ndarray, np.ndarray | None]:
        in_title = np.zeros(self.size, dtype=bool)
        in_abstract = np.zeros(self.size, dtype=bool)
        fields = ("title",) if term.anchor and term.field == "any" else _FIELDS[term.field]
        needle = term.value if term.case_sensitive else term.value.lower()
        test = _TESTS[term.anchor]
        one_word = not term.case_sensitive and not term.anchor and _PLAIN_TOKEN.fullmatch(needle) is not None
        for field, found in zip(("title", "abstract"), (in_title, in_abstract)):
            if field not in fields:
                continue
            maybe = alive & self._may_contain(term.value, field)
            if one_word:  # no need to read ASCII texts that have a word, as written, holding it
                sure = maybe & self._with_word_containing(needle, field, written_only=True) & self.facts.get(field)
                found |= sure
                maybe &= ~sure
            for checked, index in enumerate(np.flatnonzero(maybe).tolist()):
                if checked % 4096 == 4095 and self.cancelled():
                    raise SearchCancelled
                text = getattr(self.papers[index], field)
                if test(text if term.case_sensitive else text.lower(), needle):
                    found[index] = True
        mask = in_title | in_abstract
        if term.negated:
            return ~mask, None
        key = None
        if self._scoring_words < MAX_SCORING_WORDS:
            self._scoring_words += 1
            key = np.where(in_title, EXACT_UNITS + TITLE_HIT, np.where(in_abstract, EXACT_UNITS >> 1, 0)).astype(np.int32)
        return mask, key

    def _may_contain(self, needle: str, field: str) -> np.ndarray:
        """False for papers that cannot contain `needle`: a word of it is in none of theirs."""
        possible = np.ones(self.size, dtype=bool)
        for token in tokenize(needle):
            if len(token) >= MIN_INFIX:  # shorter: too short to look up cheaply; the text check decides
                possible &= self._with_word_containing(token, field)
        return possible

    def _with_word_containing(self, token: str, field: str, written_only: bool = False) -> np.ndarray:
        """Papers with a word of `field` containing `token`. `written_only`: as the text has
        it, not a compound's joined word (`qlearning` for Q-learning), which it does not hold."""
        vocabulary = self.state.vocabulary
        if vocabulary is None:  # nothing indexed: anything may contain it, nothing surely does
            return np.full(self.size, not written_only)
        words = vocabulary.words
        found = vocabulary.containing(token)
        ids = np.asarray([i for i in found if not words[i].endswith(JOINED)] if written_only else found, dtype=np.int32)
        ones = np.ones(len(ids), dtype=np.uint8)
        table = others_table(ids, ones, len(words))
        hits = np.zeros(self.size, dtype=np.uint8)
        for segment in self.state.segments:
            postings = segment.title if field == "title" else segment.abstract
            if written_only:  # only these words: the prefix slice would bring joined ones back
                postings.mark_words(ids, ones, hits[segment.start : segment.stop], table)
            else:
                postings.mark(token, ids, ones, hits[segment.start : segment.stop], table)
        for paper, (title_words, abstract_words) in self.state.patched.items():
            hits[paper] = any(
                token in word and not (written_only and word.endswith(JOINED))
                for word in (title_words if field == "title" else abstract_words)
            )
        return hits != 0


_FIELDS = {"any": ("title", "abstract"), "title": ("title",), "abstract": ("abstract",)}
_TESTS: dict[str, Callable[[str, str], bool]] = {
    "": lambda text, needle: needle in text,
    "start": lambda text, needle: text.startswith(needle),
    "end": lambda text, needle: text.endswith(needle),
    "whole": lambda text, needle: text == needle,
}


def filter_mask(
    term: Term, papers: Sequence[Paper], size: int, marks: MarkSource | None, facts: CorpusFacts
) -> np.ndarray:
    """The papers a filter term (id, source, author, cat, date, upvotes, has, is, tag, full,
    citations, influential, venue, has:tldr, in:zotero, collection) selects, before negation."""
    if term.kind in PERSONAL_KINDS:
        if marks is None:
            return np.zeros(size, dtype=bool)
        if term.kind in CITATION_KINDS:
            return marks.citation_mask(term, papers, size)
        if term.kind == "full":
            return marks.full_text_mask(term.value, term.anchor == "whole", papers, size)
        if term.value == "downloaded":
            return marks.downloaded_mask(papers, size)
        if term.kind == "tag":
            return marks.mask(papers, size, lambda m: term.value in m.tags)
        if term.value == "starred":
            return marks.mask(papers, size, lambda m: m.starred)
        if term.value == "updated":  # starred or read at an older arXiv version
            return marks.updated_mask(papers, size)
        if term.value == "dismissed":
            return marks.dismissed_mask(papers, size) if dismissals(marks) else np.zeros(size, dtype=bool)
        if term.value == "watched":
            return marks.watched_mask(papers, size) if hasattr(marks, "watched_mask") else np.zeros(size, dtype=bool)
        if term.value == "new":
            since = marks.new_since
            return np.fromiter((papers[i].seen_after(since) for i in range(size)), dtype=bool, count=size)
        return marks.mask(papers, size, lambda m: m.read)
    if term.kind == "date" and term.operator:
        keys = facts.get("date")
        low, high = date_range(term.value)
        chosen = {
            ">": keys > high, ">=": keys >= low, "<": keys < low, "<=": keys <= high, "=": (keys >= low) & (keys <= high),
        }[term.operator]
        return chosen & (keys != 0)
    test = _paper_test(term)
    return np.fromiter((test(papers[i]) for i in range(size)), dtype=bool, count=size)


def dismissals(marks: MarkSource | None) -> int:
    """How many papers `marks` has dismissed (0 for none, or for a source that keeps none)."""
    return getattr(marks, "dismissed_count", 0) if marks is not None else 0


def _paper_test(term: Term) -> Callable[[Paper], bool]:
    value = term.value
    if term.kind == "id":
        return lambda p: bool(p.arxiv_id) and value in p.arxiv_id.lower()
    if term.kind == "source":
        return lambda p: any(value in source.path.lower() for source in p.sources)
    if term.kind == "author":
        return lambda p: any(value in fold_name(name) for name in p.authors)
    if term.kind == "cat":
        return lambda p: any(category.lower().startswith(value) for category in p.categories)
    if term.kind == "upvotes":
        bound = int(value)
        return lambda p: p.upvotes is not None and compare(p.upvotes, term.operator, bound)
    if term.kind == "date":
        if term.operator:
            return lambda p: date_matches(date_key(p), term.operator, value)
        return lambda p: value in date_text(p)
    if term.kind == "has":
        return (lambda p: bool(p.arxiv_id)) if value == "id" else has_code
    if term.kind == "in":  # in:zotero, the only place there is
        return lambda p: p.in_zotero
    if term.kind == "collection":
        return lambda p: any(_in_collection(path, value) for path in p.collections)
    raise ValueError(f"not a filter term: {term}")


def _in_collection(path: str, value: str) -> bool:
    """`collection:NAME` (case-folded): a collection, or one of its parents, whose name starts
    with it (`related` is in "Thesis/Related work"), or a whole path that does (`thesis/rel`)."""
    path = path.casefold()
    return path.startswith(value) or any(name.strip().startswith(value) for name in path.split("/"))
