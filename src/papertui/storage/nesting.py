"""How deep JSON or TOML text nests, measured before a parser recurses into it.

`json.loads` and `tomllib` recurse once per level: a file of 100,000 `[` raises
RecursionError (or, for TOML's dotted keys `a.a.a…`, takes minutes and gigabytes). Our own
files nest three or four levels, so text past `limit` is refused before it is parsed. The
measure skips what is inside strings, and costs a couple of C-speed passes: the common
text, with few brackets at all, is answered by counting them.
"""

from __future__ import annotations

import re
from itertools import accumulate

# A JSON string: its brackets and dots are not structure.
_JSON_STRING = re.compile(r'"(?:[^"\\]|\\.)*"?', re.DOTALL)
# TOML's strings (multi-line first) and comments; leftmost wins, so a `#` in a string stays
# inside it and a quote in a comment stays inside that.
_TOML_SKIPPED = re.compile(r'"""[\s\S]*?(?:"""|$)|\'\'\'[\s\S]*?(?:\'\'\'|$)|"(?:[^"\\\n]|\\.)*"?|\'[^\'\n]*\'?|#[^\n]*')
_NOT_BRACKET = re.compile(r"[^\[\]{}]+")
_DECIMAL_POINT = re.compile(r"\d\.\d")  # a float's point is not a level of keys


def _bracket_depth(text: str) -> int:
    brackets = _NOT_BRACKET.sub("", text)
    return max(accumulate(1 if char in "[{" else -1 for char in brackets), default=0)


def json_too_deep(text: str, limit: int) -> bool:
    """Does JSON `text` nest more than `limit` arrays and objects deep?"""
    if text.count("[") + text.count("{") <= limit:
        return False
    return _bracket_depth(_JSON_STRING.sub("", text)) > limit


def toml_too_deep(text: str, limit: int) -> bool:
    """Does TOML `text` nest more than `limit` levels: arrays and inline tables, or the parts
    of one dotted key (`[a.b.c]`, `a.b.c = 1`)?"""
    if text.count("[") + text.count("{") + text.count(".") <= limit:
        return False
    bare = _TOML_SKIPPED.sub("", text)
    if _bracket_depth(bare) > limit:
        return True
    return any(line.count(".") > limit for line in _DECIMAL_POINT.sub("", bare).splitlines())
