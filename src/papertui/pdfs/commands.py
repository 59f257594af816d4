"""`papertui download ID|URL ... | -`: PDFs into the library from the shell, e.g.
`papertui list --query 'is:starred' --format links | papertui download -`."""

from __future__ import annotations

import argparse
import time
from dataclasses import dataclass
from typing import TextIO

from papertui.command_line import CommandParser, ids_given
from papertui.pdfs.download import Wanted, download_all
from papertui.pdfs.store import PDF_BASE_VARIABLE, PdfStore, human_size, split_version
from papertui.sources.http import Stopped
from papertui.sources.runs import Clients
from papertui.terminal_progress import PROG, ProgressLine


def download_parser() -> argparse.ArgumentParser:
    parser = CommandParser(
        prog=f"{PROG} download",
        description="Download the PDFs of papers into papertui's library, where the app opens them "
        "and full: searches their text.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog=(
            "IDs: 2406.16845, 2406.16845v2 (that version), hep-th/9901001, or arXiv abs/pdf URLs;\n"
            "- reads them from standard input, one per line (lines that hold none are skipped).\n"
            "Files go to DATA_DIR/pdfs/ID.pdf. One request every 3 seconds, as arXiv asks; a cut\n"
            f"download resumes next time. PDFs come from ${PDF_BASE_VARIABLE} (default https://arxiv.org).\n"
            "exit status: 0 when every PDF is there, 1 when one failed or was not an id, 2 on a usage error,\n"
            "130 on Ctrl+C."
        ),
    )
    parser.add_argument("ids", nargs="+", metavar="ID|URL")
    return parser


def run_download(argv: list[str], stdout: TextIO, stderr: TextIO) -> int:
    args = download_parser().parse_args(argv)
    given = ids_given(args.ids, _wanted_or_not, stderr)
    not_ids = [item for item in given if isinstance(item, NotAnId)]
    for item in not_ids:
        print(f"{PROG}: error: {_shown(item.text)} is not an arXiv id or URL; skipped", file=stderr)
    wanted = [item for item in given if isinstance(item, Wanted)]
    if not wanted:
        print(f"{PROG}: error: no arXiv id to download", file=stderr)
        return 2
    store = PdfStore()
    meter = ProgressLine(stderr)
    started = time.monotonic()

    def progress(done: int, total: int, arxiv_id: str, received: int, size: int | None) -> None:
        of = f" of {human_size(size)}" if size else ""
        meter.bar(f"{arxiv_id} {human_size(received)}{of}" if arxiv_id else "done", done, total, started)

    clients = Clients()
    for line in clients.limits.problems:  # a limit set wrong is said, and the default used
        print(f"{PROG}: warning: {line}", file=stderr)
    try:
        results = download_all(store, clients.arxiv("arxiv.org (PDFs)"), wanted, progress)
    except (KeyboardInterrupt, Stopped):
        meter.clear()
        print(f"{PROG}: interrupted; a partial download resumes next time", file=stderr)
        return 130
    finally:
        meter.clear()
    failed = 0
    for result in results:
        if result.pdf is None:
            failed += 1
            print(f"{PROG}: error: {result.arxiv_id}: {result.problem}", file=stderr)
            continue
        how = "already downloaded" if result.already else "downloaded"
        print(f"{result.arxiv_id}: {how}, {human_size(result.pdf.size)}: {result.pdf.path}", file=stdout)
        if result.text is not None and result.text.problem:
            print(f"{PROG}: warning: {result.arxiv_id}: no full text: {result.text.problem}", file=stderr)
    return 1 if failed or not_ids else 0


@dataclass(frozen=True)
class NotAnId:
    """An argument that names no paper: said once, the others still downloaded, exit status 1."""

    text: str


def _wanted_or_not(text: str) -> Wanted | NotAnId:
    found = split_version(text)
    return Wanted(*found) if found else NotAnId(text)


def _shown(text: str, limit: int = 60) -> str:
    """An argument as typed, quoted with its control characters escaped, and cut: a 5,000-digit
    version is one short line."""
    return repr(text[:limit]) + (f" (… {len(text):,} characters)" if len(text) > limit else "")
