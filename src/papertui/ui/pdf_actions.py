"""The PDF library in the app: `d` downloads, `o` opens the local file, `l` lists a paper's
links; the list marks downloaded papers and the detail pane shows the file.

Mixed into `PaperApp`. Downloads run in a daemon thread (quitting never waits for one),
through the polite arXiv client; the text of each new PDF is extracted there too, so that
`full:` finds it. A timer looks at the directory (one stat) so that a file deleted or added
by hand shows at once.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import TYPE_CHECKING

from textual import work
from textual.message import Message

from papertui.corpus.model import Corpus, Paper
from papertui.corpus.text import printable
from papertui.links import OpenOutcome, arxiv_id_from_url, is_web_link, open_in_browser, urls_in
from papertui.pdfs.store import LocalPdf, human_size, split_version
from papertui.pdfs.text import ensure_text, first_page, missing_texts
from papertui.pdfs.viewer import open_pdf, open_zotero_pdf
from papertui.search.query import parse_query
from papertui.ui.daemon import in_daemon_thread
from papertui.ui.detail import PdfOnDisk
from papertui.ui.links_screen import LinkChoice, LinksScreen

if TYPE_CHECKING:
    from papertui.pdfs.download import Downloaded, Wanted
    from papertui.ui.app import PaperApp

    _Base = PaperApp
else:
    _Base = object

LOOK_EVERY = 2.0  # seconds between looks at the PDF directory (one stat each)
FAILURES_SHOWN = 3


class PdfActions(_Base):
    @dataclass
    class DownloadProgress(Message):
        done: int
        total: int
        arxiv_id: str
        received: int
        size: int | None

    @dataclass
    class DownloadsDone(Message):
        results: list[Downloaded]
        stopped: bool = False
        failure: str | None = None  # one line: the download ended on an error of papertui's

    class PdfFilesChanged(Message):
        """Texts were extracted, or files came or went."""

    _stop_downloading: threading.Event | None = None
    _zotero_texts_of: Corpus | None = None  # the corpus whose Zotero PDFs' text was looked for
    _downloading_line = ""

    def start_pdf_library(self) -> None:
        self.paper_list.is_downloaded = lambda paper: self.pdfs.local(paper.arxiv_id, look=False) is not None
        self.set_interval(LOOK_EVERY, self._look_at_pdf_files, name="look at the PDF library")
        if self.pdfs.root.is_dir():
            self.extract_missing_texts()

    def _look_at_pdf_files(self) -> None:
        if self.pdfs.refresh():
            self.post_message(self.PdfFilesChanged())
        if self.corpus is not None and not self.loading and self.corpus is not self._zotero_texts_of:
            self._zotero_texts_of = self.corpus
            if any(report.format == "zotero-sqlite" for report in self.corpus.files):
                self.extract_zotero_texts(self.corpus)

    @work(exclusive=True, group="zotero-pdf-text", exit_on_error=False, name="extracting Zotero PDFs' text", description="extract text")
    async def extract_zotero_texts(self, corpus: Corpus) -> None:
        """The text of Zotero's PDFs of papers not in the PDF library, for full:; kept in
        papertui's data directory, never beside Zotero's files."""
        from papertui.corpus.stored import read_each

        texts = self.pdfs.zotero_texts
        abandoned = threading.Event()  # a newer corpus's run replaces this one: stop between PDFs

        def extract() -> None:
            texts.note_papers(
                (position, paper.local_pdf)
                for position, paper in enumerate(read_each(corpus.papers))
                if paper.local_pdf and self.pdfs.local(paper.arxiv_id, look=False) is None
            )
            for local_pdf in texts.wanted():
                if abandoned.is_set():
                    return
                texts.ensure_text(local_pdf)
            self.pdfs.note_change()  # full: answers cached before are worked out again
            self.post_message(self.PdfFilesChanged())

        try:
            await in_daemon_thread(extract, name="papertui-zotero-pdf-text")
        finally:
            abandoned.set()  # cancelled (a new corpus, or quitting): the thread stops at its next PDF

    @work(exclusive=True, group="pdf-text", exit_on_error=False, name="extracting PDF text", description="extract text")
    async def extract_missing_texts(self) -> None:
        """PDFs put in the library by hand, or downloaded before: their text, for full:."""

        def extract() -> None:
            for pdf in missing_texts(self.pdfs):
                ensure_text(self.pdfs, pdf)
            self.post_message(self.PdfFilesChanged())

        await in_daemon_thread(extract, name="papertui-pdf-text")

    def on_pdf_actions_pdf_files_changed(self, message: PdfFilesChanged) -> None:
        self.pdfs.refresh()  # the rows are drawn from this listing, without a look of their own
        self.paper_list.refresh_marks()
        self.show_details()
        if parse_query(self.filter_bar.value).uses_marks:
            self.refilter()

    def pdf_on_disk(self, paper: Paper | None) -> PdfOnDisk | None:
        pdf = self.pdfs.local(paper.arxiv_id) if paper is not None else None
        if pdf is None:
            return None
        return PdfOnDisk(pdf, tuple(first_page(self.pdfs, pdf)))

    # --- download -------------------------------------------------------------------

    def action_download(self) -> None:
        """Download the PDFs of the targets; again while downloading: stop."""
        if self._stop_downloading is not None:
            self._stop_downloading.set()
            self.notify("Stopping the download; a partial file resumes next time.", markup=False, timeout=4)
            return
        if self._no_targets():
            return
        from papertui.pdfs.download import Wanted  # with the HTTP client: imported when first used

        papers, what = self.targets()
        with_id = [paper for paper in papers if paper.arxiv_id and split_version(paper.arxiv_id) == (paper.arxiv_id, "")]
        without = len(papers) - len(with_id)
        if without:
            who = f"{what[0].upper()}{what[1:]} has" if len(papers) == 1 else f"{without:,} of {what} {'has' if without == 1 else 'have'}"
            self.notify(
                f"{who} no arXiv id, so no PDF to download: i finds the id by a title search.",
                title="No arXiv id", severity="warning", markup=False, timeout=8,
            )  # fmt: skip
        wanted = [Wanted(paper.arxiv_id) for paper in with_id if self.pdfs.local(paper.arxiv_id) is None]  # type: ignore[arg-type]
        present = len(with_id) - len(wanted)
        if not wanted:
            if present:
                where = self.pdfs.local(with_id[0].arxiv_id)
                shown = f": {where.path}" if present == 1 and where else f" in {self.pdfs.root}"
                self.notify(f"Already downloaded{shown}. o opens it.", markup=False, timeout=6)
            return
        self._stop_downloading = threading.Event()
        seconds = (len(wanted) - 1) * 3
        pace = f" (one every 3 s, as arXiv asks: about {seconds} s)" if seconds else ""
        self.notify(f"Downloading {len(wanted):,} PDF{'s' if len(wanted) > 1 else ''}{pace}; d again stops.", markup=False, timeout=4)
        self.download_pdfs(wanted, self._stop_downloading)

    @work(exclusive=True, group="download", exit_on_error=False, name="downloading PDFs", description="download PDFs")
    async def download_pdfs(self, wanted: list[Wanted], stop: threading.Event) -> None:
        try:
            await in_daemon_thread(lambda: self._download(wanted, stop), name="papertui-download")
        except Exception as error:  # noqa: BLE001 - any of them; a quit's CancelledError still passes
            # Said here, not by the app's handler of failed workers: the progress on the status
            # line and the "d again stops" state must end too. A message, so that it comes
            # after the progress the thread posted before it failed.
            self.post_message(self.DownloadsDone([], failure=one_line(f"{type(error).__name__}: {error}")))
        finally:
            stop.set()  # a cancelled worker (quit): the thread stops at its next chunk

    def _download(self, wanted: list[Wanted], stop: threading.Event) -> None:
        def progress(done: int, total: int, arxiv_id: str, received: int, size: int | None) -> None:
            self.post_message(self.DownloadProgress(done, total, arxiv_id, received, size))

        from papertui.pdfs.download import download_all
        from papertui.sources.http import Stopped
        from papertui.sources.runs import Clients

        results: list[Downloaded] = []
        try:
            results = download_all(self.pdfs, Clients(stop=stop.is_set).arxiv("arxiv.org (PDFs)"), wanted, progress)
        except Stopped:
            self.post_message(self.DownloadsDone(results, stopped=True))
            return
        self.post_message(self.DownloadsDone(results))

    def on_pdf_actions_download_progress(self, message: DownloadProgress) -> None:
        if not message.arxiv_id or self._stop_downloading is None:  # none under way: a late message
            return
        size = f" of {human_size(message.size)}" if message.size else ""
        filled = round(10 * message.received / message.size) if message.size else 0
        bar = f" [{'#' * filled}{'-' * (10 - filled)}]" if message.size else ""
        self._downloading_line = (
            f"downloading {message.done + 1}/{message.total} {message.arxiv_id} {human_size(message.received)}{size}{bar}"
        )
        self._update_status()

    def on_pdf_actions_downloads_done(self, message: DownloadsDone) -> None:
        self._stop_downloading = None
        self._downloading_line = ""
        self._update_status()
        if message.failure is not None:
            self.notify(
                f"The download stopped on an error ({message.failure}); what was whole is kept and a cut file resumes: d tries again.",
                title="Download failed", severity="error", markup=False, timeout=10,
            )  # fmt: skip
            self.pdfs.forget_listing()
            self.on_pdf_actions_pdf_files_changed(self.PdfFilesChanged())
            return
        done = [result for result in message.results if result.pdf is not None and not result.already]
        failed = [result for result in message.results if result.pdf is None]
        lines = []
        if done:
            files = done[0].pdf.path if len(done) == 1 and done[0].pdf else self.pdfs.root
            lines.append(f"{len(done):,} PDF{'s' if len(done) > 1 else ''} in {files}")
        lines += [f"{result.arxiv_id}: {result.problem}" for result in failed[:FAILURES_SHOWN]]
        if len(failed) > FAILURES_SHOWN:
            lines.append(f"… and {len(failed) - FAILURES_SHOWN} more failed")
        lines += [f"{result.arxiv_id}: no full text: {result.text.problem}" for result in done if result.text and result.text.problem]
        if message.stopped:
            lines.append("Stopped; a partial download resumes next time.")
        title = "Downloaded" if done and not failed else "Download failed" if failed and not done else "Downloads"
        self.notify("\n".join(lines) or "Nothing downloaded.", title=title, severity="error" if failed else "information", markup=False, timeout=10 if failed else 6)
        self.pdfs.forget_listing()
        self.on_pdf_actions_pdf_files_changed(self.PdfFilesChanged())

    # --- open -----------------------------------------------------------------------

    @work(thread=True, group="open", exit_on_error=False, name="opening the PDF", description="open PDF")
    def open_local_pdfs(self, papers: list[tuple[Paper, LocalPdf]]) -> None:
        outcomes = [(paper, pdf, open_pdf(pdf.path, self.pdfs)) for paper, pdf in papers]
        self.call_from_thread(self._report_local_open, outcomes)

    def _report_local_open(self, outcomes: list[tuple[Paper, LocalPdf, OpenOutcome]]) -> None:
        opened = [(paper, pdf, outcome) for paper, pdf, outcome in outcomes if outcome.opened]
        if opened:
            self._set_marks([paper for paper, _, _ in opened], undo_as="Marked read by opening", read=True)
            paths = "\n".join(str(pdf.path) for _, pdf, _ in opened)
            self.notify(f"{paths}\nwith {opened[0][2].how}", title=f"Opened {_pdfs(len(opened))}", markup=False)
        failed = [(pdf, outcome) for _, pdf, outcome in outcomes if not outcome.opened]
        if failed:
            paths = "\n".join(str(pdf.path) for pdf, _ in failed)
            via = self._copy(paths)
            why = failed[0][1].how
            self.notify(
                f"{paths}\n{why[0].upper()}{why[1:]}.\nPath{'s' if len(failed) > 1 else ''} copied {via}",
                title=f"{'PDF' if len(failed) == 1 else f'{len(failed)} PDFs'} on disk, not opened", severity="warning", markup=False, timeout=10,
            )  # fmt: skip

    def zotero_pdfs_of(self, papers: list[Paper]) -> list[Paper]:
        """The papers whose PDF `o` opens from Zotero's storage: not in the PDF library, with a
        stored PDF in the Zotero library (`Paper.local_pdf`)."""
        return [paper for paper in papers if paper.local_pdf and self.pdfs.local(paper.arxiv_id) is None]

    @work(thread=True, group="open", exit_on_error=False, name="opening Zotero's PDF", description="open PDF")
    def open_zotero_pdfs(self, papers: list[Paper]) -> None:
        outcomes = [(paper, open_zotero_pdf(paper.local_pdf or "")) for paper in papers]
        self.call_from_thread(self._report_zotero_open, outcomes)

    def _report_zotero_open(self, outcomes: list[tuple[Paper, OpenOutcome]]) -> None:
        opened = [(paper, outcome) for paper, outcome in outcomes if outcome.opened]
        if opened:
            self._set_marks([paper for paper, _ in opened], undo_as="Marked read by opening", read=True)
            paths = "\n".join(printable(paper.local_pdf or "") for paper, _ in opened)
            self.notify(f"{paths}\nwith {opened[0][1].how} (from Zotero's storage)", title=f"Opened {_pdfs(len(opened))}", markup=False)
        for paper, outcome in outcomes:
            if not outcome.opened:
                self.notify(one_line(outcome.how, 300), title="PDF in Zotero, not opened", severity="warning", markup=False, timeout=10)

    # --- links ----------------------------------------------------------------------

    def action_links(self) -> None:
        paper = self.highlighted_or_say()
        if paper is None:
            return
        links = paper_web_links(paper)
        if not links:
            self.notify("No links in this paper's abstract or listing (code, project pages).", markup=False, timeout=4)
            return
        self.push_screen(LinksScreen(paper.title, links), self._use_link)

    def _use_link(self, choice: LinkChoice | None) -> None:
        if choice is None:
            return
        if choice.action == "copy":
            self.notify(f"{choice.url}\n{self._copy(choice.url)}", title="Copied link", markup=False)
            return
        self.open_web_link(choice.url)

    @work(thread=True, group="open", exit_on_error=False, name="opening the browser", description="open link")
    def open_web_link(self, url: str) -> None:
        outcome = open_in_browser(url, web_link=True)
        self.call_from_thread(self._report_web_link, url, outcome.opened, outcome.how)

    def _report_web_link(self, url: str, opened: bool, how: str) -> None:
        if opened:
            self.notify(f"{url}\nwith {how}", title="Opened link", markup=False)
            return
        via = self._copy(url)
        self.notify(f"{how}; copied the link instead {via}:\n{url}", title="Could not open the link", severity="warning", markup=False, timeout=8)


def one_line(text: str, limit: int = 200) -> str:
    """Untrusted text (an exception's message) for a notification: one line, no controls, short."""
    text = printable(" ".join(text.split()))
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _pdfs(count: int) -> str:
    return "the PDF" if count == 1 else f"{count} PDFs"


def paper_web_links(paper: Paper) -> list[str]:
    """Links a paper carries (a listing's GitHub repository first), then those in its abstract."""
    found: dict[str, None] = {}
    for url in (*paper.links, *urls_in(paper.abstract)):
        own = paper.arxiv_id is not None and arxiv_id_from_url(url) == paper.arxiv_id  # o and y have it
        if is_web_link(url) and not own:
            found.setdefault(url, None)
    return list(found)
