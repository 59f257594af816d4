"""The command line: `papertui [PATH ...]` browses; each subcommand has its own module, imported
only when it runs, so that starting the browser imports none of what the others need."""

from __future__ import annotations

import os
import sys
from importlib import import_module
from typing import TYPE_CHECKING, Sequence

from papertui.command_line import UsageError
from papertui.terminal_progress import PROG

if TYPE_CHECKING:
    from papertui.cli.browse import make_app as make_app

# Each subcommand: its module and the function that runs it on the arguments after its name.
COMMANDS = {
    "list": ("papertui.cli.list_papers", "main"),
    "stats": ("papertui.cli.stats", "main"),
    "resolve": ("papertui.cli.resolve_ids", "main"),
    "doctor": ("papertui.cli.doctor", "main"),
    "fetch": ("papertui.sources.commands", "run_fetch"),
    "add": ("papertui.sources.commands", "run_add"),
    "download": ("papertui.pdfs.commands", "run_download"),
    "mark": ("papertui.cli.mark", "run_mark"),
    "cache": ("papertui.cache.command", "run_cache"),
    "enrich": ("papertui.cli.enrich", "main"),
    "zotero": ("papertui.cli.zotero", "main"),
    "completions": ("papertui.cli.completions", "main"),
    "digest": ("papertui.cli.digest", "main"),
}


def __getattr__(name: str) -> object:
    if name == "make_app":  # the one factory, for the tests and the benchmarks
        from papertui.cli.browse import make_app

        return make_app
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    stdout, stderr = sys.stdout, sys.stderr
    try:
        if argv and argv[0] in COMMANDS:
            module, function = COMMANDS[argv[0]]
            return getattr(import_module(module), function)(argv[1:], stdout, stderr)
        from papertui.cli import browse

        return browse.main(argv, stdout, stderr)
    except UsageError as error:
        print(f"{PROG}: error: {error}", file=stderr)
        return 2
    except KeyboardInterrupt:
        print(f"{PROG}: interrupted", file=stderr)
        return 130
    except BrokenPipeError:
        # `papertui list | head`: the reader left; say nothing more.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 0
