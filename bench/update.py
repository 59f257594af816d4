"""A kept load brought up to date: how soon papers are searchable after files change.

    python bench/update.py [--papers 1000000] [--corpora bench/.corpora]

On a copy of the synthetic corpus of bench/run.py (hard links: the corpus itself is never
changed) and a cache of its own, it reads everything once (cold), then, one after another:
adds a day's file (a seed Hugging Face page, 174 papers), changes one file of the corpus
(one record appended), and removes the day's file again. After each change it starts the real
app in a 120x40 pseudo-terminal and times spawn -> first frame and -> every paper searchable
(as bench/restart.py does), then loads in a process of its own to time the update alone, the
new cache written, and the peak RSS.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from restart import time_start  # noqa: E402
from run import ensure_corpus  # noqa: E402

DAY_FILE = HERE.parent / "seeds" / "002_cfc4404bc4ac16ab.txt"


def one_load(library: Path) -> None:
    """Load `library` (the cache from $PAPERTUI_CACHE_DIR) and print what it took, as JSON."""
    from papertui.loading import load_and_index

    started = time.perf_counter()
    result: dict = {}
    for step in load_and_index([library]):  # as the app loads a path it is given
        if step.done and not step.after_done and "searchable_s" not in result:
            result.update(searchable_s=time.perf_counter() - started, papers=len(step.corpus.papers), how=step.describe())
        if step.after_done and not step.saving:
            result.update(kept_s=time.perf_counter() - started, note=step.note)
    result["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps(result))


def timed_load(library: Path, env: dict[str, str]) -> dict:
    out = subprocess.run([sys.executable, __file__, "--one-load", str(library)], env=env, capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--papers", type=int, default=1_000_000)
    parser.add_argument("--corpora", type=Path, default=HERE / ".corpora")
    parser.add_argument("--one-load", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one_load:
        one_load(args.one_load)
        return
    corpus = ensure_corpus(args.papers, args.corpora)
    work = Path(tempfile.mkdtemp(prefix="papertui-update-"))
    try:
        library = work / "library"
        library.mkdir()
        for file in sorted(corpus.iterdir()):
            if not file.name.startswith("."):
                os.link(file, library / file.name)
        env = dict(os.environ, PAPERTUI_CACHE_DIR=str(work / "cache"), PAPERTUI_DATA_DIR=str(work / "data"))
        rows = [("cold: every file read", None, timed_load(library, env))]
        print(rows[-1], flush=True)
        changed = sorted(library.glob("*abstract-lines*"))[len(list(library.glob("*abstract-lines*"))) // 2]

        def add() -> None:
            shutil.copyfile(DAY_FILE, library / "zz-today.txt")

        def change() -> None:  # written beside and renamed: the corpus's own file (a hard link) stays
            temp = changed.with_name(".changing")
            temp.write_bytes(changed.read_bytes() + b"Abstract: A platypus record appended to this file today, for the update benchmark.\n")
            temp.replace(changed)

        def remove() -> None:
            (library / "zz-today.txt").unlink()

        for label, act in [("a day's file added (174 papers)", add), (f"one file changed ({changed.stat().st_size / 1e6:.1f} MB, one record appended)", change), ("the day's file removed", remove)]:
            act()
            papers = timed_load_count(library, env)
            app = time_start([str(library)], env, papers, timeout=600)
            rows.append((label, app, timed_load(library, env)))
            print(rows[-1], flush=True)
        print()
        print("| change | app: first frame / searchable | update alone: searchable | new cache written | peak RSS |")
        print("|---|---|---|---|---|")
        for label, app, load in rows:
            shown = f"{app[0]:.2f} / {app[1]:.2f} s" if app and None not in app else "—"
            print(f"| {label} | {shown} | {load['searchable_s']:.2f} s | {load.get('kept_s', 0):.1f} s | {load['peak_rss_mb']:,.0f} MB |")
        print(f"\n{rows[-1][2]['papers']:,} papers; what each load said: " + "; ".join(f"{row[2]['how']}" for row in rows))
    finally:
        shutil.rmtree(work, ignore_errors=True)


def timed_load_count(library: Path, env: dict[str, str]) -> int:
    """How many papers `library` has now, without touching the cache: counted from a full read
    would take minutes, so the app's own count is taken from a load that does not keep it."""
    probe = subprocess.run(
        [sys.executable, "-c", _COUNT, str(library)], env=env, capture_output=True, text=True, check=True
    )
    return int(probe.stdout.strip())


_COUNT = """
import sys
from pathlib import Path
from papertui.cache import inputs_of
from papertui.cache.snapshot import open_previous
from papertui.cache.update import update
library = Path(sys.argv[1])
inputs = inputs_of([library])
previous, _ = open_previous(inputs)
updated = update(previous, inputs, [library], None)
print(len(updated.corpus.papers))
"""


if __name__ == "__main__":
    main()
