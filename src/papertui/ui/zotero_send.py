"""The `z` key: send the selected papers (or the highlighted one) to Zotero.

A controller of its own, not a mixin: the app's `action_send_to_zotero` calls
`send_to_zotero(self)`. The papers are read on the UI thread (marks, as they are now), the
sending runs in a daemon thread (`sources/zotero/push.py`: ping, each paper's item, its PDF's
bytes), and the outcome is one notification. Nothing else changes: no marks, no list, no filter.
"""

from __future__ import annotations

import threading
import weakref
from typing import TYPE_CHECKING

from papertui.ui.daemon import in_daemon_thread

if TYPE_CHECKING:
    from papertui.sources.zotero.items import Sendable
    from papertui.sources.zotero.push import PushReport
    from papertui.ui.app import PaperApp

TITLE = "Zotero"


class ZoteroSender:
    """One app's sending: at most one run at a time; `z` again while it runs stops it after
    the paper being sent."""

    def __init__(self, app: PaperApp) -> None:
        self.app = app
        self.sending: threading.Event | None = None  # set to stop the run under way
        self.last: PushReport | None = None  # the last run's report (for the tests)

    def send(self) -> None:
        app = self.app
        if self.sending is not None:
            self.sending.set()
            app.notify("Stopping after the paper being sent to Zotero…", title=TITLE, markup=False)
            return
        if app._no_targets():
            return
        papers, what = app.targets()
        from papertui.sources.zotero.items import from_paper

        sendables = [from_paper(paper, app.marks.get(paper)) for paper in papers]
        stop = self.sending = threading.Event()
        count = f"{len(sendables):,} papers" if len(sendables) > 1 else what
        app.notify(f"Sending {count} to Zotero… (z again stops)", title=TITLE, markup=False, timeout=4)
        app.run_worker(self._run(sendables, stop), group="zotero", exclusive=True, exit_on_error=False, name="sending to Zotero")

    async def _run(self, papers: list[Sendable], stop: threading.Event) -> None:
        try:
            report = await in_daemon_thread(lambda: self._push(papers, stop), name="papertui-zotero")
        except Exception as error:  # noqa: BLE001 - said in one line, the app goes on
            from papertui.sources.bounded import printable_line

            self.app.notify(f"Sending to Zotero failed: {printable_line(str(error))}", title=TITLE, severity="error", markup=False, timeout=10)
            return
        finally:
            stop.set()  # quitting cancels this worker: the thread then stops after its paper
            self.sending = None
        self.last = report
        line = report.summary()
        line = line[:1].upper() + line[1:]
        problems = [f"{paper.label}: {why}" for paper, why in report.pdf_problems]
        if problems:
            line += f"; not sent with its PDF: {problems[0]}" + (f" (and {len(problems) - 1:,} more)" if len(problems) > 1 else "")
        severity = "information" if report.ok else ("error" if not report.sent else "warning")
        self.app.notify(line, title=TITLE, severity=severity, markup=False, timeout=10 if severity != "information" else 6)

    def _push(self, papers: list[Sendable], stop: threading.Event) -> PushReport:
        """In the daemon thread: the published DOIs the citation store knows, then the sending."""
        from papertui.sources.limits import configured_limits
        from papertui.sources.zotero.connector import Connector, zotero_url
        from papertui.sources.zotero.push import library_pdfs, push

        papers = [self._with_published_doi(paper) for paper in papers]
        base, problem = zotero_url()
        if problem:  # said, and Zotero's own address tried
            self.app.call_from_thread(self.app.notify, problem, title=TITLE, severity="warning", markup=False, timeout=10)
        return push(papers, Connector(base), library_pdfs(self.app.pdfs, configured_limits().pdf_bytes), stop=stop.is_set)

    def _with_published_doi(self, paper: Sendable) -> Sendable:
        """The paper with the DOI Semantic Scholar gave (`papertui enrich`), when there is one."""
        from dataclasses import replace

        from papertui.sources.citations.model import citation_key

        if paper.doi or not paper.arxiv_id:
            return paper
        try:
            kept = self.app.personal.citations.get(citation_key(arxiv_id=paper.arxiv_id))
        except Exception:  # noqa: BLE001 - a DOI is a nicety, never a reason not to send
            return paper
        return replace(paper, doi=kept.doi) if kept is not None and kept.doi else paper


_senders: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def send_to_zotero(app: PaperApp) -> None:
    """What `z` does: the app's one sender (made when first used) sends its targets."""
    sender = _senders.get(app)
    if sender is None:
        sender = _senders[app] = ZoteroSender(app)
    sender.send()


def sender_of(app: PaperApp) -> ZoteroSender | None:
    return _senders.get(app)
