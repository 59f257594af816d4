"""Startup and per-keystroke latency on the bundled seed corpus.

    python bench/seed_latency.py [--runs 5]

Startup: the real `python -m papertui` process in a pseudo-terminal (120x40), timed from
spawn until the first frame (the filter bar's placeholder is drawn) and until the corpus is
loaded and shown ("321 of 321 papers"). Keystrokes: the app under Textual's test harness,
typing queries one key at a time and then backspacing them, each key posted to the app as
the terminal driver posts it and timed until the paper list holds that key's result. The search alone (SearchIndex.search) is timed too.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import time

from textual import events

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from restart import time_start  # noqa: E402  (the same pty timing as bench/restart.py)

from papertui import bundled_seeds
from papertui.cli import make_app
from papertui.corpus import load_corpus
from papertui.search import SearchIndex

QUERIES = ["masked thought", "reinforcement learning", "llm agents benchmark"]


def startup_once(timeout: float = 20.0) -> tuple[float, float]:
    env = dict(os.environ, TERM="xterm-256color", COLORTERM="truecolor")
    first_frame, usable = time_start([], env, 321, timeout)
    if first_frame is None or usable is None:
        raise RuntimeError("the app did not draw its first frame and the seeds in time")
    return first_frame, usable


async def keystrokes() -> list[float]:
    """Seconds from each key press until the list shows that key's result."""
    latencies: list[float] = []
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        for _ in range(3):
            await app.workers.wait_for_complete()
            await pilot.pause()
        for query in QUERIES:
            typed = ""
            keys = [(char, typed := typed + char) for char in query]
            keys += [("backspace", query[:n]) for n in range(len(query) - 1, -1, -1)]
            for key, expected in keys:
                # Post the key as the terminal driver does: pilot.press() would add its own
                # wait-until-idle sleeps to every measurement.
                event = events.Key("space", " ") if key == " " else events.Key(key, None if key == "backspace" else key)
                started = time.perf_counter()
                app.post_message(event)
                while not (app.result and app.result.query == expected and app.paper_list.row_count == len(app.result.rows)):
                    await asyncio.sleep(0.0002)
                latencies.append(time.perf_counter() - started)
    return latencies


def search_only() -> list[float]:
    corpus = load_corpus([bundled_seeds()])
    index = SearchIndex(corpus.papers)
    latencies = []
    for query in QUERIES:
        for n in range(1, len(query) + 1):
            started = time.perf_counter()
            index.search(query[:n])
            latencies.append(time.perf_counter() - started)
    return latencies


def summary(values: list[float]) -> str:
    ms = sorted(v * 1000 for v in values)
    p95 = ms[min(len(ms) - 1, round(0.95 * (len(ms) - 1)))]
    return f"p50 {statistics.median(ms):.1f} ms, p95 {p95:.1f} ms, max {ms[-1]:.1f} ms (n={len(ms)})"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="startup runs (median reported)")
    args = parser.parse_args()
    runs = [startup_once() for _ in range(args.runs)]
    print(f"startup, first frame:     median {statistics.median(r[0] for r in runs) * 1000:.0f} ms over {args.runs} runs "
          f"(min {min(r[0] for r in runs) * 1000:.0f}, max {max(r[0] for r in runs) * 1000:.0f})")
    print(f"startup, corpus shown:    median {statistics.median(r[1] for r in runs) * 1000:.0f} ms over {args.runs} runs "
          f"(min {min(r[1] for r in runs) * 1000:.0f}, max {max(r[1] for r in runs) * 1000:.0f})")
    print(f"key press -> list shown:  {summary(asyncio.run(keystrokes()))}")
    print(f"search alone per key:     {summary(search_only())}")


if __name__ == "__main__":
    main()
