"""The daily loop against the real recorded answers (tests/feeds) served on 127.0.0.1, with
the real pauses between requests: each fetch's requests, papers and time, fetching twice,
and what `is:new` finds before and after the app's first start.

    .venv/bin/python bench/fetch_recorded.py
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent.parent / "tests"))
from fake_feeds import FakeFeeds  # noqa: E402

COMMANDS = [
    ["fetch", "hf", "--since", "2024-10-21", "--until", "2024-10-31"],
    ["fetch", "hf", "--since", "2024-10-21", "--until", "2024-10-31"],
    ["fetch", "arxiv", "cs.CL"],
    ["fetch", "oai", "--set", "cs", "--from", "2023-03-07"],
    ["add", "1706.03762"],
]


def main() -> None:
    server = FakeFeeds()
    with tempfile.TemporaryDirectory() as data:
        env = {**os.environ, **server.environment(), "PAPERTUI_DATA_DIR": data}
        print("| command | time | requests | stdout |\n|---|---|---|---|")
        for argv in COMMANDS:
            before = len(server.requests)
            start = time.monotonic()
            result = subprocess.run([sys.executable, "-m", "papertui", *argv], capture_output=True, text=True, env=env)
            took = time.monotonic() - start
            print(f"| `papertui {' '.join(argv)}` | {took:.1f} s | {len(server.requests) - before} | {result.stdout.strip()} (exit {result.returncode}) |")
        library = Path(data) / "library"
        stats = subprocess.run([sys.executable, "-m", "papertui", "stats", str(library)], capture_output=True, text=True, env=env)
        print(f"\n`papertui stats LIBRARY`: {stats.stdout.strip().splitlines()[-1]}; stderr: {stats.stderr.strip() or 'nothing'}")
        listed = subprocess.run([sys.executable, "-m", "papertui", "list", "-q", "is:new", "--format", "links"], capture_output=True, text=True, env=env)
        print(f"`papertui list -q is:new` before the app ever started: {len(listed.stdout.splitlines()):,} papers")
    server.close()


if __name__ == "__main__":
    main()
