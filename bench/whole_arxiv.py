"""The whole arXiv (2.7M papers) as a newcomer meets it: first read, restart, an added day.

    python bench/whole_arxiv.py SNAPSHOT [--day DAY_FILE] [--query WORDS] [--limit N] [--python PY] [--src DIR]

Each step is `papertui list --query WORDS --limit N --format jsonl` run as a whole process under
/usr/bin/time (wall seconds and peak RSS, which counts the largest process: the parent, whose
papers and index dwarf a reader's range), with a fresh PAPERTUI_CACHE_DIR:
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
from pathlib import Path


def run(step: str, argv: list[str], env: dict[str, str]) -> None:
    load = Path("/proc/loadavg").read_text().split()[:3]
    done = subprocess.run(["/usr/bin/time", "-f", "%e %M", *argv], env=env, capture_output=True, text=True)
    wall, peak = done.stderr.strip().splitlines()[-1].split()
    matches = len(done.stdout.splitlines())
    notes = [line for line in done.stderr.splitlines()[:-1] if "note" in line or "warning" in line][:3]
    print(f"{step:12} exit {done.returncode}  wall {float(wall):7.1f} s  peak RSS {int(peak) / 1024:8,.0f} MB  "
          f"matches {matches:,}  load {' '.join(load)}", flush=True)
    for note in notes:
        print(f"{'':12} {note[:160]}")


def cache_size(root: Path) -> int:
    return sum(f.stat().st_size for f in root.rglob("*") if f.is_file() and not f.is_symlink())


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
        run("first read", command, env)
        print(f"{'cache':12} {cache_size(scratch / 'cache') / 1e9:.2f} GB ({cache_size(scratch / 'cache') / size:.0%} of the file)")
        run("restart", command, env)
        if args.day:
            os.link(args.day, folder / args.day.name)
            run("added day", command, env)
            run("restart", command, env)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()
