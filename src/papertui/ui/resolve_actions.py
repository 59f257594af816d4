"""The `i` key: find the arXiv ids of papers listed without one, in a background worker.

Mixed into `PaperApp`. The resolver (core, no Textual) does the asking and caching; this
says what happened, one line per outcome, and refreshes what shows ids.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

from textual import work

from papertui.corpus.model import Paper
from papertui.ui.daemon import in_daemon_thread

if TYPE_CHECKING:
    from papertui.resolve import Resolver
    from papertui.ui.app import PaperApp

    _Base = PaperApp
else:
    _Base = object


class ResolveActions(_Base):
    _resolver: Resolver | None = None

    @property
    def resolver(self) -> Resolver:
        if self._resolver is None:
            from papertui.resolve import ResolveCache, Resolver  # with the HTTP client: imported when first used

            cache = ResolveCache.open()
            for warning in cache.warnings:
                self.notify(warning, title="arXiv ids", severity="warning", markup=False, timeout=10)
            self._resolver = Resolver(cache)
        return self._resolver

    def action_resolve_ids(self, every: bool = False) -> None:
        """Look up the targets' titles (with `every`: every paper without an id)."""
        from papertui.resolve import needs_id

        if self.resolving:
            self.workers.cancel_group(self, "resolve")
            self.notify("Stopped looking up arXiv ids; the answers so far are kept.", markup=False)
            return
        if every:
            papers = [p for p in self.corpus.papers if needs_id(p)] if self.corpus else []
            what = "every paper without an id"
        else:
            if self._no_targets():
                return
            targets, what = self.targets()
            papers = [p for p in targets if needs_id(p)]
            if not papers:
                reason = "has an arXiv id already" if all(p.arxiv_id for p in targets) else "has no title to search by"
                self.notify(f"Nothing to look up: {what} {reason}.", markup=False)
                return
        if not papers:
            self.notify("Every paper with a title has an arXiv id.", markup=False)
            return
        self.resolving = True
        self.notify(
            f"Looking up {len(papers):,} title{'s' if len(papers) > 1 else ''} in the arXiv API "
            "(one request every 3 s; press i again to stop)…",
            title="arXiv ids",
            markup=False,
        )
        self.resolve_papers(papers, what)

    @work(exclusive=True, group="resolve", exit_on_error=False, name="resolving ids", description="resolve ids")
    async def resolve_papers(self, papers: list[Paper], what: str) -> None:
        # A daemon thread: quitting never waits for a request to the API (up to its timeout).
        cancelled = threading.Event()
        try:
            await in_daemon_thread(lambda: self._resolve_in_thread(papers, cancelled), name="papertui-resolve")
        finally:
            cancelled.set()  # pressed again, or quitting: stop before the next request

    def _resolve_in_thread(self, papers: list[Paper], cancelled: threading.Event) -> None:
        from papertui.resolve import ResolveError

        resolver = self.resolver
        outcomes = []
        failure = problem = None
        for number, paper in enumerate(papers, 1):
            if cancelled.is_set():
                break
            try:
                outcomes.append(resolver.resolve(paper))
            except ResolveError as error:
                failure = str(error)
                break
            problem = resolver.cache.save() or problem  # each answer at once: quitting loses none
            if len(papers) > 1:
                self.call_from_thread(self._resolve_progress, number, len(papers))
        self.call_from_thread(self._resolved, outcomes, failure, problem)

    def _resolve_progress(self, done: int, total: int) -> None:
        self._resolving_line = f"arXiv ids {done:,}/{total:,}"
        self._ids_changed()

    def _resolved(self, outcomes: list, failure: str | None, problem: str | None) -> None:
        self.resolving = False
        self._resolving_line = ""
        self._ids_changed()
        self.refilter(keep_cursor=True)  # has:id and id: may select other papers now
        if failure:
            self.notify(f"{failure}. Everything else works as before.", title="arXiv ids", severity="error", markup=False, timeout=10)
        if problem:
            self.notify(problem, title="arXiv ids", severity="warning", markup=False, timeout=10)
        if len(outcomes) == 1:
            outcome = outcomes[0]
            found = outcome.answer is not None and outcome.answer.arxiv_id
            self.notify(outcome.describe(), title="arXiv id found" if found else "arXiv id", markup=False, timeout=8)
        elif outcomes:
            found = sum(1 for o in outcomes if o.answer is not None and o.answer.arxiv_id)
            unread = sum(1 for o in outcomes if o.answer is None)
            self.notify(
                f"{len(outcomes):,} looked up: {found:,} found, {len(outcomes) - found - unread:,} with no confident match"
                + (f", {unread:,} unreadable answers" if unread else ""),
                title="arXiv ids",
                markup=False,
                timeout=8,
            )

    def _ids_changed(self) -> None:
        """Ids were found: filters on ids, sorting by date and the panes must see them."""
        if self.index is not None:
            self.index.forget_filters()
        self.sorter.forget()
        self.paper_list.refresh_marks()
        self.show_details()
        self.detail.refresh_paper()
        self._update_status()
