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


# Words joined by a hyphen, a slash or a dot, with no space: Q-learning, text-to-video,
# encoder/decoder, Qwen2.5-VL, GPT-4o. Each is also indexed as one joined word (qlearning).
# A compound starts where a word starts (the lookbehind): without it, a long word with no
# separator (a pasted hash, a base64 blob) was matched and given back from each of its letters
# in turn, n²/2 steps — 20,000 letters in the filter took minutes. Now each letter is read a
# bounded number of times; tests/hostile/test_regex_linear.py times it.
COMPOUND = re.compile(r"(?<![^\W_])[^\W_]+(?:[-/.]+[^\W_]+)+")
_SEPARATORS = re.compile(r"[-/.]+")
# The parts of a word written as several: DeepResearchEval, MobileNet, GPT4o, Qwen2, 3D.
PART = re.compile(r"[^\W\d_](?:[^\W\d_A-Z]+)|[A-Z]+(?![a-z])|\d+|[^\W\d_]+")
_SPLITTABLE = re.compile(r"[a-z][A-Z]|[^\W\d_]\d|\d[^\W\d_]")


def tokenize(text: str) -> list[str]:
    """Words in order, case-folded: letters and digits; punctuation and `_` separate."""
    return [word.casefold() for word in WORD.findall(text)]


# Ends a joined compound's word in the index: `qlearning` + JOINED is found by the query word
# qlearning (as a prefix), while a substring search knows it is not in the text as written.
JOINED = "\x00"


def joined_words(text: str) -> list[str]:
    """Each compound joined and marked (`Q-learning` → qlearning␀, `GPT-4` → gpt4␀), unless
    the text also has the joined word as written."""
    plain = None
    found = []
    for match in COMPOUND.findall(text):
        joined = _SEPARATORS.sub("", match).casefold()
        plain = set(tokenize(text)) if plain is None else plain
        if joined not in plain:
            found.append(joined + JOINED)
    return found


def part_words(text: str) -> list[str]:
    """The parts of camelCase and letter-digit words (`DeepResearchEval` → deep research
    eval, `Qwen2` → qwen 2); single letters are left out."""
    found: list[str] = []
    if _splittable(text):
        for word in WORD.findall(text):
            if _SPLITTABLE.search(word):
                found += [part.casefold() for part in PART.findall(word) if len(part) > 1 or part.isdigit()]
    return found


# Text's shape as UTF-8 bytes: "a" for an ASCII lower-case letter, "A" for a capital, "0" for
# a digit, a space for any other byte.
_SHAPE = bytes(
    0x61 if chr(c).islower() else 0x41 if chr(c).isupper() else 0x30 if chr(c).isdigit() else 0x20 for c in range(128)
) + bytes(0x20 for _ in range(128, 256))
_DIGIT = re.compile(r"\d")


def _splittable(text: str) -> bool:
    """Whether `_SPLITTABLE` is found in `text`, mostly by substring scans of its shape: the
    regex, tried at every character, cost 4 µs a title. A letter beside a digit needs a digit,
    and a small letter before a capital is ASCII, seen in the shape whatever surrounds it."""
    shape = text.encode("utf-8", "surrogatepass").translate(_SHAPE)
    if b"aA" in shape:
        return True
    if text.isascii():
        return b"a0" in shape or b"A0" in shape or b"0a" in shape or b"0A" in shape
    return _DIGIT.search(text) is not None and _SPLITTABLE.search(text) is not None


def index_words(text: str, parts: bool = False) -> list[str]:
    """Every word a paper's text is found by: its plain words, its compounds joined, and
    (`parts`, for titles) the parts of its camelCase and letter-digit words. A word such as
    DeepResearchEval in an abstract is still found by `research`, as a substring."""
    return tokenize(text) + joined_words(text) + (part_words(text) if parts else [])


def query_words(query: str) -> list[str]:
    """The distinct words of a query, in order. A compound typed as one (`q-learning`,
    `u-net`, `gpt-4`) is one word, joined, so that `q` alone never stands for every Q-word."""
    words = []
    position = 0
    for match in COMPOUND.finditer(query):
        words += tokenize(query[position : match.start()])
        words.append(_SEPARATORS.sub("", match.group()).casefold())
        position = match.end()
    words += tokenize(query[position:])
    return list(dict.fromkeys(words))


# Typos are forgiven in words people type, never this long. Aligning two words (RapidFuzz) costs
# the product of their lengths: past this, a pasted 20,000-letter word made it the one part of a
# key that grew with the square of the word, and such a word is no one's typo of another.
MAX_TYPO_LENGTH = 64


def typo_budget(length: int) -> int:
    """Edits forgiven: none below 5 letters (too many false hits), 1 up to 8, then 2; none
    past MAX_TYPO_LENGTH."""
    if length < 5 or length > MAX_TYPO_LENGTH:
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
