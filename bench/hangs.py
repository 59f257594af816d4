"""How long the inputs that once hung papertui take now: a FIFO among the files, an abstract
of unclosed display math, a large BibTeX file, and keystroke floods typed into the app.

    .venv/bin/python bench/hangs.py

The black-box paste into the real app in tmux is `bench/paste_flood.py`.
"""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from textual import events

from papertui.cli import make_app
from papertui.corpus import load_corpus

ABSTRACT = "A perfectly ordinary abstract, long enough to be recognised as the abstract of a paper."


def timed(label: str, work) -> None:
    start = time.perf_counter()
    detail = work()
    print(f"| {label} | {time.perf_counter() - start:.3f} s | {detail} |", flush=True)


def fifo(directory: Path) -> str:
    directory.mkdir()
    (directory / "good.txt").write_text(f"Abstract: {ABSTRACT}\n")
    os.mkfifo(directory / "pipe.txt")
    result = subprocess.run([sys.executable, "-m", "papertui", "stats", str(directory)], capture_output=True, text=True, timeout=60)
    return result.stderr.strip().splitlines()[-1]


def display_math(directory: Path) -> str:
    path = directory / "math.jsonl"
    path.write_text(json.dumps({"id": "2401.00001", "title": "x", "abstract": "\\[ " * (160_000 // 3)}) + "\n")
    return f"{len(load_corpus([path]).papers)} paper, {path.stat().st_size:,} bytes"


def bibtex(directory: Path) -> str:
    path = directory / "big.bib"
    path.write_text("".join(
        f"@article{{k{i},\n title={{Paper number {i} about things}},\n author={{A. Author and B. Author}},\n year={{2020}}\n}}\n"
        for i in range(40_000)
    ))  # fmt: skip
    return f"{len(load_corpus([path]).papers):,} papers"


async def flood(count: int) -> str:
    """`count` keys posted to the filter bar as the terminal driver posts them."""
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        while app.loading:
            await pilot.pause(0.01)
        typed = ("masked thought " * (count // 15 + 1))[:count]
        start = time.perf_counter()
        for char in typed:
            app.filter_bar.post_message(events.Key("space" if char == " " else char, char))
        while app.result is None or app.result.query != typed:
            await pilot.pause(0.005)
        return f"{count:,} keys: result for the whole text after {time.perf_counter() - start:.2f} s"


def main() -> None:
    print("| input | time | outcome |\n|---|---|---|")
    with tempfile.TemporaryDirectory() as temp:
        directory = Path(temp)
        timed("`papertui stats DIR` with a FIFO in DIR (process start included)", lambda: fifo(directory / "fifo"))
        timed("an abstract of 160 KB of unclosed `\\[ ` (JSON lines)", lambda: display_math(directory))
        timed("BibTeX, 40,000 entries", lambda: bibtex(directory))
    for count in (10_000, 100_000):
        timed(f"{count:,} keys without bracketed paste (in-process pilot, seeds)", lambda: asyncio.run(flood(count)))


if __name__ == "__main__":
    main()
