"""arXiv versions: the `vN` a service gives with a paper, as a number.

A paper's version is the latest one papertui has been told of (`Paper.version`); the marks
keep the one known when a paper was starred or read, and a later one makes it `is:updated`.
Versions come as `2406.16845v3` (the API's ids, RSS headers), `v3` (OAI-PMH's arXivRaw, the
metadata snapshot, papertui's library) or a plain number; anything else is no version.
"""

from __future__ import annotations

from typing import Any

# arXiv papers have a few dozen versions at most: a larger number is not a version.
MAX_VERSION = 999
_NAMED = {f"v{number}": number for number in range(1, 100)}


def version_number(value: Any) -> int | None:
    """3 from `3`, `"3"`, `"v3"`, `"V3"`; None for anything else (bools, 0, `v`, `v²`, 10**9)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if 1 <= value <= MAX_VERSION else None
    if not isinstance(value, str):
        return None
    known = _NAMED.get(value)  # the snapshot's "v1", "v2", … : no parsing
    if known:
        return known
    digits = value.strip()
    if digits[:1] in ("v", "V"):
        digits = digits[1:]
    # ASCII digits only, and few of them: "²".isdigit() is True and int() refuses it.
    if not (0 < len(digits) <= 3 and digits.isascii() and digits.isdigit()):
        return None
    return version_number(int(digits))


def id_version(text: str | None) -> int | None:
    """The version an arXiv id or abs/pdf URL ends with (`…/abs/2406.16845v3` → 3), or None."""
    if not text:
        return None
    tail = text.strip().rstrip("/")
    cut = tail.rfind("v")
    if cut <= 0 or not tail[cut - 1].isdigit():  # `2406.16845v3`, `hep-th/9901001v2`
        return None
    return version_number(tail[cut:])


def latest(*versions: int | None) -> int | None:
    """The highest version known among `versions` (None when none is)."""
    known = [version for version in versions if version is not None]
    return max(known) if known else None


def newer_than_seen(current: int | None, seen: int | None) -> bool:
    """Whether a paper now at `current` has moved on since the user saw it at `seen` (both
    must be known: a paper starred before its version was known is never "updated")."""
    return current is not None and seen is not None and current > seen


def version_of_object(paper: dict[str, Any]) -> int | None:
    """The version a JSON paper names: papertui's library (`"version": 3`, or `"v3"` as
    written before), the arXiv metadata snapshot (`"versions": [{"version": "v1"}, …]`, the
    highest), or an id with its version (`"id": "2406.16845v3"`)."""
    listed = paper.get("versions")
    in_list = [version_number(item.get("version")) for item in listed[:MAX_VERSION] if isinstance(item, dict)] if isinstance(listed, list) else []
    named = paper.get("id") if isinstance(paper.get("id"), str) else paper.get("arxiv_id")
    return latest(version_number(paper.get("version")), *in_list) or (id_version(named) if isinstance(named, str) else None)


def version_note(version: int | None, seen_version: int | None, marked_as: str = "read") -> str | None:
    """The detail pane's words for a paper's version: "v3", or "v3, since you read v1" when
    it moved on since it was `marked_as` ("read", "starred"); None when no version is known."""
    if version is None:
        return None
    if newer_than_seen(version, seen_version):
        return f"v{version}, since you {marked_as} v{seen_version}"
    return f"v{version}"
