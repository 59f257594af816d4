"""What the subcommands' command lines share: the paths they read, the query language's help,
and which paths are loaded when none is given."""

from __future__ import annotations

import argparse
import os
from pathlib import Path
from typing import TYPE_CHECKING, Sequence, TextIO

from papertui import bundled_seeds
from papertui.sources.library import library_dir
from papertui.terminal_progress import PROG

if TYPE_CHECKING:
    from papertui.corpus.model import Paper

QUERY_HELP = """query language (the same in the app; see the README for more):
  graph neural        every word, typos forgiven     'exact  "a phrase"   substring (smart case)
  a | b               either                          !term               without (substring)
  ^start  end$        the title starts/ends so        title: t: abs:      only in that field
  au:NAME  cat:cs.CL    id:2406  source:FILE         date:mar  date:>=2024-03  upvotes:>=10
  is:starred is:read is:unread is:new  tag:NAME       has:id  has:code  has:tldr
  citations:>=100  influential:>=10  venue:neurips   Semantic Scholar's (papertui enrich asks)
  is:downloaded       the PDF is in the library       full:WORDS full:"a phrase"  in the PDF's text
  is:updated          a newer arXiv version than the one starred or read
  like:2406.16845  like:"a title"   papers like it    ~"protein folding"   papers about it, by meaning
  for:TAG             ranked as "for you", learned from the papers with that tag
  in:zotero           also in your Zotero library     collection:NAME     in a Zotero collection (or path)
  is:watched          by a watched author or word      is:dismissed        only the papers marked not interested
  -FIELD:VALUE        without it (-is:read, -au:smith); dismissed papers are hidden unless is:dismissed asks"""


def formats_help() -> str:
    from papertui.corpus.sniff import DATABASES, FORMATS  # every parser: only for the help text

    return "\n".join(f"  {name:<18} {fmt.description}" for name, fmt in (*FORMATS.items(), *DATABASES.items()))


def add_paths_arguments(parser: argparse.ArgumentParser) -> None:
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
    parser.add_argument(
        "--no-zotero", action="store_true", help="without PATH: not your Zotero library (zotero.sqlite, read-only)"
    )


COUNT_DIGITS = 12  # a trillion papers: more than any corpus; int() of 5,000 digits would raise


def count(text: str) -> int:
    """A number of things from the command line: ASCII digits only (int() also takes "٣" and
    "1_000"), and not so many that the message about it would be a page long."""
    digits = text.strip()
    negative = digits.startswith("-")
    digits = digits.removeprefix("-")
    if not (digits.isascii() and digits.isdigit()):
        shown = repr(text) if len(text) <= 40 else repr(text[:40]) + "…"
        raise argparse.ArgumentTypeError(f"not a whole number: {shown}")
    digits = digits.lstrip("0") or "0"  # int() refuses over 4,300 digits, zeros included
    if len(digits) > COUNT_DIGITS:
        raise argparse.ArgumentTypeError(f"too large: give at most {COUNT_DIGITS} digits")
    if negative and int(digits):
        raise argparse.ArgumentTypeError(f"must be 0 or more: -{int(digits)}")
    return int(digits)


def resolve_paths(
    paths: Sequence[Path], with_library: bool = True, with_zotero: bool = True
) -> tuple[list[Path], list[Path] | None]:
    """The paths to load and the roots to show them relative to: by default the bundled
    seeds, the library of fetched papers when there is one, and the Zotero library."""
    if paths:
        return list(paths), None
    seeds = bundled_seeds()
    library = library_dir()
    chosen, roots = [seeds], [seeds.parent]
    if with_library and any(library.rglob("*.jsonl")):
        chosen.append(library)
        roots.append(library.parent)
    zotero = zotero_database() if with_zotero else None
    if zotero is not None:
        chosen.append(zotero)
        roots.append(zotero.parent.parent)  # shown as Zotero/zotero.sqlite
    return chosen, roots


ZOTERO_VARIABLE = "PAPERTUI_ZOTERO_DIR"


def zotero_database() -> Path | None:
    """`zotero.sqlite` in Zotero's data directory when it is there: `$PAPERTUI_ZOTERO_DIR`,
    else the config's `[zotero] data_dir`, else ~/Zotero."""
    from papertui.corpus.zotero_sqlite import DATABASE_NAME
    from papertui.sources.config import read_config

    named = os.environ.get(ZOTERO_VARIABLE)
    if not named:
        table = read_config()[0].get("zotero")  # a config that cannot be read is said by the app and fetch
        named = table.get("data_dir") if isinstance(table, dict) else None
    try:
        directory = Path(named).expanduser() if isinstance(named, str) and named.strip() else Path.home() / "Zotero"
        database = directory / DATABASE_NAME
        return database if database.exists() else None  # not only a file: the load says what else it is
    except (OSError, RuntimeError):  # no home directory to look in, a name too long
        return None


def note_papers_without_pdf_links(papers: Sequence[Paper], fmt: str, stderr: TextIO) -> None:
    missing = sum(1 for paper in papers if not paper.arxiv_id) if fmt == "pdf-links" else 0
    if missing:
        print(f"{PROG}: note: {missing:,} of the papers have no arXiv id, so no PDF link: left out ('papertui resolve' finds ids)", file=stderr)
