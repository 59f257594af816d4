"""Every distinct word of the corpus, and the words a query word matches.

Typo tolerance and substring matching are decided here, once per query word, against the
vocabulary (a few hundred thousand words), never against each paper.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from itertools import filterfalse
from typing import Iterable, Iterator

import numpy as np
from rapidfuzz import process
from rapidfuzz.distance import OSA

from papertui.search.matching import (
    COMPOUND,
    INFIX,
    JOINED,
    MIN_INFIX,
    WORD,
    match_score,
    part_words,
    typo_budget,
)
from papertui.search.trigrams import Trigrams
from papertui.search.typo_keys import KEY_LENGTH, TypoKeys, query_keys

JOINED_BYTE = JOINED.encode()
_SEPARATOR_BYTES = b"-/."

# Bytes of UTF-8 text to word bytes: ASCII letters lowercased, digits kept, other ASCII a space;
# the bytes of other characters kept. For ASCII this splits exactly as `matching.WORD` +
# casefold does; a piece holding other bytes is read again by the regex (`_read_mixed_words`).
_ASCII_WORD_BYTES = bytes(
    (ord(chr(c).lower()) if chr(c).isalnum() else 0x20) if c < 128 else c for c in range(256)
)
# The same, with the compound separators kept: pieces are the runs a compound can span.
_SPAN_BYTES = bytes(c if c in _SEPARATOR_BYTES else _ASCII_WORD_BYTES[c] for c in range(256))
_NO_SEPARATORS = str.maketrans("", "", _SEPARATOR_BYTES.decode())
# A text's shape: "a" for a letter, a digit or any non-ASCII byte, "-" for a separator. A
# compound needs a separator right before a word character: with no "-a" there is none (a
# sentence's full stop or a dash between spaces is no compound), and its pass is saved.
_SHAPE_BYTES = bytes(0x2D if c in _SEPARATOR_BYTES else 0x61 if c >= 128 or chr(c).isalnum() else 0x20 for c in range(256))


def word_set(text: str, parts: bool = False) -> set[bytes]:
    """The distinct words `text` is found by (`index_words`), as UTF-8 bytes.

    Made with C passes over the bytes (translate, split) rather than a regex and a casefold
    per word. The text is cut at its ASCII characters that are neither letters, digits nor
    compound separators; no word and no compound crosses such a cut. A piece that is all
    ASCII is read by the byte passes alone; the few holding other characters are read by
    `matching`'s regexes, exactly as `index_words` reads them."""
    data = text.encode("utf-8", "surrogatepass")  # a lone surrogate is never in a word
    ascii_only = len(data) == len(text)
    words = set(data.translate(_ASCII_WORD_BYTES).split())
    if not ascii_only:
        _read_mixed_words(words)
    if (b"-" in data or b"/" in data or b"." in data) and b"-a" in data.translate(_SHAPE_BYTES):
        # Separators deleted instead of spaced: each compound comes out joined (and marked);
        # a piece holding no compound comes out as one of the words, and goes.
        joined = set(data.translate(_ASCII_WORD_BYTES, _SEPARATOR_BYTES).split()) - words
        if not ascii_only:
            joined = set(filter(bytes.isascii, joined))
            joined.update(_mixed_compounds(data, words))
        words.update(word + JOINED_BYTE for word in joined)
    if parts:
        words.update(word.encode() for word in part_words(text))
    return words


def _read_mixed_words(words: set[bytes]) -> None:
    """Replace each piece holding non-ASCII bytes with the words `matching.WORD` finds in it
    (its ASCII letters are lowercased already, as casefold would make them)."""
    mixed = list(filterfalse(bytes.isascii, words))
    words.difference_update(mixed)
    for piece in mixed:
        words.update(word.casefold().encode() for word in WORD.findall(piece.decode("utf-8", "surrogatepass")))


def _mixed_compounds(data: bytes, words: set[bytes]) -> list[bytes]:
    """The joined compounds (as `matching.joined_words` makes them, unmarked) of the runs of
    word characters and separators that hold non-ASCII bytes."""
    found = []
    for run in filterfalse(bytes.isascii, set(data.translate(_SPAN_BYTES).split())):
        for compound in COMPOUND.findall(run.decode("utf-8", "surrogatepass")):
            joined = compound.translate(_NO_SEPARATORS).casefold().encode()
            if joined not in words:
                found.append(joined)
    return found


def units(score: float) -> int:
    """A match score in integer units of 1/40: every tier and its half are whole units."""
    return round(score * 40)


INFIX_UNITS = units(INFIX)
MAX_CHUNKS = 8  # typo-key chunks a view keeps before they are merged into one
# Characters in a blob of words before its substring lookups get a trigram index (built once
# loading ends): below this a scan costs a few milliseconds, less than building one would.
TRIGRAM_TEXT = 4_000_000


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
    typo_keys: tuple[TypoKeys, ...]  # the words filed for typo lookups, in chunks
    blobs: tuple[tuple[str, np.ndarray, int], ...]  # ("\n"-joined words, starts, first id)
    _candidates: dict[str, tuple[np.ndarray, np.ndarray]] = field(default_factory=dict)
    # query word -> (ids of the words containing it, ascending; those among them not starting with it)
    _containing: dict[str, tuple[list[int], np.ndarray]] = field(default_factory=dict)
    _trigrams: dict[int, Trigrams | None] = field(default_factory=dict)  # blob number -> its index

    def other_candidates(self, query_word: str) -> tuple[np.ndarray, np.ndarray]:
        """Ids and score units of matching words that do not start with `query_word`
        (substring and typo matches); words that start with it are found per segment."""
        found = self._candidates.get(query_word)
        if found is None:
            found = _bounded(self._candidates)[query_word] = _other_candidates(self, query_word)
        return found

    def containing(self, query_word: str) -> list[int]:
        """Ids of words containing `query_word`, ascending; narrowed from the previous
        keystroke's answer."""
        return self._containing_and_infix(query_word)[0]

    def infix(self, query_word: str) -> np.ndarray:
        """Ids of words containing `query_word` but not starting with it, ascending."""
        return self._containing_and_infix(query_word)[1]

    def _containing_and_infix(self, query_word: str) -> tuple[list[int], np.ndarray]:
        found = self._containing.get(query_word)
        if found is None:
            shorter = self._containing.get(query_word[:-1])
            words = self.words
            if shorter is not None:
                ids = [i for i in shorter[0] if query_word in words[i]]
                found = ids, np.array([i for i in ids if not words[i].startswith(query_word)], dtype=np.int64)
            else:
                found = _scan_containing(self, query_word)
            _bounded(self._containing)[query_word] = found
        return found

    def substrings_wanted(self) -> bool:
        return any(True for _ in self._blobs_wanting_trigrams())

    def prepare_substrings(self) -> None:
        """Build the trigram index of each large blob of words (once; from any thread)."""
        for number, blob in list(self._blobs_wanting_trigrams()):
            self._trigrams[number] = Trigrams.build(blob)

    def whole_trigrams(self) -> Trigrams | None:
        """The trigram index of all the view's words joined as `Vocabulary.restored` takes
        them: the one it has when it is a single blob (restored, or built once loading ended),
        or built now (seconds at millions of papers). None when the words are too few to want one."""
        if len(self.blobs) == 1 and 0 in self._trigrams:
            return self._trigrams[0]
        blob = "".join(word + "\n" for word in self.words[: self.size])
        return Trigrams.build(blob) if len(blob) >= TRIGRAM_TEXT else None

    def _blobs_wanting_trigrams(self) -> Iterator[tuple[int, str]]:
        for number, (blob, _, _) in enumerate(self.blobs):
            if number not in self._trigrams and len(blob) >= TRIGRAM_TEXT:
                yield number, blob


def _bounded(cache: dict, size: int = 256) -> dict:
    if len(cache) >= size:
        cache.pop(next(iter(cache)))  # the oldest entry
    return cache


class Vocabulary:
    """Word ids for the index builder (one thread); views for searches (any thread)."""

    def __init__(self) -> None:
        self._ids: _Ids | None = _Ids()
        self.words: list[str] = []
        self.view = VocabularyView(self.words, 0, (), ())

    @classmethod
    def restored(
        cls, words: list[str], blob: str, starts: np.ndarray, typo_keys: TypoKeys, trigrams: Trigrams | None
    ) -> Vocabulary:
        """A vocabulary from stored parts (`blob`: the words joined by newlines, with a final
        one; `starts`: where each begins; `trigrams`: the blob's index, None for none: then
        none is built either, as the cache keeps one wherever it is wanted). Its word ids are
        made only if words are added."""
        vocabulary = cls()
        vocabulary._ids = None
        vocabulary.words = words
        vocabulary.view = VocabularyView(words, len(words), (typo_keys,), ((blob, starts, 0),), _trigrams={0: trigrams})
        return vocabulary

    def __len__(self) -> int:
        return len(self.words)

    def ids_of(self, words: Iterable[bytes], count: int) -> np.ndarray:
        """The id of each word (new words get new ids), as an int32 array."""
        if self._ids is None:  # restored: ids for the words there are, before any is added
            self._ids = _Ids()
            self._ids.update(zip(map(str.encode, self.words), range(len(self.words))))
            old = self.view
            self.view = VocabularyView(self.words, len(self.words), old.typo_keys, old.blobs, _trigrams=dict(old._trigrams))
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
        typo_keys = (*old.typo_keys, TypoKeys.build(added, old.size))
        if len(typo_keys) > MAX_CHUNKS:  # keeps a lookup to a few binary searches
            typo_keys = (TypoKeys.merged(typo_keys),)
        blob = "\n".join(added) + "\n"
        starts = np.zeros(len(added), dtype=np.int64)
        np.cumsum([len(word) + 1 for word in added[:-1]], out=starts[1:])
        # The blobs before stay as they were, numbered as they were: so do their trigram indexes.
        blobs = (*old.blobs, (blob, starts, old.size))
        self.view = VocabularyView(self.words, len(self.words), typo_keys, blobs, _trigrams=dict(old._trigrams))
        return self.view


def _other_candidates(view: VocabularyView, query_word: str) -> tuple[np.ndarray, np.ndarray]:
    words = view.words
    containing = view.containing(query_word) if len(query_word) >= MIN_INFIX else []
    # A word holding the query word, but not at its start, is an infix match: no scoring needed.
    ids = view.infix(query_word).tolist() if len(query_word) >= MIN_INFIX else []
    scores = [INFIX_UNITS] * len(ids)
    budget = typo_budget(len(query_word))
    if budget:
        held = set(containing)
        for word_id in _typo_candidates(view, query_word, budget):
            word = words[word_id]
            if word_id in held or word.startswith(query_word):
                continue
            score = match_score(query_word, word)
            if score > 0:
                ids.append(word_id)
                scores.append(units(score))
    return np.array(ids, dtype=np.int32), np.array(scores, dtype=np.uint8)


def _scan_containing(view: VocabularyView, query_word: str) -> tuple[list[int], np.ndarray]:
    """The words containing `query_word`, and those of them not starting with it, found where
    it occurs in each blob of words: from the blob's trigram index when it has one."""
    containing: list[np.ndarray] = []
    infix: list[np.ndarray] = []
    for number, (blob, starts, first_id) in enumerate(view.blobs):
        trigrams = view._trigrams.get(number)
        if trigrams is not None:
            positions = trigrams.positions_of(query_word[:3]).astype(np.int64)
            if len(query_word) > 3:  # the rest of the word after its first three letters
                positions = positions[[blob.startswith(query_word, p) for p in positions.tolist()]]
        elif len(query_word) > LONG_LITERAL:
            positions = np.fromiter(_occurrences(blob, query_word), dtype=np.int64)
        else:
            pattern = re.compile(re.escape(query_word))
            positions = np.fromiter((m.start() for m in pattern.finditer(blob)), dtype=np.int64)
        if not len(positions):
            continue
        words = np.searchsorted(starts, positions, side="right") - 1
        at_start = positions == starts[words]
        containing.append(np.unique(words) + first_id)
        infix.append(np.setdiff1d(words[~at_start], words[at_start]) + first_id)
    if not containing:
        return [], np.empty(0, dtype=np.int64)
    return np.concatenate(containing).tolist(), np.concatenate(infix)


# Compiling a word into a pattern costs some microseconds a letter (the regex parser is Python):
# 90 ms for a pasted 40,000-letter word, in every key. A word that long is found with str.find,
# which is slower than the regex only where there are many occurrences, and a long word has
# at most one per LONG_LITERAL characters of the words.
LONG_LITERAL = 64


def _occurrences(blob: str, word: str) -> Iterator[int]:
    """Where `word` starts in `blob`, not overlapping (as the regex's finditer finds them)."""
    position = blob.find(word)
    while position >= 0:
        yield position
        position = blob.find(word, position + len(word))


def _typo_candidates(view: VocabularyView, query_word: str, budget: int) -> Iterable[int]:
    """Ids of words within `budget` edits of `query_word`, whole or cut near its length.

    A superset of the typo matches; `match_score` then decides. The typo keys give the
    words that can be near; RapidFuzz keeps those that are, whole or cut.
    """
    if len(query_word) < KEY_LENGTH + budget:  # `typo_budget` never asks this
        return []
    keys = query_keys(query_word, budget)
    ids = np.unique(np.concatenate([chunk.candidates(keys) for chunk in view.typo_keys] or [np.empty(0, np.int32)]))
    if not len(ids):
        return []
    words = view.words
    choices = [words[i] for i in ids.tolist()]
    size = len(query_word)
    near = _near(query_word, choices, budget)
    for cut in (size - 1, size, size + 1):
        near = np.union1d(near, _near(query_word, [word[:cut] for word in choices], budget))
    return ids[near].tolist()


def _near(query_word: str, choices: list[str], budget: int) -> np.ndarray:
    """Positions of the choices within `budget` edits."""
    if not choices:
        return np.empty(0, dtype=np.int64)
    distances = process.cdist(choices, [query_word], scorer=OSA.distance, score_cutoff=budget, dtype=np.int32)
    return np.flatnonzero(distances[:, 0] <= budget)
