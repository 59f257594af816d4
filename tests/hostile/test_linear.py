"""Every parser and text pass takes time in proportion to its input: loading 8 times the
input takes about 8 times as long, never 64 (a pass that is quadratic). The test compares
two sizes in one run, so it holds on a slow or busy machine; the bound leaves room for
noise while a quadratic pass overshoots it many times over."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Callable

import pytest

from papertui.corpus import load_corpus
from papertui.corpus.latex import latex_to_text
from test_parser_properties import WRITERS

GROWTH = 8
# Linear: about 8 (caches and the collector add a little). Quadratic: about 64.
MAX_RATIO = 20
pytestmark = pytest.mark.xdist_group("timing")  # n vs 8n timings: under -n, one worker runs them all, one after another


def paper(n: int, abstract: str | None = None) -> dict:
    return {
        "title": f"Paper number {n} on sparse graph kernels",
        "abstract": abstract or f"We study problem {n}. " + "Graph kernels scale to large sparse inputs with provable bounds. " * 6,
        "id": f"2{n % 5}{n % 12 + 1:02d}.{n:05d}",
        "authors": [f"Ann Author{n}", "Bob Builder"],
        "categories": ["cs.LG"],
        "published": "2024-01-02",
        "upvotes": n % 50,
    }


def best_time(work: Callable[[], object], runs: int = 3) -> float:
    best = float("inf")
    for _ in range(runs):
        start = time.perf_counter()
        work()
        best = min(best, time.perf_counter() - start)
    return best


def growth_of_loading(tmp_path: Path, text_of: Callable[[int], str], size: int) -> float:
    times = []
    for n in (size, size * GROWTH):
        path = tmp_path / f"input-{n}.txt"
        path.write_text(text_of(n), encoding="utf-8")
        times.append(best_time(lambda: load_corpus([path])))
    return times[1] / times[0]


@pytest.mark.parametrize("fmt", sorted(WRITERS))
def test_many_records_load_in_linear_time(fmt, tmp_path):
    write, _ = WRITERS[fmt]
    ratio = growth_of_loading(tmp_path, lambda n: write([paper(i) for i in range(n)]), 300)
    assert ratio < MAX_RATIO, f"{fmt}: {GROWTH}x the records took {ratio:.1f}x as long"


@pytest.mark.parametrize("fmt", sorted(WRITERS))
def test_one_giant_record_loads_in_linear_time(fmt, tmp_path):
    write, _ = WRITERS[fmt]
    words = "lorem ipsum dolor sit amet consectetur adipiscing elit "
    ratio = growth_of_loading(tmp_path, lambda n: write([paper(1, words * n)]), 2000)
    assert ratio < MAX_RATIO, f"{fmt}: an {GROWTH}x longer record took {ratio:.1f}x as long"


def test_unclosed_display_math_is_linear():
    """`\\[ ` repeated with no closing: each opening was tried against the whole rest."""
    times = [best_time(lambda: latex_to_text("\\[ " * n)) for n in (5_000, 5_000 * GROWTH)]
    assert times[1] / times[0] < MAX_RATIO


def test_a_record_of_unclosed_display_math_loads_in_linear_time(tmp_path):
    write, _ = WRITERS["json-lines"]
    ratio = growth_of_loading(tmp_path, lambda n: write([paper(1, "\\[ " * n)]), 2_000)
    assert ratio < MAX_RATIO


def test_bibtex_line_numbers_are_counted_forward(tmp_path):
    """Entries far apart in lines: counting every entry's line from the file's start was quadratic."""
    ratio = growth_of_loading(
        tmp_path, lambda n: "".join(f"@misc{{k{i}, title={{Entry {i} of many}}}}" + "\n" * 200 for i in range(n)), 400
    )
    assert ratio < MAX_RATIO


def test_bibtex_entries_left_open_on_one_line_are_linear(tmp_path):
    """Every entry on one line, none closed: each one scanned the rest of the file."""
    ratio = growth_of_loading(tmp_path, lambda n: "".join(f"@misc{{k{i}, title={{Open {i} " for i in range(n)), 2_000)
    assert ratio < MAX_RATIO


def test_author_lists_with_long_whitespace_are_linear(tmp_path):
    write, _ = WRITERS["json-lines"]
    ratio = growth_of_loading(tmp_path, lambda n: write([dict(paper(1), authors=["Ann" + " " * n + "Bob"])]), 5_000)
    assert ratio < MAX_RATIO
