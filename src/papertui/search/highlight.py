"""The words a query matched, and where they are in a text: for highlighting."""

from __future__ import annotations

from typing import Collection, Sequence

from papertui.search.matching import WORD, match_score


def match_spans(text: str, terms: Collection[str]) -> list[tuple[int, int]]:
    """(start, end) of each word of `text` that is one of `terms` (case-folded words)."""
    if not terms:
        return []
    return [match.span() for match in WORD.finditer(text) if match.group().casefold() in terms]


class Terms:
    """The corpus words a query matched, for highlighting: `word in terms`."""

    def __init__(self, words: Sequence[str] = ()) -> None:
        self.words = tuple(words)
        self._seen: dict[str, bool] = {}

    def __contains__(self, word: object) -> bool:
        if not isinstance(word, str) or not self.words:
            return False
        hit = self._seen.get(word)
        if hit is None:
            hit = self._seen[word] = any(match_score(q, word) > 0 for q in self.words)
        return hit

    def __bool__(self) -> bool:
        return bool(self.words)

    def __eq__(self, other: object) -> bool:  # the same words highlight the same
        return isinstance(other, Terms) and other.words == self.words

    def __hash__(self) -> int:
        return hash(self.words)

    def __repr__(self) -> str:
        return f"Terms({self.words!r})"


NO_TERMS = Terms()
