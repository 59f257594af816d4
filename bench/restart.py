"""A restart without anyone watching the screen: spawn to first frame, and to every paper searchable.

    python bench/restart.py CORPUS PAPERS [--cache DIR] [--runs 5] [--floor]

The real `python -m papertui CORPUS` in a 120x40 pseudo-terminal, timed from spawn until the
filter bar's placeholder arrives on the terminal (the first frame) and until the status line
says "of PAPERS papers" with no load bar (every paper searchable). Nothing polls the screen,
unlike bench/keystrokes.py, whose 2 ms captures take CPU from the app. With `--cache` pointing
at a directory that already holds the corpus (e.g. one bench/keystrokes.py left behind, or any
earlier run with the same PAPERTUI_CACHE_DIR), this is the restart from the cache. With
`--floor`, the first frame of the cheapest Textual app with the same filter bar is timed first.
"""

from __future__ import annotations

import argparse
import fcntl
import os
import pty
import select
import statistics
import struct
import subprocess
import sys
import tempfile
import termios
import time


# The floor: the cheapest Textual app with the same filter bar (its first frame is Python's
# start, Textual's import and one frame).
FLOOR_APP = """
from textual.app import App
from textual.widgets import Input, Static


class Floor(App):
    def compose(self):
        yield Input(placeholder="Filter: words")
        yield Static("ready")


Floor().run()
"""


def time_start(
    arguments: list[str], env: dict[str, str], papers: int, timeout: float, command: list[str] | None = None
) -> tuple[float | None, float | None]:
    """Seconds from spawning `papertui ARGUMENTS` until its first frame, and until "of PAPERS
    papers" with no load bar; None for what did not come within `timeout`. With `command`
    instead, only its first frame is waited for."""
    leader, follower = pty.openpty()
    fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))
    started = time.perf_counter()
    process = subprocess.Popen(
        command or [sys.executable, "-m", "papertui", *arguments], stdin=follower, stdout=follower, stderr=follower, env=env, close_fds=True
    )
    os.close(follower)
    output = b""
    first = searchable = None
    done = f"of {papers:,} papers".encode()
    try:
        while time.perf_counter() - started < timeout and searchable is None:
            ready, _, _ = select.select([leader], [], [], 0.01)
            if not ready:
                continue
            try:
                output += os.read(leader, 1 << 16)
            except OSError:
                break
            now = time.perf_counter() - started
            if first is None and b"ilter: words" in output:  # the F may carry the cursor's style
                first = now
                if command:
                    break
            if done in output and b"%" not in output[-400:]:  # "%": the load bar is still drawn
                searchable = now
    finally:
        process.kill()
        process.wait()
        os.close(leader)
    return first, searchable


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus")
    parser.add_argument("papers", type=int)
    parser.add_argument("--cache", help="PAPERTUI_CACHE_DIR for the runs (default: a new, empty one)")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--timeout", type=float, default=600.0)
    parser.add_argument("--floor", action="store_true", help="first time the first frame of the cheapest Textual app")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="papertui-restart-") as home:  # the data, and the cache unless given
        env = dict(
            os.environ, TERM="xterm-256color", COLORTERM="truecolor",
            PAPERTUI_CACHE_DIR=args.cache or os.path.join(home, "cache"), PAPERTUI_DATA_DIR=os.path.join(home, "data"),
        )  # fmt: skip
        if args.floor:
            script = os.path.join(home, "floor.py")
            with open(script, "w", encoding="utf-8") as file:
                file.write(FLOOR_APP)
            floors = [time_start([], env, 0, 30, [sys.executable, script])[0] for _ in range(args.runs)]
            seen = [f for f in floors if f is not None]
            print(f"floor first frame: median {statistics.median(seen):.2f} s {[round(f, 2) for f in seen]}" if seen else "floor: not seen")
        runs = [time_start([args.corpus], env, args.papers, args.timeout) for _ in range(args.runs)]
        firsts = [f for f, _ in runs if f is not None]
        ready = [s for _, s in runs if s is not None]
        print(f"first frame: median {statistics.median(firsts):.2f} s {[round(f, 2) for f in firsts]}" if firsts else "first frame: not seen")
        print(f"searchable:  median {statistics.median(ready):.2f} s {[round(s, 2) for s in ready]}" if ready else "searchable: not seen")


if __name__ == "__main__":
    main()
