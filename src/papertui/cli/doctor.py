"""`papertui doctor`: what papertui would use here and why."""

from __future__ import annotations

import argparse
from typing import Sequence, TextIO

from papertui.cli.common import add_paths_arguments, resolve_paths
from papertui.command_line import CommandParser
from papertui.terminal_progress import PROG


def doctor_parser() -> argparse.ArgumentParser:
    parser = CommandParser(
        prog=f"{PROG} doctor",
        description=(
            "Print what papertui would use here and why: the clipboard and browser paths, the data "
            "directory and whether it is writable, the terminal's size and colours, and a summary of "
            "the corpus. It only looks: nothing is copied, opened or changed."
        ),
    )
    add_paths_arguments(parser)
    return parser


def main(arguments: Sequence[str], stdout: TextIO, stderr: TextIO) -> int:
    return run_doctor(doctor_parser().parse_args(arguments), stdout, stderr)


def run_doctor(args: argparse.Namespace, stdout: TextIO, stderr: TextIO) -> int:
    from papertui.doctor import report

    for line in report(*resolve_paths(args.paths, not args.no_library, not args.no_zotero)):
        print(line, file=stdout)
    return 0
