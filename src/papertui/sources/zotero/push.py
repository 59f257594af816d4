"""Sending papers to Zotero: ping, then each paper in a save session of its own (its item,
then its PDF's bytes when the PDF is in papertui's library), into the collection selected in
Zotero. Shared by `papertui zotero push` and the app's `z`; no Textual.

One session a paper: a paper Zotero refuses is said and the others still go, and progress is
counted in papers. Zotero not answering stops the run with one line; what was sent stays sent.
Nothing is written on papertui's side: no marks, no library, no cache.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from typing import Callable, Sequence

from papertui.links import abs_url, pdf_url
from papertui.pdfs.store import PdfStore
from papertui.storage.regular_files import read_regular_bytes
from papertui.sources.zotero.connector import Connector, Target, ZoteroRefused, ZoteroUnavailable
from papertui.sources.zotero.items import Sendable, zotero_item

# papers sent so far, papers in all, the paper being sent
Progress = Callable[[int, int, Sendable], None]
# the bytes of a paper's PDF from papertui's library, None when it has none, or OSError
PdfOf = Callable[[Sendable], "bytes | None"]


def no_progress(done: int, total: int, paper: Sendable) -> None:
    pass


def no_pdfs(paper: Sendable) -> None:
    return None


@dataclass
class PushReport:
    """What a run did: the papers sent, those refused (with why), and why it stopped early."""

    total: int = 0
    sent: list[Sendable] = field(default_factory=list)
    with_pdf: int = 0
    refused: list[tuple[Sendable, str]] = field(default_factory=list)  # the paper and one line
    pdf_problems: list[tuple[Sendable, str]] = field(default_factory=list)  # sent, but not its PDF
    unavailable: str | None = None  # Zotero could not take anything (more): the line to show
    target: Target | None = None
    files_refused: bool = False  # the selected library keeps no files: PDFs were not sent
    stopped: bool = False  # asked to stop (z again) before the last paper

    @property
    def ok(self) -> bool:
        return self.unavailable is None and not self.stopped and not self.refused and len(self.sent) == self.total

    def summary(self) -> str:
        """One line: how many went where, with how many PDFs, and what went wrong."""
        if self.unavailable and not self.sent:
            return self.unavailable
        count = _papers(len(self.sent))
        where = f" into {self.target.name}" if self.target else ""
        pdfs = f", {self.with_pdf:,} with {'its' if len(self.sent) == 1 else 'their'} PDF" if self.with_pdf else ""
        line = f"sent {count} to Zotero{where}{pdfs}"
        if self.files_refused:
            line += "; no PDFs: the selected library keeps no files"
        if self.refused:
            line += f"; {len(self.refused):,} refused ({self.refused[0][0].label}: {self.refused[0][1]})"
        if self.stopped:
            line += f"; stopped as asked, {len(self.sent) + len(self.refused):,} of {self.total:,} done"
        if self.unavailable:
            line += f"; then stopped, {len(self.sent) + len(self.refused):,} of {self.total:,} done: {self.unavailable}"
        return line


def push(
    papers: Sequence[Sendable],
    connector: Connector,
    pdf_of: PdfOf = no_pdfs,
    progress: Progress = no_progress,
    stop: Callable[[], bool] = lambda: False,
) -> PushReport:
    """Send `papers` to Zotero; never raises for Zotero's sake (the report says it)."""
    report = PushReport(total=len(papers))
    try:
        connector.ping()
        report.target = connector.selected_target()
    except ZoteroUnavailable as error:
        report.unavailable = str(error)
        return report
    if report.target is not None and not report.target.editable:
        report.unavailable = (
            f"{report.target.name}, selected in Zotero, cannot be written: select My Library or a collection you can edit, and try again"
        )
        return report
    report.files_refused = report.target is not None and not report.target.files_editable
    for number, paper in enumerate(papers):
        if stop():
            report.stopped = True
            break
        progress(number, len(papers), paper)
        try:
            _send_one(paper, connector, pdf_of, report)
        except ZoteroUnavailable as error:
            report.unavailable = str(error)
            break
    else:
        if papers:
            progress(len(papers), len(papers), papers[-1])
    return report


def _send_one(paper: Sendable, connector: Connector, pdf_of: PdfOf, report: PushReport) -> None:
    session = secrets.token_hex(8)  # a new one each: Zotero answers 409 to a session id used before
    key = secrets.token_hex(4)
    try:
        connector.save_items(session, [zotero_item(paper, key)], uri=_page(paper))
    except ZoteroRefused as refused:
        report.refused.append((paper, str(refused)))
        return
    report.sent.append(paper)
    if report.files_refused or not paper.arxiv_id:
        return
    try:
        data = pdf_of(paper)
    except OSError as error:
        report.pdf_problems.append((paper, f"its PDF could not be read ({error.strerror or error})"))
        return
    if data is None:
        return
    try:
        attached = connector.save_attachment(session, key, data, pdf_url(paper.arxiv_id))
    except ZoteroRefused as refused:
        report.pdf_problems.append((paper, str(refused)))
        return
    if attached:
        report.with_pdf += 1
    else:
        report.files_refused = True  # said once; the next papers go without theirs


def _page(paper: Sendable) -> str:
    """The page the item was "saved from", as Zotero records the connector's `uri`."""
    return abs_url(paper.arxiv_id) if paper.arxiv_id else (paper.url or "")


def _papers(count: int) -> str:
    return f"{count:,} paper{'' if count == 1 else 's'}"


def library_pdfs(store: PdfStore, limit: int) -> PdfOf:
    """The PDF of a paper from papertui's library, as bytes (at most `limit`: a file put there
    by hand could be anything); None when the library has none."""

    def pdf_of(paper: Sendable) -> bytes | None:
        local = store.local(paper.arxiv_id)
        return read_regular_bytes(local.path, limit) if local is not None else None

    return pdf_of
