"""Where each three letters occur in the vocabulary's words: the first substring lookup of a
query word (its third letter) as one slice of an array instead of a scan of every word.

At a million papers the vocabulary is 1.5 million words, 13.8 MB of text: a scan takes 15 ms
even when nothing matches, and each match found by a regular expression costs Python work on
top. Built for large vocabularies only: once loading ends, in the background, or when the
index is kept in the cache, which keeps it too (a start from the cache builds nothing).
"""

from __future__ import annotations

import numpy as np

NEWLINE = 10
# Characters are renumbered densely; three of them and a position must fit in 64 bits.
MAX_POSITION_BITS = 32


class Trigrams:
    """The positions in `blob` (words joined by newlines) of each three characters that lie
    within one word, ascending for each."""

    # The arrays it is made of, as the cache keeps them (and the only dtypes it accepts back).
    DTYPES = {"keys": np.dtype(np.uint64), "bounds": np.dtype(np.int64), "positions": np.dtype(np.uint32), "dense": np.dtype(np.int64)}

    def __init__(self, keys: np.ndarray, bounds: np.ndarray, positions: np.ndarray, dense: np.ndarray) -> None:
        self.keys = keys  # the distinct trigrams, ascending (dense codes packed)
        self.bounds = bounds  # positions of keys[i]: positions[bounds[i] : bounds[i + 1]]
        self.positions = positions
        self.dense = dense  # code point -> dense code (0: not in the blob)
        self._bits = int(dense.max()).bit_length()

    @classmethod
    def problem(cls, keys: np.ndarray, bounds: np.ndarray, positions: np.ndarray, dense: np.ndarray, blob_length: int) -> str | None:
        """Why stored arrays cannot be used as an index of a blob at most `blob_length` long
        (None: they can). What keeps a damaged cache from making numpy read out of bounds, or
        a lookup from overflowing its 64 bits."""
        given = {"keys": keys, "bounds": bounds, "positions": positions, "dense": dense}
        if any(array.ndim != 1 or array.dtype != cls.DTYPES[name] for name, array in given.items()):
            return "arrays of the wrong shape"
        if len(keys) != len(bounds) - 1 or (len(bounds) and (bounds[0] != 0 or bounds[-1] != len(positions))):
            return "bounds that do not cut the positions"
        if np.any(bounds[1:] < bounds[:-1]) or np.any(keys[1:] <= keys[:-1]):
            return "bounds or keys out of order"
        if len(positions) and int(positions.max()) >= blob_length:
            return "a position past the words"
        if len(dense) <= NEWLINE or int(dense.min()) < 0 or 3 * int(dense.max()).bit_length() > 64:
            return "character codes out of range"
        return None

    @classmethod
    def build(cls, blob: str) -> Trigrams | None:
        """None when the blob's alphabet is too large to pack (a vocabulary of many scripts)."""
        # surrogatepass: a lone surrogate (from a JSON escape) is a character like any other.
        codes = np.frombuffer((blob + "\n").encode("utf-32-le", "surrogatepass"), dtype=np.uint32)  # a newline, surely
        seen = np.zeros(int(codes.max()) + 1, dtype=bool)
        seen[codes] = True
        dense = np.cumsum(seen, dtype=np.int64) * seen  # 1, 2, 3… for the characters present
        bits = int(dense.max()).bit_length()
        position_bits = max(1, (len(codes) - 1).bit_length())
        if position_bits > MAX_POSITION_BITS or 3 * bits + position_bits > 64:
            return None
        letters = dense[codes].astype(np.uint64)
        del codes
        inside = letters != dense[NEWLINE]
        starts = np.flatnonzero(inside[:-2] & inside[1:-1] & inside[2:]).astype(np.uint64)  # none under 3
        del inside
        packed = letters[starts] << np.uint64(2 * bits)
        packed |= letters[starts + np.uint64(1)] << np.uint64(bits)
        packed |= letters[starts + np.uint64(2)]
        del letters
        packed <<= np.uint64(position_bits)
        packed |= starts
        del starts
        packed.sort()  # by trigram, then position
        trigrams = packed >> np.uint64(position_bits)
        positions = (packed & np.uint64((1 << position_bits) - 1)).astype(np.uint32)
        del packed
        first = np.flatnonzero(np.concatenate(([len(trigrams) > 0], trigrams[1:] != trigrams[:-1])))
        keys = trigrams[first]
        bounds = np.append(first, len(trigrams)).astype(np.int64)
        return cls(keys, bounds, positions, dense)

    def positions_of(self, trigram: str) -> np.ndarray:
        """Where `trigram` (three characters, no newline) begins in the blob, ascending."""
        points = [ord(character) for character in trigram]
        if len(points) != 3 or any(point >= len(self.dense) or not self.dense[point] for point in points):
            return np.empty(0, dtype=np.uint32)
        a, b, c = (int(self.dense[point]) for point in points)
        key = np.uint64((a << (2 * self._bits)) | (b << self._bits) | c)
        at = int(np.searchsorted(self.keys, key))
        if at == len(self.keys) or self.keys[at] != key:
            return np.empty(0, dtype=np.uint32)
        return self.positions[self.bounds[at] : self.bounds[at + 1]]
