"""An added day brought into a kept load of the whole arXiv: the update as a whole process.

    python bench/added_day.py SNAPSHOT --day DAY_FILE --work DIR [--runs N] [--src DIR] [--from-cache DIR]

What bench/whole_arxiv.py's "added day" step measures, without a first read before each run:
the first read is kept once in DIR/kept (a folder DIR/arxiv holding a hard link to SNAPSHOT is
the input), and each run starts from a copy of it made of hard links (a published snapshot is
never written into, so the copies share its pack safely). A run links DAY_FILE into the
folder and times `papertui list --query WORDS` (wall seconds and peak RSS under /usr/bin/time:
the update, the new snapshot kept, the answer), then the restart from what it kept, and the
cache's size on disk. `--src DIR` runs another checkout's code (PYTHONPATH=DIR: the "before"
column). `--from-cache DIR`: make DIR/kept from a kept load of SNAPSHOT given by itself (as
bench/keystrokes.py --keep keeps them) instead of reading it: the same papers, index and merge
state, with the meta file saying the folder's paths (no 10-minute first read at 2.7M).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path


def run(step: str, argv: list[str], env: dict[str, str]) -> None:
    load = Path("/proc/loadavg").read_text().split()[:3]
    done = subprocess.run(["/usr/bin/time", "-f", "%e %M", *argv], env=env, capture_output=True, text=True)
    wall, peak = done.stderr.strip().splitlines()[-1].split()
    notes = [line for line in done.stderr.splitlines()[:-1]][:3]
    print(f"{step:12} exit {done.returncode}  wall {float(wall):7.2f} s  peak RSS {int(peak) / 1024:8,.0f} MB  "
          f"matches {len(done.stdout.splitlines()):,}  load {' '.join(load)}", flush=True)
    for note in notes:
        print(f"{'':12} {note[:200]}")


def disk_size(root: Path) -> int:
    seen, total = set(), 0
    for path in root.rglob("*"):
        state = path.lstat()
        if path.is_file() and not path.is_symlink() and (state.st_dev, state.st_ino) not in seen:
            seen.add((state.st_dev, state.st_ino))
            total += state.st_size
    return total


def transplant(source: Path, folder: Path, target: Path, python: str) -> None:
    """A kept load of `folder` made from `source`, a kept load of the one file in it."""
    probe = subprocess.run(
        [python, "-c", "import sys, json; from pathlib import Path; from papertui.cache.snapshot import inputs_of;"
         "from papertui.corpus.loader import discover_files, display_name;"
         "i = inputs_of([Path(sys.argv[1])]); f = [display_name(p, None) for p, _ in discover_files([Path(sys.argv[1])])];"
         "print(json.dumps([i.directory_name, i.key, f]))", str(folder)],
        capture_output=True, text=True, check=True)
    name, key, (shown,) = json.loads(probe.stdout)
    (old,) = [p for p in (source / "corpus").iterdir() if not p.name.startswith(".")]
    meta = json.loads((old / "meta.json").read_text())
    meta["key"] = key
    meta["papers"]["sources"] = [[shown, fmt] for _, fmt in meta["papers"]["sources"]]
    meta["papers"]["files"][0]["path"] = shown
    where = target / "corpus" / name
    where.mkdir(parents=True)
    for entry in old.iterdir():
        if entry.name != "meta.json":
            os.link(entry, where / entry.name)
    (where / "meta.json").write_text(json.dumps(meta, ensure_ascii=False))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("snapshot", type=Path)
    parser.add_argument("--day", type=Path, required=True)
    parser.add_argument("--work", type=Path, required=True)
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--query", default="reward alignment")
    parser.add_argument("--python", default=sys.executable)
    parser.add_argument("--src", type=Path)
    parser.add_argument("--from-cache", type=Path)
    args = parser.parse_args()
    folder, kept = args.work / "arxiv", args.work / "kept"
    folder.mkdir(parents=True, exist_ok=True)
    if not (folder / args.snapshot.name).exists():
        os.link(args.snapshot, folder / args.snapshot.name)
    (folder / args.day.name).unlink(missing_ok=True)
    env = {**os.environ, "PAPERTUI_DATA_DIR": str(args.work / "data"), "XDG_CONFIG_HOME": str(args.work / "config")}
    command = [args.python, "-m", "papertui", "list", "--no-library", "--no-zotero", "--query", args.query, "--limit", "20", "--format", "jsonl", str(folder)]
    if not kept.exists():
        if args.from_cache:
            transplant(args.from_cache, folder, kept, args.python)
        else:
            run("first read", command, {**env, "PAPERTUI_CACHE_DIR": str(kept)})
    print(f"{args.snapshot.name} + {args.day.name}; kept load {disk_size(kept) / 1e9:.2f} GB; {args.src or 'installed papertui'}")
    if args.src:
        env["PYTHONPATH"] = str(args.src)
    for _ in range(args.runs):
        cache = args.work / "run-cache"
        shutil.rmtree(cache, ignore_errors=True)
        shutil.copytree(kept, cache, copy_function=os.link)
        env["PAPERTUI_CACHE_DIR"] = str(cache)
        try:
            os.link(args.day, folder / args.day.name)
            run("added day", command, env)
            print(f"{'cache':12} {disk_size(cache) / 1e9:.2f} GB on disk, files {sorted(p.name for p in cache.rglob('*') if p.is_file())}")
            run("restart", command, env)
        finally:
            (folder / args.day.name).unlink(missing_ok=True)
            shutil.rmtree(cache, ignore_errors=True)


if __name__ == "__main__":
    main()
