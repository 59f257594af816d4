"""Citations in the app: Semantic Scholar asked in the background for the papers you look at.

`Enricher` is a controller the app owns (not a widget, not a mixin). Papers you star, open or
keep highlighted for a moment (`STILL_SECONDS`), and the papers `E` names, wait in one queue
that coalesces (a key asked for twice is asked once); a worker drains it in a daemon thread,
500 papers a request, through `papertui.sources.citations.enrich` — the same rules as
`papertui enrich`: one request at a time, a second apart, 429 waited out, papers fetched
within a week not asked again. It posts messages up (`Progress`, `Done`); the app redraws.

`S2Access` is the one client the app talks to Semantic Scholar with: the enricher and the
citation walk take turns on its lock, so the app never sends two requests at once.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Callable, Iterable

from textual.css.query import NoMatches
from textual.message import Message

from papertui.sources.citations.model import Citations, paper_key
from papertui.ui.daemon import in_daemon_thread

if TYPE_CHECKING:
    from textual.app import App

    from papertui.corpus.model import Paper
    from papertui.sources.citations.client import SemanticScholar
    from papertui.sources.citations.enrich import EnrichReport
    from papertui.sources.citations.store import CitationStore

STILL_SECONDS = 1.0  # a paper highlighted this long is being read: ask for its citations
TICK_SECONDS = 0.25  # how often the highlight is looked at (no work per keystroke)
AUTO_PAUSE_SECONDS = 60.0  # after a failed background ask: no more background asks this long
CHUNK = 500  # papers asked between two turns on the lock (one batch request)
COUNT_SLICE = 10_000  # papers looked at for a citation count at a time


class S2Access:
    """The app's one Semantic Scholar client, made when first used (in a thread: it reads the
    config file), and the lock that keeps its requests one at a time."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.closed = threading.Event()  # the app quits: a request waiting on its turn stops
        self._client: SemanticScholar | None = None
        self.problems: list[str] = []  # settings that were ignored, said once

    def client(self) -> SemanticScholar:
        if self._client is None:
            from papertui.sources.citations.client import from_settings  # the HTTP client: imported when used

            self._client, self.problems = from_settings(stop=self.closed.is_set)
        return self._client


@dataclass
class _Job:
    items: list[Paper | str]
    explicit: bool  # E: its outcome is said; a background ask is quiet unless it fails


class Enricher:
    """Asks for the citations of the papers it is given, in the background, and keeps them."""

    @dataclass
    class Opened(Message):
        """The citation store was read (posted once, at start)."""

        warnings: list[str]

    @dataclass
    class Counted(Message):
        """Whether any of `papers` has a citation count (the list's column then shows)."""

        papers: list[Paper]
        any_count: bool

    @dataclass
    class Progress(Message):
        done: int
        total: int

    @dataclass
    class Done(Message):
        """One job ended: `report` (None when it failed before asking), `error` one line."""

        report: EnrichReport | None
        explicit: bool
        error: str | None = None
        found_counts: bool = False  # some paper now has a citation count

    def __init__(
        self, app: App, access: S2Access, highlighted: Callable[[], Paper | None], last_keystroke: Callable[[], float] = lambda: 0.0
    ) -> None:
        self.app = app
        self.access = access
        self.highlighted = highlighted  # the paper under the list's cursor
        self.last_keystroke = last_keystroke  # time.monotonic() of the last key that filtered or moved the list
        self.store: CitationStore | None = None
        # What pages of the citation graph said of papers that have no key of their own (no
        # arXiv id, no DOI): shown, never stored.
        self.page_citations: dict[Paper, Citations] = {}
        self._jobs: list[_Job] = []
        self._background: dict[str, None] = {}  # keys waiting to be asked quietly, coalesced
        self._queue_lock = threading.Lock()
        self._running = False
        self._watching: Paper | None = None
        self._since = 0.0
        self._asked: Paper | None = None  # the highlighted paper last asked for
        self._quiet_until = 0.0  # no background asks before this (monotonic)

    # --- starting -----------------------------------------------------------------------

    def start(self) -> None:
        self.app.run_worker(self._open, thread=True, exit_on_error=False, name="reading citations", description="citations", group="citations-open")
        self.app.set_interval(TICK_SECONDS, self._tick)

    def _open(self) -> None:
        from papertui.sources.citations.store import CitationStore

        self._quiet()
        store = CitationStore.open()
        self.store = store
        self.app.post_message(self.Opened(list(store.warnings)))

    # --- what is known ------------------------------------------------------------------

    def citations_of(self, paper: Paper | None) -> Citations | None:
        if paper is None:
            return None
        found = self.store.get(paper_key(paper)) if self.store is not None else None
        return found if found is not None else self.page_citations.get(paper)

    def citation_count(self, paper: Paper) -> int | None:
        """For the list's column: the count alone, a tenth of `citations_of`'s cost."""
        key = paper_key(paper)
        if key is not None and self.store is not None:
            count = self.store.numbers("citation_count", [key])[0]
            if count is not None:
                return count
        page = self.page_citations.get(paper)
        return page.citation_count if page is not None else None

    def any_count(self, papers: list[Paper]) -> bool:
        """Does any of `papers` have a citation count? (the list's column appears then)
        In slices, stopping at the first: a million papers with counts cost one slice."""
        if any(page.citation_count is not None for page in list(self.page_citations.values())):
            return True
        store = self.store
        if store is None or not len(store):
            return False
        for start in range(0, len(papers), COUNT_SLICE):
            keys = [paper_key(paper) for paper in papers[start : start + COUNT_SLICE]]
            if any(count is not None for count in store.numbers("citation_count", keys)):
                return True
        return False

    def check_counts(self, papers: list[Paper]) -> None:
        """Post `Counted` for `papers`, from a thread (a key for each of 100k papers takes a while)."""

        def check() -> None:
            self.app.post_message(self.Counted(papers, self.any_count(papers)))

        self.app.run_worker(check, thread=True, exit_on_error=False, name="looking for citation counts", description="citations", group="citations-count", exclusive=True)

    # --- asking -------------------------------------------------------------------------

    def want(self, papers: Iterable[Paper], explicit: bool = False) -> None:
        """Ask about `papers` (E: `explicit`, its outcome said in one line); in the
        background, only those that have a key and are not fresh."""
        if explicit:
            self._enqueue(_Job(list(papers), True))
            return
        if time.monotonic() < self._quiet_until:
            return
        keys = [key for key in (paper_key(paper) for paper in papers) if key and (self.store is None or self.store.stale(key))]
        if not keys:
            return
        with self._queue_lock:
            self._background.update(dict.fromkeys(keys))
        self._enqueue(None)

    def _enqueue(self, job: _Job | None) -> None:
        with self._queue_lock:
            if job is not None:
                self._jobs.append(job)
            if self._running:
                return  # the running drain takes it next
            self._running = True
        self.app.run_worker(self._drain_in_daemon_thread(), exit_on_error=False, name="asking Semantic Scholar", description="citations", group="citations")

    def _tick(self) -> None:
        """A paper highlighted for STILL_SECONDS is asked about (once)."""
        try:
            paper = self.highlighted()
        except NoMatches:  # the app is closing: its panes are gone
            return
        now = time.monotonic()
        if paper is not self._watching:
            self._watching, self._since = paper, now
            return
        if paper is not None and paper is not self._asked and now - self._since >= STILL_SECONDS:
            self._asked = paper
            self.want([paper])

    async def _drain_in_daemon_thread(self) -> None:
        # A daemon thread: quitting never waits for a request (up to its timeout).
        ran_dry = False
        try:
            ran_dry = await in_daemon_thread(self._drain, name="papertui-citations")
        finally:
            if not ran_dry:  # stopped early: the next want() starts a drain again
                with self._queue_lock:
                    self._running = False
            # Ran dry: _next_job said so under the lock, and a drain started since then is
            # running now; clearing the flag here would let a third one start beside it.

    def _next_job(self) -> _Job | None:
        with self._queue_lock:
            if self._jobs:
                return self._jobs.pop(0)
            if self._background:
                keys, self._background = list(self._background), {}
                return _Job(list(keys), False)
            self._running = False
            return None

    def _drain(self) -> bool:
        """Ask for the queued papers until none is left (True), or stop early (False)."""
        from papertui.sources.citations.enrich import EnrichReport, enrich, keys_of
        from papertui.sources.citations.store import CitationStore, StoreError
        from papertui.sources.http import FetchError, Stopped

        while (job := self._next_job()) is not None:
            if self.store is None:  # asked before the store was read: read it here
                self.store = CitationStore.open()
            total = EnrichReport()
            keys = keys_of(job.items, total)
            error = None
            for start in range(0, len(keys), CHUNK):
                chunk = keys[start : start + CHUNK]
                if self._quiet():
                    return False
                if job.explicit and len(keys) > CHUNK:
                    self.app.post_message(self.Progress(start, len(keys)))
                try:
                    with self.access.lock:  # a turn: the citation walk may ask between two chunks
                        report = enrich(chunk, self.store, self.access.client())
                except (FetchError, StoreError) as failure:
                    error = str(failure)
                    break
                except Stopped:
                    return False  # the app quits
                for name in ("asked", "found", "not_found", "unreadable", "fresh", "requests"):
                    setattr(total, name, getattr(total, name) + getattr(report, name))
            found_counts = bool(keys) and any(n is not None for n in self.store.numbers("citation_count", keys))
            self.app.post_message(self.Done(total, job.explicit, error, found_counts))
        return True

    def _quiet(self) -> bool:
        """Wait while keys arrive: importing the HTTP client, reading the store and reading
        500 answers are Python work that would share the GIL with each keystroke's frame.
        True: the app quits."""
        from papertui.ui.recommend_actions import wait_for_quiet

        return wait_for_quiet(self.last_keystroke, self.access.closed.is_set)

    def done(self, message: Done) -> tuple[str | None, str]:
        """The app's handler calls this: the one line to say about a job (None: nothing),
        and what the status line keeps saying ("" when all is well). A background ask that
        fails is said there only: a toast a second while offline would bury the others."""
        if message.error is None:
            self.offline = ""
            if not message.explicit or message.report is None:
                return None, ""
            report = message.report
            if report.without_id and not report.asked and not report.fresh:
                return "Nothing to ask Semantic Scholar about: these papers have neither an arXiv id nor a DOI.", ""
            if not report.asked:
                return f"Citations of {report.fresh:,} paper{'s' if report.fresh != 1 else ''} are less than a week old: nothing asked.", ""
            return report.summary(), ""
        self._quiet_until = time.monotonic() + AUTO_PAUSE_SECONDS  # no request a second while offline
        self.offline = "citations: no answer from Semantic Scholar (E asks again)"
        if message.explicit:
            return f"{message.error}; the citations kept before are unchanged (E tries again).", self.offline
        return None, self.offline

    offline = ""  # the last background ask failed: the status line says so
