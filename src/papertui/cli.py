"""The command line: the browser, `list` and `stats`, and the `make_app()` factory."""

from __future__ import annotations

import argparse
import os
import sys
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Iterator, Sequence, TextIO

from papertui import __version__, bundled_seeds
from papertui.command_line import CommandParser, UsageError
from papertui.corpus import Corpus, Paper, iter_load
from papertui.corpus.loader import STDIN, read_stdin_from
from papertui.corpus.sniff import FORMATS
from papertui.export import EXPORT_FORMATS, FORMAT_HELP, export
from papertui.resolve import (
    API_VARIABLE,
    CONFIDENT_SIMILARITY,
    DEFAULT_API,
    REQUEST_INTERVAL,
    ResolveCache,
    ResolveError,
    Resolver,
    apply_cached,
    needs_id,
)
from papertui.cache import inputs_of
from papertui.loading import kept_again, load_and_index, open_cached, open_updated
from papertui.pdfs.store import PdfStore, human_size
from papertui.personal import PersonalFacts
from papertui.search import SearchIndex, SearchResult
from papertui.search.query import parse_query
from papertui.search.sorting import SORT_LABELS, SORT_ORDERS, Sorter
from papertui.sources.library import last_opening, library_dir
from papertui.state import MarkStore, StateError
from papertui.terminal_progress import ProgressLine

if TYPE_CHECKING:
    from papertui.ui.app import PaperApp

PROG = "papertui"
SUBCOMMANDS = ("list", "stats", "resolve", "doctor", "fetch", "add", "download", "mark", "cache")
LIST_FORMATS = ("text", "json", "jsonl", "links", "pdf-links", "bibtex", "markdown")
ORDER_HELP = {**SORT_LABELS, "relevance": "best match first (corpus order without a query)"}
QUERY_HELP = """query language (the same in the app; see the README for more):
  graph neural        every word, typos forgiven     'exact  "a phrase"   substring (smart case)
  a | b               either                          !term               without (substring)
  ^start  end$        the title starts/ends so        title: t: abs:      only in that field
  au:NAME  cat:cs.CL    id:2406  source:FILE         date:mar  date:>=2024-03  upvotes:>=10
  is:starred is:read is:unread is:new  tag:NAME       has:id  has:code
  is:downloaded       the PDF is in the library       full:WORDS full:"a phrase"  in the PDF's text
  like:2406.16845  like:"a title"   papers like it    ~"protein folding"   papers about it, by meaning
  for:TAG             ranked as "for you", learned from the papers with that tag"""


def _formats_help() -> str:
    return "\n".join(f"  {name:<18} {fmt.description}" for name, fmt in FORMATS.items())


def _add_common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "paths",
        nargs="*",
        metavar="PATH",
        type=Path,
        help="files or directories (read recursively); default: the bundled seed corpus and the library",
    )
    parser.add_argument(
        "--no-library", action="store_true", help="without PATH: the bundled seeds alone, not the fetched library"
    )


def _browse_parser() -> argparse.ArgumentParser:
    parser = CommandParser(
        prog=PROG,
        usage=(
            f"{PROG} [PATH ...] [--query TEXT] [--print [--print-format FORMAT]]\n"
            f"       {PROG} list [PATH ...] [--query TEXT] [--sort ORDER] [--limit N] [--format FORMAT]\n"
            f"       {PROG} stats [PATH ...]\n"
            f"       {PROG} resolve [PATH ...] [--limit N]\n"
            f"       {PROG} doctor [PATH ...]\n"
            f"       {PROG} fetch [hf|arxiv|oai ...]\n"
            f"       {PROG} add ID|URL ...\n"
            f"       {PROG} download ID|URL ... | -\n"
            f"       {PROG} mark ID|URL ... --star|--unstar|--read|--unread|--tag NAME|--untag NAME\n"
            f"       {PROG} cache [--clear]"
        ),
        description=(
            "A keyboard-first terminal browser for research papers: filter live while typing, "
            "read abstracts, open PDFs, copy arXiv links."
        ),
        epilog=(
            "commands:\n"
            f"  {PROG} [PATH ...]     browse the papers (press ? or F1 in the app for every key)\n"
            f"  {PROG} list ...       print the matching papers, best first (same search as the app)\n"
            f"  {PROG} stats ...      per file: format, records, papers, merged duplicates, warnings\n"
            f"  {PROG} resolve ...    find the arXiv ids of papers listed without one (arXiv title search)\n"
            f"  {PROG} fetch ...      fetch papers into the library (Hugging Face, arXiv RSS, API, OAI-PMH)\n"
            f"  {PROG} add ...        add papers to the library by arXiv id or URL\n"
            f"  {PROG} download ...   download PDFs into the library (the app opens them; full: searches them)\n"
            f"  {PROG} mark ...       star, mark read or tag papers by arXiv id (the app's marks file)\n"
            f"  {PROG} cache          where the loaded papers and their index are kept between runs; --clear\n"
            f"  {PROG} doctor ...     what papertui would use here and why: clipboard, browser, data\n"
            "                         directory, terminal, corpus (run it first when something fails)\n"
            f"  '{PROG} COMMAND --help' explains a command.\n\n"
            "input formats (detected from content, not the file name; PATH - reads standard input):\n"
            f"{_formats_help()}\n\n"
            f"{QUERY_HELP}\n\n"
            "Stars, read marks, tags, notes and the ids found by 'resolve' are kept in\n"
            "$PAPERTUI_DATA_DIR (default: the platform's data directory for papertui).\n\n"
            "exit status: 0 when anything loaded, 1 when nothing could be loaded, 2 on a usage error;\n"
            "with --print: 1 when no paper was chosen, 130 when the browser was left without choosing.\n"
            "Warnings about bad input go to stderr; everything else in the input still loads."
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    _add_common(parser)
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


def _list_parser() -> argparse.ArgumentParser:
    parser = CommandParser(
        prog=f"{PROG} list",
        description="Print the matching papers, best first, with the same search as the app.",
        epilog=(
            "formats:\n"
            + "\n".join(f"  {name:<9} {FORMAT_HELP[name]}" for name in LIST_FORMATS)
            + "\n\norders:\n"
            + "\n".join(f"  {name:<9} {ORDER_HELP[name]}" for name in SORT_ORDERS)
            + f"\n\n{QUERY_HELP}"
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    _add_common(parser)
    parser.add_argument("-q", "--query", default="", metavar="TEXT", help="filter and rank (default: every paper in corpus order)")
    parser.add_argument("--saved", metavar="NAME", help="the search saved under NAME in the app (Ctrl+P, Save this filter as…)")
    parser.add_argument("-n", "--limit", type=_count, metavar="N", help="print at most N papers")
    parser.add_argument("-f", "--format", choices=LIST_FORMATS, default="text", help="output format (default: text)")
    parser.add_argument(
        "-s", "--sort", choices=SORT_ORDERS, default="relevance",
        help="order (default: relevance, which is corpus order without a query)",
    )
    return parser


def _stats_parser() -> argparse.ArgumentParser:
    parser = CommandParser(
        prog=f"{PROG} stats",
        description="Per file: the detected format, records, papers, merged duplicates and warnings; then totals.",
    )
    _add_common(parser)
    return parser


def _doctor_parser() -> argparse.ArgumentParser:
    parser = CommandParser(
        prog=f"{PROG} doctor",
        description=(
            "Print what papertui would use here and why: the clipboard and browser paths, the data "
            "directory and whether it is writable, the terminal's size and colours, and a summary of "
            "the corpus. It only looks: nothing is copied, opened or changed."
        ),
    )
    _add_common(parser)
    return parser


def run_doctor(args: argparse.Namespace, stdout: TextIO, stderr: TextIO) -> int:
    from papertui.doctor import report

    for line in report(*resolve_paths(args.paths, not args.no_library)):
        print(line, file=stdout)
    return 0


def _resolve_parser() -> argparse.ArgumentParser:
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
    _add_common(parser)
    parser.add_argument("-n", "--limit", type=_count, metavar="N", help="ask the API about at most N titles this time")
    return parser


def _count(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"must be 0 or more: {value}")
    return value


def resolve_paths(paths: Sequence[Path], with_library: bool = True) -> tuple[list[Path], list[Path] | None]:
    """The paths to load and the roots to show them relative to: by default the bundled
    seeds, and the library of fetched papers when there is one."""
    if paths:
        return list(paths), None
    seeds = bundled_seeds()
    library = library_dir()
    if with_library and any(library.rglob("*.jsonl")):
        return [seeds, library], [seeds.parent, library.parent]
    return [seeds], [seeds.parent]


def load(
    paths: Sequence[Path], stderr: TextIO, *, indexed: bool = False, with_library: bool = True
) -> tuple[Corpus, SearchIndex | None]:
    """Load for a non-interactive command: progress on stderr when it is a terminal, then
    every warning on stderr. With `indexed`, papers are indexed for search as they load."""
    resolved, display_root = resolve_paths(paths, with_library)
    meter = ProgressLine(stderr)
    inputs = None if indexed else inputs_of(resolved, display_root)
    cached, note = (None, None) if indexed else open_cached(inputs)
    try:
        if cached is not None:
            corpus, index = cached.corpus, cached.index
        elif indexed:
            step = None
            for step in load_and_index(resolved, display_root=display_root):
                meter.show(step.describe())
                if step.note:
                    note = step.note
            assert step is not None  # load_and_index always reports at least once
            corpus, index = step.corpus, step.index
        else:
            updated, why = (None, None) if note else open_updated(inputs, resolved, display_root)
            note = note or why
            if updated is not None:  # only the files that changed are read
                corpus, index = updated.corpus, None
                for step in kept_again(inputs, updated):
                    meter.show(step.describe())
                    note = step.note or note
            else:
                corpus, index = Corpus(), None
                for progress in iter_load(resolved, display_root=display_root, corpus=corpus):
                    meter.show(f"{progress.files_done:,}/{progress.files_total:,} files · {progress.papers_loaded:,} papers")
    finally:  # also on Ctrl+C, so that "interrupted" starts a clean line
        meter.clear()
    if note:
        print(f"{PROG}: note: {note}", file=stderr)
    for warning in corpus.warnings:
        print(f"{PROG}: warning: {warning}", file=stderr)
    cache = ResolveCache.open()
    for warning in cache.warnings:
        print(f"{PROG}: warning: {warning}", file=stderr)
    apply_cached(corpus.papers, cache)
    return corpus, index


def open_marks(stderr: TextIO) -> MarkStore:
    marks = MarkStore.open()
    for warning in marks.warnings:
        print(f"{PROG}: warning: {warning}", file=stderr)
    return marks


def run_list(args: argparse.Namespace, stdout: TextIO, stderr: TextIO) -> int:
    if args.saved is not None:
        from papertui.settings import Remembered

        saved = Remembered().saved_searches
        if args.saved not in saved:
            known = ", ".join(saved) or "none yet (Ctrl+P in the app: Save this filter as…)"
            raise UsageError(f"no saved search called {args.saved!r}; saved: {known}")
        args.query = f"{saved[args.saved]} {args.query}".strip()
    query = parse_query(args.query)
    for note in query.notes:
        print(f"{PROG}: note: query: {note}", file=stderr)
    corpus, index = load(args.paths, stderr, indexed=not query.empty, with_library=not args.no_library)
    if not corpus.papers:
        print(f"{PROG}: error: no papers loaded", file=stderr)
        return 1
    marks = open_marks(stderr)
    marks.new_since = last_opening()  # is:new: fetched since the app was last opened
    facts = PersonalFacts(marks, PdfStore())
    for_you = None
    if query.uses_similarity or args.sort == "for-you":
        facts.recommender, for_you = similarity_for_list(corpus, marks, args.sort == "for-you", stderr)
    if index is not None:
        result = index.search(query, facts)
    else:
        result = SearchResult(args.query, range(len(corpus.papers)), searched=len(corpus.papers))
    starred = marks.mask(corpus.papers, len(corpus.papers), lambda m: m.starred) if args.sort == "starred" else None
    rows: Sequence[int] = Sorter().sort(result, args.sort, corpus.papers, starred, for_you)
    if args.limit is not None:
        rows = rows[: args.limit]
    if args.format in ("json", "jsonl", "markdown", "bibtex"):
        stdout.write(export((corpus.papers[i] for i in rows), args.format, marks.get))
        return 0
    missing = 0
    for start in range(0, len(rows), 4096):  # stream: `list | head` should not wait for a million
        papers = [corpus.papers[i] for i in rows[start : start + 4096]]
        stdout.write(export(papers, args.format))
        missing += sum(1 for paper in papers if not paper.arxiv_id)
    if args.format == "pdf-links" and missing:
        _note_papers_without_pdf_links([paper for paper in (corpus.papers[i] for i in rows) if not paper.arxiv_id], args.format, stderr)
    return 0


def similarity_for_list(corpus: Corpus, marks: MarkStore, for_you: bool, stderr: TextIO):
    """The recommender's vectors for `like:`, `~` and `--sort for-you`, and the for-you scores."""
    from papertui.recommend.model import Recommender

    recommender = Recommender(corpus.papers)
    recommender.build()
    if recommender.meaning_problem:
        print(f"{PROG}: note: similarity by words only: {recommender.meaning_problem}", file=stderr)
    if not for_you:
        return recommender, None
    starred = marks.mask(corpus.papers, len(corpus.papers), lambda m: m.starred).nonzero()[0]
    if not len(starred):
        print(f"{PROG}: note: no starred papers among these, so 'for-you' has nothing to learn from: "
              f"star some in the app (s) or with '{PROG} mark ID --star'; listed by relevance", file=stderr)  # fmt: skip
        return recommender, None
    return recommender, recommender.train(starred.tolist()).scores


def run_stats(args: argparse.Namespace, stdout: TextIO, stderr: TextIO) -> int:
    corpus, _ = load(args.paths, stderr, with_library=not args.no_library)
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


def run_resolve(args: argparse.Namespace, stdout: TextIO, stderr: TextIO) -> int:
    corpus, _ = load(args.paths, stderr, with_library=not args.no_library)
    cache = ResolveCache.open()
    wanted = [paper for paper in corpus.papers if needs_id(paper)]
    derived = sum(1 for paper in corpus.papers if not paper.arxiv_id and paper.title_derived)
    unasked = [paper for paper in wanted if cache.get(paper.title) is None]
    to_ask = unasked if args.limit is None else unasked[: args.limit]
    later = len(unasked) - len(to_ask)
    seconds = len(to_ask) * REQUEST_INTERVAL
    duration = f"{seconds / 60:.0f} min" if seconds >= 90 else f"{seconds:.0f} s"
    found_before = sum(1 for paper in corpus.papers if paper.resolved_from is not None)
    print(
        f"{PROG}: {found_before + len(wanted)} papers listed without an arXiv id: {found_before} found before, "
        f"{len(wanted) - len(unasked)} with no confident match before, {len(to_ask)} to ask now (about {duration} at one request every {REQUEST_INTERVAL:.0f} s)"
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


def make_app(
    paths: Sequence[Path] = (),
    query: str = "",
    corpus: Corpus | None = None,
    index: SearchIndex | None = None,
    marks: MarkStore | None = None,
    print_mode: bool = False,
    with_library: bool = True,
) -> PaperApp:
    """The one way to build the app, for the CLI, the tests and the benchmark alike.

    With `corpus` (and optionally its `index`), the app shows it as given; otherwise it
    loads `paths` (default: the seeds). `marks` default: the store in the data directory.
    With `print_mode`, Enter quits and the app returns the chosen papers.
    """
    from papertui.ui.app import PaperApp

    resolved, display_root = resolve_paths(paths, with_library)
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
    app = make_app(args.paths, args.query, print_mode=args.print, with_library=not args.no_library)
    with drawing_on_the_terminal(papers_on_stdin=STDIN in args.paths):
        chosen = app.run()
    save_pending_marks(app.marks, stderr)
    if not args.print:
        return 0
    if chosen is None:
        return 130  # left without choosing, as fzf
    if not chosen:
        return 1
    stdout.write(export(chosen, args.print_format, app.marks.get))
    stdout.flush()
    _note_papers_without_pdf_links(chosen, args.print_format, stderr)
    return 0


def _note_papers_without_pdf_links(papers: Sequence[Paper], fmt: str, stderr: TextIO) -> None:
    missing = sum(1 for paper in papers if not paper.arxiv_id) if fmt == "pdf-links" else 0
    if missing:
        print(f"{PROG}: note: {missing:,} of the papers have no arXiv id, so no PDF link: left out ('papertui resolve' finds ids)", file=stderr)


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


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    stdout, stderr = sys.stdout, sys.stderr
    try:
        if argv and argv[0] == "list":
            return run_list(_list_parser().parse_args(argv[1:]), stdout, stderr)
        if argv and argv[0] == "stats":
            return run_stats(_stats_parser().parse_args(argv[1:]), stdout, stderr)
        if argv and argv[0] == "resolve":
            return run_resolve(_resolve_parser().parse_args(argv[1:]), stdout, stderr)
        if argv and argv[0] == "doctor":
            return run_doctor(_doctor_parser().parse_args(argv[1:]), stdout, stderr)
        if argv and argv[0] in ("fetch", "add"):
            from papertui.sources import commands

            run = commands.run_fetch if argv[0] == "fetch" else commands.run_add
            return run(argv[1:], stdout, stderr)
        if argv and argv[0] == "mark":
            from papertui import marks_command

            return marks_command.run_mark(argv[1:], stdout, stderr)
        if argv and argv[0] == "cache":
            from papertui.cache import command

            return command.run_cache(argv[1:], stdout, stderr)
        if argv and argv[0] == "download":
            from papertui.pdfs import commands as pdf_commands

            return pdf_commands.run_download(argv[1:], stdout, stderr)
        return run_browser(_browse_parser().parse_args(argv), stdout, stderr)
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
