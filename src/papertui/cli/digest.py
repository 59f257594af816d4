"""`papertui digest`: what is new since the last digest, in sections with a reason for each
paper, as Markdown, HTML (for mail) or plain text; see `papertui.digest` for what goes where."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Sequence, TextIO

import numpy as np

from papertui.cli.common import add_paths_arguments, count
from papertui.cli.load import load, open_marks
from papertui.command_line import CommandParser, UsageError
from papertui.digest.mark import SINCE_HELP, parse_since, read_mark, write_mark
from papertui.digest.select import DEFAULT_LIMIT, DigestInput, SavedSearch, select
from papertui.sources.library import last_opening, now_iso
from papertui.storage.files import write_atomically
from papertui.storage.regular_files import check_regular, shown
from papertui.terminal_progress import PROG

DIGEST_FORMATS = ("markdown", "html", "text")


def digest_parser() -> argparse.ArgumentParser:
    parser = CommandParser(
        prog=f"{PROG} digest",
        description="What is new since the last digest: watched authors and words, for you, most upvoted, "
        "most cited, new versions of your papers, and each saved search, each paper with why it is there.",
        epilog=(
            "New papers are the ones the library first saw after the last digest (the first digest: since the app was "
            "last opened, or every fetched paper). A digest moves that mark once it is written; --since does not.\n"
            "A paper is listed once among Watched, For you, Most upvoted and Most cited (the first that claims it); "
            "New versions and the saved searches list theirs even so. Dismissed papers are never listed.\n"
            "exit status: 0 when the digest was written (also when nothing is new), 1 when it or its mark could not be, 2 on a usage error."
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    add_paths_arguments(parser)
    parser.add_argument("--since", metavar="WHEN", help=f"new since then instead of since the last digest: {SINCE_HELP}")
    parser.add_argument("-f", "--format", choices=DIGEST_FORMATS, default="markdown", help="output format (default: markdown)")
    parser.add_argument(
        "-n", "--limit", type=count, default=DEFAULT_LIMIT, metavar="N",
        help=f"at most N papers a section (default: {DEFAULT_LIMIT}); Watched lists every one",
    )  # fmt: skip
    parser.add_argument("-o", "--output", type=Path, metavar="FILE", help="write to FILE (replaced whole) instead of standard output")
    return parser


def main(arguments: Sequence[str], stdout: TextIO, stderr: TextIO) -> int:
    return run_digest(digest_parser().parse_args(arguments), stdout, stderr)


def run_digest(args: argparse.Namespace, stdout: TextIO, stderr: TextIO) -> int:
    try:
        given_since = parse_since(args.since) if args.since is not None else None
    except ValueError as error:
        raise UsageError(f"--since: {error}") from None
    if args.output is not None:
        try:
            _check_output(args.output)  # before the load: a FIFO or a directory is refused at once
        except OSError as error:
            print(f"{PROG}: error: cannot write the digest to {shown(args.output)}: {error.strerror or error}; nothing was marked as told", file=stderr)
            return 1
    mark = read_mark()
    if mark.problem and given_since is None:
        print(f"{PROG}: warning: {mark.problem}", file=stderr)
    since = given_since or mark.last or last_opening()
    saved = _saved_searches(stderr)
    corpus, index = load(args.paths, stderr, indexed=bool(saved), with_library=not args.no_library, with_zotero=not args.no_zotero)
    papers, size = corpus.papers, len(corpus.papers)
    marks = open_marks(stderr)
    marks.new_since = since  # a saved search's `is:new` means new in this digest
    from papertui.marks.personal import PersonalFacts
    from papertui.pdfs.store import PdfStore

    facts = PersonalFacts(marks, PdfStore())
    rows = [SavedSearch(name, query, index.search(query, facts).rows) for name, query in saved.items()] if index is not None else []
    weak = np.zeros(size, dtype=bool)  # what the app's "for you" learns against, weakly
    weak[facts.negatives(papers, size, lambda m: m.starred)[1]] = True
    selection = select(
        DigestInput(
            papers=papers,
            since=since,
            made=now_iso(),
            dismissed=marks.dismissed_mask(papers, size),
            starred=marks.mask(papers, size, lambda m: m.starred),
            read=marks.mask(papers, size, lambda m: m.read),
            weak=weak,
            limit=args.limit,
            watch=_watch_list(stderr),
            recommender=lambda chosen: _recommender(chosen, stderr),
            cited=_citation_counts(stderr),
            updated=marks.updated_mask(papers, size),
            seen_version=lambda paper: (marks.get(paper) or _NO_MARKS).seen_version,
            told_versions=mark.told_versions,
            saved=rows,
        )
    )
    text = render(selection.digest, args.format)
    try:
        if args.output is not None:
            _check_output(args.output)
            write_atomically(args.output, text)
        else:
            stdout.write(text)
            stdout.flush()  # written whole before the mark moves
    except OSError as error:
        if args.output is None:
            raise
        print(f"{PROG}: error: cannot write the digest to {shown(args.output)}: {error.strerror or error}; nothing was marked as told", file=stderr)
        return 1
    if given_since is not None:
        return 0  # a look back: the next digest still starts where the last one stopped
    newest = max(filter(None, (since, selection.newest_seen)), default=None)
    try:
        write_mark(newest, selection.told_versions)
    except OSError as error:
        print(f"{PROG}: error: the digest was written, but where it stopped cannot be kept ({error.strerror or error}): the next one lists these papers again", file=stderr)
        return 1
    return 0


def _check_output(path: Path) -> None:
    """Raise NotRegularFile (an OSError) when --output names a FIFO, a device or a directory: the
    digest replaces a file whole, and renaming it over a named pipe removed the pipe (its reader
    got nothing, and the command said it was written). A missing file is fine."""
    try:
        check_regular(path)
    except FileNotFoundError:
        pass


def render(digest, fmt: str) -> str:
    if fmt == "html":
        from papertui.export.digest_html import digest_html

        return digest_html(digest)
    if fmt == "text":
        from papertui.export.digest_text import digest_text

        return digest_text(digest)
    from papertui.export.digest_markdown import digest_markdown

    return digest_markdown(digest)


class _NoMarks:
    seen_version = None


_NO_MARKS = _NoMarks()


def _saved_searches(stderr: TextIO) -> dict[str, str]:
    from papertui.settings import Remembered

    remembered = Remembered()
    if remembered.problem:
        print(f"{PROG}: warning: {remembered.problem}", file=stderr)
    return {name: query for name, query in remembered.saved_searches.items() if query.strip()}


def _watch_list(stderr: TextIO):
    """The watch list, or None when nothing is watched (then there is no Watched section)."""
    from papertui.marks.watch import WatchError, WatchList

    try:
        watch = WatchList.load()
    except WatchError as error:
        print(f"{PROG}: warning: {error}; the digest has no Watched section this time", file=stderr)
        return None
    for problem in watch.problems:
        print(f"{PROG}: warning: {problem}", file=stderr)
    return None if watch.empty else watch


def _recommender(papers, stderr: TextIO):
    from papertui.recommend.model import Recommender

    recommender = Recommender(papers)
    recommender.build()
    if recommender.meaning_problem:
        print(f"{PROG}: note: for you by words only: {recommender.meaning_problem}", file=stderr)
    return recommender


def _citation_counts(stderr: TextIO):
    """How often each paper is cited, by `papertui enrich`'s answers; None when there are none."""
    from papertui.sources.citations.model import paper_key
    from papertui.sources.citations.store import CitationStore

    store = CitationStore.open()
    for warning in store.warnings:
        print(f"{PROG}: warning: {warning}", file=stderr)
    if not len(store):
        return None

    def cited(paper) -> int | None:
        citations = store.get(paper_key(paper))
        return citations.citation_count if citations is not None and citations.found else None

    return cited
