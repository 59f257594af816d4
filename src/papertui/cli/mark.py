"""`papertui mark ID... --star|--unstar|--read|--unread|--tag NAME|--untag NAME|--dismiss|--undismiss`: the app's
marks from the shell and from scripts, in the same marks file (merged under its lock, so a
running app keeps its own changes and sees these)."""

from __future__ import annotations

import argparse
from typing import TextIO

from papertui.command_line import CommandParser, UsageError, ids_given
from papertui.corpus.model import Paper
from papertui.corpus.text import clean
from papertui.links import parse_arxiv_id
from papertui.marks.store import MarkStore, StateError, normalise_tags
from papertui.terminal_progress import PROG


def mark_parser() -> argparse.ArgumentParser:
    parser = CommandParser(
        prog=f"{PROG} mark",
        description="Star, mark read, tag or dismiss (not interested) papers by arXiv id, in the marks file the app uses.",
        epilog="IDs: 2406.16845, arXiv:2406.16845v2, hep-th/9901001 or arXiv URLs; - reads them from standard input.\n"
        "exit status: 0 when every id was marked, 1 when the marks could not be saved, 2 on a usage error.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("ids", nargs="+", metavar="ID|URL")
    star = parser.add_mutually_exclusive_group()
    star.add_argument("--star", dest="starred", action="store_const", const=True, help="star them")
    star.add_argument("--unstar", dest="starred", action="store_const", const=False, help="unstar them")
    read = parser.add_mutually_exclusive_group()
    read.add_argument("--read", dest="read", action="store_const", const=True, help="mark them read")
    read.add_argument("--unread", dest="read", action="store_const", const=False, help="mark them unread")
    dismiss = parser.add_mutually_exclusive_group()
    dismiss.add_argument(
        "--dismiss", dest="dismissed", action="store_const", const=True,
        help="not interested: hide them from every list and search but is:dismissed, and learn from them for 'for you'",
    )
    dismiss.add_argument("--undismiss", dest="dismissed", action="store_const", const=False, help="show them again")
    parser.add_argument("--tag", action="append", default=[], metavar="NAME", help="add this tag (repeatable)")
    parser.add_argument("--untag", action="append", default=[], metavar="NAME", help="remove this tag (repeatable)")
    return parser


def run_mark(argv: list[str], stdout: TextIO, stderr: TextIO) -> int:
    args = mark_parser().parse_args(argv)
    if args.starred is None and args.read is None and args.dismissed is None and not args.tag and not args.untag:
        raise UsageError("say what to mark: --star, --unstar, --read, --unread, --tag NAME, --untag NAME, --dismiss or --undismiss")
    ids = ids_given(args.ids, parse_arxiv_id, stderr)
    if not ids:
        print(f"{PROG}: error: no arXiv id to mark", file=stderr)
        return 2
    titles = _known_titles(set(ids))
    marks = MarkStore.open()
    for warning in marks.warnings:
        print(f"{PROG}: warning: {warning}", file=stderr)
    added, removed = normalise_tags(args.tag), set(normalise_tags(args.untag))
    for arxiv_id in ids:
        paper = Paper(title=titles.get(arxiv_id, ""), abstract="", arxiv_id=arxiv_id)
        old = marks.get(paper)
        if not paper.title and old is not None:
            paper.title = old.title  # keep the title an earlier mark knew
        changes: dict = {}
        if args.starred is not None:
            changes["starred"] = args.starred
        if args.read is not None:
            changes["read"] = args.read
        if args.dismissed is not None:
            changes["dismissed"] = args.dismissed
        if added or removed:
            tags = [tag for tag in (old.tags if old else ()) if tag not in removed]
            changes["tags"] = tags + [tag for tag in added if tag not in tags]
        new = marks.update(paper, **changes)
        flags = [name for name, on in (("starred", new.starred), ("read", new.read), ("dismissed", new.dismissed)) if on]
        shown = " ".join([*flags, *(f"#{tag}" for tag in new.tags)]) or "no marks"
        # clean: a title kept in the marks file (hand-edited, or older) may hold escape sequences
        title = f" {clean(paper.title)[:60]}" if clean(paper.title) else " (not in the loaded papers; marked by id)"
        print(f"{arxiv_id}: {shown} ·{title}", file=stdout)
    try:
        marks.save()
    except StateError as error:
        print(f"{PROG}: error: {error}; nothing was marked", file=stderr)
        return 1
    return 0


def _known_titles(ids: set[str]) -> dict[str, str]:
    """Titles of the papers, from the bundled seeds and the library (what the app loads)."""
    from papertui.cli.common import resolve_paths
    from papertui.corpus import iter_load
    from papertui.corpus.model import Corpus

    paths, root = resolve_paths([], True)
    corpus = Corpus()
    for _ in iter_load(paths, display_root=root, corpus=corpus):
        pass
    return {paper.arxiv_id: paper.title for paper in corpus.papers if paper.arxiv_id in ids}
