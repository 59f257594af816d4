"""What every subcommand's command line shares: a parser whose mistakes are one line and exit
status 2 (`UsageError`, which `cli.main` prints), and the arXiv ids given as arguments or,
with `-`, one a line on standard input."""

from __future__ import annotations

import argparse
import sys
from typing import Callable, NoReturn, Sequence, TextIO, TypeVar

from papertui.terminal_progress import PROG

T = TypeVar("T")


class UsageError(Exception):
    """A mistake in the command line: one line on stderr, exit status 2."""


class CommandParser(argparse.ArgumentParser):
    """An `epilog` may be a function: it is called only when the help is shown, so that a
    help text listing every input format does not import every parser on each start."""

    def error(self, message: str) -> NoReturn:
        raise UsageError(f"{message} (see '{self.prog} --help')")

    def format_help(self) -> str:
        if callable(self.epilog):
            self.epilog = self.epilog()
        return super().format_help()


def ids_given(
    arguments: Sequence[str], parse: Callable[[str], T | None], stderr: TextIO, what: str = "an arXiv id or URL"
) -> list[T]:
    """Each argument (or, for `-`, each line of standard input) read by `parse`, in order and
    once each; what it cannot read gets a warning line (naming `what` it reads) and is skipped."""
    given = [line.strip() for line in sys.stdin if line.strip()] if list(arguments) == ["-"] else arguments
    found: list[T] = []
    for text in given:
        value = parse(text)
        if value is None:
            print(f"{PROG}: warning: {text!r} is not {what}; skipped", file=stderr)
        elif value not in found:
            found.append(value)
    return found
