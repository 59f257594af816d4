"""Where the last digest stopped: `digest.json` in the data directory.

It holds the newest `first_seen` the last digest saw (the next one lists papers first seen
after it: exact whatever the clocks, since both times are the library's own) and the arXiv
versions the digests have told of (a newer version of a starred paper is said once, not
every morning until it is read again). It is written atomically, and only after a digest
was written whole. A file that cannot be read is a warning: the digest then starts afresh.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Mapping

from papertui.storage.files import data_dir, write_atomically
from papertui.storage.nesting import json_too_deep
from papertui.storage.regular_files import read_regular_bytes, shown

DIGEST_FILE = "digest.json"
DIGEST_LIMIT = 16 << 20  # an entry per starred or read paper with a newer version: kilobytes
FORMAT_VERSION = 1
FUTURE_SLACK = timedelta(hours=1)  # clocks of two machines sharing a data directory differ a little
SINCE_UNITS = {"h": 1, "d": 24, "w": 24 * 7}
SINCE_HELP = "a date (2026-03-01), a time (2026-03-01T07:00, UTC unless it says), or a span back from now: 12h, 3d, 2w"


@dataclass
class DigestMark:
    last: str | None = None  # the newest first_seen the last digest saw
    told_versions: dict[str, int] = field(default_factory=dict)  # arXiv id -> version told of
    problem: str | None = None  # one line: why the file was not used


def mark_path(directory: Path | None = None) -> Path:
    return (directory or data_dir()) / DIGEST_FILE


def read_mark(directory: Path | None = None, now: datetime | None = None) -> DigestMark:
    """The last digest's mark (empty before the first, or when it lies in the future). Never raises."""
    path = mark_path(directory)
    try:
        raw = read_regular_bytes(path, DIGEST_LIMIT)
    except FileNotFoundError:
        return DigestMark()
    except OSError as error:
        return DigestMark(problem=f"cannot read {shown(path)} ({error.strerror or error}); this digest starts afresh")
    try:
        text = raw.decode("utf-8")
        data = None if json_too_deep(text, 8) else json.loads(text)
    except (ValueError, RecursionError):
        data = None
    if not isinstance(data, dict):
        return DigestMark(problem=f"{shown(path)} is not what papertui writes; this digest starts afresh and replaces it")
    last = data.get("last")
    last = last if isinstance(last, str) and iso_time(last) == last else None
    told = data.get("told_versions")
    told_versions = {k: v for k, v in told.items() if isinstance(k, str) and type(v) is int} if isinstance(told, dict) else {}
    if last is not None and last > iso((now or datetime.now(timezone.utc)) + FUTURE_SLACK):
        # Papers fetched while the clock ran ahead: kept, every later paper would seem old.
        return DigestMark(None, told_versions, f"the last digest's mark in {shown(path)} is in the future ({last}: a clock that was wrong?); this digest starts afresh")
    return DigestMark(last, told_versions)


def write_mark(last: str | None, told_versions: Mapping[str, int], directory: Path | None = None) -> None:
    """Record where this digest stopped. Raises OSError."""
    data = {"version": FORMAT_VERSION, "last": last, "told_versions": dict(sorted(told_versions.items()))}
    write_atomically(mark_path(directory), json.dumps(data, indent=1) + "\n")


def iso_time(text: str) -> str | None:
    """`text` as the library writes times (UTC, to the second), or None when it is no time."""
    try:
        when = datetime.fromisoformat(text.strip().replace("Z", "+00:00").replace("z", "+00:00"))
        when = when.replace(tzinfo=timezone.utc) if when.tzinfo is None else when.astimezone(timezone.utc)
    except (ValueError, OverflowError):  # OverflowError: year 1 at +05:00 is before year 1 in UTC
        return None
    return iso(when)


def iso(when: datetime) -> str:
    """strftime's %Y drops the leading zeros of years before 1000 on some systems."""
    return f"{when.year:04d}-{when.month:02d}-{when.day:02d}T{when.hour:02d}:{when.minute:02d}:{when.second:02d}Z"


def parse_since(text: str, now: datetime | None = None) -> str:
    """`--since`: a date, an ISO time or a span back from now (`3d`), as an ISO time in UTC.
    Raises ValueError with a one-line message."""
    given = text.strip()
    now = now or datetime.now(timezone.utc)
    unit = given[-1:].lower()
    number = given[:-1]
    if unit in SINCE_UNITS and number.isascii() and number.isdigit() and len(number) <= 6:
        try:
            return iso(now - timedelta(hours=int(number) * SINCE_UNITS[unit]))
        except OverflowError:  # further back than year 1: every paper
            return iso(datetime.min)
    if len(given) <= 40 and given.isascii():  # fromisoformat needs no more; a page of text is no time
        when = iso_time(given)
        if when is not None:
            return when
    shown_text = repr(given) if len(given) <= 40 else repr(given[:40]) + "…"
    raise ValueError(f"not a time: {shown_text}; give {SINCE_HELP}")
