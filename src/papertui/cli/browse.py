"""The browser: its command line, the `make_app()` factory, and the terminal it draws on.

Nothing here imports the parsers, the cache, numpy or the HTTP client: the app imports them
after its first frame (tests/test_startup.py keeps it so)."""

from __future__ import annotations

import argparse
import os
import sys
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Iterator, Sequence, TextIO

from papertui import __version__
from papertui.cli.common import QUERY_HELP, add_paths_arguments, formats_help, note_papers_without_pdf_links, resolve_paths
from papertui.command_line import CommandParser
from papertui.corpus.standard_input import STDIN, read_stdin_from
from papertui.export import EXPORT_FORMATS, export
from papertui.marks.store import MarkStore, StateError
from papertui.terminal_progress import PROG

if TYPE_CHECKING:
    from papertui.corpus.model import Corpus
    from papertui.search import SearchIndex
    from papertui.ui.app import PaperApp


def _browse_epilog() -> str:
    return (
        "commands:\n"
        f"  {PROG} [PATH ...]     browse the papers (press ? or F1 in the app for every key)\n"
        f"  {PROG} list ...       print the matching papers, best first (same search as the app)\n"
        f"  {PROG} stats ...      per file: format, records, papers, merged duplicates, warnings\n"
        f"  {PROG} resolve ...    find the arXiv ids of papers listed without one (arXiv title search)\n"
        f"  {PROG} fetch ...      fetch papers into the library (Hugging Face, arXiv RSS, API, OAI-PMH)\n"
        f"  {PROG} add ...        add papers to the library by arXiv id or URL, or by DOI (Crossref)\n"
        f"  {PROG} download ...   download PDFs into the library (the app opens them; full: searches them)\n"
        f"  {PROG} enrich ...     citation counts, TL;DRs and venues from Semantic Scholar (kept a week)\n"
        f"  {PROG} zotero ...     send papers to the collection selected in Zotero, with their PDFs\n"
        f"  {PROG} mark ...       star, mark read, tag or dismiss papers by arXiv id (the app's marks file)\n"
        f"  {PROG} digest ...     what is new since the last digest: watched, for you, most upvoted (Markdown, HTML, text)\n"
        f"  {PROG} cache          where the loaded papers and their index are kept between runs; --clear\n"
        f"  {PROG} completions ... a script that completes papertui's commands in bash, zsh or fish\n"
        f"  {PROG} doctor ...     what papertui would use here and why: clipboard, browser, data\n"
        "                         directory, terminal, corpus (run it first when something fails)\n"
        f"  '{PROG} COMMAND --help' explains a command.\n\n"
        "input formats (detected from content, not the file name; PATH - reads standard input):\n"
        f"{formats_help()}\n\n"
        f"{QUERY_HELP}\n\n"
        "Stars, read marks, tags, notes and the ids found by 'resolve' are kept in\n"
        "$PAPERTUI_DATA_DIR (default: the platform's data directory for papertui).\n\n"
        "exit status: 0 when anything loaded, 1 when nothing could be loaded, 2 on a usage error;\n"
        "with --print: 1 when no paper was chosen, 130 when the browser was left without choosing.\n"
        "Warnings about bad input go to stderr; everything else in the input still loads."
    )


def browse_parser() -> argparse.ArgumentParser:
    parser = CommandParser(
        prog=PROG,
        usage=(
            f"{PROG} [PATH ...] [--query TEXT] [--print [--print-format FORMAT]]\n"
            f"       {PROG} list [PATH ...] [--query TEXT] [--sort ORDER] [--limit N] [--format FORMAT]\n"
            f"       {PROG} stats [PATH ...]\n"
            f"       {PROG} resolve [PATH ...] [--limit N]\n"
            f"       {PROG} doctor [PATH ...]\n"
            f"       {PROG} fetch [hf|arxiv|oai|s2 ...]\n"
            f"       {PROG} add ID|URL|DOI ...\n"
            f"       {PROG} download ID|URL ... | -\n"
            f"       {PROG} enrich [PATH ...] [--refresh]\n"
            f"       {PROG} zotero push ID|URL ... | -\n"
            f"       {PROG} mark ID|URL ... --star|--unstar|--read|--unread|--dismiss|--undismiss|--tag NAME|--untag NAME\n"
            f"       {PROG} digest [--since WHEN] [--format markdown|html|text] [--limit N] [--output FILE]\n"
            f"       {PROG} cache [--clear]\n"
            f"       {PROG} completions bash|zsh|fish"
        ),
        description=(
            "A keyboard-first terminal browser for research papers: filter live while typing, "
            "read abstracts, open PDFs, copy arXiv links."
        ),
        epilog=_browse_epilog,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    add_paths_arguments(parser)
    parser.add_argument("-q", "--query", default="", metavar="TEXT", help="start with this filter")
    parser.add_argument(
        "--print",
        action="store_true",
        help="as fzf: Enter quits and prints the marked papers (or the highlighted one) to stdout",
    )
    parser.add_argument(
        "--print-format",
        choices=EXPORT_FORMATS,
        default="links",
        metavar="FORMAT",
        help=f"what --print prints: {', '.join(EXPORT_FORMATS)} (default: links)",
    )
    parser.add_argument("--version", action="version", version=f"{PROG} {__version__}")
    return parser


def make_app(
    paths: Sequence[Path] = (),
    query: str = "",
    corpus: Corpus | None = None,
    index: SearchIndex | None = None,
    marks: MarkStore | None = None,
    print_mode: bool = False,
    with_library: bool = True,
    with_zotero: bool = True,
) -> PaperApp:
    """The one way to build the app, for the CLI, the tests and the benchmark alike.

    With `corpus` (and optionally its `index`), the app shows it as given; otherwise it
    loads `paths` (default: the seeds). `marks` default: the store in the data directory.
    With `print_mode`, Enter quits and the app returns the chosen papers.
    """
    from papertui.ui.app import PaperApp

    resolved, display_root = resolve_paths(paths, with_library, with_zotero)
    return PaperApp(
        paths=resolved,
        display_root=display_root,
        query=query,
        corpus=corpus,
        index=index,
        marks=marks,
        print_mode=print_mode,
        fetches_into_library=not paths and with_library,
    )


def main(arguments: Sequence[str], stdout: TextIO, stderr: TextIO) -> int:
    return run_browser(browse_parser().parse_args(arguments), stdout, stderr)


def run_browser(args: argparse.Namespace, stdout: TextIO, stderr: TextIO) -> int:
    missing = [path for path in args.paths if path != STDIN and not path.exists()]
    if args.paths and len(missing) == len(args.paths):
        names = ", ".join(str(path) for path in missing)
        print(f"{PROG}: error: nothing to load: no such file or directory: {names}", file=stderr)
        return 1
    if STDIN in args.paths and os.isatty(0):
        print(f"{PROG}: error: '-' reads papers from standard input, but it is the terminal (pipe a file in)", file=stderr)
        return 2
    if not _terminal_reachable():
        print(
            f"{PROG}: error: the browser needs a terminal, and there is none here; "
            f"'{PROG} list' prints papers without one",
            file=stderr,
        )
        return 2
    app = make_app(args.paths, args.query, print_mode=args.print, with_library=not args.no_library, with_zotero=not args.no_zotero)
    _ready_for_reading_workers(args.paths)
    with drawing_on_the_terminal(papers_on_stdin=STDIN in args.paths):
        chosen = app.run()
    save_pending_marks(app.marks, stderr)
    if not args.print:
        return 0
    if chosen is None:
        return 130  # left without choosing, as fzf
    if not chosen:
        return 1
    stdout.write(export(chosen, args.print_format, app.marks.get, app.enricher.citations_of))
    stdout.flush()
    note_papers_without_pdf_links(chosen, args.print_format, stderr)
    return 0


def save_pending_marks(marks: MarkStore, stderr: TextIO) -> None:
    """Marks whose save failed in the app (a full disk since freed, say) get one more try on
    the way out; if that fails too, say so rather than lose them quietly."""
    if not marks.pending:
        return
    try:
        marks.save()
    except StateError as error:
        print(f"{PROG}: error: {error}; the marks changed in this session were not saved", file=stderr)


@contextmanager
def drawing_on_the_terminal(papers_on_stdin: bool = False) -> Iterator[None]:
    """While the app runs, point a redirected stdout or stderr at the terminal, as fzf does:
    `papertui --print | xargs ...` then shows the browser and pipes only the choice.

    With `papers_on_stdin` (`cat papers.bib | papertui -`), the papers are read from a copy
    of the piped stdin while the keyboard comes from the terminal."""
    swapped: list[tuple[int, int]] = []
    try:
        if papers_on_stdin:
            read_stdin_from(os.fdopen(os.dup(0), "rb"))
        for fd in (0, 1, 2) if papers_on_stdin else (1, 2):
            if os.isatty(fd):
                continue
            try:
                terminal = os.open("/dev/tty", os.O_RDWR)
            except OSError:
                break  # no terminal at all: leave everything as it is
            _flush(fd)
            swapped.append((fd, os.dup(fd)))
            os.dup2(terminal, fd)
            os.close(terminal)
        yield
    finally:
        for fd, saved in reversed(swapped):
            _flush(fd)
            os.dup2(saved, fd)
            os.close(saved)


def _terminal_reachable() -> bool:
    """Whether the app can draw and read keys: on its own stdin and stdout, or /dev/tty."""
    if os.isatty(0) and os.isatty(1):
        return True
    try:
        os.close(os.open("/dev/tty", os.O_RDWR))
    except OSError:
        return False
    return True


def _flush(fd: int) -> None:
    if fd:
        (sys.stdout if fd == 1 else sys.stderr).flush()


def _ready_for_reading_workers(paths: list[Path]) -> None:
    """A large JSON-lines file is read by worker processes, whose start needs multiprocessing's
    resource tracker. Started inside the app it fails ("bad value(s) in fds_to_keep"): Textual
    has replaced sys.stderr, whose fileno() is then -1, and the tracker passes it on. So it is
    started here, before, when a path may hold such a file (a directory, or a file that large)."""
    from papertui.corpus.parallel_lines import PARALLEL_FROM

    def large(path: Path) -> bool:
        try:
            return path.is_dir() or path.stat().st_size >= PARALLEL_FROM
        except OSError:
            return False

    if any(path != STDIN and large(path) for path in paths):
        from multiprocessing import resource_tracker

        resource_tracker.ensure_running()
