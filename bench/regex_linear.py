"""Each regular expression papertui runs on outside text, timed on its worst input at n and 8n
characters (the table is tests/hostile/regex_table.py). Linear code takes about 8 times as
long on 8 times the input; a pass that backtracks quadratically about 64 times.

    .venv/bin/python bench/regex_linear.py                 # this checkout
    .venv/bin/python bench/regex_linear.py --before REV    # and the same table on REV's code

`--before` checks REV out in a temporary git worktree and runs the table there (a row whose
code REV lacks shows `-`); a row the old code takes minutes on is capped by --timeout.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from hostile.regex_table import CASES, GROWTH, times  # noqa: E402


def measure(names: set[str] | None = None) -> dict[str, tuple[int, float, float] | str]:
    found: dict[str, tuple[int, float, float] | str] = {}
    for case in CASES:
        if names is not None and case.name not in names:
            continue
        try:
            small, large = times(case)
        except (ImportError, AttributeError):  # the code this row needs is not in this revision
            continue
        except Exception as error:  # noqa: BLE001 — the row's input breaks that code: say so
            found[case.name] = f"raises {type(error).__name__}"
            continue
        found[case.name] = (case.n, small, large)
    return found


def measured_before(revision: str, timeout: float) -> dict[str, tuple[int, float, float] | str]:
    """The table on `revision`'s src, one row per process so that a row stuck in n² can be cut."""
    found: dict[str, tuple[int, float, float] | str] = {}
    with tempfile.TemporaryDirectory(prefix="regex-before-") as scratch:
        tree = Path(scratch) / "tree"
        subprocess.run(["git", "-C", str(ROOT), "worktree", "add", "--detach", "--quiet", str(tree), revision], check=True)
        try:
            env = dict(os.environ, PYTHONPATH=str(tree / "src"))
            for case in CASES:
                try:
                    done = subprocess.run(
                        [sys.executable, __file__, "--json", "--only", case.name],
                        env=env, capture_output=True, text=True, timeout=timeout, check=True,
                    )
                except subprocess.TimeoutExpired:
                    found[case.name] = f"> {timeout:.0f} s"
                    continue
                found.update(json.loads(done.stdout))
        finally:
            subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force", str(tree)], check=False)
    return found


def cell(row: tuple[int, float, float] | str | None) -> str:
    if row is None:
        return "- | - | -"
    if isinstance(row, str):
        return f"- | {row} | -"
    _, small, large = row
    return f"{small * 1000:.3f} | {large * 1000:.3f} | {large / small:.1f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--before", metavar="REV", help="also time REV's code, in a temporary worktree")
    parser.add_argument("--timeout", type=float, default=60, help="seconds a row may take on REV (default 60)")
    parser.add_argument("--json", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--only", action="append", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.json:
        print(json.dumps(measure(set(args.only) if args.only else None)))
        return
    before = measured_before(args.before, args.timeout) if args.before else None
    after = measure()
    import papertui

    print(f"papertui from {Path(papertui.__file__).parent}; n → {GROWTH}n; ms per run; linear ≈ {GROWTH}, n² ≈ {GROWTH * GROWTH}")
    head = "| pattern (worst input) | n |"
    if before is not None:
        head += f" before: n ms | {GROWTH}n ms | ratio |"
    print(head + f" n ms | {GROWTH}n ms | ratio |")
    print("|" + "---|" * (head.count("|") - 1 + 3))
    for case in CASES:
        line = f"| {case.name} | {case.n:,} |"
        if before is not None:
            line += f" {cell(before.get(case.name))} |"
        print(line + f" {cell(after.get(case.name))} |")


if __name__ == "__main__":
    main()
