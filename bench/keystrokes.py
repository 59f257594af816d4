"""What the user sees: each keystroke until the screen settles, measured from outside, in tmux.

    python bench/keystrokes.py [--sizes seeds,10000,100000,1000000] [--json FILE] [--before SRC]
    python bench/keystrokes.py --file /work/bench-data/snapshot-2.7M.jsonl --keep /work/bench-data/cache-keys [--before SRC]

For each corpus, `papertui list --query` first runs cold (it reads, indexes and keeps the corpus
in the cache: that time is reported). Then the real app runs in a tmux pane (120x40), starting
from the cache: the time from spawn until the first frame and until every paper is searchable.
A query is typed one key at a time and then backspaced; for each key, the time from
`tmux send-keys` until the pane stops changing (polled every 2 ms with `capture-pane -e`, so
colour changes count; settled = the last change before 300 ms of stillness). The next key waits
for that stillness. Then PgDn ×20 from the filter bar, timed the same way, and the process's
peak RSS. The floor is the cheapest Textual app that echoes each key into an `Input` and a
status line, measured the same way before the first corpus and again before any corpus that
comes more than four minutes later (the 1M one, after its cold build): what Textual and tmux
cost alone.
Every run gets its own data, config and cache directories, and a steady cursor
(`cursor_blink = false`) so that a blink is never taken for a change. Synthetic corpora come
from bench/make_corpus.py (kept under bench/.corpora/).

Then, at --fzf-size papers (default 100k), `papertui list --query` on the cached corpus (the
cache that corpus's run built, when it was measured) against `fzf --filter` over the same
papers (one line each, title and abstract), the median of three runs each (fzf must be
installed: apt install fzf).
With --before SRC (a checkout's `src` directory, e.g. of an earlier commit made with
`git worktree add`), that papertui is measured too, from a cold start (it keeps no cache).

With --file PATH, an existing file is measured instead of the --sizes corpora (e.g. the
2.7M-paper snapshot); with --keep DIR, each version's data, config and cache live in
DIR/<version>-<file name> and are reused: the cold `list` (minutes and gigabytes at 2.7M) runs
only when that cache is empty, and both versions then start from their own cache.
The first key after a restart: a second query (FIRST_QUERY) is typed as soon as every paper is
searchable, before the 1.5 s pause the main query waits for, and reported on its own.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
QUERY = "language model reason"
FIRST_QUERY = "graph neural"  # typed first after a start: no lookup of it is cached yet
PAGES = 20
ROUNDS = 1  # the query is typed and backspaced this many times
POLL = 0.002
QUIET = 0.3
KEY_TIMEOUT = 5.0
FLOOR_AGE = 240.0  # seconds: an older floor is measured again before the next corpus
SIZE = (120, 40)

FLOOR_APP = '''
from textual.app import App
from textual.widgets import Input, Static

class Floor(App):
    def compose(self):
        yield Input(placeholder="Filter: words", id="filter")
        yield Static("ready", id="status")

    def on_mount(self):
        self.query_one(Input).cursor_blink = False

    def on_input_changed(self, event):
        self.query_one("#status", Static).update(f"typed: {event.value!r} ({len(event.value)})")

Floor().run()
'''


@dataclass
class Target:
    name: str
    command: list[str]
    env: dict[str, str]
    ready: re.Pattern[str]  # the pane shows this once the app can be used
    papers: int | None = None
    times: dict[str, list[float]] = field(default_factory=dict)
    facts: dict[str, object] = field(default_factory=dict)


def tmux(*arguments: str) -> str:
    return subprocess.run(["tmux", *arguments], capture_output=True, text=True, check=False).stdout


def capture(session: str, styled: bool = True) -> str:
    return tmux("capture-pane", "-p", *(["-e"] if styled else []), "-t", session)


def start(session: str, target: Target) -> float:
    tmux("kill-session", "-t", session)
    command = " ".join(f"'{part}'" for part in target.command)
    environment = [f"{name}='{value}'" for name, value in target.env.items()]
    started = time.perf_counter()
    subprocess.run(
        ["tmux", "new-session", "-d", "-s", session, "-x", str(SIZE[0]), "-y", str(SIZE[1]),
         f"exec env {' '.join(environment)} {command}"],
        check=True,
    )  # fmt: skip
    return started


def wait_for(session: str, pattern: re.Pattern[str], timeout: float, still: float = 0.0) -> float:
    """When the pane first shows `pattern` (and then stays unchanged for `still` seconds)."""
    deadline = time.perf_counter() + timeout
    seen_at = None
    last = ""
    while time.perf_counter() < deadline:
        screen = capture(session, styled=False)
        now = time.perf_counter()
        if pattern.search(screen):
            if seen_at is None or screen != last:
                seen_at, last = now, screen
            if now - seen_at >= still:
                return seen_at
        else:
            seen_at = None
        time.sleep(0.01 if still else POLL)
    raise TimeoutError(f"{session}: no {pattern.pattern!r} within {timeout:.0f} s:\n{capture(session, styled=False)}")


def settle_after(session: str, keys: list[str]) -> float:
    """Seconds from sending `keys` until the pane's last change before QUIET of stillness."""
    before = capture(session)
    sent = time.perf_counter()
    tmux("send-keys", "-t", session, *keys)
    last_change = None
    screen = before
    while True:
        time.sleep(POLL)
        now = time.perf_counter()
        current = capture(session)
        if current != screen:
            screen, last_change = current, now
        elif last_change is not None and now - last_change >= QUIET:
            return last_change - sent
        elif last_change is None and now - sent > KEY_TIMEOUT:
            return float("nan")  # the key changed nothing visible


def type_query(session: str, query: str) -> list[float]:
    times = [settle_after(session, ["-l", character]) for character in query]
    times += [settle_after(session, ["BSpace"]) for _ in query]
    return times


def peak_rss(session: str) -> int | None:
    pid = tmux("display-message", "-p", "-t", session, "#{pane_pid}").strip()
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return None
    found = re.search(r"VmHWM:\s+(\d+) kB", status)
    return int(found.group(1)) * 1024 if found else None


def build_cache(target: Target, timeout: float) -> float:
    """Seconds for `papertui list --query` to load, index and keep the corpus (a cold run)."""
    command = [*target.command[:3], "list", "--query", QUERY, "--format", "links", *target.command[3:]]
    started = time.perf_counter()
    subprocess.run(command, env={**os.environ, **target.env}, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=timeout, check=True)
    return time.perf_counter() - started


def run_target(target: Target, load_timeout: float, rounds: int = ROUNDS) -> None:
    session = f"bench-{os.getpid()}"
    try:
        started = start(session, target)
        first = wait_for(session, re.compile(r"Filter"), load_timeout)
        ready = wait_for(session, target.ready, load_timeout)
        target.facts["start first frame"] = first - started
        target.facts["start searchable"] = ready - started
        if "PAPERTUI_CACHE_DIR" in target.env:  # papertui, not the floor
            target.times["first keys"] = type_query(session, FIRST_QUERY)  # at once, as a user would
        wait_for(session, target.ready, load_timeout, still=1.5)  # background work done
        target.times["keys"] = [t for _ in range(rounds) for t in type_query(session, QUERY)]
        pages = PAGES if target.papers else 8  # the 321 seed papers are 9 pages
        target.times["pgdn"] = [settle_after(session, ["PageDown"]) for _ in range(pages)]
        target.facts["peak rss"] = peak_rss(session)
        tmux("send-keys", "-t", session, "C-q")
        time.sleep(0.5)
    finally:
        tmux("kill-session", "-t", session)


def papertui_target(name: str, corpus: Path | None, home: Path, papers: int | None, source: Path | None = None) -> Target:
    home.mkdir(parents=True, exist_ok=True)
    config = home / "config.toml"
    config.write_text("[app]\ncursor_blink = false\nsort = \"relevance\"\n", encoding="utf-8")
    env = {
        "PAPERTUI_DATA_DIR": str(home / "data"),
        "PAPERTUI_CACHE_DIR": str(home / "cache"),
        "PAPERTUI_CONFIG": str(config),
        "TERM": "xterm-256color",
    }
    if source is not None:
        env["PYTHONPATH"] = str(source)
    command = [sys.executable, "-m", "papertui", *([str(corpus)] if corpus else [])]
    # The status line with every paper (321 for the seeds: no two synthetic papers merge; a
    # given file: any count, as its papers merge).
    count = "[\\d,]+" if papers == -1 else f"{papers or 321:,}"
    ready = re.compile(rf"^ *[\d,]+ of {count} papers(?!.*%)", re.M)  # % : the load bar
    return Target(name, command, env, ready, papers)


def percentiles(values: list[float]) -> tuple[float, float, float]:
    ms = sorted(v * 1000 for v in values if v == v)
    if not ms:
        return (float("nan"),) * 3
    p95 = ms[min(len(ms) - 1, round(0.95 * (len(ms) - 1)))]
    return statistics.median(ms), p95, ms[-1]


def describe(target: Target, floor_keys: tuple[float, float, float]) -> str:
    keys = percentiles(target.times["keys"])
    pgdn = percentiles(target.times["pgdn"])
    facts = target.facts
    first = percentiles(target.times.get("first keys", []))
    line = (
        f"{target.name:>8}: keys p50/p95/max {keys[0]:.1f} / {keys[1]:.1f} / {keys[2]:.1f} ms"
        f" (excess over the floor p50 {keys[0] - floor_keys[0]:+.1f}, p95 {keys[1] - floor_keys[1]:+.1f} ms)"
        f"; PgDn p50/p95/max {pgdn[0]:.1f} / {pgdn[1]:.1f} / {pgdn[2]:.1f} ms"
        f" (p95 over the floor's keys {pgdn[1] - floor_keys[1]:+.1f})"
        f"; first keys after the start p50/p95/max {first[0]:.1f} / {first[1]:.1f} / {first[2]:.1f} ms"
        f"; start (cache warm for now) {facts['start first frame']:.2f} s / {facts['start searchable']:.2f} s"
        f", peak RSS {(facts['peak rss'] or 0) / 2**20:.0f} MB"
    )
    if "cold list" in facts:
        line += f"; cold `list --query` (load, index, keep) {facts['cold list']:.1f} s"
    return line


def race_fzf(corpus: Path, home: Path, papers: int, runs: int = 3) -> dict:
    """`papertui list --query` with the cache warm, against `fzf --filter`, same query.
    `home`: a measured run's directory (its cache is reused) or a new one."""
    home.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ, PAPERTUI_CACHE_DIR=str(home / "cache"), PAPERTUI_DATA_DIR=str(home / "data"))
    lines = home / "papers.lines"
    command = [sys.executable, "-m", "papertui", "list", "--query", QUERY, "--format", "jsonl", str(corpus)]
    with lines.open("w", encoding="utf-8") as out:  # every paper, one line each, for fzf
        listed = subprocess.run([*command[:4], "--format", "jsonl", str(corpus)], env=env, capture_output=True, text=True, check=True)
        for line in listed.stdout.splitlines():
            paper = json.loads(line)
            out.write(f"{paper['title']} {paper['abstract']}\n".replace("\n", " ").rstrip() + "\n")

    def timed(arguments: list[str], stdin: Path | None = None) -> float:
        with open(stdin or os.devnull, "rb") as source:
            started = time.perf_counter()
            subprocess.run(arguments, stdin=source, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env, check=False)
            return time.perf_counter() - started

    timed(command)  # builds the cache
    ours = statistics.median(timed(command) for _ in range(runs))
    fzf = shutil.which("fzf")
    theirs = statistics.median(timed([fzf, "--filter", QUERY], lines) for _ in range(runs)) if fzf else None
    ratio = f"{ours / theirs:.2f}×" if theirs else "fzf not installed"
    print(f"list --query at {papers:,} papers, cached: {ours:.2f} s; fzf --filter: {theirs or float('nan'):.2f} s; {ratio}", flush=True)
    return {"papertui_s": ours, "fzf_s": theirs, "runs": runs}


def ensure_corpus(size: int, root: Path) -> Path:
    sys.path.insert(0, str(HERE))
    from run import ensure_corpus as make

    return make(size, root)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="seeds,10000,100000,1000000")
    parser.add_argument("--corpora", type=Path, default=HERE / ".corpora")
    parser.add_argument("--json", type=Path, help="write every measurement here")
    parser.add_argument("--load-timeout", type=float, default=400.0)
    parser.add_argument("--before", type=Path, help="also measure the papertui in this source directory")
    parser.add_argument("--fzf-size", type=int, default=100_000, help="papers for the race against fzf (0: none)")
    parser.add_argument("--file", type=Path, help="measure this file instead of the --sizes corpora")
    parser.add_argument("--keep", type=Path, help="keep each version's cache here and reuse it")
    parser.add_argument("--versions", default="before,now", help="which of them to measure (before needs --before)")
    parser.add_argument("--label", help="the --file's name in the output and under --keep (default: its stem)")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="papertui-keys-"))
    if args.file:
        args.sizes, args.fzf_size = args.label or args.file.stem, 0
    floor_script = work / "floor.py"
    floor_script.write_text(FLOOR_APP, encoding="utf-8")
    floor = Target("empty Textual app", [sys.executable, str(floor_script)], {"TERM": "xterm-256color"}, re.compile("ready"))
    results: dict[str, object] = {}
    floor_keys, floor_measured = (0.0, 0.0, 0.0), -FLOOR_AGE
    for size in args.sizes.split(","):
        if args.file:
            corpus, papers = args.file, -1
        else:
            corpus = None if size == "seeds" else ensure_corpus(int(size), args.corpora)
            papers = None if size == "seeds" else int(size)
        versions = [("before", args.before)] if args.before else []
        wanted = args.versions.split(",")
        for version, source in [v for v in versions + [("now", None)] if v[0] in wanted]:
            home = (args.keep or work) / f"{version}-{size}"
            target = papertui_target(size, corpus, home, papers, source)
            cache = home / "cache"
            if args.keep and cache.is_dir() and any(cache.rglob("arrays.bin")):
                print(f"{version:>6} {size}: the cache in {cache} is reused", flush=True)
            elif version == "now" or args.keep:  # a cold run builds the cache; the app then starts from it
                target.facts["cold list"] = build_cache(target, args.load_timeout)
            if time.monotonic() - floor_measured >= FLOOR_AGE:  # the machine's state drifts over a long run
                floor.times.clear()
                run_target(floor, 30, rounds=1)
                floor_keys, floor_measured = percentiles(floor.times["keys"]), time.monotonic()
                print(f"{'floor':>6} {size:>8}: keys p50/p95/max {floor_keys[0]:.1f} / {floor_keys[1]:.1f} / {floor_keys[2]:.1f} ms", flush=True)
                results[f"floor {size}"] = {"keys": floor.times["keys"]}
            run_target(target, args.load_timeout)
            print(f"{version:>6} {describe(target, floor_keys)}", flush=True)
            results[f"{version} {size}"] = {"times": target.times, "facts": target.facts, "floor": floor_keys}
    if args.fzf_size:
        measured = work / f"now-{args.fzf_size}"  # its cache is warm: no second cold build
        home = measured if measured.exists() else work / "fzf"
        results["fzf"] = race_fzf(ensure_corpus(args.fzf_size, args.corpora), home, args.fzf_size)
    if args.json:
        args.json.write_text(json.dumps(results, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
