"""One segment of the index: the postings of up to 65,536 consecutive papers.

Each field (title, abstract) keeps its words in alphabetical order and the papers of each word
in one uint16 array, so every word starting with a prefix is one contiguous slice: typing one
letter marks a million papers with one numpy assignment, not one per word.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field
from itertools import chain
from typing import Callable, Sequence
from weakref import WeakKeyDictionary

import numpy as np
# np.unique imports numpy.ma on its first call (15–20 ms): imported here, with the index, in
# the load worker, rather than inside the first key whose search needs it.
import numpy.ma  # noqa: F401

from papertui.packed_arrays import concatenated_ranges
from papertui.search.vocabulary import Vocabulary, units, word_set

MAX_SEGMENT = 1 << 16  # local paper numbers are uint16
PREFIX_UNITS = units(0.9)
EXACT_UNITS = units(1.0)
_LAST_CHAR = chr(0x10FFFF)
TOKENIZE_CHUNK = 2048
# Marks kept per field of a segment (8 KB each at 65,536 papers): every letter's, and the
# two-letter prefixes' with many postings (at 2.7M papers up to 80 in an abstract field).
WORD_STARTS_KEPT = 160
KEPT_PREFIX = 2  # the longest prefix kept
KEEP_SHARE = 2  # a two-letter prefix is kept with postings for at least 1/KEEP_SHARE of the papers
OTHERS_BY_TABLE = 16  # see _mark_others
FEW_OTHERS = 64  # more other words than this are checked first against a field's bits (see has_words)
FEW_WORDS = 32  # other words of one score whose postings are sliced one by one (see _mark_others)
OTHERS_TABLE_FROM = 512  # other words that make a table (see others_table) worth its pass over every word id


# Each field's words as one bit a vocabulary id (FieldPostings.has_words), made when first wanted;
# kept beside the field rather than in it: a cache's fields are made with the constructor.
_PRESENT: WeakKeyDictionary = WeakKeyDictionary()


@dataclass(frozen=True, eq=False)
class FieldPostings:
    vocabulary: list[str] = field(repr=False)  # every word by id (append-only, shared)
    by_word: np.ndarray  # this segment's words' ids, alphabetically by word (int32)
    ids: np.ndarray  # the same ids, ascending (int32)
    alpha: np.ndarray  # ids[i] is by_word[alpha[i]] (int32)
    offsets: np.ndarray  # papers of by_word[k]: papers[offsets[k]:offsets[k + 1]] (int64)
    papers: np.ndarray  # local paper numbers (uint16)
    # A one-letter query word's marks, by letter: the papers with a word starting with it (one
    # bit a paper) and those with it as a word (a view of `papers`). Typing a letter that starts
    # a word otherwise scatters every posting of every word starting with it (18 M of them for
    # `l` at 2.7M papers, 45 ms); the bits are 8 KB per letter at 65,536 papers, made on first use.
    word_starts: dict[str, tuple[np.ndarray, np.ndarray]] = field(default_factory=dict, repr=False, compare=False)

    ARRAYS = ("by_word", "ids", "alpha", "offsets", "papers")  # what a cache stores

    @classmethod
    def build(cls, texts: Sequence[str], vocabulary: Vocabulary, parts: bool = False) -> FieldPostings:
        # Word sets are large Python objects: hold only one chunk of them at a time.
        id_chunks, count_chunks = [], []
        for low in range(0, len(texts), TOKENIZE_CHUNK):
            sets = [word_set(text, parts) for text in texts[low : low + TOKENIZE_CHUNK]]
            counts = np.fromiter(map(len, sets), dtype=np.int64, count=len(sets))
            id_chunks.append(vocabulary.ids_of(chain.from_iterable(sets), int(counts.sum())))
            count_chunks.append(counts)
        ids = np.concatenate(id_chunks)
        counts = np.concatenate(count_chunks)
        del id_chunks
        present = np.unique(ids)
        words = vocabulary.words
        by_word = sorted(present.tolist(), key=words.__getitem__)
        rank = np.empty(len(words), dtype=np.int32)  # vocabulary id -> alphabetical rank here
        rank[by_word] = np.arange(len(by_word), dtype=np.int32)
        keys = rank[ids]
        del ids
        _, offsets, papers = sorted_postings(keys, counts)  # every word here has postings: ranks 0 .. n - 1
        return cls(
            vocabulary=words,
            by_word=np.asarray(by_word, dtype=np.int32),
            ids=present.astype(np.int32),
            alpha=rank[present],
            offsets=offsets,
            papers=papers,
        )

    @classmethod
    def merged(cls, parts: Sequence[FieldPostings], shifts: Sequence[int], alphabetical: np.ndarray) -> FieldPostings:
        """One field's postings for neighbouring segments' papers together: part k's papers
        move up by shifts[k]. `alphabetical`: each vocabulary id's rank in word order."""
        present = np.unique(np.concatenate([part.ids for part in parts]))
        order = np.argsort(alphabetical[present], kind="stable")
        alpha = np.empty(len(present), dtype=np.int32)
        alpha[order] = np.arange(len(present), dtype=np.int32)
        # Each part's postings are in its words' alphabetical order, papers ascending within
        # a word: one stable sort by the merged word order keeps the papers ascending.
        keys = np.concatenate([np.repeat(alpha[np.searchsorted(present, part.by_word)], np.diff(part.offsets)) for part in parts])
        local = np.concatenate([part.papers + np.uint16(shift) for part, shift in zip(parts, shifts)])
        sorting = np.argsort(keys, kind="stable")
        offsets = np.zeros(len(present) + 1, dtype=np.int64)
        np.cumsum(np.bincount(keys, minlength=len(present)), out=offsets[1:])
        return cls(
            vocabulary=parts[0].vocabulary,
            by_word=present[order].astype(np.int32),
            ids=present.astype(np.int32),
            alpha=alpha,
            offsets=offsets,
            papers=local[sorting],
        )

    def kept(self, keep: np.ndarray) -> FieldPostings:
        """These postings without the papers whose local number `keep` says False, the rest
        numbered again in order; words left with no paper are dropped."""
        renumbered = np.cumsum(keep, dtype=np.int64) - 1
        stays = keep[self.papers]
        word = np.repeat(np.arange(len(self.by_word), dtype=np.int64), np.diff(self.offsets))
        counts = np.bincount(word[stays], minlength=len(self.by_word))
        present = counts > 0
        by_word = self.by_word[present]
        offsets = np.zeros(len(by_word) + 1, dtype=np.int64)
        np.cumsum(counts[present], out=offsets[1:])
        alpha = np.argsort(by_word, kind="stable").astype(np.int32)
        return FieldPostings(
            vocabulary=self.vocabulary,
            by_word=by_word,
            ids=by_word[alpha],
            alpha=alpha,
            offsets=offsets,
            papers=renumbered[self.papers[stays]].astype(np.uint16),
        )

    def mark(
        self, query_word: str, other_ids: np.ndarray, other_units: np.ndarray, out: np.ndarray, table: np.ndarray | None = None
    ) -> None:
        """Write into `out` (this segment's slice of a per-paper array) the best score units
        of `query_word` against each paper's words of this field. `table`: `others_table` of
        the other words, when there are many."""
        if len(other_ids):
            self._mark_others(other_ids, other_units, out, table)
        kept = self.word_starts.get(query_word) if len(query_word) <= KEPT_PREFIX else None
        if kept is not None:
            prefix, exact = kept  # others score below a prefix: the higher score is the prefix's
            np.maximum(out, np.unpackbits(prefix, count=len(out)) * np.uint8(PREFIX_UNITS), out=out)
            out[exact.astype(np.intp)] = EXACT_UNITS
            return
        low, high = self._starting_with(query_word)
        if low < high:
            # The word itself first in the range: its papers are written once, with its score.
            exact = self._exactly(query_word, low)
            out[self.papers[self.offsets[low] + len(exact) : self.offsets[high]].astype(np.intp)] = PREFIX_UNITS
            out[exact.astype(np.intp)] = EXACT_UNITS  # indices cast first: numpy's own cast costs twice that
        if self._keeps(query_word, low, high, len(out)):  # `out` holds just these marks unless others came first
            self._keep_word_start(query_word, low, high, len(out), None if len(other_ids) else out)

    def prepare_word_starts(self, letters: str, count: int, stop: Callable[[], bool] = lambda: False, pairs: bool = False) -> bool:
        """Keep the marks of each of `letters` or (`pairs`) of the two-letter prefixes
        starting with one of them that are worth keeping (see `_keeps`); `count`: papers
        here. `stop()` is asked between letters (a few milliseconds each); False: stopped."""
        word_of = self.vocabulary.__getitem__
        if not pairs and not stop():
            self.has_words(self.ids[:0])  # its words' bits, made now rather than in a key
        for letter in letters:
            if stop():
                return False
            low, high = self._starting_with(letter)
            if not pairs:
                if letter not in self.word_starts:
                    self._keep_word_start(letter, low, high, count, None)
                continue
            if self.offsets[high] - self.offsets[low] < count // KEEP_SHARE:
                continue  # no prefix of it can have enough postings
            if low < high and word_of(self.by_word[low]) == letter:
                low += 1  # the letter as a word: alphabetically before all of its longer words
            while low < high:  # each two-letter prefix present, in one binary search
                prefix = word_of(self.by_word[low])[:KEPT_PREFIX]
                end = bisect.bisect_left(self.by_word, prefix + _LAST_CHAR, low, high, key=word_of)
                if prefix not in self.word_starts and self._keeps(prefix, low, end, count):
                    self._keep_word_start(prefix, low, end, count, None)
                low = end
        return True

    def _keeps(self, prefix: str, low: int, high: int, count: int) -> bool:
        """Whether the marks of `prefix` are worth keeping: every letter's (the first key of
        every word), and a two-letter prefix's whose words have at least half as many postings
        as papers here (where unpacking the bits costs a fraction of the scatter)."""
        if len(prefix) == 1:
            return True
        return len(prefix) == KEPT_PREFIX and self.offsets[high] - self.offsets[low] >= count // KEEP_SHARE

    def _starting_with(self, query_word: str) -> tuple[int, int]:
        """The range of `by_word` (alphabetical) of the words starting with `query_word`."""
        word_of = self.vocabulary.__getitem__
        low = bisect.bisect_left(self.by_word, query_word, key=word_of)
        return low, bisect.bisect_left(self.by_word, query_word + _LAST_CHAR, low, key=word_of)

    def _exactly(self, query_word: str, low: int) -> np.ndarray:
        """The papers with `query_word` itself, the first of the words starting with it at `low`."""
        if low < len(self.by_word) and self.vocabulary[self.by_word[low]] == query_word:
            return self.papers[self.offsets[low] : self.offsets[low + 1]]
        return self.papers[:0]

    def _keep_word_start(self, prefix: str, low: int, high: int, count: int, marks: np.ndarray | None) -> None:
        """`marks`: nonzero for exactly the papers marked for `prefix`, when at hand."""
        if marks is None:
            marks = np.zeros(count, dtype=bool)
            marks[self.papers[self.offsets[low] : self.offsets[high]].astype(np.intp)] = True
        starts = dict(self.word_starts)  # a new dict: a search may be reading the old one
        if len(starts) >= WORD_STARTS_KEPT:  # any letter may be typed: keep the latest few
            del starts[next(iter(starts))]
        starts[prefix] = (np.packbits(marks), self._exactly(prefix, low))  # exact: a view, no copy
        object.__setattr__(self, "word_starts", starts)

    def mark_words(self, ids: np.ndarray, scores: np.ndarray, out: np.ndarray, table: np.ndarray | None = None) -> None:
        """Write `scores` into `out` for the papers holding each of the words `ids`."""
        if len(ids):
            self._mark_others(ids, scores, out, table)

    def _mark_others(self, ids: np.ndarray, scores: np.ndarray, out: np.ndarray, table: np.ndarray | None) -> None:
        if not len(self.ids):  # a field no paper here has a word in (title-only records): nothing to mark
            return
        if len(ids) > FEW_OTHERS and self in _PRESENT:  # most of many words are in few fields: those absent here go first
            here = self.has_words(ids)
            ids, scores = ids[here], scores[here]
        if table is not None and len(ids) * OTHERS_BY_TABLE > len(self.ids):
            # Many words (a three-letter infix is in thousands): reading the table for this
            # field's words costs less than a binary search here for each of them.
            found = table.take(self.ids)  # take: half the time of indexing with int32
            where = np.flatnonzero(found != 0)  # a bool's nonzero: a third of the time of a byte's
            positions, scores = self.alpha[where], found[where]
        else:
            where = np.searchsorted(self.ids, ids)
            where[where == len(self.ids)] = 0
            here = self.ids[where] == ids
            if not here.any():
                return
            positions, scores = self.alpha[where[here]], scores[here]
        for score in np.unique(scores):  # ascending, so a paper keeps its best score
            chosen = positions[scores == score]
            starts, ends = self.offsets[chosen], self.offsets[chosen + 1]
            if len(chosen) <= FEW_WORDS:  # copied slice by slice: no index of every posting to build
                papers = np.concatenate([self.papers[start:end] for start, end in zip(starts.tolist(), ends.tolist())])
            else:
                papers = self.papers[concatenated_ranges(starts, ends)]
            out[papers.astype(np.intp)] = score

    def has_words(self, ids: np.ndarray) -> np.ndarray:
        """Whether this field has each of the words `ids` (bool each), from one bit a word of
        the vocabulary (200 KB a field at 1.6M words), not a binary search each (5,734 words
        like `lang` in 84 fields: 10 ms). The bits are made on first use; marking uses them
        once made, which the word starts' preparation does (20 ms for every field at 2.7M
        papers: not in the first key that would want them)."""
        bits = _PRESENT.get(self)
        if bits is None:
            present = np.zeros(int(self.ids.max()) + 1 if len(self.ids) else 0, dtype=bool)
            present[self.ids] = True
            bits = _PRESENT[self] = np.packbits(present)
        if not len(ids) or int(ids.max()) < len(bits) * 8:
            return ((bits[ids >> 3] >> (7 - (ids & 7)).astype(np.uint8)) & 1).view(bool)
        known = ids < len(bits) * 8  # a word added after this field was made is not in it
        found = np.zeros(len(ids), dtype=bool)
        inside = ids[known]
        found[known] = (bits[inside >> 3] >> (7 - (inside & 7))) & 1
        return found

    @property
    def nbytes(self) -> int:
        return sum(getattr(self, name).nbytes for name in self.ARRAYS)


def others_table(ids: np.ndarray, scores: np.ndarray, vocabulary_size: int) -> np.ndarray | None:
    """Each word's score by id (0: none; the best where a word comes twice), for marking many
    words (`FieldPostings.mark`); None for a few, which are looked up in each field instead."""
    if len(ids) < OTHERS_TABLE_FROM:
        return None
    table = np.zeros(vocabulary_size, dtype=np.uint8)
    np.maximum.at(table, ids, scores)
    return table


@dataclass(frozen=True, eq=False)
class Segment:
    """Papers start .. stop - 1 of the corpus."""

    start: int
    stop: int
    title: FieldPostings
    abstract: FieldPostings

    @classmethod
    def build(cls, start: int, titles: Sequence[str], abstracts: Sequence[str], vocabulary: Vocabulary) -> Segment:
        assert 0 < len(titles) == len(abstracts) <= MAX_SEGMENT
        return cls(
            start,
            start + len(titles),
            FieldPostings.build(titles, vocabulary, parts=True),
            FieldPostings.build(abstracts, vocabulary),
        )

    @classmethod
    def merged(cls, segments: Sequence[Segment], alphabetical: np.ndarray) -> Segment:
        """Neighbouring segments as one (they must fit: MAX_SEGMENT papers at most)."""
        start, stop = segments[0].start, segments[-1].stop
        assert stop - start <= MAX_SEGMENT and all(a.stop == b.start for a, b in zip(segments, segments[1:]))
        shifts = [segment.start - start for segment in segments]
        return cls(
            start,
            stop,
            FieldPostings.merged([segment.title for segment in segments], shifts, alphabetical),
            FieldPostings.merged([segment.abstract for segment in segments], shifts, alphabetical),
        )


    def kept(self, keep: np.ndarray, start: int) -> Segment:
        """This segment without the papers `keep` (one flag a paper) says False, from `start`."""
        count = int(np.count_nonzero(keep))
        if count == len(keep):
            return Segment(start, start + count, self.title, self.abstract)
        return Segment(start, start + count, self.title.kept(keep), self.abstract.kept(keep))


def sorted_postings(ranks: np.ndarray, counts: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """A field's postings from each posting's word (`ranks`, numbered in alphabetical order),
    paper by paper, and each paper's number of postings (`counts`): the words there are
    (ascending), their `offsets` and the `papers` of each, as `FieldPostings` keeps them."""
    local = np.repeat(np.arange(len(counts), dtype=np.int64), counts)
    # One sort orders by word, then by paper (paper numbers fit in the low 16 bits).
    pairs = (ranks.astype(np.int64) << 16) | local
    del local
    pairs.sort()
    words = pairs >> 16
    starts = np.flatnonzero(words[1:] != words[:-1]) + 1 if len(words) else np.zeros(0, dtype=np.int64)
    firsts = np.concatenate([[0], starts]) if len(words) else starts
    return words[firsts], np.append(firsts, len(words)), (pairs & 0xFFFF).astype(np.uint16)


def alphabetical_ranks(words: Sequence[str]) -> np.ndarray:
    """Each word's position in alphabetical (code point) order, by word id."""
    ranks = np.empty(len(words), dtype=np.int32)
    ranks[sorted(range(len(words)), key=words.__getitem__)] = np.arange(len(words), dtype=np.int32)
    return ranks


def fitting_runs(segments: Sequence[Segment], limit: int = MAX_SEGMENT) -> list[list[Segment]]:
    """The segments in runs of neighbours that fit in one of `limit` papers (greedily)."""
    runs: list[list[Segment]] = []
    for segment in segments:
        if runs and segment.stop - runs[-1][0].start <= limit:
            runs[-1].append(segment)
        else:
            runs.append([segment])
    return runs
