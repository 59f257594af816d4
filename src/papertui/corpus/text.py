"""Turning untrusted bytes into clean text: decoding, control characters, whitespace."""

from __future__ import annotations

import re
import unicodedata

# Whole escape sequences go, not just the ESC byte, so no "[2J" debris is left behind.
_ESCAPE_SEQUENCE = re.compile(
    r"\x1b\[[0-?]*[ -/]*[@-~]"  # CSI: colours, cursor moves, screen clears
    r"|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?"  # OSC: titles, hyperlinks, clipboard writes
    r"|\x1b[PX^_][^\x1b]*(?:\x1b\\)?"  # DCS, SOS, PM, APC strings
    r"|\x1b[@-Z\\-_]"  # two-byte escapes
)
# C0 and C1 controls, DEL, and the bidi overrides and isolates that can reorder what is shown.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c]")
_WHITESPACE = re.compile(r"\s+")


def strip_controls(text: str) -> str:
    """Remove terminal escape sequences and control characters, keeping newlines and tabs."""
    if not text.isprintable():
        text = _ESCAPE_SEQUENCE.sub("", text)
        text = _CONTROL.sub("", text)
    return text


def clean(text: str) -> str:
    """One line of display text: NFC, no controls, runs of whitespace folded to one space."""
    text = unicodedata.normalize("NFC", strip_controls(text))
    return _WHITESPACE.sub(" ", text).strip()


def decode(data: bytes) -> tuple[str, str | None]:
    """Decode file bytes; return the text and a warning when it was not UTF-8.

    A UTF-8 BOM is dropped. Other encodings are guessed: GB18030 when the bytes decode
    strictly as such and read mostly as CJK, else Windows-1252, else Latin-1 (never fails).
    """
    try:
        return data.decode("utf-8-sig"), None
    except UnicodeDecodeError:
        pass
    for encoding in ("gb18030", "cp1252", "latin-1"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if encoding == "gb18030" and not _mostly_cjk(text):
            continue
        return text, f"not UTF-8; read as {encoding}, some characters may be wrong"
    raise AssertionError("latin-1 decodes any bytes")  # pragma: no cover


def _mostly_cjk(text: str) -> bool:
    non_ascii = [char for char in text if ord(char) > 0x7F]
    if not non_ascii:
        return False
    cjk = sum(1 for char in non_ascii if "\u3000" <= char <= "\u9fff" or "\uff00" <= char <= "\uffef")
    return cjk / len(non_ascii) > 0.8


def normalise_lines(text: str) -> str:
    """CRLF and lone CR become LF."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


def is_binary(data: bytes) -> bool:
    """A NUL byte in the first 8 KiB marks a file that is not text."""
    return b"\x00" in data[:8192]


_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9\"'(\[])")
DERIVED_TITLE_WORDS = 12


def derive_title(abstract: str) -> str:
    """A short title from an abstract's first sentence, for sources that carry none."""
    first = _SENTENCE_END.split(abstract, maxsplit=1)[0].rstrip(".")
    words = first.split()
    if len(words) <= DERIVED_TITLE_WORDS:
        return " ".join(words) or "(empty record)"
    return " ".join(words[:DERIVED_TITLE_WORDS]).rstrip(",;:") + "…"
