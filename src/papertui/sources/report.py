"""What a fetch did, for the command line and the app alike."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Callable

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

    def note(self, line: str) -> None:
        self.lines.append(" ".join(line.split()))

    @property
    def seconds(self) -> float:
        return time.monotonic() - self.started

    def summary(self) -> str:
        stopped = " (stopped early; what was fetched is kept)" if self.interrupted else ""
        return (
            f"{self.source}: {self.papers:,} paper{'s' if self.papers != 1 else ''}, {self.new:,} new to the library, "
            f"{self.requests:,} request{'s' if self.requests != 1 else ''} in {self.seconds:.1f} s{stopped}"
        )
