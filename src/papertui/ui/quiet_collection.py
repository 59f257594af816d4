"""Full garbage collections while the user pauses, not between a key and its frame.

The loader freezes the corpus and the index out of collections once they are loaded, but
Textual's own objects keep coming: a full pass over them took 16–21 ms, about a frame, and
Python started one every few seconds of typing, inside whichever key came then. While the
app runs, Python's automatic full passes are held off (young passes, a millisecond or two,
go on as before), and the app asks for a full pass on a timer once the keys have paused, or
when one is long overdue. Never while loading: a pass over a corpus being built would take
seconds on the UI thread.
"""

from __future__ import annotations

import gc
import time
from typing import Callable

QUIET = 1.0  # seconds without a key before a full pass may run
DUE = 10  # young-generation passes since the last full one: Python's own default threshold
OVERDUE = 200  # this many: collect even while keys keep coming (a paste flood that never ends)
HELD = 1_000_000  # Python's full-pass threshold while held: never reached, since a full pass resets it


class QuietCollector:
    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self.clock = clock
        self._default: int | None = None  # Python's full-pass threshold, while held
        self.passes = 0  # full passes this collector ran

    def hold(self) -> None:
        """Stop Python's automatic full passes (until `release`)."""
        young, middle, full = gc.get_threshold()
        if self._default is None:
            self._default = full
        gc.set_threshold(young, middle, HELD)

    def release(self) -> None:
        """Python's automatic full passes again, as they were."""
        if self._default is not None:
            young, middle, _ = gc.get_threshold()
            gc.set_threshold(young, middle, self._default)
            self._default = None

    def tick(self, last_key: float, busy: bool) -> bool:
        """Run a full pass if one is due and the keys have paused (or it is long overdue);
        never while `busy` (loading). True when it ran one."""
        pending = gc.get_count()[2]
        if busy or pending < DUE:
            return False
        if pending < OVERDUE and self.clock() - last_key < QUIET:
            return False
        gc.collect()
        self.passes += 1
        return True
