"""Detecting a file's format from its content, never from its name."""

from __future__ import annotations

from pathlib import Path
from typing import Callable, Iterable, Iterator, NamedTuple

from papertui.corpus import (
    abstract_lines,
    arxiv_atom,
    arxiv_rss,
    arxiv_snapshot,
    bibtex,
    csl_json,
    hf_daily_page,
    hf_papers_json,
    oai_pmh,
    ris,
    title_pdf_summary,
    zotero_sqlite,
)
from papertui.corpus.model import FileReport, Record

Parser = Callable[[str, FileReport], Iterator[Record]]
LineParser = Callable[[Iterable[str], FileReport], Iterator[Record]]


class Format(NamedTuple):
    name: str
    parse: Parser | LineParser
    description: str
    # A line format is parsed as its lines stream in, so a file of any size can load.
    by_lines: bool = False


FORMATS: dict[str, Format] = {
    fmt.name: fmt
    for fmt in (
        Format(
            title_pdf_summary.FORMAT,
            title_pdf_summary.parse_title_pdf_summary,
            "`Title:`, `PDF:`, `Summary:` records separated by `---` lines",
        ),
        Format(
            abstract_lines.FORMAT,
            abstract_lines.parse_abstract_lines,
            "one paper per line beginning `Abstract:`",
        ),
        Format(
            hf_daily_page.FORMAT,
            hf_daily_page.parse_hf_daily_page,
            "a text copy of the Hugging Face Daily Papers page",
        ),
        Format(
            arxiv_atom.FORMAT,
            arxiv_atom.parse_arxiv_atom,
            "an arXiv API answer (Atom XML)",
        ),
        Format(
            arxiv_rss.FORMAT,
            arxiv_rss.parse_arxiv_rss,
            "an arXiv RSS feed (rss.arxiv.org, the 2024+ format)",
        ),
        Format(
            oai_pmh.FORMAT,
            oai_pmh.parse_arxiv_oai,
            "an arXiv OAI-PMH answer (oai_dc, arXiv or arXivRaw metadata)",
        ),
        Format(
            hf_papers_json.FORMAT,
            hf_papers_json.parse_papers_json,
            "a JSON array of papers (Hugging Face papers API, `list --format json`)",
        ),
        Format(
            arxiv_snapshot.FORMAT,
            arxiv_snapshot.parse_json_lines,
            "JSON lines (arXiv metadata snapshot, `list --format jsonl`)",
            by_lines=True,
        ),
        Format(
            bibtex.FORMAT,
            bibtex.parse_bibtex,
            "BibTeX entries",
        ),
        Format(
            ris.FORMAT,
            ris.parse_ris,
            "RIS (`TY  - JOUR` … `ER  - `), as Zotero, Mendeley and EndNote export it",
        ),
        Format(
            csl_json.FORMAT,
            csl_json.parse_csl_json,
            "CSL-JSON items (Zotero's CSL JSON export, pandoc, citeproc, a Crossref work)",
        ),
    )
}


class Database(NamedTuple):
    """A format SQLite reads from the file's path: the loader cannot hand it text."""

    name: str
    parse: Callable[[Path, FileReport], Iterator[Record]]
    description: str


# Not among FORMATS, whose parsers all take text.
DATABASES: dict[str, Database] = {
    zotero_sqlite.FORMAT: Database(zotero_sqlite.FORMAT, zotero_sqlite.parse_zotero_sqlite, zotero_sqlite.DESCRIPTION),
}


def sniff_database(head: bytes) -> Database | None:
    """The database format of a file that starts with `head`, or None: any SQLite file is
    given to the Zotero reader, which says so when it lacks Zotero's tables."""
    return DATABASES[zotero_sqlite.FORMAT] if zotero_sqlite.is_sqlite(head) else None


HEAD_LINES = 50


def sniff_format(text: str) -> Format | None:
    """The format whose shape the start of `text` has, or None."""
    head = text[:65536]
    # Structured formats announce themselves in their first characters.
    if arxiv_atom.looks_like(head):
        return FORMATS[arxiv_atom.FORMAT]
    if arxiv_rss.looks_like(head):
        return FORMATS[arxiv_rss.FORMAT]
    if oai_pmh.looks_like(head):
        return FORMATS[oai_pmh.FORMAT]
    if csl_json.looks_like(head):  # before the papers' JSON: a CSL array is an array of objects too
        return FORMATS[csl_json.FORMAT]
    if ris.looks_like(head):
        return FORMATS[ris.FORMAT]
    if hf_papers_json.looks_like(head):
        return FORMATS[hf_papers_json.FORMAT]
    if arxiv_snapshot.looks_like(head):
        return FORMATS[arxiv_snapshot.FORMAT]
    lines = [line.strip() for line in head.split("\n", 2000)[:2000] if line.strip()][:HEAD_LINES]
    if not lines:
        return None
    # The first line decides when it can; the counts below catch files with a stray header.
    if lines[0].startswith("Title:"):
        return FORMATS[title_pdf_summary.FORMAT]
    if lines[0].startswith(abstract_lines.PREFIX):
        return FORMATS[abstract_lines.FORMAT]
    if hf_daily_page.looks_like(lines):
        return FORMATS[hf_daily_page.FORMAT]
    if title_pdf_summary.looks_like(lines):
        return FORMATS[title_pdf_summary.FORMAT]
    if abstract_lines.looks_like(lines):
        return FORMATS[abstract_lines.FORMAT]
    if bibtex.looks_like(head):
        return FORMATS[bibtex.FORMAT]
    return None
