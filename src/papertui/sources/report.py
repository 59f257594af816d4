"""What a fetch did, for the command line and the app alike."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Callable

from papertui.corpus.text import printable

# (what is being fetched, requests done, requests expected or None when unknown)
Progress = Callable[[str, int, "int | None"], None]


def no_progress(what: str, done: int, total: int | None) -> None:
    pass


@dataclass
class FetchReport:
    """Counts and one line per notable thing, in order."""

    source: str
    requests: int = 0
    papers: int = 0  # papers in the answers
    new: int = 0  # papers the library had never seen
    files: list[str] = field(default_factory=list)
    lines: list[str] = field(default_factory=list)  # warnings and notes, one line each
    started: float = field(default_factory=time.monotonic)
    interrupted: bool = False
    unreadable: int = 0  # answers that held no paper papertui can read (a broken or refused feed)

    def note(self, line: str) -> None:
        self.lines.append(printable(" ".join(line.split())))  # a server's words: no control character reaches the terminal

    @property
    def seconds(self) -> float:
        return time.monotonic() - self.started

    @property
    def failed(self) -> str | None:
        """One line when nothing was stored because nothing sent could be read: a failure,
        not an empty day."""
        if self.papers or not self.unreadable:
            return None
        answers = f"{self.unreadable:,} answer{'s' if self.unreadable != 1 else ''}"
        return f"nothing stored: {answers} held no paper papertui can read (see the lines above)"

    def summary(self) -> str:
        stopped = " (stopped early; what was fetched is kept)" if self.interrupted else ""
        return (
            f"{self.source}: {self.papers:,} paper{'s' if self.papers != 1 else ''}, {self.new:,} new to the library, "
            f"{self.requests:,} request{'s' if self.requests != 1 else ''} in {self.seconds:.1f} s{stopped}"
        )
