"""The scale benchmark: load, index, memory, keystroke and scroll latency, and `list` vs fzf.

    python bench/run.py [--sizes 1000,10000,100000,1000000] [--fzf-max 100000] [--out bench/RESULTS.md]

For each corpus size N (generated once by bench/make_corpus.py under bench/.corpora/ and
reused), one fresh process per N:
  - loads and indexes the corpus exactly as the app does (`load_and_index`), timing the
    reading/parsing and the indexing separately;
  - runs the real app on it (Textual's headless test harness, 120x40), types a 21-character
    query one key at a time and backspaces it, each key posted as the terminal driver posts
    it, 50 ms apart, and timed until the paper list holds that key's result and has drawn
    its visible rows;
  - presses PgDn 50 times in the list, each timed until the list has drawn the new page;
  - reports its peak RSS (ru_maxrss), which covers loading, indexing and the app.
Then, up to --fzf-max papers, the whole `papertui list --query Q` process against
`fzf --filter Q` over the same papers written one per line (title and abstract), the
median of --runs runs each. fzf must be installed (apt install fzf); without it that
column says so.

The first frame and the seed corpus's startup come from bench/seed_latency.py, which this
script runs too.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
QUERY = "language model reason"  # 20 characters and a space: three words, the last typed partly
SCROLL_PAGES = 50
KEY_GAP = 0.05  # seconds between key presses: a fast typist's 20 keys a second


# --- one size, in its own process --------------------------------------------------------


def measure(corpus_dir: Path, lines_path: Path | None) -> dict:
    from papertui.loading import load_and_index

    started = time.perf_counter()
    index_seconds = 0.0
    index_started: float | None = None
    step = None
    for step in load_and_index([corpus_dir]):
        # A step with `indexing` set comes just before a batch is indexed; the next, after.
        if index_started is not None:
            index_seconds += time.perf_counter() - index_started
        index_started = time.perf_counter() if step.indexing else None
    total_seconds = time.perf_counter() - started
    assert step is not None and step.done
    corpus, index = step.corpus, step.index
    rss_loaded = _peak_rss()
    if lines_path is not None:
        with lines_path.open("w", encoding="utf-8") as handle:
            for paper in corpus.papers:
                handle.write(f"{paper.title} {paper.abstract}\n")
    keys, held, scroll, search_only = asyncio.run(_drive_app(corpus, index))
    return {
        "papers": len(corpus.papers),
        "bytes": sum(path.stat().st_size for path in corpus_dir.iterdir()),
        "load_s": total_seconds - index_seconds,
        "index_s": index_seconds,
        "words": len(index._vocabulary),
        "postings_mb": index.nbytes / 1e6,
        "rss_loaded": rss_loaded,
        "rss_peak": _peak_rss(),
        "keys_ms": keys,
        "held_ms": held,
        "scroll_ms": scroll,
        "search_ms": search_only,
    }


def _peak_rss() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # KiB on Linux


async def _drive_app(corpus, index) -> tuple[list[float], list[float], list[float], list[float]]:
    from textual import events

    from papertui.cli import make_app

    app = make_app(corpus=corpus, index=index)
    keys: list[float] = []
    held: list[float] = []
    scroll: list[float] = []
    async with app.run_test(size=(120, 40)) as pilot:
        while app.loading or app.result is None:
            await pilot.pause(0.01)
        paper_list = app.paper_list
        drawn: list[int] = []
        render_line = paper_list.render_line

        def counting_render_line(y: int):
            drawn.append(y)
            return render_line(y)

        paper_list.render_line = counting_render_line  # type: ignore[method-assign]
        page = paper_list.scrollable_content_region.height
        typed = ""
        presses = [(char, typed := typed + char) for char in QUERY]
        presses += [("backspace", QUERY[:n]) for n in range(len(QUERY) - 1, -1, -1)]
        for key, expected in presses:
            event = events.Key("space", " ") if key == " " else events.Key(key, None if key == "backspace" else key)
            drawn.clear()
            started = time.perf_counter()
            app.post_message(event)
            # First when the list holds this key's result, then when it has drawn its rows.
            while not (app.result and app.result.query == expected and paper_list.row_count == len(app.result.rows)):
                await asyncio.sleep(0.0002)
            held.append((time.perf_counter() - started) * 1000)
            while len(drawn) < page:
                await asyncio.sleep(0.0002)
            keys.append((time.perf_counter() - started) * 1000)
            await asyncio.sleep(KEY_GAP)
        await pilot.pause(0.2)
        paper_list.focus()
        await pilot.pause(0.1)
        for _ in range(SCROLL_PAGES):
            if paper_list.cursor + page >= paper_list.row_count:  # a small corpus: back to the top
                paper_list.cursor = 0
                await pilot.pause(0.05)
            before = paper_list.cursor
            drawn.clear()
            started = time.perf_counter()
            app.post_message(events.Key("pagedown", None))
            # Done when the cursor has moved and the list has drawn its whole new page.
            while paper_list.cursor == before or len(drawn) < page:
                await asyncio.sleep(0.0002)
            scroll.append((time.perf_counter() - started) * 1000)
            await asyncio.sleep(KEY_GAP)
    search_only = []
    for n in range(1, len(QUERY) + 1):
        started = time.perf_counter()
        result = index.search(QUERY[:n])
        result.rows[:40]
        search_only.append((time.perf_counter() - started) * 1000)
    return keys, held, scroll, search_only


# --- the driver ----------------------------------------------------------------------------


def ensure_corpus(size: int, root: Path) -> Path:
    out = root / f"{size}"
    stamp = out / ".complete-2"  # its number goes up whenever make_corpus.py writes other papers
    if stamp.exists():
        return out
    shutil.rmtree(out, ignore_errors=True)
    started = time.perf_counter()
    subprocess.run([sys.executable, str(HERE / "make_corpus.py"), str(size), str(out)], check=True)
    stamp.write_text(f"{time.perf_counter() - started:.1f}\n")
    return out


def timed(command: list[str], stdin: Path | None = None) -> float:
    started = time.perf_counter()
    with open(stdin or os.devnull, "rb") as source:
        subprocess.run(command, stdin=source, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
    return time.perf_counter() - started


def versus_fzf(corpus_dir: Path, lines: Path, runs: int) -> dict:
    papertui = [sys.executable, "-m", "papertui", "list", "--query", QUERY, str(corpus_dir)]
    ours = [timed(papertui) for _ in range(runs)]
    fzf = shutil.which("fzf")
    theirs = [timed([fzf, "--filter", QUERY], stdin=lines) for _ in range(runs)] if fzf else []
    return {"papertui_s": statistics.median(ours), "fzf_s": statistics.median(theirs) if theirs else None, "runs": runs}


def percentiles(values: list[float]) -> tuple[float, float, float]:
    ordered = sorted(values)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return statistics.median(ordered), p95, ordered[-1]


def machine() -> str:
    cpu = platform.processor() or "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    import numpy
    import rapidfuzz
    import textual

    return (
        f"{os.cpu_count()} cores ({cpu}), {memory:.0f} GiB, Python {platform.python_version()}, "
        f"Textual {textual.__version__}, numpy {numpy.__version__}, RapidFuzz {rapidfuzz.__version__}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000,100000,1000000")
    parser.add_argument("--fzf-max", type=int, default=100_000, help="largest N to race against fzf")
    parser.add_argument("--runs", type=int, default=3, help="runs of list and fzf (median reported)")
    parser.add_argument("--corpora", type=Path, default=HERE / ".corpora")
    parser.add_argument("--out", type=Path, default=HERE / "RESULTS.md")
    parser.add_argument("--measure", type=Path, help=argparse.SUPPRESS)  # the per-size child
    parser.add_argument("--lines", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        print(json.dumps(measure(args.measure, args.lines)))
        return

    began = time.perf_counter()
    rows = []
    for size in [int(s) for s in args.sizes.split(",")]:
        corpus_dir = ensure_corpus(size, args.corpora)
        lines = args.corpora / f"{size}.lines" if size <= args.fzf_max else None
        print(f"N={size:,}: measuring…", file=sys.stderr, flush=True)
        child = [sys.executable, __file__, "--measure", str(corpus_dir)] + (["--lines", str(lines)] if lines else [])
        result = json.loads(subprocess.run(child, check=True, capture_output=True, text=True).stdout)
        if lines is not None:
            result["fzf"] = versus_fzf(corpus_dir, lines, args.runs)
            lines.unlink()
        rows.append(result)
        print(f"N={size:,}: {summarise(result)}", file=sys.stderr, flush=True)
    print("seed corpus startup…", file=sys.stderr, flush=True)
    seed_run = subprocess.run([sys.executable, str(HERE / "seed_latency.py"), "--runs", "5"], capture_output=True, text=True)
    seeds = seed_run.stdout if seed_run.returncode == 0 else f"bench/seed_latency.py failed:\n{seed_run.stderr[-2000:]}"
    elapsed = time.perf_counter() - began
    command = "python bench/run.py" + ("" if args.sizes == parser.get_default("sizes") else f" --sizes {args.sizes}")
    write_results(args.out, rows, seeds, command, elapsed)
    print(f"wrote {args.out} in {elapsed:.0f} s", file=sys.stderr)


def summarise(r: dict) -> str:
    p50, p95, top = percentiles(r["held_ms"])
    return (
        f"load {r['load_s']:.1f} s, index {r['index_s']:.1f} s, RSS {r['rss_peak'] / 1e9:.2f} GB, "
        f"key → result held p50 {p50:.1f} / p95 {p95:.1f} / max {top:.1f} ms"
    )


def write_results(out: Path, rows: list[dict], seeds: str, command: str, elapsed: float) -> None:
    table = [
        "| papers | on disk | load | index | words | peak RSS (× disk) | key → list holds result p50 / p95 / max | key → list drawn p50 / p95 / max | search alone p95, repeated (served from the caches) | PgDn → page drawn p50 / p95 / max | `list --query` | `fzf --filter` | ratio |",
        "|---:|---:|---:|---:|---:|---:|---|---|---:|---|---:|---:|---:|",
    ]
    for r in rows:
        k50, k95, kmax = percentiles(r["keys_ms"])
        h50, h95, hmax = percentiles(r["held_ms"])
        s50, s95, smax = percentiles(r["scroll_ms"])
        _, q95, _ = percentiles(r["search_ms"])
        race = r.get("fzf")
        if race is None:
            versus = ["not run", "not run", "—"]
        elif race["fzf_s"] is None:
            versus = [f"{race['papertui_s']:.2f} s", "fzf not installed", "—"]
        else:
            versus = [f"{race['papertui_s']:.2f} s", f"{race['fzf_s']:.2f} s", f"{race['papertui_s'] / race['fzf_s']:.2f}×"]
        table.append(
            f"| {r['papers']:,} | {r['bytes'] / 1e6:,.1f} MB | {r['load_s']:.1f} s | {r['index_s']:.1f} s | {r['words']:,} | "
            f"{r['rss_peak'] / 1e9:.2f} GB ({r['rss_peak'] / r['bytes']:.1f}×) | {h50:.1f} / {h95:.1f} / {hmax:.1f} ms | "
            f"{k50:.1f} / {k95:.1f} / {kmax:.1f} ms | {q95:.1f} ms | "
            f"{s50:.1f} / {s95:.1f} / {smax:.1f} ms | " + " | ".join(versus) + " |"
        )
    text = out.read_text() if out.exists() else "# Benchmark results\n"
    marker = "## Scale benchmark (bench/run.py)"
    section = "\n".join(
        [
            marker,
            "",
            f"Machine: {machine()}.",
            f"Command: `{command}` (finished in {elapsed / 60:.1f} minutes, corpus generation included when not cached).",
            f"Query typed and backspaced: `{QUERY}` ({len(QUERY)} keys each way); PgDn ×{SCROLL_PAGES} in the list.",
            "",
            *table,
            "",
            "Seed corpus (bench/seed_latency.py, real process in a 120×40 pseudo-terminal):",
            "",
            "```",
            seeds.strip(),
            "```",
            "",
        ]
    )
    if marker in text:
        head, _, rest = text.partition(marker)
        tail = rest.split("\n## ", 1)
        text = head + section + ("\n## " + tail[1] if len(tail) > 1 else "")
    else:
        text = text.rstrip() + "\n\n" + section
    out.write_text(text)


if __name__ == "__main__":
    main()
