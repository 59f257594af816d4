"""The whole arXiv (2.7M papers) as a newcomer meets it: first read, restart, an added day.

    python bench/whole_arxiv.py SNAPSHOT [--day DAY_FILE] [--query WORDS] [--limit N] [--python PY] [--src DIR]

Each step is `papertui list --query WORDS --limit N --format jsonl` run as a whole process under
/usr/bin/time (wall seconds and peak RSS of the largest process), with a fresh PAPERTUI_CACHE_DIR;
sampled every quarter second besides: the peak of the whole process tree's RSS (the parent and
its reading workers together) and of the cache directory's bytes (a snapshot being built holds
the papers' texts twice for a moment, while they are copied into its pack):
  1. first read: the snapshot read, indexed and kept in the cache (cache size measured after);
  2. restart: the same command again, from the cache;
  3. added day (with --day): DAY_FILE joins the snapshot in its directory (hard links in a
     scratch directory beside it), and the kept load is brought up to date.
`--src DIR` runs another checkout's code (PYTHONPATH=DIR, e.g. a `git worktree` of the commit
before) for the "before" column. `uptime` is printed beside every step: other work on the
machine slows it. Make the snapshot with bench/make_snapshot.py.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path


def tree_rss(root: int) -> int:
    """Bytes resident in process `root` and all its descendants (threads not counted twice)."""
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            children.setdefault(int(fields[1]), []).append(int(entry.name))
            rss[int(entry.name)] = int(fields[21]) * os.sysconf("SC_PAGE_SIZE")
        except (OSError, IndexError, ValueError):
            continue
    total, todo = 0, [root]
    while todo:
        pid = todo.pop()
        total += rss.get(pid, 0)
        todo += children.get(pid, [])
    return total


def run(step: str, argv: list[str], env: dict[str, str], cache: Path | None = None) -> None:
    load = Path("/proc/loadavg").read_text().split()[:3]
    process = subprocess.Popen(["/usr/bin/time", "-f", "%e %M", *argv], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    peaks = [0, 0]

    def sample() -> None:
        while process.poll() is None:
            peaks[0] = max(peaks[0], tree_rss(process.pid))
            if cache is not None:
                try:
                    peaks[1] = max(peaks[1], cache_size(cache))
                except OSError:
                    pass
            time.sleep(0.25)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    stdout, stderr = process.communicate()
    sampler.join()
    wall, peak = stderr.strip().splitlines()[-1].split()
    matches = len(stdout.splitlines())
    notes = [line for line in stderr.splitlines()[:-1] if "note" in line or "warning" in line][:3]
    print(f"{step:12} exit {process.returncode}  wall {float(wall):7.1f} s  peak RSS {int(peak) / 1024:8,.0f} MB  "
          f"tree {peaks[0] / 2**20:8,.0f} MB  cache peak {peaks[1] / 1e9:.2f} GB  matches {matches:,}  load {' '.join(load)}", flush=True)
    for note in notes:
        print(f"{'':12} {note[:160]}")


def cache_size(root: Path) -> int:
    seen, total = set(), 0
    for f in root.rglob("*"):
        try:
            state = f.lstat()
        except OSError:
            continue
        if f.is_file() and not f.is_symlink() and (state.st_dev, state.st_ino) not in seen:
            seen.add((state.st_dev, state.st_ino))  # a pack linked into two snapshots is there once
            total += state.st_size
    return total


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("snapshot", type=Path)
    parser.add_argument("--day", type=Path, help="a file of the next day's papers (bench/make_snapshot.py --first)")
    parser.add_argument("--query", default="reward alignment")
    parser.add_argument("--limit", type=int, default=20, help="papers printed (the search still covers all; 0: every match)")
    parser.add_argument("--python", default=sys.executable)
    parser.add_argument("--src", type=Path, help="the checkout's src/ to run (default: the installed papertui)")
    args = parser.parse_args()
    scratch = Path(tempfile.mkdtemp(prefix="whole-arxiv-", dir=args.snapshot.parent))
    try:
        folder = scratch / "arxiv"
        folder.mkdir()
        os.link(args.snapshot, folder / args.snapshot.name)  # same disk: no copy of 5 GB
        env = {**os.environ, "PAPERTUI_CACHE_DIR": str(scratch / "cache"), "PAPERTUI_DATA_DIR": str(scratch / "data"),
               "XDG_CONFIG_HOME": str(scratch / "config")}
        if args.src:
            env["PYTHONPATH"] = str(args.src)
        command = [args.python, "-m", "papertui", "list", "--no-library", "--no-zotero", "--query", args.query, "--format", "jsonl", str(folder)]
        if args.limit:
            command[-1:-1] = ["--limit", str(args.limit)]
        size = args.snapshot.stat().st_size
        print(f"{args.snapshot.name}: {size / 1e9:.2f} GB; query {args.query!r}; {args.src or 'installed papertui'}")
        run("first read", command, env, scratch / "cache")
        print(f"{'cache':12} {cache_size(scratch / 'cache') / 1e9:.2f} GB ({cache_size(scratch / 'cache') / size:.0%} of the file)")
        run("restart", command, env)
        if args.day:
            os.link(args.day, folder / args.day.name)
            run("added day", command, env, scratch / "cache")
            run("restart", command, env)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()
