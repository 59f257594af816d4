"""Turning untrusted bytes into clean text: decoding, control characters, whitespace."""

from __future__ import annotations

import codecs
import re
import unicodedata
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Iterator

# Whole escape sequences go, not just the ESC byte, so no "[2J" debris is left behind.
_ESCAPE_SEQUENCE = re.compile(
    r"\x1b\[[0-?]*[ -/]*[@-~]"  # CSI: colours, cursor moves, screen clears
    r"|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?"  # OSC: titles, hyperlinks, clipboard writes
    r"|\x1b[PX^_][^\x1b]*(?:\x1b\\)?"  # DCS, SOS, PM, APC strings
    r"|\x1b[@-Z\\-_]"  # two-byte escapes
)
# C0 and C1 controls, DEL, and the bidi overrides and isolates that can reorder what is shown.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c]")


# Lone surrogates: JSON can spell them (`"\ud800"`), and no file or terminal can take them.
_SURROGATE = re.compile(r"[\ud800-\udfff]")
REPLACEMENT = "\ufffd"

# How many controls and escapes the loader's current file lost, and how many invalid
# characters it had replaced (see `counting_removals`).
_removed: ContextVar[list[int] | None] = ContextVar("removed", default=None)


@contextmanager
def counting_removals() -> Iterator[list[int]]:
    """Count what `strip_controls` removes ([0]) and replaces ([1]) in this thread until the
    block ends."""
    tally = [0, 0]
    _removed.set(tally)
    try:
        yield tally
    finally:
        _removed.set(None)


def add_removals(removed: int, replaced: int) -> None:
    """Count removals made elsewhere (a worker process reading part of the file) as if made
    here, in the block of `counting_removals` this thread is in (if any)."""
    tally = _removed.get()
    if tally is not None:
        tally[0] += removed
        tally[1] += replaced


def strip_controls(text: str) -> str:
    """Remove terminal escape sequences and control characters, keeping newlines and tabs;
    replace lone surrogates with U+FFFD, so that the text can always be written out."""
    if not text.isprintable() and not _printable_lines(text):
        text, sequences = _ESCAPE_SEQUENCE.subn("", text)
        text, controls = _CONTROL.subn("", text)
        text, surrogates = _SURROGATE.subn(REPLACEMENT, text)
        tally = _removed.get()
        if tally is not None:
            tally[0] += sequences + controls
            tally[1] += surrogates
    return text


def _printable_lines(text: str) -> bool:
    """Whether `text` is printable but for newlines and tabs, which an abstract nearly always
    has: then it holds no control, escape or surrogate, and three regex passes are saved."""
    return _printable(text.replace("\n", " ").replace("\t", " "))


_ASCII_PRINTABLE = bytes(range(0x20, 0x7F))


def _printable(text: str) -> bool:
    """`text.isprintable()`; for ASCII text one byte pass, ten times faster than the
    character table lookups of str.isprintable."""
    if text.isascii():
        return not text.encode("ascii").translate(None, _ASCII_PRINTABLE)
    return text.isprintable()


def valid_unicode(text: str) -> str:
    """`text` with every lone surrogate replaced by U+FFFD: encodable as UTF-8."""
    return _SURROGATE.sub(REPLACEMENT, text) if not text.isprintable() else text


# Joiners, presentation selectors and skin tones make terminals draw a sequence of emoji in
# fewer (or more) cells than the sum of its characters' widths, and each terminal differently;
# the layout measures characters one by one. Without them every emoji is drawn as measured.
_EMOJI_SEQUENCE_PARTS = re.compile("[\u200d\ufe0e\ufe0f\U0001f3fb-\U0001f3ff]")


def drawable(text: str) -> str:
    """`text` as the screen shows it: emoji sequences taken apart, so that every character
    is drawn in the cells it is measured by (a ZWJ family as its members, ❤️ as ❤)."""
    if text.isascii():
        return text
    return _EMOJI_SEQUENCE_PARTS.sub("", text)


def printable(text: str) -> str:
    """Text shown as is, except that each control character is spelt out (`\\x1b`, `\\n`),
    for names such as file names, which must be shown whole and on one line."""
    if text.isprintable():
        return text
    return "".join(char if char.isprintable() else repr(char)[1:-1] for char in text)


def clean(text: str, normalized: bool = False) -> str:
    """One line of display text: NFC, no controls, runs of whitespace folded to one space.

    `normalized`: `text` is in NFC already (the LaTeX reader gave it); then it is normalized
    again only if a control was removed (which can join a letter to an accent)."""
    if not text.isascii():
        stripped = strip_controls(text)
        text = stripped if normalized and stripped is text else unicodedata.normalize("NFC", stripped)
    if text.isprintable() and "  " not in text:  # the common case: at most an outer space
        return text.strip()
    spaced = text.replace("\n", " ").replace("\t", " ")
    if _printable(spaced):  # an abstract's lines: no control, and no whitespace but the space
        spaced = spaced.strip()
        while "  " in spaced:  # each pass halves every run of spaces
            spaced = spaced.replace("  ", " ")
        return spaced
    # str.split() folds the same whitespace as `\s+`, several times faster than re.sub.
    return " ".join(strip_controls(text).split())


def decode(data: bytes) -> tuple[str, str | None]:
    """Decode file bytes; return the text and a warning when it was not UTF-8.

    A UTF-8 BOM is dropped; UTF-16 is read by its BOM. Other encodings are guessed:
    GB18030 when the bytes are shaped like Chinese double-byte text, else Windows-1252,
    else Latin-1 (which never fails).
    """
    try:
        return data.decode("utf-8-sig"), None
    except UnicodeDecodeError:
        pass
    candidates = ["cp1252", "latin-1"]
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        candidates.insert(0, "utf-16")
    elif _shaped_like_gb(data):
        candidates.insert(0, "gb18030")
    for encoding in candidates:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        return text, f"not UTF-8; read as {encoding}, some characters may be wrong"
    raise AssertionError("latin-1 decodes any bytes")  # pragma: no cover


def _shaped_like_gb(data: bytes, sample: int = 65536) -> bool:
    """Chinese double-byte text: a byte >= 0x80 nearly always pairs with another >= 0x80.

    Latin-1 accents (é = 0xE9) are followed by ASCII letters, which GB18030 would
    otherwise happily read as Chinese characters.
    """
    data = data[:sample]
    pairs = ascii_trails = index = 0
    while index < len(data) - 1:
        if data[index] < 0x80:
            index += 1
            continue
        pairs += 1
        ascii_trails += data[index + 1] < 0x80
        index += 2
    return pairs > 0 and ascii_trails <= pairs // 10


def normalise_lines(text: str) -> str:
    """CRLF and lone CR become LF."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


_BINARY_MAGIC = (b"%PDF-", b"\x89PNG", b"GIF8", b"\xff\xd8\xff", b"PK\x03\x04", b"\x1f\x8b", b"\x7fELF")
# Bytes that text never needs (tab, line ends, form feed and ESC are left out).
_BINARY_BYTES = bytes(set(range(0x20)) - {0x09, 0x0A, 0x0C, 0x0D, 0x1B})
BINARY_SHARE = 0.05


def utf16_encoding(data: bytes) -> str | None:
    """"utf-16" for text with a UTF-16 byte order mark; "utf-16-le" or "utf-16-be" for
    UTF-16 without one (text in Latin script has a NUL in every other byte); else None."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    sample = data[:8192]
    pairs = len(sample) // 2
    if pairs < 8:
        return None
    even, odd = sample[0 : 2 * pairs : 2], sample[1 : 2 * pairs : 2]
    for encoding, zeros, chars in (("utf-16-le", odd, even), ("utf-16-be", even, odd)):
        # Half the bytes NUL, and the other half text: not control bytes, as binary data has.
        if zeros.count(0) > 0.4 * pairs and len(chars) - len(chars.translate(None, _BINARY_BYTES)) < 0.05 * pairs:
            return encoding
    return None


def is_binary(data: bytes) -> bool:
    """A known binary signature, or more than 5% control bytes in the first 8 KiB.

    A stray NUL in a text file does not make it binary: its records still load; nor do the
    NULs of UTF-16.
    """
    if data.startswith(_BINARY_MAGIC):
        return True
    if utf16_encoding(data):
        return False
    sample = data[:8192]
    controls = len(sample) - len(sample.translate(None, _BINARY_BYTES))
    return controls > BINARY_SHARE * len(sample)


_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9\"'(\[])")
DERIVED_TITLE_WORDS = 12


def derive_title(abstract: str) -> str:
    """A short title from an abstract's first sentence, for sources that carry none."""
    first = _SENTENCE_END.split(abstract, maxsplit=1)[0].rstrip(".")
    words = first.split()
    if len(words) <= DERIVED_TITLE_WORDS:
        return " ".join(words) or "(empty record)"
    return " ".join(words[:DERIVED_TITLE_WORDS]).rstrip(",;:") + "…"
