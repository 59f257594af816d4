"""`papertui cache [--clear]`: where the loaded papers and their index are kept, and how much."""

from __future__ import annotations

import argparse
from typing import TextIO

from papertui.cache.snapshot import CACHE_DIR_VARIABLE, cache_size, cache_summary, clear_cache, snapshots_dir
from papertui.command_line import CommandParser
from papertui.terminal_progress import PROG


def cache_parser() -> argparse.ArgumentParser:
    parser = CommandParser(
        prog=f"{PROG} cache",
        description="Show where papertui keeps the papers it loaded and their search index, so that the "
        "next start reads and indexes nothing; --clear deletes them (the next start rebuilds them).",
        epilog=f"The directory is the platform's cache directory for papertui, or ${CACHE_DIR_VARIABLE}. "
        "A kept copy is used only while every file it was read from has the same size and modification time.",
    )
    parser.add_argument("--clear", action="store_true", help="delete every kept copy")
    return parser


def run_cache(argv: list[str], stdout: TextIO, stderr: TextIO) -> int:
    args = cache_parser().parse_args(argv)
    where = snapshots_dir()
    if args.clear:
        count, size = clear_cache()
        print(f"cleared {where}: {cache_summary(count, size)}", file=stdout)
        return 0
    count, size = cache_size()
    print(f"{where}: {cache_summary(count, size)}", file=stdout)
    return 0
