"""One self-overwriting progress line on stderr, for the command line's long jobs."""

from __future__ import annotations

import time
from typing import Callable, TextIO

PROG = "papertui"


class ProgressLine:
    """One self-overwriting line on a terminal, at most ten times a second; silent otherwise."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self.live = _is_terminal(stream)
        self._width = 0
        self._last = 0.0

    def show(self, text: str) -> None:
        now = time.monotonic()
        if not self.live or now - self._last < 0.1:
            return
        self._last = now
        line = f"{PROG}: {text}"
        self.stream.write("\r" + line.ljust(self._width))
        self.stream.flush()
        self._width = max(self._width, len(line))

    def bar(self, what: str, done: int, total: int | None, started: float, amount: Callable[[int], str] = "{:,}".format) -> None:
        """`what [#####-----] 3/10 · about 21 s left` (a count alone when the total is unknown);
        `amount` writes a count (e.g. bytes as "1.2 GB")."""
        if total:
            filled = round(20 * min(done, total) / total)
            elapsed = time.monotonic() - started
            left = f" · about {_duration(elapsed / done * (total - done))} left" if done and done < total else ""
            self.show(f"{what} [{'#' * filled}{'-' * (20 - filled)}] {amount(done)}/{amount(total)}{left}")
        else:
            self.show(f"{what} · {amount(done)} done")

    def clear(self) -> None:
        if self.live and self._width:
            self.stream.write("\r" + " " * self._width + "\r")
            self.stream.flush()


def _duration(seconds: float) -> str:
    """"21 s", or "4 min" past a minute and a half (a long read's estimate is no finer)."""
    return f"{seconds:.0f} s" if seconds < 90 else f"{seconds / 60:.0f} min"


def gigabytes(size: int) -> str:
    return f"{size / 1e9:.1f} GB" if size >= 1e9 else f"{size / 1e6:.0f} MB"


def _is_terminal(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False
