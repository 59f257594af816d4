"""The path `-`: papers read from standard input, or from a copy of it that the app keeps
while the keyboard comes from the terminal. Its own module so that the command line can
name it without importing the parsers."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import BinaryIO

STDIN = Path("-")
STDIN_NAME = "<stdin>"
_stdin: BinaryIO | None = None


def read_stdin_from(stream: BinaryIO | None) -> None:
    """Where the path `-` reads from (default: this process's standard input). The app
    reads papers from a copy of fd 0 while the keyboard comes from the terminal."""
    global _stdin
    _stdin = stream


def stdin_stream() -> BinaryIO:
    return _stdin if _stdin is not None else sys.stdin.buffer
