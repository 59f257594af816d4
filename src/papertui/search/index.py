"""The search index: segments of postings, grown while the corpus loads, queried with numpy.

A query word is matched against the vocabulary once (`vocabulary.py`); each segment then
marks, per paper, the best score of that word in the title and in the abstract. A paper
matches when every query word scores somewhere. Ranking: more title hits first, then the
higher summed score (an abstract hit counts half), then corpus order.

Papers marked "not interested" leave every answer (an empty query's too) unless the query
asks for them with `is:dismissed`; `SearchResult.hidden` says how many left this one.
"""

from __future__ import annotations

import re
import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Callable, Iterator, Sequence, overload

import numpy as np

from papertui.corpus.model import Paper
from papertui.search.evaluate import CorpusFacts, Evaluation, MarkSource, dismissals, filter_mask
from papertui.search.highlight import NO_TERMS, Terms
from papertui.corpus.merge import text_key
from papertui.search.matching import JOINED, match_score
from papertui.search.query import PERSONAL_KINDS, Query, Term, parse_query
from papertui.search.segment import MAX_SEGMENT, Segment, alphabetical_ranks, fitting_runs, others_table
from papertui.search.vocabulary import Vocabulary, VocabularyView, units, word_set

# Candidates read for the phrase bonus (best first), and how many of them have their abstract read.
PHRASE_CHECKS = 256
ABSTRACT_CHECKS = 64
# An abstract match counts for this share of a title match, so title hits rank first.
ABSTRACT_WEIGHT = 0.5  # applied as `abstract_units >> 1`
MAX_QUERY_WORDS = 24  # keeps the rank key in 16 bits: 24 words × 40 units < 1024
HEAD = 256  # rows ranked at once; the rest only when the list scrolls that far
# A narrowed plain search (see `_narrowed_from`) gathers its candidates' scores when they are
# fewer than this, or than this share of the papers; else it scores every paper in one pass
# per word, from the kept sum of the words before (at 2.7M papers a query word often matches
# most of them, and gathers over millions cost several times a pass).
SPARSE_ALWAYS = 1 << 16
SPARSE_SHARE = 4
TOTALS_KEPT = 4  # summed rank keys kept (2 bytes a paper each)
WORD_CACHE = 16
RESULT_CACHE = 32
_GENERAL = "<query>"  # heads the cache key of a query with operators; never a word
WORD_START_LETTERS = "abcdefghijklmnopqrstuvwxyz0123456789"  # prepared: the letters most words start with


def best_first(keys: np.ndarray, count: int) -> np.ndarray:
    """Positions of the `count` highest keys (fewer than len(keys)), best first, ties in
    corpus order. The smallest key among them is read from a sorted copy of the keys (a
    vectorised sort of 16-bit keys: a fifth of the time of a histogram at 2M keys, and linear
    where a partition degrades on many ties); then every position above it, and the first of
    its ties, looked for in a prefix of the keys long enough to hold them (a tie shared by a
    million papers is found in the first few thousand)."""
    ordered = np.sort(keys)
    kth = ordered[len(keys) - count]
    above = np.flatnonzero(keys > kth)
    wanted = count - len(above)
    tied = int(np.searchsorted(ordered, kth, side="right") - np.searchsorted(ordered, kth, side="left"))
    span = min(len(keys), 2 * wanted * len(keys) // tied + 1024)  # twice the expected prefix
    while True:
        ties = np.flatnonzero(keys[:span] == kth)
        if len(ties) >= wanted or span == len(keys):
            break
        span = min(len(keys), 4 * span)
    chosen = np.concatenate([above, ties[:wanted]])
    chosen.sort()
    return chosen[np.argsort(-keys[chosen].astype(np.int64), kind="stable")]


class RankedRows(Sequence[int]):
    """Matching paper indices, best first. Only the first `HEAD` are sorted up front."""

    def __init__(
        self, papers: np.ndarray, keys: np.ndarray, head: np.ndarray | None = None, bonus: tuple | None = None
    ) -> None:
        self._papers = papers  # ascending paper indices
        self._keys = keys  # unsigned, higher is better
        # (positions, phrase levels): ranked above every key. A few: kept apart, rather than
        # every key widened to hold them (a pass over millions for each key typed).
        self._bonus = bonus
        self._order: np.ndarray | None = None
        # `head`: the positions of the best HEAD, best first, when already known.
        self._head = None
        if len(papers) > 4 * HEAD:
            self._head = head if head is not None else self._rank_head()

    def _ranked_keys(self) -> np.ndarray:
        if self._bonus is None:
            return self._keys
        ranked = self._keys.astype(np.uint32)
        positions, levels = self._bonus
        ranked[positions] |= levels << 16
        return ranked

    def _rank_head(self) -> np.ndarray:
        return best_first(self._ranked_keys(), HEAD)

    def _full_order(self) -> np.ndarray:
        if self._order is None:
            # A stable sort: ties stay in corpus order.
            self._order = np.argsort(-self._ranked_keys().astype(np.int64), kind="stable")
        return self._order

    def __len__(self) -> int:
        return len(self._papers)

    @overload
    def __getitem__(self, position: int) -> int: ...
    @overload
    def __getitem__(self, position: slice) -> list[int]: ...
    def __getitem__(self, position: int | slice) -> int | list[int]:
        if isinstance(position, slice):
            return [self[i] for i in range(*position.indices(len(self)))]
        if position < 0:
            position += len(self)
        if not 0 <= position < len(self):
            raise IndexError(position)
        if self._head is not None and position < HEAD:
            return int(self._papers[self._head[position]])
        return int(self._papers[self._full_order()[position]])

    def __iter__(self) -> Iterator[int]:
        order = self._full_order()
        for chunk in range(0, len(order), 4096):
            yield from self._papers[order[chunk : chunk + 4096]].tolist()

    def array(self) -> np.ndarray:
        """Every row, best first, as one array."""
        return self._papers[self._full_order()]


class SummedRows(RankedRows):
    """The rows of an answer given as one rank key a paper (0: no match), its best HEAD known
    up front: the list of the matches and their full order are made only when asked (another
    order, a scroll past HEAD), which a key typed into the filter does not."""

    def __init__(self, keys: np.ndarray, count: int, head: np.ndarray | None = None, bonus: tuple | None = None) -> None:
        self._by_paper, self._count = keys, count
        self._bonus_by_paper = bonus  # (papers, phrase levels)
        self._head_papers = head if count > 4 * HEAD else None  # papers, best first
        self._made: RankedRows | None = None

    def _rows(self) -> RankedRows:
        if self._made is None:
            papers = np.flatnonzero(self._by_paper != 0)
            head = None if self._head_papers is None else np.searchsorted(papers, self._head_papers)
            bonus = self._bonus_by_paper
            if bonus is not None:
                bonus = (np.searchsorted(papers, bonus[0]), bonus[1])
            self._made = RankedRows(papers, self._by_paper[papers], head, bonus)
        return self._made

    def ascending(self) -> np.ndarray:
        return self._rows()._papers

    def __len__(self) -> int:
        return self._count

    @overload
    def __getitem__(self, position: int) -> int: ...
    @overload
    def __getitem__(self, position: slice) -> list[int]: ...
    def __getitem__(self, position: int | slice) -> int | list[int]:
        if isinstance(position, slice):
            return [self[i] for i in range(*position.indices(len(self)))]
        if position < 0:
            position += len(self)
        if not 0 <= position < len(self):
            raise IndexError(position)
        if self._head_papers is not None and position < HEAD:
            return int(self._head_papers[position])
        return self._rows()[position]

    def __iter__(self) -> Iterator[int]:
        return iter(self._rows())

    def array(self) -> np.ndarray:
        return self._rows().array()


@dataclass(frozen=True)
class SearchResult:
    query: str
    rows: Sequence[int] = field(repr=False)  # paper indices, best first
    terms: Terms = field(default=NO_TERMS, repr=False)  # membership: a matched corpus word
    searched: int = 0  # how many papers the index covered (fewer while still loading)
    notes: tuple[str, ...] = ()  # how a malformed query was read
    # The rows ascending (see `matched`), or what makes them when first asked.
    ascending: np.ndarray | Callable[[], np.ndarray] | None = field(default=None, repr=False)
    hidden: int = 0  # matching papers left out because they are dismissed (the status line says so)

    @property
    def matched(self) -> np.ndarray | None:
        """The rows ascending; None: all. An answer of millions makes them only when asked
        (another order than relevance, a narrowed search): a key typed does not."""
        if callable(self.ascending):
            object.__setattr__(self, "ascending", self.ascending())
        return self.ascending  # type: ignore[return-value]


@dataclass(frozen=True, eq=False)
class _State:
    """What a search sees: replaced whole when the index grows, never changed in place."""

    segments: tuple[Segment, ...] = ()
    vocabulary: VocabularyView | None = None
    # Papers whose text changed after they were indexed (a later record merged into them):
    # paper index -> (title words, abstract words), scored directly instead.
    patched: dict[int, tuple[frozenset[str], frozenset[str]]] = field(default_factory=dict)

    @property
    def size(self) -> int:
        return self.segments[-1].stop if self.segments else 0


@dataclass(frozen=True, eq=False)
class _WordHits:
    title: np.ndarray  # per paper: best score units of the word in the title (uint8)
    abstract: np.ndarray

    def matched(self) -> np.ndarray:
        return (self.title | self.abstract) != 0


@dataclass(eq=False)
class _Matched:
    words: tuple  # plain words, or ("query", groups, marks version): a prefix only narrows
    # Ascending, the dismissed ones too: a longer query narrows from them. Or, for many, each
    # paper's rank key (0: no match), made into them when a narrowed search wants them.
    found: np.ndarray
    result: SearchResult
    count: int = -1  # how many papers `found` holds

    def __post_init__(self) -> None:
        self.dense = self.count >= 0
        if not self.dense:
            self.count = len(self.found)

    def papers(self) -> np.ndarray:
        if self.dense:
            self.found, self.dense = np.flatnonzero(self.found), False
        return self.found


class SearchIndex:
    """Every query word must match; see the module docstring for ranking.

    `add()` grows the index from one thread while `search()` runs in another.
    """

    def __init__(self, papers: Sequence[Paper] = ()) -> None:
        self._vocabulary = Vocabulary()
        self._state = _State()
        self._search_lock = threading.Lock()
        self._word_cache: OrderedDict[str, _WordHits] = OrderedDict()
        self._result_cache: OrderedDict[tuple, _Matched] = OrderedDict()
        self._filter_cache: OrderedDict[tuple, np.ndarray] = OrderedDict()
        self._totals: OrderedDict[tuple[str, ...], np.ndarray] = OrderedDict()
        self._papers: Sequence[Paper] = ()
        self._facts = CorpusFacts((), self._state)
        self._cached_for: _State | None = None
        self._last: _Matched | None = None
        self._dismissed: tuple[tuple, np.ndarray] | None = None  # (index and dismissals' versions, mask)
        self.version = 0  # grows with every change an earlier answer may not have seen
        if papers:
            self.add(papers, 0, len(papers))

    def __len__(self) -> int:
        return self._state.size

    def __repr__(self) -> str:
        return f"SearchIndex({len(self)} papers, {len(self._vocabulary)} words, {len(self._state.segments)} segments)"

    @property
    def nbytes(self) -> int:
        """Bytes held in postings arrays (not counting the vocabulary's strings)."""
        return sum(s.title.nbytes + s.abstract.nbytes for s in self._state.segments)

    # --- building -----------------------------------------------------------------------

    def take(
        self, vocabulary: Vocabulary, segments: Sequence[Segment], patched: dict, papers: Sequence[Paper], facts: dict[str, np.ndarray]
    ) -> None:
        """Search `segments` (over `papers`, words of `vocabulary`) from now on: an index built
        elsewhere (a cache, a first read's workers), with its papers' kept facts by name."""
        state = _State(tuple(segments), vocabulary.publish(), patched)
        with self._search_lock:
            self._vocabulary = vocabulary
            self._papers = papers
            self._state = state
            self._facts = CorpusFacts(papers, state)
            for name, array in facts.items():
                self._facts.prefill(name, array)
            self.version += 1

    def add(self, papers: Sequence[Paper], start: int, stop: int, changed: Sequence[int] = ()) -> None:
        """Index papers[start:stop], which must follow what is indexed already.

        `changed`: indexed papers whose title or abstract has changed since.
        """
        state = self._state
        self._papers = papers
        if start != state.size:
            raise ValueError(f"papers from {start} cannot follow the {state.size} indexed")
        segments = list(state.segments)
        # No segment crosses a multiple of MAX_SEGMENT, so that `compact` can fill each.
        low = start
        while low < stop:
            high = min(stop, (low // MAX_SEGMENT + 1) * MAX_SEGMENT)
            batch = papers[low:high]
            segments.append(
                Segment.build(low, [p.title for p in batch], [p.abstract for p in batch], self._vocabulary)
            )
            low = high
        patched = state.patched
        stale = [i for i in changed if i < start]
        if stale:
            patched = dict(patched)
            for i in stale:
                patched[i] = (_decoded(word_set(papers[i].title, parts=True)), _decoded(word_set(papers[i].abstract)))
        self._state = _State(tuple(segments), self._vocabulary.publish(), patched)
        self.version += 1

    def substrings_wanted(self) -> bool:
        """Whether `prepare_substrings` has work to do (a large vocabulary without its index)."""
        vocabulary = self._state.vocabulary
        return vocabulary is not None and vocabulary.substrings_wanted()

    def prepare_substrings(self) -> None:
        """Index the vocabulary's trigrams for substring lookups, when it is large (a second or
        two at a million papers; call it once loading ends, off the UI thread)."""
        vocabulary = self._state.vocabulary
        if vocabulary is not None:
            vocabulary.prepare_substrings()

    def prepare_word_starts(self, letters: str = WORD_START_LETTERS, stop: Callable[[], bool] = lambda: False) -> bool:
        """Mark, in every segment, the papers with a word starting with each of `letters`, and
        with each of the two-letter prefixes that start many words' postings, so that typing
        them does not scatter the postings of all those words (`re`: 13 M of them at 2.7M
        papers, 35 ms; all: 1.5-2 s, 52 MB). Off the UI thread, in a pause of the keys: a search
        may run meanwhile (each field replaces its marks whole). `stop()` is asked between
        letters; False: stopped (a call again goes on from there). Every segment's letters
        come first: they serve every word typed, a two-letter prefix only some."""
        for pairs in (False, True):
            for segment in self._state.segments:
                for postings in (segment.title, segment.abstract):
                    if not postings.prepare_word_starts(letters, segment.stop - segment.start, stop, pairs):
                        return False
        return True

    def compact(self) -> None:
        """Merge neighbouring segments that fit in one: loading grows the index in small
        batches, and every segment costs each query word a few calls. Answers do not change."""
        state = self._state
        runs = fitting_runs(state.segments, MAX_SEGMENT)
        if len(runs) == len(state.segments) or state.vocabulary is None:
            return
        # Ranks only for the words of the segments merged: after an update, that is a few.
        merged = [segment for run in runs if len(run) > 1 for segment in run]
        present = np.unique(np.concatenate([ids for s in merged for ids in (s.title.ids, s.abstract.ids)]))
        alphabetical = np.zeros(state.vocabulary.size, dtype=np.int32)
        alphabetical[present] = alphabetical_ranks([state.vocabulary.words[i] for i in present.tolist()])
        segments = tuple(run[0] if len(run) == 1 else Segment.merged(run, alphabetical) for run in runs)
        self._state = _State(segments, state.vocabulary, state.patched)

    def drop(self, removed: Sequence[int], papers: Sequence[Paper]) -> None:
        """Forget the papers at positions `removed`; those after them move down to fill the
        gaps, as in `papers` (the corpus without them). Used before papers are added again."""
        state = self._state
        keep = np.ones(state.size, dtype=bool)
        keep[np.asarray(removed, dtype=np.int64)] = False
        renumbered = np.cumsum(keep, dtype=np.int64) - 1
        segments = []
        start = 0
        for segment in state.segments:
            part = keep[segment.start : segment.stop]
            if part.any():
                segments.append(segment.kept(part, start))
                start = segments[-1].stop
        patched = {int(renumbered[i]): words for i, words in state.patched.items() if keep[i]}
        with self._search_lock:
            self._papers = papers
            self._state = _State(tuple(segments), state.vocabulary, patched)
            self._facts = self._facts.kept(keep, papers, self._state)
            self.version += 1

    def forget_filters(self) -> None:
        """Papers gained arXiv ids (found by title search): answers that looked at ids, or at
        dates derived from them, must be computed again."""
        with self._search_lock:
            self._cached_for = None
            self._facts = CorpusFacts(self._papers, self._state)
            self.version += 1

    # --- searching ----------------------------------------------------------------------

    def search(
        self, query: str | Query, marks: MarkSource | None = None, cancelled: Callable[[], bool] = lambda: False
    ) -> SearchResult:
        """The papers matching `query` (see `query.py`), best first. `marks` answers
        `is:` and `tag:` filters (without it they match nothing). A long search polls
        `cancelled` and raises SearchCancelled when it turns true."""
        parsed = query if isinstance(query, Query) else parse_query(query)
        with self._search_lock:  # the caches below are not shared between threads
            return self._search(parsed, marks, cancelled)

    def answered(self, query: Query, marks: MarkSource | None = None) -> SearchResult | None:
        """The answer to `query` if it is at hand (an empty query, or one asked before since
        the index last changed), without searching; else None."""
        if not self._search_lock.acquire(blocking=False):
            return None  # a search is running in another thread
        try:
            state = self._state
            hiding = _hiding(query, marks)
            if not query.groups or query.plain_words == ():
                return self._everything(state, query, marks, hiding)
            if state is not self._cached_for:
                return None
            cached = self._result_cache.get((self._cache_key(query, marks), hiding))
            if cached is None:
                return None
            return _again(cached.result, query, state)
        finally:
            self._search_lock.release()

    @staticmethod
    def _cache_key(query: Query, marks: MarkSource | None) -> tuple:
        plain = query.plain_words
        if plain is not None:
            return plain[:MAX_QUERY_WORDS]
        return (_GENERAL, query.canonical(), marks.version if marks is not None and query.uses_marks else None)

    def _search(self, query: Query, marks: MarkSource | None, cancelled: Callable[[], bool]) -> SearchResult:
        state = self._state
        if state is not self._cached_for:  # the index grew: earlier answers are incomplete
            self._word_cache.clear()
            self._result_cache.clear()
            self._filter_cache.clear()
            self._totals.clear()
            self._last = None
            self._cached_for = state
        plain = query.plain_words
        words: tuple = self._cache_key(query, marks)
        hiding = _hiding(query, marks)
        cache_key = (words, hiding)  # dismissing a paper changes the answer to plain words too
        terms = Terms(words) if plain is not None else Terms(query.highlight_words)
        if not query.groups or words == ():
            return self._everything(state, query, marks, hiding)
        if state.vocabulary is None:  # nothing indexed yet
            return SearchResult(query.text, (), terms, 0, query.notes, np.empty(0, np.int64))
        cached = self._result_cache.get(cache_key)
        if cached is not None:  # backspace, or a change that did not alter the words
            self._result_cache.move_to_end(cache_key)
            self._last = cached
            return _again(cached.result, query, state)
        narrowed = self._narrowed_from(words)
        if plain is not None:
            if not self._gathering(state, narrowed):
                return self._summed_answer(state, query, words, terms, marks, hiding)
            # Narrowed: the candidates hold the last query's words already; only the new ones are checked.
            candidates = narrowed.papers() if narrowed is not None else None
            papers, keys = self._plain(state, words, candidates, len(narrowed.words) if narrowed is not None else 0)
        else:
            candidates = narrowed.papers() if narrowed is not None else None
            evaluation = Evaluation(
                state, self._papers, lambda word: self._word_hits(state, word),
                lambda term: self._filter_mask(state, term, marks),
                self._facts.moved_to(self._papers, state),
                cancelled,
                lambda term: marks.similarity(term, self._papers, state.size) if hasattr(marks, "similarity") else None,
            )
            papers, keys = evaluation.run(query, candidates)
        every_match, hidden = papers, 0
        if hiding is not None:
            kept = ~self._dismissed_mask(state, marks, hiding)[papers]
            papers, keys = papers[kept], keys[kept]
            hidden = len(every_match) - len(papers)
        bonus, head = self._with_phrase_bonus(papers, keys, query.phrase_words)
        result = SearchResult(query.text, RankedRows(papers, keys, head, bonus), terms, state.size, query.notes, papers, hidden)
        self._remember(cache_key, _Matched(words, every_match, result))
        return result

    def _gathering(self, state: _State, narrowed: _Matched | None) -> bool:
        """Whether plain words are scored by gathering candidates' scores (few of them: a
        narrowed search) rather than summed over every paper (see SPARSE_ALWAYS)."""
        return narrowed is not None and (narrowed.count < SPARSE_ALWAYS or narrowed.count * SPARSE_SHARE < state.size)

    def _summed_answer(
        self, state: _State, query: Query, words: tuple[str, ...], terms: Terms, marks: MarkSource | None, hiding: tuple | None
    ) -> SearchResult:
        """The answer to plain words from each paper's summed rank key (0: no match): its
        count and its first HEAD rows, without a list of the millions of papers matching
        (made when asked: another order, a scroll past the head, a narrowed search)."""
        total = self._summed_keys(words, [self._word_hits(state, word) for word in words])
        every = shown = int(np.count_nonzero(total))
        keys = total
        if hiding is not None:
            keys = total * ~self._dismissed_mask(state, marks, hiding)
            shown = int(np.count_nonzero(keys))
        bonus, head = self._with_phrase_bonus(None, keys, query.phrase_words, shown)
        rows = SummedRows(keys, shown, head, bonus)
        result = SearchResult(query.text, rows, terms, state.size, query.notes, rows.ascending, every - shown)
        self._remember((words, hiding), _Matched(words, total, result, every))
        return result

    def _remember(self, cache_key: tuple, matched: _Matched) -> None:
        self._last = self._result_cache[cache_key] = matched
        if len(self._result_cache) > RESULT_CACHE:
            self._result_cache.popitem(last=False)

    def _everything(self, state: _State, query: Query, marks: MarkSource | None, hiding: tuple | None) -> SearchResult:
        """The answer to an empty query: every paper in corpus order, but the dismissed."""
        if hiding is None:
            return SearchResult(query.text, range(state.size), NO_TERMS, state.size, query.notes)
        dismissed = self._dismissed_mask(state, marks, hiding)
        papers = np.flatnonzero(~dismissed)
        rows = RankedRows(papers, np.zeros(len(papers), dtype=np.uint16))  # equal keys: corpus order
        return SearchResult(query.text, rows, NO_TERMS, state.size, query.notes, papers, state.size - len(papers))

    def _dismissed_mask(self, state: _State, marks: MarkSource | None, hiding: tuple) -> np.ndarray:
        """The dismissed papers of `state`, kept until the index or the dismissals change
        (asked on every search while any paper is dismissed)."""
        assert marks is not None
        key = (state, self.version, hiding)
        if self._dismissed is None or self._dismissed[0] != key:
            self._dismissed = (key, marks.dismissed_mask(self._papers, state.size))
        return self._dismissed[1]

    def _plain(
        self, state: _State, words: tuple[str, ...], candidates: np.ndarray | None, known: int = 0
    ) -> tuple[np.ndarray, np.ndarray]:
        """The papers matching `words` among `candidates` (None: all) and their rank keys,
        gathered word by word. `known`: how many of the first words every candidate is
        known to match."""
        hits = [self._word_hits(state, word) for word in words]
        papers = self._matching(hits[known:], candidates) if candidates is not None else self._matching(hits, None)
        keys = np.zeros(len(papers), dtype=np.uint16)
        for word_hits in hits:
            title, abstract = word_hits.title[papers], word_hits.abstract[papers]
            keys += np.maximum(title, abstract >> 1)
            keys += (title != 0).astype(np.uint16) << 10  # a title hit outranks any score
        return papers, keys

    def _summed_keys(self, words: tuple[str, ...], hits: list[_WordHits]) -> np.ndarray:
        """Each paper's rank key for `words` (uint16), 0 where a word does not match. Kept for
        the last few queries: the next key usually adds to one of them (`language model r`
        to `language model`, `language model re` too)."""
        total = self._totals.get(words)
        if total is not None:
            self._totals.move_to_end(words)
            return total
        key = _word_key(hits[-1])
        if len(words) > 1:
            before = self._summed_keys(words[:-1], hits[:-1])
            total = np.add(before, key)  # within 16 bits: MAX_QUERY_WORDS words
            np.multiply(total, before != 0, out=total)  # a paper matching the words before ...
            np.multiply(total, key != 0, out=total)  # ... and this one
        else:
            total = key
        self._totals[words] = total
        if len(self._totals) > TOTALS_KEPT:
            self._totals.popitem(last=False)
        return total

    def _with_phrase_bonus(
        self, papers: np.ndarray | None, keys: np.ndarray, words: tuple[str, ...], matches: int = 0
    ) -> tuple[tuple | None, np.ndarray | None]:
        """The phrase bonus, ranked above the keys: a title that is the query first of all,
        then a title with the words adjacent and in order, then an abstract with them. Read
        for the best PHRASE_CHECKS candidates by their key (the abstracts of the best
        ABSTRACT_CHECKS); given as (positions, levels) of those that gain, None for none.

        Also the positions of the best HEAD by key and bonus, best first, when they are known
        from those candidates: a paper left out of them has no bonus and a key no higher than
        theirs (and comes later among equal keys), so the best HEAD are among them.

        `papers` None: `keys` has one key a paper, 0 where it does not match (`matches` do),
        and the positions are papers."""
        if papers is not None:
            matches = len(papers)
        if not words or not matches:
            return None, None
        # One word: only a title that is that word gains, so the best few are enough to read.
        count = min(matches, PHRASE_CHECKS if len(words) > 1 else HEAD)
        # The best `count` by key, ties in corpus order.
        if count < matches:
            best = best_first(keys, count)
        else:
            among = np.arange(len(keys)) if papers is not None else np.flatnonzero(keys != 0)
            best = among[np.argsort(-keys[among].astype(np.int64), kind="stable")]
        phrase = Phrase(words)
        at = best if papers is None else papers[best]
        levels = np.fromiter(
            (phrase.level(self._papers[paper], rank < ABSTRACT_CHECKS) for rank, paper in enumerate(at.tolist())),
            dtype=np.uint32,
            count=len(best),
        )
        gained = levels != 0
        bonus = (best[gained], levels[gained]) if gained.any() else None
        if count < HEAD:
            return bonus, None
        in_corpus_order = np.argsort(best)
        positions = best[in_corpus_order]
        ranked = keys[positions].astype(np.uint32) | (levels[in_corpus_order] << 16)
        head = positions[np.argsort(-ranked.astype(np.int64), kind="stable")[:HEAD]]
        return bonus, head

    def _filter_mask(self, state: _State, term: Term, marks: MarkSource | None) -> np.ndarray:
        positive = Term(term.kind, term.value, anchor=term.anchor, operator=term.operator)
        key = (positive, marks.version if marks is not None and term.kind in PERSONAL_KINDS else None)
        mask = self._filter_cache.get(key)
        if mask is None:
            facts = self._facts.moved_to(self._papers, state)
            mask = self._filter_cache[key] = filter_mask(positive, self._papers, state.size, marks, facts)
            if len(self._filter_cache) > WORD_CACHE:
                self._filter_cache.popitem(last=False)
        return mask

    def _narrowed_from(self, words: tuple[str, ...]) -> _Matched | None:
        """The last result when this query only adds words to it: with every word required,
        the answer can only shrink, so there is no need to start over."""
        last = self._last
        if last is None:
            return None
        if words and words[0] == _GENERAL and last.words and last.words[0] == _GENERAL:
            _, groups, version = words
            _, last_groups, last_version = last.words
            if version == last_version and len(groups) > len(last_groups) and groups[: len(last_groups)] == last_groups:
                return last
            return None
        if len(words) > len(last.words) and words[: len(last.words)] == last.words:
            return last
        return None

    @staticmethod
    def _matching(hits: list[_WordHits], candidates: np.ndarray | None) -> np.ndarray:
        if candidates is not None:
            keep = np.ones(len(candidates), dtype=bool)
            for word_hits in hits:
                keep &= (word_hits.title[candidates] | word_hits.abstract[candidates]) != 0
            return candidates[keep]
        mask = hits[0].matched()
        for word_hits in hits[1:]:
            mask &= word_hits.matched()
        return np.flatnonzero(mask)

    def _word_hits(self, state: _State, word: str) -> _WordHits:
        cached = self._word_cache.get(word)
        if cached is not None:
            self._word_cache.move_to_end(word)
            return cached
        assert state.vocabulary is not None  # checked by _search
        other_ids, other_units = state.vocabulary.other_candidates(word)
        table = others_table(other_ids, other_units, len(state.vocabulary.words))
        title = np.zeros(state.size, dtype=np.uint8)
        abstract = np.zeros(state.size, dtype=np.uint8)
        for segment in state.segments:
            window = slice(segment.start, segment.stop)
            segment.title.mark(word, other_ids, other_units, title[window], table)
            segment.abstract.mark(word, other_ids, other_units, abstract[window], table)
        for paper, (title_words, abstract_words) in state.patched.items():
            title[paper] = _best_units(word, title_words)
            abstract[paper] = _best_units(word, abstract_words)
        hits = self._word_cache[word] = _WordHits(title, abstract)
        if len(self._word_cache) > WORD_CACHE:
            self._word_cache.popitem(last=False)
        return hits


def _word_key(hits: _WordHits) -> np.ndarray:
    """A word's part of each paper's rank key (uint16), as `_plain` sums it over candidates:
    the better of its title score and half its abstract score, plus 1 << 10 for a title hit
    (above any sum of scores); 0 exactly where it does not match (a hit scores at least
    TYPO_PREFIX - TYPO_STEP, 20 units: half of it is never 0)."""
    key = np.maximum(hits.title, hits.abstract >> 1, dtype=np.uint16)
    np.add(key, np.left_shift(hits.title != 0, 10, dtype=np.uint16), out=key)
    return key


def _hiding(query: Query, marks: MarkSource | None) -> tuple | None:
    """What an answer's hiding of dismissed papers depends on (part of its cache key), or None
    when nothing is hidden: no paper is dismissed, or the query asks for them."""
    if not dismissals(marks) or query.shows_dismissed:
        return None
    return ("dismissed", getattr(marks, "dismissed_version", 0))


def every_paper(query: Query, papers: Sequence[Paper], marks: MarkSource | None = None) -> SearchResult:
    """The answer to an empty query without an index (a listing that needs none, the app's
    first frame): every paper in corpus order, but the dismissed ones."""
    size = len(papers)
    if not dismissals(marks) or query.shows_dismissed:
        return SearchResult(query.text, range(size), searched=size, notes=query.notes)
    assert marks is not None
    shown = np.flatnonzero(~marks.dismissed_mask(papers, size))
    rows = RankedRows(shown, np.zeros(len(shown), dtype=np.uint16))
    return SearchResult(query.text, rows, NO_TERMS, size, query.notes, shown, size - len(shown))


def _again(result: SearchResult, query: Query, state: _State) -> SearchResult:
    """A cached answer given again for `query` (the same search, typed alike or not)."""
    return SearchResult(query.text, result.rows, result.terms, state.size, query.notes, result.ascending, result.hidden)


PHRASE_TRY_CHARS = 200  # see Phrase: longer words after the first are tried from word starts only


class Phrase:
    """The query's words as a phrase, for ranking."""

    def __init__(self, words: tuple[str, ...]) -> None:
        self.key = text_key("".join(words))
        self.words = [word.rstrip(JOINED) for word in words]
        # Words apart (spaces, hyphens) or together (DeepResearchEval): separators optional.
        # It starts with the first word, so the regex engine scans for that literal quickly, and
        # the word start is checked on each match. Each try reads at most the words after the
        # first, so when they are long (a pasted word that a hostile abstract also holds) the
        # tries are made from word starts only (the lookbehind): a 20,000-letter word tried from
        # every letter of a 20,000-letter one was 10⁸ steps. That pattern is ~15 times slower on
        # ordinary abstracts, where the scan for the literal skips most of the text.
        joined = r"[\W_]*".join(map(re.escape, self.words))
        self.from_word_starts = sum(map(len, self.words[1:])) > PHRASE_TRY_CHARS
        if len(words) < 2:
            self.pattern = None
        else:
            self.pattern = re.compile(r"(?<![^\W_])" + joined if self.from_word_starts else joined)

    def level(self, paper: Paper, abstract_too: bool = True) -> int:
        """3: the title is the query; 2: the title has its words adjacent and in order (the
        last as a prefix, being typed); 1: the abstract has; 0: neither."""
        title = paper.title.casefold()
        if self._has(title):  # every word in it, as a substring: only then may it hold the phrase
            # The same letters and digits, give or take punctuation: never much longer.
            if len(title) <= 2 * len(self.key) + 8 and text_key(title) == self.key:
                return 3
            if self._phrase_in(title):
                return 2
        if abstract_too and self.pattern is not None:
            abstract = paper.abstract.casefold()
            return 1 if self._has(abstract) and self._phrase_in(abstract) else 0
        return 0

    def _phrase_in(self, text: str) -> bool:
        """The words adjacent and in order, the first at the start of a word."""
        if self.pattern is None:
            return False
        match = self.pattern.search(text)
        if self.from_word_starts:
            return match is not None
        while match is not None:  # on from the next letter: a match from here hides none there
            start = match.start()
            if not text[start - 1 : start].isalnum():
                return True
            match = self.pattern.search(text, start + 1)
        return False

    def _has(self, text: str) -> bool:
        return all(word in text for word in self.words)


def phrase_level(paper: Paper, words: tuple[str, ...], abstract_too: bool = True) -> int:
    return Phrase(words).level(paper, abstract_too) if words else 0


def _decoded(words: set[bytes]) -> frozenset[str]:
    return frozenset(word.decode() for word in words)


def _best_units(query_word: str, words: frozenset[str]) -> int:
    return max((units(match_score(query_word, word)) for word in words), default=0)
