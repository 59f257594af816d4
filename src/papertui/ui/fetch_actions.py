"""The `F` key: run the config file's fetches in the background, then load what arrived.

Mixed into `PaperApp`. The fetchers (core, no Textual) do the asking and storing; this shows
progress in the status line, says what each source brought, and loads the library again so
the new papers appear (`is:new` finds them).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import TYPE_CHECKING

from textual import work
from textual.message import Message

from papertui.sources.config import config_path, fetch_plan, read_config
from papertui.sources.library import Library, LibraryError, library_dir
from papertui.ui.daemon import in_daemon_thread

if TYPE_CHECKING:
    from papertui.sources.report import FetchReport
    from papertui.ui.app import PaperApp

    _Base = PaperApp
else:
    _Base = object


class FetchActions(_Base):
    @dataclass
    class FetchProgress(Message):
        """How far the fetch has come (posted by the fetching thread)."""

        what: str
        done: int
        total: int | None

    @dataclass
    class SourceFetched(Message):
        """One source's fetch ended: its papers can be shown now."""

        report: FetchReport

    @dataclass
    class FetchDone(Message):
        reports: list[FetchReport]
        error: str | None = None
        stopped: bool = False

    _stop_fetching: threading.Event | None = None

    @property
    def fetching(self) -> bool:
        return self._stop_fetching is not None

    def action_fetch(self) -> None:
        """Fetch the configured sources; again while fetching: stop."""
        if self._stop_fetching is not None:
            self._stop_fetching.set()
            self.notify("Stopping the fetch after the current request; what arrived is kept.", markup=False)
            return
        config, problem = read_config()
        plan = fetch_plan(config)
        for line in ([problem] if problem else []) + plan.problems:
            self.notify(line, title="Config", severity="warning", markup=False, timeout=10)
        if plan.empty:
            self.notify(
                f'Nothing to fetch: list sources in {config_path()}, as hf = true and arxiv = ["cs.CL"] '
                "(or run papertui fetch hf in a shell).",
                title="Fetch", severity="warning", markup=False, timeout=10,
            )  # fmt: skip
            return
        self._stop_fetching = threading.Event()
        self.notify("Fetching the configured sources (F again stops)…", title="Fetch", markup=False)
        self.fetch_papers(plan, self._stop_fetching)

    @work(exclusive=True, group="fetch", exit_on_error=False, name="fetching papers", description="fetch papers")
    async def fetch_papers(self, plan, stop: threading.Event) -> None:
        try:
            await in_daemon_thread(lambda: self._fetch(plan, stop), name="papertui-fetch")
        finally:
            stop.set()  # a cancelled worker (quit): the thread stops before its next request

    def _fetch(self, plan, stop: threading.Event) -> None:
        from papertui.sources.http import FetchError, Stopped  # the HTTP client: imported when first used
        from papertui.sources.runs import Clients, run_plan

        reports: list[FetchReport] = []
        progress = lambda what, done, total: self.post_message(self.FetchProgress(what, done, total))  # noqa: E731
        try:
            reports = run_plan(
                plan, Library(), Clients(stop=stop.is_set), progress, on_report=lambda r: self.post_message(self.SourceFetched(r))
            )
        except (FetchError, LibraryError) as error:
            self.post_message(self.FetchDone(reports, str(error)))
            return
        except Stopped:
            self.post_message(self.FetchDone(reports, stopped=True))
            return
        self.post_message(self.FetchDone(reports))

    # Handlers by name: `@on` in a mixin is not seen by Textual (it collects them per widget class).
    def on_fetch_actions_fetch_progress(self, message: FetchProgress) -> None:
        count = f" {message.done:,}/{message.total:,}" if message.total else ""
        self._fetching_line = f"fetching {message.what}{count}"
        self._update_status()

    def on_fetch_actions_source_fetched(self, message: SourceFetched) -> None:
        if message.report.papers:
            self.reload_library()  # the new papers appear while the next source is fetched

    def on_fetch_actions_fetch_done(self, message: FetchDone) -> None:
        self._stop_fetching = None
        self._fetching_line = ""
        self._update_status()
        lines = [line for report in message.reports for line in (report.summary(), *report.lines[:3])]
        if message.error:
            self.notify(f"{message.error}; what was fetched before is kept.", title="Fetch failed", severity="error", markup=False, timeout=10)
        elif message.stopped:
            lines.append("Stopped; what arrived is kept.")
        if lines:
            self.notify("\n".join(lines), title="Fetched", markup=False, timeout=10)
        for report in message.reports:
            if report.failed:  # a refused feed or a day of junk is a failure, not an empty day
                self.notify(f"{report.source}: {report.failed}", title="Fetch failed", severity="error", markup=False, timeout=10)
        if message.error or message.stopped:
            self.reload_library()  # what a source stored before it failed

    _reload_after_walk = False  # a fetch ended during a citation walk: load when back at its start

    def reload_library(self) -> None:
        """Load the corpus again, with the library (the new papers appear). During a citation
        walk it waits for the walk's way back: a load would replace the corpus the walk returns
        to underneath it (its selection, its vectors, its warnings)."""
        if self.walk.depth:
            self._reload_after_walk = True
            self.notify("The new papers are loaded when you are back from the citation walk (Backspace).", markup=False, timeout=6)
            return
        self._reload_after_walk = False
        library = library_dir()
        if self.fetches_into_library and library not in self.paths:
            self.paths.append(library)
            roots = self.display_root if isinstance(self.display_root, list) else [] if self.display_root is None else [self.display_root]
            self.display_root = [*roots, library.parent]
        self.selected.clear()
        self.sorter.forget()
        self._shown_papers = 0
        self._authors_checked = 0
        self.loading = True
        self.load_papers()
