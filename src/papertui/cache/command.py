"""`papertui cache [--clear]`: where the loaded papers and their index are kept, and how much."""

from __future__ import annotations

import argparse
from typing import TextIO

from papertui.cache.snapshot import CACHE_DIR_VARIABLE, cache_contents, cache_summary, clear_cache, snapshots_dir
from papertui.command_line import CommandParser
from papertui.storage.regular_files import shown
from papertui.terminal_progress import PROG


def cache_parser() -> argparse.ArgumentParser:
    parser = CommandParser(
        prog=f"{PROG} cache",
        description="Show where papertui keeps the papers it loaded and their search index, so that the "
        "next start reads and indexes nothing; --clear deletes them (the next start rebuilds them).",
        epilog=f"The directory is the platform's cache directory for papertui, or ${CACHE_DIR_VARIABLE}. "
        "A kept copy is used only while every file it was read from has the same size and modification time. "
        "Only what papertui wrote is ever deleted: anything else there, and links, are left alone.",
    )
    parser.add_argument("--clear", action="store_true", help="delete every kept copy papertui wrote")
    return parser


def run_cache(argv: list[str], stdout: TextIO, stderr: TextIO) -> int:
    args = cache_parser().parse_args(argv)
    kept = clear_cache() if args.clear else cache_contents()
    if kept.problem:
        print(f"{PROG}: error: {kept.problem}; nothing is kept there — point ${CACHE_DIR_VARIABLE} at a directory", file=stderr)
        return 1
    where = shown(snapshots_dir())
    print(f"{'cleared ' if args.clear else ''}{where}: {cache_summary(kept.count, kept.size)}", file=stdout)
    if kept.left():
        print(kept.left(), file=stdout)
    return 0
