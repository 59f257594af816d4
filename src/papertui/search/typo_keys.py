"""Typo candidates without scanning the vocabulary: a deletion-neighbourhood index.

Two words within k edits of each other (optimal string alignment) can both be cut down to one
string by deleting at most k characters from each (SymSpell's observation), and when their
first letters agree that string can keep it. Its first KEY_LENGTH characters are then
KEY_LENGTH characters of the first KEY_LENGTH + k of each word, the first among them. The
same holds between a query word and the start of a longer word, so one index serves both
kinds of typo match.

So every word is filed under each KEY_LENGTH-character subsequence of its first
KEY_LENGTH + MAX_EDITS characters that starts with its first letter (at most 10 keys), and a
query word of n >= KEY_LENGTH + k letters looks up the same subsequences of its first
KEY_LENGTH + k (4 or 10 keys): the words filed under them are a superset of its typo matches,
found with a few binary searches whatever the vocabulary's size. Callers check each candidate.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import combinations
from typing import Sequence

import numpy as np

from papertui.packed_arrays import concatenated_ranges

KEY_LENGTH = 4
MAX_EDITS = 2  # what `matching.typo_budget` forgives at most
SPAN = KEY_LENGTH + MAX_EDITS


def _choices(edits: int) -> tuple[tuple[int, ...], ...]:
    """Positions of the kept characters, the first always among them."""
    return tuple((0, *rest) for rest in combinations(range(1, KEY_LENGTH + edits), KEY_LENGTH - 1))


_WORD_CHOICES = _choices(MAX_EDITS)


@dataclass(frozen=True, eq=False)
class TypoKeys:
    """Words first_id .. first_id + n - 1, filed by key: the ids filed under keys[j] are
    ids[offsets[j]:offsets[j + 1]]."""

    keys: np.ndarray  # uint64, ascending, distinct
    offsets: np.ndarray  # int64, len(keys) + 1
    ids: np.ndarray  # int32 word ids

    ARRAYS = ("keys", "offsets", "ids")  # what a cache stores

    @classmethod
    def build(cls, words: Sequence[str], first_id: int = 0) -> TypoKeys:
        codes = _codes(words)
        lengths = np.fromiter(map(len, words), dtype=np.int64, count=len(words))
        word_ids = np.arange(first_id, first_id + len(words), dtype=np.int32)
        keys, ids = [], []
        for kept in _WORD_CHOICES:
            fits = lengths > kept[-1]
            keys.append(_packed(codes[fits], kept))
            ids.append(word_ids[fits])
        return cls._filed(np.concatenate(keys), np.concatenate(ids))

    @classmethod
    def merged(cls, chunks: Sequence[TypoKeys]) -> TypoKeys:
        """One index filing every word of `chunks`."""
        if len(chunks) <= 1:
            return chunks[0] if chunks else cls.build([])
        keys = np.concatenate([np.repeat(chunk.keys, np.diff(chunk.offsets)) for chunk in chunks])
        ids = np.concatenate([chunk.ids for chunk in chunks])
        return cls._filed(keys, ids)

    @classmethod
    def _filed(cls, keys: np.ndarray, ids: np.ndarray) -> TypoKeys:
        order = np.argsort(keys, kind="stable")
        keys = keys[order]
        firsts = np.flatnonzero(np.diff(keys, prepend=keys[:1] - np.uint64(1)) != 0) if len(keys) else np.empty(0, np.int64)
        return cls(keys[firsts], np.append(firsts, len(keys)).astype(np.int64), ids[order])

    def candidates(self, query_keys: np.ndarray) -> np.ndarray:
        """Ids of the words filed under any of `query_keys` (repeats possible)."""
        if not len(self.keys):
            return np.empty(0, np.int32)
        where = np.searchsorted(self.keys, query_keys)
        inside = where < len(self.keys)
        where = where[inside]
        hits = where[self.keys[where] == query_keys[inside]]
        return self.ids[concatenated_ranges(self.offsets[hits], self.offsets[hits + 1])]

    @property
    def nbytes(self) -> int:
        return sum(getattr(self, name).nbytes for name in self.ARRAYS)


def query_keys(query_word: str, edits: int) -> np.ndarray:
    """The keys to look up for `query_word` with `edits` forgiven (it must have at least
    KEY_LENGTH + edits letters)."""
    assert 0 < edits <= MAX_EDITS and len(query_word) >= KEY_LENGTH + edits
    codes = _codes([query_word])
    return np.unique(np.concatenate([_packed(codes, kept) for kept in _choices(edits)]))


def _codes(words: Sequence[str]) -> np.ndarray:
    """Each word's first SPAN code points, zero-padded, one row a word (as uint64)."""
    return np.array(words, dtype=f"<U{SPAN}").view(np.uint32).reshape(-1, SPAN).astype(np.uint64)


def _packed(codes: np.ndarray, kept: tuple[int, ...]) -> np.ndarray:
    # 16 bits a character: characters beyond U+FFFF may share a key, which adds candidates
    # (checked later) and never loses one.
    key = np.zeros(len(codes), dtype=np.uint64)
    for place, position in enumerate(kept):
        key |= (codes[:, position] & np.uint64(0xFFFF)) << np.uint64(16 * place)
    return key
