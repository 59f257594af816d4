"""The merge keys and index word sets as papertui made them before they were made cheaper
(commit 19e7049), copied to prove the new code gives the same for every input."""

from __future__ import annotations

import hashlib
import re

from fast_records_old.matching import JOINED, index_words, part_words
from papertui.corpus.merge import MIN_ABSTRACT_KEY, MIN_TITLE_KEY
from papertui.corpus.model import Record

_NON_WORD = re.compile(r"[\W_]+")
_ASCII_NON_WORD = str.maketrans("", "", "".join(chr(c) for c in range(128) if not chr(c).isalnum()))


def text_key(text: str) -> str:
    if text.isascii():
        return text.lower().translate(_ASCII_NON_WORD)
    return _NON_WORD.sub("", text.casefold())


def stable_keys(record: Record) -> list[int]:
    keys = []
    for key in _key_texts(record):
        text = ("id", key) if isinstance(key, str) else key
        digest = hashlib.blake2b("\0".join(text).encode("utf-8", "surrogatepass"), digest_size=8).digest()
        keys.append(int.from_bytes(digest, "little"))
    return keys


def _key_texts(record: Record) -> list[str | tuple[str, ...]]:
    keys: list[str | tuple[str, ...]] = []
    if record.arxiv_id:
        keys.append(record.arxiv_id)
    if record.doi:
        keys.append(("doi", record.doi.lower()))
    abstract = text_key(record.abstract)
    if len(abstract) >= MIN_ABSTRACT_KEY:
        keys.append(("abstract", abstract))
    if record.title:
        title = text_key(record.title)
        if len(title) >= MIN_TITLE_KEY:
            keys.append(("title", title))
    if not keys and (record.title or abstract):
        keys.append(("whole", text_key(record.title or ""), abstract))
    return keys


JOINED_BYTE = JOINED.encode()
_ASCII_WORD_BYTES = bytes(
    (ord(chr(c).lower()) if chr(c).isalnum() else 0x20) if c < 128 else c for c in range(256)
)


def word_set(text: str, parts: bool = False) -> set[bytes]:
    if text.isascii():
        data = text.encode("ascii")
        words = set(data.translate(_ASCII_WORD_BYTES).split())
        if b"-" in data or b"/" in data or b"." in data:
            joined = set(data.translate(_ASCII_WORD_BYTES, b"-/.").split()) - words
            words.update(word + JOINED_BYTE for word in joined)
        if parts:
            words.update(word.encode("ascii") for word in part_words(text))
        return words
    return {word.encode() for word in index_words(text, parts)}
