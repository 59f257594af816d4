"""`papertui zotero push ID|URL ... | -`: papers into Zotero, through the connector server
the browser connector uses, e.g. `papertui list --query 'tag:cite' --format jsonl | papertui
zotero push -`."""

from __future__ import annotations

import argparse
import json
import sys
import time
from typing import TextIO

from papertui.command_line import CommandParser, UsageError
from papertui.links import parse_arxiv_id
from papertui.sources.bounded import printable_line
from papertui.sources.zotero.connector import DEFAULT_URL, URL_VARIABLE, Connector, ZoteroUnavailable, zotero_url
from papertui.sources.zotero.items import Sendable, from_paper, from_record
from papertui.terminal_progress import PROG, ProgressLine

# All of standard input is read before anything is sent (a JSON array must be whole): the
# lines of 100,000 papers of `list --format jsonl` take some 200 MB.
INPUT_LIMIT = 512 << 20


def zotero_parser() -> argparse.ArgumentParser:
    parser = CommandParser(prog=f"{PROG} zotero", description="Send papers to Zotero.")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    push = commands.add_parser(
        "push",
        help="send papers to the collection selected in Zotero",
        description="Send papers to Zotero (7 or later, running on this computer), into the library or "
        "collection selected in it, with their PDFs when they are in papertui's library.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog=(
            "ID|URL: arXiv ids or links of papers papertui loads (as 'papertui list' does, with their marks);\n"
            "- reads standard input, one a line: ids, links, or the JSON lines of 'papertui list --format\n"
            "jsonl' (an array of 'list --format json' too), used as they are: papers from any input.\n"
            "Each paper becomes a preprint item (title, authors, abstract, date, abs link, repository arXiv,\n"
            "archive ID arXiv:ID, DOI 10.48550/arXiv.ID or the published one), with your tags and your note\n"
            "(a child note); its PDF's bytes are attached when 'papertui download' put it in the library.\n"
            f"Zotero listens at {DEFAULT_URL}; ${URL_VARIABLE}, or url in [zotero] of the\n"
            "config file, says otherwise. Nothing of papertui's is written.\n"
            "exit status: 0 when every paper was sent, 1 when Zotero is not there or a paper was not sent,\n"
            "2 on a usage error."
        ),
    )
    push.add_argument("papers", nargs="+", metavar="ID|URL|-")
    return parser


def main(argv: list[str], stdout: TextIO, stderr: TextIO) -> int:
    args = zotero_parser().parse_args(argv)
    return run_push(args.papers, stdout, stderr)


def run_push(given: list[str], stdout: TextIO, stderr: TextIO) -> int:
    records, ids, unread = _read_input(given, stderr)
    if not records and not ids:
        print(f"{PROG}: error: no paper to send: give arXiv ids or links, or - and the lines of 'papertui list --format jsonl'", file=stderr)
        return 2 if not unread else 1
    base, problem = zotero_url()
    if problem:
        print(f"{PROG}: warning: {problem}", file=stderr)
    connector = Connector(base)
    try:
        connector.ping()  # before loading anything: no Zotero is said at once
    except ZoteroUnavailable as error:
        print(f"{PROG}: error: {error}", file=stderr)
        return 1
    papers = list(records)
    missing = 0
    if ids:
        found = _papers_by_id(ids, stderr)
        for arxiv_id in ids:
            if arxiv_id in found:
                papers.append(found[arxiv_id])
            else:
                missing += 1
                print(
                    f"{PROG}: error: {arxiv_id} is not among the papers papertui loads: 'papertui add {arxiv_id}' first, "
                    "or pipe it from 'papertui list FILE --format jsonl'; skipped",
                    file=stderr,
                )
    if not papers:
        return 1
    report = _push(papers, connector, stderr)
    for paper, why in report.refused:
        print(f"{PROG}: error: {paper.label}: {why}", file=stderr)
    for paper, why in report.pdf_problems:
        print(f"{PROG}: warning: {paper.label}: sent without its PDF: {why}", file=stderr)
    if report.unavailable and not report.sent:
        print(f"{PROG}: error: {report.summary()}", file=stderr)
        return 1
    print(report.summary(), file=stdout)
    return 0 if report.ok and not missing and not unread else 1


def _push(papers: list[Sendable], connector: Connector, stderr: TextIO):
    from papertui.pdfs.store import PdfStore
    from papertui.sources.limits import configured_limits
    from papertui.sources.zotero.push import library_pdfs, push

    meter = ProgressLine(stderr)
    started = time.monotonic()

    def progress(done: int, total: int, paper: Sendable) -> None:
        if total > 1:
            meter.bar(f"Zotero {paper.label}", done, total, started)

    try:
        return push(papers, connector, library_pdfs(PdfStore(), configured_limits().pdf_bytes), progress)
    finally:
        meter.clear()


def _read_input(given: list[str], stderr: TextIO) -> tuple[list[Sendable], list[str], int]:
    """The papers given whole (JSON), the arXiv ids given alone (each once, in order), and
    how many arguments or lines were neither (each said on stderr)."""
    from_stdin = given == ["-"]
    records: list[Sendable] = []
    ids: list[str] = []
    unread = 0
    for number, item in enumerate(_standard_input() if from_stdin else given, 1):
        whole = isinstance(item, dict) or item.lstrip().startswith("{")
        paper = _record(item) if whole else parse_arxiv_id(item)
        if paper is None:
            unread += 1
            where = f"line {number:,} of standard input" if from_stdin else repr(item[:60])
            what = "not a paper of 'papertui list --format jsonl'" if whole else "not an arXiv id or link"
            print(f"{PROG}: warning: {where} is {what}; skipped", file=stderr)
        elif isinstance(paper, str):
            if paper not in ids:
                ids.append(paper)
        else:
            records.append(paper)
    return records, ids, unread


def _record(item: str | dict) -> Sendable | None:
    if isinstance(item, dict):
        return from_record(item)
    try:
        return from_record(json.loads(item))
    except (ValueError, RecursionError):
        return None


def _standard_input() -> list[str | dict]:
    """Standard input's lines that hold something, or the objects of a JSON array."""
    stream = getattr(sys.stdin, "buffer", None)
    data = stream.read(INPUT_LIMIT + 1) if stream is not None else sys.stdin.read(INPUT_LIMIT + 1).encode("utf-8", "replace")
    if len(data) > INPUT_LIMIT:
        raise UsageError(f"standard input holds over {INPUT_LIMIT >> 20:,} MB: send the papers in parts")
    text = data.decode("utf-8", "replace")
    if text.lstrip().startswith("["):  # `papertui list --format json`: one array
        try:
            array = json.loads(text)
        except (ValueError, RecursionError):
            return ["{"]  # said as one line that is not a paper
        return [item if isinstance(item, dict) else "{" for item in (array if isinstance(array, list) else [array])]
    return [line.strip() for line in text.splitlines() if line.strip()]


def _papers_by_id(ids: list[str], stderr: TextIO) -> dict[str, Sendable]:
    """The papers papertui loads (as `papertui list` does), with their marks and the DOI
    the citation store knows, for the ids given alone."""
    from papertui.cli.load import load, open_marks
    from papertui.sources.citations.model import paper_key
    from papertui.sources.citations.store import CitationStore

    corpus, _ = load([], stderr)
    wanted = set(ids)
    marks = open_marks(stderr)
    citations = CitationStore.open()
    for warning in citations.warnings:
        print(f"{PROG}: warning: {printable_line(warning)}", file=stderr)
    found: dict[str, Sendable] = {}
    for paper in corpus.papers:
        if paper.arxiv_id in wanted and paper.arxiv_id not in found:
            kept = citations.get(paper_key(paper))
            found[paper.arxiv_id] = from_paper(paper, marks.get(paper), kept.doi if kept is not None else None)
    return found
