"""`papertui stats`: per file, the detected format, records, papers, merged duplicates and warnings."""

from __future__ import annotations

import argparse
from typing import Sequence, TextIO

from papertui.cli.common import add_paths_arguments
from papertui.cli.load import load
from papertui.command_line import CommandParser
from papertui.pdfs.store import PdfStore, human_size
from papertui.terminal_progress import PROG


def stats_parser() -> argparse.ArgumentParser:
    parser = CommandParser(
        prog=f"{PROG} stats",
        description="Per file: the detected format, records, papers, merged duplicates and warnings; then totals.",
    )
    add_paths_arguments(parser)
    return parser


def main(arguments: Sequence[str], stdout: TextIO, stderr: TextIO) -> int:
    return run_stats(stats_parser().parse_args(arguments), stdout, stderr)


def run_stats(args: argparse.Namespace, stdout: TextIO, stderr: TextIO) -> int:
    corpus, _ = load(args.paths, stderr, with_library=not args.no_library, with_zotero=not args.no_zotero)
    width = max([len("total"), *(len(report.path) for report in corpus.files)])
    header = f"{'FILE':<{width}}  {'FORMAT':<18} {'RECORDS':>7} {'PAPERS':>7} {'MERGED':>7} {'WARNINGS':>8}"
    print(header, file=stdout)
    for report in corpus.files:
        print(
            f"{report.path:<{width}}  {report.format or '-':<18} {report.records:>7} "
            f"{report.papers:>7} {report.merged:>7} {len(report.warnings):>8}",
            file=stdout,
        )
    records = corpus.record_count
    print(
        f"{'total':<{width}}  {f'{len(corpus.files)} files':<18} {records:>7} "
        f"{len(corpus.papers):>7} {records - len(corpus.papers):>7} {len(corpus.warnings):>8}",
        file=stdout,
    )
    pdfs = PdfStore()
    downloaded = pdfs.downloaded()
    if downloaded:
        listed = {paper.arxiv_id for paper in corpus.papers if paper.arxiv_id}
        size = sum(pdf.size for pdf in downloaded.values())
        print(
            f"PDFs: {len(downloaded):,} downloaded ({human_size(size)}, {sum(p.has_text for p in downloaded.values()):,} "
            f"with full text, {len(listed & downloaded.keys()):,} of papers loaded here) in {pdfs.root}",
            file=stdout,
        )
    if not corpus.papers:
        print(f"{PROG}: error: no papers loaded", file=stderr)
        return 1
    return 0
