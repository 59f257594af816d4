"""How one query word matches one word of a paper. The index applies this rule; it never bends it.

Tiers, best first: the same word; a prefix (the word being typed); a substring of three or
more characters; a typo (optimal string alignment distance within the budget, same first
letter) against the whole word or against its start.
"""

from __future__ import annotations

import re

from rapidfuzz.distance import OSA

WORD = re.compile(r"[^\W_]+")

EXACT = 1.0
PREFIX = 0.9
INFIX = 0.75
TYPO = 0.7  # one edit; each further edit costs TYPO_STEP
TYPO_PREFIX = 0.6
TYPO_STEP = 0.1

MIN_INFIX = 3


def tokenize(text: str) -> list[str]:
    """Words in order, case-folded: letters and digits; punctuation and `_` separate."""
    return [word.casefold() for word in WORD.findall(text)]


def query_words(query: str) -> list[str]:
    """The distinct words of a query, in order."""
    return list(dict.fromkeys(tokenize(query)))


def typo_budget(length: int) -> int:
    """Edits forgiven: none below 5 letters (too many false hits), 1 up to 8, then 2."""
    if length < 5:
        return 0
    return 1 if length < 9 else 2


def match_score(query_word: str, word: str) -> float:
    """How well `word` matches `query_word`; 0.0 when it does not."""
    if word == query_word:
        return EXACT
    if word.startswith(query_word):
        return PREFIX
    if len(query_word) >= MIN_INFIX and query_word in word:
        return INFIX
    budget = typo_budget(len(query_word))
    if budget == 0 or word[0] != query_word[0] or len(word) < len(query_word) - budget:
        return 0.0
    distance = OSA.distance(query_word, word, score_cutoff=budget)
    if distance <= budget:
        return TYPO - TYPO_STEP * (distance - 1)
    # The user may still be typing: compare with the word's start, give or take a letter.
    size = len(query_word)
    distance = min(
        OSA.distance(query_word, word[:cut], score_cutoff=budget + 1)
        for cut in (size - 1, size, size + 1)
        if cut < len(word)
    ) if len(word) > size - 1 else budget + 1
    if distance <= budget:
        return TYPO_PREFIX - TYPO_STEP * (distance - 1)
    return 0.0
