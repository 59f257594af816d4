"""`papertui resolve`: the arXiv ids of papers listed without one, by arXiv title search."""

from __future__ import annotations

import argparse
from typing import Sequence, TextIO

from papertui.cli.common import add_paths_arguments, count
from papertui.cli.load import load
from papertui import resolve
from papertui.command_line import CommandParser
from papertui.resolve import (
    API_VARIABLE,
    CONFIDENT_SIMILARITY,
    DEFAULT_API,
    REQUEST_INTERVAL,
    ResolveCache,
    ResolveError,
    Resolver,
    needs_id,
)
from papertui.terminal_progress import PROG


def resolve_parser() -> argparse.ArgumentParser:
    parser = CommandParser(
        prog=f"{PROG} resolve",
        description=(
            "Find the arXiv ids of papers listed without one: each title is searched in the arXiv API "
            "and only a confident match is taken (the same title, or one at least "
            f"{CONFIDENT_SIMILARITY:.0f}%% alike). Every answer, found or not, is cached in the data "
            "directory, so a title is asked once; the ids found are used from then on by the browser, "
            "list and export."
        ),
        epilog=(
            f"One request every {REQUEST_INTERVAL:.0f} seconds, as arXiv asks. The API's address can be set "
            f"with ${API_VARIABLE} (default: {DEFAULT_API}).\n"
            "exit status: 0 when every title was asked or cached, 1 when the API could not be reached, "
            "130 when interrupted (the answers so far are kept)."
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    add_paths_arguments(parser)
    parser.add_argument("-n", "--limit", type=count, metavar="N", help="ask the API about at most N titles this time")
    return parser


def main(arguments: Sequence[str], stdout: TextIO, stderr: TextIO) -> int:
    return run_resolve(resolve_parser().parse_args(arguments), stdout, stderr)


def run_resolve(args: argparse.Namespace, stdout: TextIO, stderr: TextIO) -> int:
    corpus, _ = load(args.paths, stderr, with_library=not args.no_library, with_zotero=not args.no_zotero)
    cache = ResolveCache.open()
    wanted = [paper for paper in corpus.papers if needs_id(paper)]
    derived = sum(1 for paper in corpus.papers if not paper.arxiv_id and paper.title_derived)
    unasked = [paper for paper in wanted if cache.get(paper.title) is None]
    to_ask = unasked if args.limit is None else unasked[: args.limit]
    later = len(unasked) - len(to_ask)
    seconds = len(to_ask) * resolve.REQUEST_INTERVAL
    duration = f"{seconds / 60:.0f} min" if seconds >= 90 else f"{seconds:.0f} s"
    found_before = sum(1 for paper in corpus.papers if paper.resolved_from is not None)
    print(
        f"{PROG}: {found_before + len(wanted)} papers listed without an arXiv id: {found_before} found before, "
        f"{len(wanted) - len(unasked)} with no confident match before, {len(to_ask)} to ask now (about {duration} at one request every {resolve.REQUEST_INTERVAL:.0f} s)"
        + (f", {later} left for later" if later else "")
        + (f"; {derived} more have no title to search by (it was derived from the abstract)" if derived else ""),
        file=stderr,
    )
    resolver = Resolver(cache)
    found = missed = skipped = 0
    status = 0
    try:
        for number, paper in enumerate(to_ask, 1):
            outcome = resolver.resolve(paper)
            print(f"[{number}/{len(to_ask)}] {outcome.describe()}", file=stdout, flush=True)
            if outcome.answer is None:
                skipped += 1
            elif outcome.answer.arxiv_id:
                found += 1
            else:
                missed += 1
    except ResolveError as error:
        print(f"{PROG}: error: {error}; nothing else was asked, the answers so far are kept", file=stderr)
        status = 1
    except KeyboardInterrupt:
        print(f"{PROG}: interrupted; the answers so far are kept", file=stderr)
        status = 130
    problem = cache.save()
    if problem:
        print(f"{PROG}: error: {problem}", file=stderr)
        status = status or 1
    resolved = sum(1 for paper in corpus.papers if paper.resolved_from is not None)
    print(
        f"{PROG}: asked {found + missed + skipped}: {found} found, {missed} with no confident match"
        + (f", {skipped} unreadable answers" if skipped else "")
        + f"; {resolved} papers now have an id found by title",
        file=stderr,
    )
    return status
