"""Where the matched words are in a text, for highlighting."""

from __future__ import annotations

from typing import Collection

from papertui.search.matching import WORD


def match_spans(text: str, terms: Collection[str]) -> list[tuple[int, int]]:
    """(start, end) of each word of `text` that is one of `terms` (case-folded words)."""
    if not terms:
        return []
    return [match.span() for match in WORD.finditer(text) if match.group().casefold() in terms]
