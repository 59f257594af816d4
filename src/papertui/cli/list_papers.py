"""`papertui list`: the matching papers, best first, with the same search as the app.

Dismissed papers are left out, as in the app, unless the query asks for `is:dismissed`.
`is:new` of a saved search (`--saved NAME`) is what came since that search was last opened in
the app or listed with `is:new` here, so that a cron line lists each new paper once; a listing
records when it started, in listed.json beside the marks (`--peek`: it does not)."""

from __future__ import annotations

import argparse
import json
import shlex
from pathlib import Path
from typing import Sequence, TextIO

from papertui.cli.common import QUERY_HELP, add_paths_arguments, count, note_papers_without_pdf_links
from papertui.cli.load import load, open_marks
from papertui.command_line import CommandParser, UsageError
from papertui.corpus import Corpus
from papertui.export import FORMAT_HELP, CitationsOf, export, no_citations
from papertui.pdfs.store import PdfStore
from papertui.marks.personal import PersonalFacts
from papertui.search.index import every_paper
from papertui.search.query import CITATION_KINDS, Query, parse_query
from papertui.search.orders import CITATION_ORDERS, SORT_LABELS, SORT_ORDERS
from papertui.search.sorting import Sorter
from papertui.sources.library import last_opening, now_iso, read_small_json
from papertui.marks.store import MarkStore
from papertui.storage.files import LockError, data_dir, file_lock, write_atomically
from papertui.terminal_progress import PROG

LIST_FORMATS = ("text", "json", "jsonl", "links", "pdf-links", "bibtex", "ris", "csl-json", "markdown")
ORDER_HELP = {**SORT_LABELS, "relevance": "best match first (corpus order without a query)"}


def list_parser() -> argparse.ArgumentParser:
    parser = CommandParser(
        prog=f"{PROG} list",
        description="Print the matching papers, best first, with the same search as the app.",
        epilog=(
            "formats:\n"
            + "\n".join(f"  {name:<9} {FORMAT_HELP[name]}" for name in LIST_FORMATS)
            + "\n\norders:\n"
            + "\n".join(f"  {name:<9} {ORDER_HELP[name]}" for name in SORT_ORDERS)
            + f"\n  (citations and velocity: Semantic Scholar's counts, asked for by '{PROG} enrich')"
            + f"\n\n{QUERY_HELP}"
            + "\n\nis:new is what the library first saw since the app was last opened; with --saved NAME, since"
            + "\nNAME was last opened in the app or listed here with is:new (the later), so that a cron line"
            + f"\nsuch as '{PROG} fetch && {PROG} list --saved robots --query is:new' lists each new paper once"
            + "\n(--peek: list them without counting them as seen). Dismissed papers (x in the app,"
            + f"\n'{PROG} mark ID --dismiss') are never listed, unless the query asks for is:dismissed."
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    add_paths_arguments(parser)
    parser.add_argument("-q", "--query", default="", metavar="TEXT", help="filter and rank (default: every paper in corpus order)")
    parser.add_argument("--saved", metavar="NAME", help="the search saved under NAME in the app (Ctrl+P, Save this filter as…)")
    parser.add_argument(
        "--peek", action="store_true",
        help="with --saved and is:new: list what is new without recording this listing (the next one lists it again)",
    )
    parser.add_argument("-n", "--limit", type=count, metavar="N", help="print at most N papers")
    parser.add_argument("-f", "--format", choices=LIST_FORMATS, default="text", help="output format (default: text)")
    parser.add_argument(
        "-s", "--sort", choices=SORT_ORDERS, default="relevance",
        help="order (default: relevance, which is corpus order without a query)",
    )
    return parser


def main(arguments: Sequence[str], stdout: TextIO, stderr: TextIO) -> int:
    return run_list(list_parser().parse_args(arguments), stdout, stderr)


def run_list(args: argparse.Namespace, stdout: TextIO, stderr: TextIO) -> int:
    started = now_iso()  # a paper first seen while this listing runs is new for the next one
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
    corpus, index = load(args.paths, stderr, indexed=not query.empty, with_library=not args.no_library, with_zotero=not args.no_zotero)
    if not corpus.papers:
        print(f"{PROG}: error: no papers loaded", file=stderr)
        return 1
    marks = open_marks(stderr)
    marks.new_since = new_since(args.saved)
    facts = PersonalFacts(marks, PdfStore())
    citations_of = None
    if uses_citations(query, args.sort, args.format):
        citations_of = open_citations(facts, stderr)
        if not len(facts.citations) and (args.sort in CITATION_ORDERS or asks_citations(query)):
            paths = " ".join(shlex.quote(str(path)) for path in args.paths)
            print(f"{PROG}: note: no citations kept yet: run '{PROG} enrich{' ' + paths if paths else ''}' to ask Semantic Scholar for them", file=stderr)
    for_you = None
    if query.uses_similarity or args.sort == "for-you":
        facts.recommender, for_you = similarity_for_list(corpus, marks, args.sort == "for-you", stderr)
    if index is not None:
        result = index.search(query, facts)
    else:
        result = every_paper(query, corpus.papers, facts)
    starred = marks.mask(corpus.papers, len(corpus.papers), lambda m: m.starred) if args.sort == "starred" else None
    by_citations = facts.citation_sort_keys(args.sort, corpus.papers) if args.sort in CITATION_ORDERS else None
    rows: Sequence[int] = Sorter().sort(result, args.sort, corpus.papers, starred, for_you, by_citations)
    if args.limit is not None:
        rows = rows[: args.limit]
    if args.format in ("json", "jsonl", "markdown", "bibtex"):
        stdout.write(export((corpus.papers[i] for i in rows), args.format, marks.get, citations_of or no_citations))
        _record_listing(args, query, started, stderr)
        return 0
    missing = 0
    for start in range(0, len(rows), 4096):  # stream: `list | head` should not wait for a million
        papers = [corpus.papers[i] for i in rows[start : start + 4096]]
        stdout.write(export(papers, args.format))
        missing += sum(1 for paper in papers if not paper.arxiv_id)
    if args.format == "pdf-links" and missing:
        note_papers_without_pdf_links([paper for paper in (corpus.papers[i] for i in rows) if not paper.arxiv_id], args.format, stderr)
    _record_listing(args, query, started, stderr)
    return 0


LISTED_FILE = "listed.json"
LISTED_LIMIT = 1 << 20


def new_since(saved: str | None, directory: Path | None = None) -> str | None:
    """What `is:new` compares with: for a saved search, when it was last opened in the app or
    listed with is:new (the later); else, or before either, when the app was last opened."""
    if saved is not None:
        from papertui.settings import Remembered

        times = [Remembered().searches_opened.get(saved), _listed(directory).get(saved)]
        known = [time for time in times if time]
        if known:
            return max(known)  # ISO times of one format compare as text
    return last_opening(directory)


def _listed(directory: Path | None = None) -> dict[str, str]:
    data = read_small_json((directory or data_dir()) / LISTED_FILE, LISTED_LIMIT)
    listed = data.get("listed") if isinstance(data, dict) else None
    if not isinstance(listed, dict):
        return {}
    return {name: when for name, when in listed.items() if isinstance(when, str) and len(when) == 20 and when[:4].isdigit()}


def _record_listing(args: argparse.Namespace, query: Query, started: str, stderr: TextIO) -> None:
    """A saved search listed with is:new: what it listed is no longer new for the next one."""
    asks_new = any(term.kind == "is" and term.value == "new" for group in query.groups for term in group)
    if args.saved is None or args.peek or not asks_new:
        return
    path = data_dir() / LISTED_FILE
    try:
        with file_lock(path):
            listed = _listed()
            listed[args.saved] = started
            write_atomically(path, json.dumps({"version": 1, "listed": dict(sorted(listed.items()))}, ensure_ascii=False, indent=1) + "\n")
    except (OSError, LockError) as error:
        reason = error.strerror if isinstance(error, OSError) and error.strerror else str(error)
        print(f"{PROG}: warning: cannot record this listing in {path} ({reason}); the next one lists these papers again", file=stderr)


def uses_citations(query: Query, order: str, fmt: str) -> bool:
    """Does this listing read the citation store (`papertui enrich`'s answers)?"""
    return asks_citations(query) or order in CITATION_ORDERS or fmt in ("json", "jsonl", "markdown", "bibtex")


def asks_citations(query: Query) -> bool:
    return any(term.kind in CITATION_KINDS for group in query.groups for term in group)


def open_citations(facts: PersonalFacts, stderr: TextIO) -> CitationsOf:
    """Read the citation store for the query, the sort and the export (a problem with it is
    one line; the papers are then listed with their citations unknown)."""
    from papertui.sources.citations.model import paper_key
    from papertui.sources.citations.store import CitationStore

    store = CitationStore.open()
    for warning in store.warnings:
        print(f"{PROG}: warning: {warning}", file=stderr)
    facts.citations = store
    return lambda paper: store.get(paper_key(paper))


def similarity_for_list(corpus: Corpus, marks: MarkStore, for_you: bool, stderr: TextIO):
    """The recommender's vectors for `like:`, `~` and `--sort for-you`, and the for-you scores."""
    from papertui.recommend.model import Recommender

    recommender = Recommender(corpus.papers)
    recommender.build()
    if recommender.meaning_problem:
        print(f"{PROG}: note: similarity by words only: {recommender.meaning_problem}", file=stderr)
    if not for_you:
        return recommender, None
    papers = corpus.papers
    starred = marks.mask(papers, len(papers), lambda m: m.starred).nonzero()[0]
    if not len(starred):
        print(f"{PROG}: note: no starred papers among these, so 'for-you' has nothing to learn from: "
              f"star some in the app (s) or with '{PROG} mark ID --star'; listed by relevance", file=stderr)  # fmt: skip
        return recommender, None
    dismissed, weak = PersonalFacts(marks).negatives(papers, len(papers), lambda m: m.starred)
    return recommender, recommender.train(starred.tolist(), dismissed=dismissed, weak=weak).scores
