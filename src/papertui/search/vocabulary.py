"""Every distinct word of the corpus, and the words a query word matches.

Typo tolerance and substring matching are decided here, once per query word, against the
vocabulary (a few hundred thousand words), never against each paper.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Iterable, Iterator, Mapping

import numpy as np
from rapidfuzz import process
from rapidfuzz.distance import OSA

from papertui.search.matching import JOINED, MIN_INFIX, index_words, match_score, part_words, typo_budget

JOINED_BYTE = JOINED.encode()

# Bytes of ASCII text to word bytes: letters lowercased, digits kept, everything else a space.
# For ASCII this splits exactly as `matching.WORD` + casefold does.
_ASCII_WORD_BYTES = bytes(
    (ord(chr(c).lower()) if chr(c).isalnum() else 0x20) if c < 128 else c for c in range(256)
)


def word_set(text: str, parts: bool = False) -> set[bytes]:
    """The distinct words `text` is found by (`index_words`), as UTF-8 bytes."""
    if text.isascii():  # the fast path: C passes to translate and split
        data = text.encode("ascii")
        words = set(data.translate(_ASCII_WORD_BYTES).split())
        if b"-" in data or b"/" in data or b"." in data:
            # Separators deleted instead of spaced: each compound comes out joined (and marked).
            joined = set(data.translate(_ASCII_WORD_BYTES, b"-/.").split()) - words
            words.update(word + JOINED_BYTE for word in joined)
        if parts:
            words.update(word.encode("ascii") for word in part_words(text))
        return words
    return {word.encode() for word in index_words(text, parts)}


def units(score: float) -> int:
    """A match score in integer units of 1/40: every tier and its half are whole units."""
    return round(score * 40)


class _Ids(dict[bytes, int]):
    """word bytes -> id; an unseen word gets the next id as it is looked up."""

    def __init__(self) -> None:
        super().__init__()
        self.new: list[bytes] = []

    def __missing__(self, word: bytes) -> int:
        self[word] = value = len(self)
        self.new.append(word)
        return value


@dataclass(frozen=True, eq=False)
class VocabularyView:
    """The first `size` words, with the lookups query matching needs. Never changed once made,
    so a search thread can use it while the loader adds words; its caches die with it."""

    words: list[str]  # append-only, shared; only words[:size] belong to this view
    size: int
    by_first: Mapping[str, tuple[list[str], np.ndarray]]  # first letter -> (words, ids)
    blobs: tuple[tuple[str, np.ndarray, int], ...]  # ("\n"-joined words, starts, first id)
    _candidates: dict[str, tuple[np.ndarray, np.ndarray]] = field(default_factory=dict)
    _containing: dict[str, list[int]] = field(default_factory=dict)
    _cut_words: dict[tuple[str, int], list[str]] = field(default_factory=dict)
    _by_length: dict[str, tuple[list[str], np.ndarray, np.ndarray]] = field(default_factory=dict)

    def other_candidates(self, query_word: str) -> tuple[np.ndarray, np.ndarray]:
        """Ids and score units of matching words that do not start with `query_word`
        (substring and typo matches); words that start with it are found per segment."""
        found = self._candidates.get(query_word)
        if found is None:
            found = _bounded(self._candidates)[query_word] = _other_candidates(self, query_word)
        return found

    def containing(self, query_word: str) -> list[int]:
        """Ids of words containing `query_word`; narrowed from the previous keystroke's answer."""
        found = self._containing.get(query_word)
        if found is None:
            shorter = self._containing.get(query_word[:-1])
            if shorter is not None:
                words = self.words
                found = [i for i in shorter if query_word in words[i]]
            else:
                found = _scan_containing(self, query_word)
            _bounded(self._containing)[query_word] = found
        return found

    def by_length(self, letter: str) -> tuple[list[str], np.ndarray, np.ndarray]:
        """The words starting with `letter`, shortest first: (words, ids, lengths)."""
        found = self._by_length.get(letter)
        if found is None and isinstance(self.by_first, LetterGroups):  # stored in this order
            found = self._by_length[letter] = self.by_first.by_length(letter)
        if found is None:
            words, ids = self.by_first[letter]
            lengths = np.fromiter(map(len, words), dtype=np.int32, count=len(words))
            order = np.argsort(lengths, kind="stable")
            found = ([words[i] for i in order.tolist()], ids[order], lengths[order])
            self._by_length[letter] = found
        return found

    def cut_words(self, letter: str, cut: int) -> list[str]:
        """The words starting with `letter` and longer than `cut`, cut to `cut` characters,
        in `by_length` order (they are its tail)."""
        key = (letter, cut)
        found = self._cut_words.get(key)
        if found is None:
            words, _, lengths = self.by_length(letter)
            start = int(np.searchsorted(lengths, cut + 1))
            found = _bounded(self._cut_words, 16)[key] = [word[:cut] for word in words[start:]]
        return found


def _bounded(cache: dict, size: int = 256) -> dict:
    if len(cache) >= size:
        cache.pop(next(iter(cache)))  # the oldest entry
    return cache


class LetterGroups(Mapping[str, tuple[list[str], np.ndarray]]):
    """`VocabularyView.by_first` from stored arrays: each letter's words are made into a list
    only when a typo search first needs them, so a restored vocabulary starts at once."""

    def __init__(self, words: list[str], order: np.ndarray, letters: dict[str, tuple[int, int]], lengths: np.ndarray) -> None:
        self._words, self._order, self._letters, self._lengths = words, order, letters, lengths
        self._made: dict[str, tuple[list[str], np.ndarray]] = {}

    def by_length(self, letter: str) -> tuple[list[str], np.ndarray, np.ndarray]:
        """What `VocabularyView.by_length` gives: the groups are stored shortest first."""
        words, ids = self[letter]
        return words, ids, self._lengths[ids]

    def __getitem__(self, letter: str) -> tuple[list[str], np.ndarray]:
        found = self._made.get(letter)
        if found is None:
            start, stop = self._letters[letter]
            ids = np.asarray(self._order[start:stop])
            found = self._made[letter] = ([self._words[i] for i in ids.tolist()], ids)
        return found

    def __contains__(self, letter: object) -> bool:
        return letter in self._letters

    def __iter__(self) -> Iterator[str]:
        return iter(self._letters)

    def __len__(self) -> int:
        return len(self._letters)


def letter_groups(words: list[str]) -> tuple[np.ndarray, dict[str, tuple[int, int]]]:
    """Word ids grouped by first letter, shortest first within a letter (ties by id): what
    `LetterGroups` reads back."""
    firsts = [word[0] for word in words]
    letters = sorted(set(firsts))
    code = {letter: number for number, letter in enumerate(letters)}
    keys = np.fromiter((code[letter] for letter in firsts), dtype=np.int64, count=len(words))
    lengths = np.fromiter(map(len, words), dtype=np.int64, count=len(words))
    order = np.lexsort((np.arange(len(words)), lengths, keys)).astype(np.int32)
    bounds = np.searchsorted(keys[order], np.arange(len(letters) + 1))
    return order, {letter: (int(bounds[n]), int(bounds[n + 1])) for n, letter in enumerate(letters)}


class Vocabulary:
    """Word ids for the index builder (one thread); views for searches (any thread)."""

    def __init__(self) -> None:
        self._ids: _Ids | None = _Ids()
        self.words: list[str] = []
        self.view = VocabularyView(self.words, 0, {}, ())

    @classmethod
    def restored(cls, words: list[str], blob: str, starts: np.ndarray, order: np.ndarray, letters: dict[str, tuple[int, int]]) -> Vocabulary:
        """A vocabulary from stored parts (`blob`: the words joined by newlines, with a final
        one; `starts`: where each begins). Its word ids are made only if words are added."""
        vocabulary = cls()
        vocabulary._ids = None
        vocabulary.words = words
        lengths = np.diff(np.append(starts, len(blob))).astype(np.int32) - 1  # each word's "\n" left out
        groups = LetterGroups(words, order, letters, lengths)
        vocabulary.view = VocabularyView(words, len(words), groups, ((blob, starts, 0),))
        return vocabulary

    def __len__(self) -> int:
        return len(self.words)

    def ids_of(self, words: Iterable[bytes], count: int) -> np.ndarray:
        """The id of each word (new words get new ids), as an int32 array."""
        if self._ids is None:  # restored: ids for the words there are, before any is added
            self._ids = _Ids()
            self._ids.update((word.encode(), number) for number, word in enumerate(self.words))
            self.view = VocabularyView(self.words, len(self.words), dict(self.view.by_first.items()), self.view.blobs)
        ids = np.fromiter(map(self._ids.__getitem__, words), dtype=np.int32, count=count)
        new = self._ids.new
        if new:
            self.words.extend(word.decode() for word in new)
            self._ids.new = []
        return ids

    def publish(self) -> VocabularyView:
        """Make the words added since the last call visible to searches."""
        old = self.view
        if old.size == len(self.words):
            return old
        added = self.words[old.size :]
        first_ids = np.arange(old.size, len(self.words), dtype=np.int32)
        by_first = dict(old.by_first)
        groups: dict[str, list[int]] = {}
        for offset, word in enumerate(added):
            groups.setdefault(word[0], []).append(offset)
        for letter, offsets in groups.items():
            words, ids = by_first.get(letter, ([], np.empty(0, np.int32)))
            by_first[letter] = (words + [added[i] for i in offsets], np.concatenate([ids, first_ids[offsets]]))
        blob = "\n".join(added) + "\n"
        starts = np.zeros(len(added), dtype=np.int64)
        np.cumsum([len(word) + 1 for word in added[:-1]], out=starts[1:])
        self.view = VocabularyView(self.words, len(self.words), by_first, (*old.blobs, (blob, starts, old.size)))
        return self.view


def _other_candidates(view: VocabularyView, query_word: str) -> tuple[np.ndarray, np.ndarray]:
    found: set[int] = set()
    if len(query_word) >= MIN_INFIX:
        found.update(view.containing(query_word))
    budget = typo_budget(len(query_word))
    if budget:
        found.update(_typo_candidates(view, query_word, budget))
    words = view.words
    ids, scores = [], []
    for word_id in found:
        word = words[word_id]
        if word.startswith(query_word):
            continue
        score = match_score(query_word, word)
        if score > 0:
            ids.append(word_id)
            scores.append(units(score))
    return np.array(ids, dtype=np.int32), np.array(scores, dtype=np.uint8)


def _scan_containing(view: VocabularyView, query_word: str) -> list[int]:
    pattern = re.compile(re.escape(query_word))
    found: list[int] = []
    for blob, starts, first_id in view.blobs:
        positions = np.fromiter((m.start() for m in pattern.finditer(blob)), dtype=np.int64)
        if len(positions):
            found.extend((np.searchsorted(starts, positions, side="right") - 1 + first_id).tolist())
    return list(dict.fromkeys(found))


def _typo_candidates(view: VocabularyView, query_word: str, budget: int) -> Iterable[int]:
    """Ids of words within `budget` edits of `query_word`, whole or cut near its length.

    A superset of the typo matches (same first letter); `match_score` then decides. Only
    words of a fitting length are compared: within `budget` of the query's for a whole
    word, longer than the cut for a cut one (shorter ones are compared whole).
    """
    letter = query_word[0]
    if letter not in view.by_first:
        return []
    words, ids, lengths = view.by_length(letter)
    size = len(query_word)
    found: list[np.ndarray] = []
    low, high = np.searchsorted(lengths, [size - budget, size + budget + 1])
    found.append(low + _near(query_word, words[low:high], budget))
    for cut in (size - 1, size, size + 1):
        start = int(np.searchsorted(lengths, cut + 1))
        found.append(start + _near(query_word, view.cut_words(letter, cut), budget))
    return ids[np.concatenate(found)].tolist()


def _near(query_word: str, choices: list[str], budget: int) -> np.ndarray:
    """Positions of the choices within `budget` edits, compared on every core."""
    if not choices:
        return np.empty(0, dtype=np.int64)
    # Choices as the rows: cdist spreads rows over its worker threads.
    distances = process.cdist(choices, [query_word], scorer=OSA.distance, score_cutoff=budget, dtype=np.int32, workers=-1)
    return np.flatnonzero(distances[:, 0] <= budget)
