"""`papertui enrich`: citation counts, TL;DRs and venues from Semantic Scholar for the papers
loaded, kept in the data directory (see `papertui.sources.citations`)."""

from __future__ import annotations

import argparse
import time
from typing import Sequence, TextIO

from papertui.cli.common import add_paths_arguments
from papertui.command_line import CommandParser
from papertui.terminal_progress import PROG, ProgressLine

RULES = (
    "Papers are asked for by arXiv id (or DOI), 500 to a request, one request at a time and at\n"
    "least a second apart; HTTP 429 and 503 are waited out as Retry-After says (2, 4, 8 s without\n"
    "it). What is answered is kept for a week: within it, a paper is not asked again (--refresh\n"
    "asks again). Base address: $PAPERTUI_S2_API (default https://api.semanticscholar.org).\n"
    "API key (optional, sent as x-api-key): $PAPERTUI_S2_API_KEY, or in the config file:\n"
    "  [semantic_scholar]\n"
    '  api_key = "..."\n'
    "exit status: 0 when every paper was asked, 1 when the service could not be reached or\n"
    "answered an error (what was kept before, and answered before the error, stays), 2 on a\n"
    "usage error, 130 on Ctrl+C."
)


def enrich_parser() -> argparse.ArgumentParser:
    parser = CommandParser(
        prog=f"{PROG} enrich",
        description=(
            "Look the papers up on Semantic Scholar: citations, influential citations, references, "
            "TL;DR, venue, year, DOI, open-access PDF, fields of study."
        ),
        epilog=RULES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    add_paths_arguments(parser)
    parser.add_argument("--refresh", action="store_true", help="ask again for papers asked about less than a week ago")
    return parser


def main(arguments: Sequence[str], stdout: TextIO, stderr: TextIO) -> int:
    args = enrich_parser().parse_args(arguments)
    from papertui.cli.load import load
    from papertui.sources.citations.client import from_settings
    from papertui.sources.citations.enrich import EnrichReport, enrich
    from papertui.sources.citations.store import CitationStore, StoreError
    from papertui.sources.http import FetchError, Stopped

    corpus, _ = load(args.paths, stderr, with_library=not args.no_library, with_zotero=not args.no_zotero)
    if not corpus.papers:
        print(f"{PROG}: error: no papers loaded", file=stderr)
        return 1
    store = CitationStore.open()
    for warning in store.warnings:
        print(f"{PROG}: warning: {warning}", file=stderr)
    if store.path is None:  # answers could not be kept: asking would spend the service's patience for nothing
        print(f"{PROG}: error: the citations file cannot be written (see above), so Semantic Scholar was not asked", file=stderr)
        return 1
    client, problems = from_settings()
    for problem in problems:
        print(f"{PROG}: warning: {problem}", file=stderr)
    meter = ProgressLine(stderr)
    started = time.monotonic()
    report = EnrichReport()
    try:
        report = enrich(corpus.papers, store, client, refresh=args.refresh, progress=lambda what, done, total: meter.bar(what, done, total, started))
    except FetchError as error:
        meter.clear()
        hint = "; check the API key" if "HTTP 403" in str(error) else ""
        print(f"{PROG}: error: {error}{hint}; the citations kept before stay", file=stderr)
        return 1
    except StoreError as error:
        meter.clear()
        print(f"{PROG}: error: {error}", file=stderr)
        return 1
    except (KeyboardInterrupt, Stopped):
        meter.clear()
        print(f"{PROG}: interrupted; the citations answered so far are kept", file=stderr)
        return 130
    finally:
        meter.clear()
    if report.without_id:
        print(
            f"{PROG}: note: {report.without_id:,} papers have neither an arXiv id nor a DOI, so Semantic Scholar "
            f"cannot be asked about them ('{PROG} resolve' finds arXiv ids by title)",
            file=stderr,
        )
    print(report.summary(), file=stdout)
    return 0
