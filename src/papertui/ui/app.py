"""The papertui app: loads the corpus in a worker, filters and sorts in a worker, coordinates
the panes. What the keys do to papers (open, copy, marks, export) is in `actions.py`."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from pathlib import Path
from functools import cached_property
from typing import TYPE_CHECKING, ClassVar, Iterable, Sequence

from textual import events, on, work
from textual.app import App, ComposeResult, SystemCommand
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.content import Content
from textual.message import Message
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Footer, ProgressBar, Static
from textual.worker import Worker, WorkerState

from papertui.corpus.model import Corpus, Paper
from papertui.search.highlight import NO_TERMS
from papertui.search.orders import SORT_LABELS, SORT_ORDERS, next_order
from papertui.search.query import Query, parse_query
from papertui.sources.library import note_opening
from papertui.pdfs.store import PdfStore
from papertui.marks.personal import PersonalFacts
from papertui.marks.store import MarkStore
from papertui.marks.undo import MarkHistory
from papertui.settings import Remembered, read_settings
from papertui.ui.one_frame import repaint_together
from papertui.ui.actions import PaperActions
from papertui.ui.breadcrumb import Breadcrumb
from papertui.ui.citation_walk import CitationWalk, Place
from papertui.ui.daemon import in_daemon_thread
from papertui.ui.detail import DetailPane
from papertui.ui.enrich_worker import Enricher, S2Access
from papertui.ui.fetch_actions import FetchActions
from papertui.ui.filter_bar import FilterBar
from papertui.ui.help_screen import HelpScreen
from papertui.ui.inbox import SavedSearchCommands, SavedSearchInbox
from papertui.ui.inbox_keys import InboxKeys
from papertui.ui.paper_list import PaperList
from papertui.ui.prompts import TextPrompt
from papertui.ui.quiet_collection import QuietCollector
from papertui.ui.pdf_actions import PdfActions
from papertui.ui.recommend_actions import RecommendActions, wait_for_quiet
from papertui.ui.resolve_actions import ResolveActions
from papertui.ui.terminal_input import tolerate_invalid_input_bytes

# The loader, the cache, the index, numpy and the HTTP client are imported where first used,
# after the first frame: the app is on screen while they load (tests/test_startup.py).
if TYPE_CHECKING:
    from papertui.corpus.loader import DisplayRoot
    from papertui.loading import LoadStep
    from papertui.search import SearchIndex, SearchResult
    from papertui.search.sorting import Sorter

WARNINGS_SHOWN = 3
# Plain words over an index this small are searched on the UI thread, as the key is handled
# (a few milliseconds at most): the list then changes in the same frame as the filter bar.
INLINE_SEARCH_PAPERS = 30_000
# How long a key's frame waits for the worker's answer, to draw the typed character with the
# list it filters: drawing it meanwhile would fight the search for the GIL and cost a frame.
HOLD_FOR_ANSWER = 0.15


def screenshot_directory() -> Path:
    """The Downloads folder when there is one (as Textual), else where papertui was started."""
    try:
        from platformdirs import user_downloads_dir

        downloads = Path(user_downloads_dir())
    except Exception:  # a platform without one
        return Path.cwd()
    return downloads if downloads.is_dir() else Path.cwd()


# Below this width the list and the detail pane take turns instead of sharing the screen.
NARROW_WIDTH = 64
DETAIL_MIN = 30
LIST_MIN = 30


class PaperApp(PaperActions, PdfActions, RecommendActions, ResolveActions, FetchActions, App[list[Paper] | None]):
    """Browse papers: filter bar on top, list on the left, details on the right.

    Returns (with `print_mode`) the papers chosen with Enter, or None when left otherwise.
    """

    CSS_PATH = "papertui.tcss"
    TITLE = "papertui"
    COMMANDS = App.COMMANDS | {SavedSearchCommands}

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+q", "quit", "Quit", priority=True, id="app.quit"),
        # While loading, Ctrl+C stops the load; otherwise it keeps Textual's meanings (copy, quit hint).
        Binding("ctrl+c", "stop_loading", "Stop loading", show=False, priority=True, id="app.stop_loading"),
        Binding("f1", "help", "Help", id="app.help"),
        Binding("ctrl+s", "cycle_sort", "Sort", tooltip="Sort by relevance, corpus order, title, date, upvotes, starred first, newest, for you", id="app.sort"),
    ]

    @dataclass
    class Loaded(Message):
        """More of the corpus is loaded or indexed (posted by the loading worker)."""

        step: LoadStep

    @dataclass
    class Filtered(Message):
        """A filter ended (posted by the filtering worker, always: None when it was stopped)."""

        result: SearchResult | None
        rows: Sequence[int]  # the result's rows in the chosen order
        generation: int
        keep_cursor: bool = False
        searched_in: tuple[SearchIndex | None, int] = (None, 0)  # the index and its version at the start
        run: threading.Event | None = None  # the run that ended (its cancel flag)

    def __init__(
        self,
        paths: Sequence[Path] = (),
        display_root: DisplayRoot = None,
        query: str = "",
        corpus: Corpus | None = None,
        index: SearchIndex | None = None,
        marks: MarkStore | None = None,
        print_mode: bool = False,
        fetches_into_library: bool = False,
    ) -> None:
        super().__init__()
        # The default corpus: papers fetched with F join it (the library is loaded with the seeds).
        self.fetches_into_library = fetches_into_library
        tolerate_invalid_input_bytes()
        self.marks = marks if marks is not None else MarkStore.open()
        self.pdfs = PdfStore()
        self.personal = PersonalFacts(self.marks, self.pdfs)  # what is:, tag: and full: ask
        self.mark_history = MarkHistory()  # u and U
        self.print_mode = print_mode
        self.sort_order = "relevance"
        self.selected: set[int] = set()  # corpus indices
        self.paths = list(paths)
        self.display_root = display_root
        self.initial_query = query
        self.corpus: Corpus | None = None
        self.index: SearchIndex | None = None
        self.result: SearchResult | None = None
        self._given = (corpus, index)
        self._generation = 0
        self._shown_papers = 0  # papers the list shows with an empty filter
        self._authors_checked = 0  # papers looked at for authors
        # The index, and its version, that the current result was searched in.
        self._filtered_in: tuple[SearchIndex | None, int] = (None, 0)
        self.loading = True
        self._loading_line = ""
        self._resolving_line = ""
        self._fetching_line = ""
        self._new_papers = 0  # first seen by the library since the app was last opened
        self.resolving = False  # a lookup of arXiv ids is under way
        self._stop_loading = threading.Event()  # Ctrl+C: keep what loaded, read no more
        # At most one filter runs and one waits: the newest query, with whether to keep the cursor.
        self._filter_cancel: threading.Event | None = None
        self._filter_wanted: tuple[str, bool] | None = None
        self.collector = QuietCollector()  # full garbage collections when the keys pause
        # Semantic Scholar: citations asked in the background, and the walk of the citation graph.
        self.s2 = S2Access()
        self.enricher = Enricher(self, self.s2, lambda: self.current_paper, lambda: self.last_keystroke)
        self.walk = CitationWalk(self, self.s2, lambda: self.last_keystroke)
        self._return_to: tuple[Paper | None, str] | None = None  # a walk's place, once its filter lands
        self.inbox = SavedSearchInbox(self)  # what is new in each saved search, for the palette
        self.inbox_keys = InboxKeys(self)  # x and w, and what the status line says of them

    @cached_property
    def sorter(self) -> Sorter:
        from papertui.search.sorting import Sorter

        return Sorter()

    # --- layout ---------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        placeholder = "Filter: words (typos forgiven) · 'exact · a | b · !not · title: · is:starred · tag:x · F1 help"
        if self.print_mode:
            placeholder = "Filter, then Enter prints the highlighted paper · Tab to the list to select several · F1 help"
        yield FilterBar(value=self.initial_query, placeholder=placeholder, select_on_focus=False, id="filter")
        yield Breadcrumb(id="breadcrumb")
        with Horizontal(id="main"):
            yield PaperList(id="papers")
            yield DetailPane(id="detail")
        yield Static(id="notes")
        with Horizontal(id="statusbar"):
            yield Static(id="status")
            yield ProgressBar(id="progress", show_eta=False)
        yield Footer()

    @property
    def filter_bar(self) -> FilterBar:
        return self.query_one("#filter", FilterBar)

    @property
    def paper_list(self) -> PaperList:
        return self.query_one("#papers", PaperList)

    @property
    def detail(self) -> DetailPane:
        return self.query_one("#detail", DetailPane)

    def apply_settings(self) -> None:
        """The config file's settings and what was remembered: order, theme, detail width, keys."""
        self.remembered = Remembered()
        self.settings = read_settings(self.available_themes)
        problems = list(self.settings.problems) + ([self.remembered.problem] if self.remembered.problem else [])
        known = {binding.id for _, group in self.binding_groups() for binding in group if isinstance(binding, Binding) and binding.id}
        unknown = sorted(set(self.settings.keys) - known)
        if unknown:
            problems.append(f"[keys]: no binding is called {', '.join(unknown)} (F1 shows the keys; ids look like paper.star); ignored")
        self.set_keymap({name: keys for name, keys in self.settings.keys.items() if name in known})
        self.sort_order = self.remembered.choice("sort", self.settings.sort, SORT_ORDERS) or "relevance"
        theme = self.remembered.choice("theme", self.settings.theme, self.available_themes)
        if theme:
            self.theme = theme
        if self.settings.detail_width:
            self.set_detail_width(self.settings.detail_width)
        if not self.settings.cursor_blink:
            self.filter_bar.cursor_blink = False
        for problem in problems:
            self.notify(problem, title="Settings", severity="warning", markup=False, timeout=10)
        self._settings_applied = True

    _settings_applied = False

    def watch_theme(self, theme: str) -> None:
        if self._settings_applied:
            self.remembered.remember("theme", theme, self.settings.theme)

    def on_mount(self) -> None:
        self.apply_settings()
        self.marks.new_since = note_opening()  # is:new: first seen since the app was last opened
        self.filter_bar.focus()
        self.filter_bar.on_change = self._filter_typed
        self.paper_list.on_cursor_moved = self._cursor_moved
        self.paper_list.selected = self.selected
        self.paper_list.marks_of = self.marks.get
        self.paper_list.is_new = self.is_new
        self.paper_list.citation_count = self.enricher.citation_count
        self.paper_list.is_watched = self.inbox_keys.watched
        self.enricher.start()
        self.start_pdf_library()
        for warning in self.marks.warnings:
            self.notify(warning, title="Marks", severity="warning", markup=False, timeout=10)
        self._set_status(Content.styled("Loading papers…", "italic"))
        self.collector.hold()
        self.set_interval(0.5, lambda: self.collector.tick(self.last_keystroke, self.loading))
        corpus, index = self._given
        if corpus is not None:
            self.index_given_corpus(corpus, index)
        else:
            self.load_papers()

    def on_unmount(self) -> None:
        self.collector.release()
        self.s2.closed.set()  # a request waiting for its turn is not sent

    # --- loading --------------------------------------------------------------------

    # Fixed descriptions: by default Textual builds one from repr() of every argument.
    @work(exclusive=True, group="load", exit_on_error=False, name="loading papers", description="load papers")
    async def load_papers(self) -> None:
        # A daemon thread: quitting never waits for a load stuck on a slow pipe or a long file.
        abandoned = threading.Event()
        self._stop_loading.clear()
        try:
            await in_daemon_thread(lambda: self._load_and_post(abandoned), name="papertui-load")
        finally:
            abandoned.set()  # when cancelled (quit, or a newer load): the thread stops at its next record

    def _load_and_post(self, abandoned: threading.Event) -> None:
        from papertui.corpus.stored import count_seen_after
        from papertui.loading import load_and_index
        from papertui.resolve import ResolveCache, Resolver, apply_cached

        def stop() -> bool:
            return self._stop_loading.is_set() or abandoned.is_set()

        step = None
        for step in load_and_index(self.paths, display_root=self.display_root, stop=stop):
            if abandoned.is_set():
                return
            if step.after_done:  # keeping the corpus in the cache: only that is news
                self.post_message(self.Loaded(step))
                continue
            if step.done:  # ids found by title search earlier: used from the start
                cache = ResolveCache.open()
                if apply_cached(step.corpus.papers, cache):
                    step.index.forget_filters()  # answers about ids so far are wrong now
                self._resolver = Resolver(cache)
                self._new_papers = count_seen_after(step.corpus.papers, self.marks.new_since)
            self.post_message(self.Loaded(step))
        if step is None or not step.done:
            return
        # A large vocabulary: each word's first substring lookup becomes a slice. Built in a
        # pause of the keys (a second or two at 1M, which a search would otherwise share).
        if step.index.substrings_wanted() and not wait_for_quiet(lambda: self.last_keystroke, abandoned.is_set):
            step.index.prepare_substrings()
        # Then the papers with a word starting with each letter, so that a letter starting a
        # word marks them at once (1 s at 2.7M papers): a segment at a time, in pauses of the
        # keys, giving way to a key as soon as it comes and going on in the next pause.
        while not wait_for_quiet(lambda: self.last_keystroke, abandoned.is_set):
            started = self.last_keystroke
            if step.index.prepare_word_starts(stop=lambda: abandoned.is_set() or self.last_keystroke != started):
                break

    @work(thread=True, exclusive=True, group="load", exit_on_error=False, name="indexing papers", description="index papers")
    def index_given_corpus(self, corpus: Corpus, index: SearchIndex | None) -> None:
        from papertui.corpus import LoadProgress
        from papertui.loading import LoadStep
        from papertui.search import SearchIndex

        count = len(corpus.papers)
        progress = LoadProgress(corpus, count, len(corpus.files), len(corpus.files), 0, 0)
        if index is None:
            index = SearchIndex(corpus.papers)
        self.post_message(self.Loaded(LoadStep(progress, index, len(index))))

    @on(Loaded)
    def _loaded(self, message: Loaded) -> None:
        step = message.step
        if self.walk.depth and not step.after_done:  # walking the citation graph: the corpus to come back to
            self.walk.places[0].corpus, self.walk.places[0].index = step.corpus, step.index
            self.loading = not step.done
            return
        if step.note:
            self.notify(step.note, title="Cache", severity="warning", markup=False, timeout=8)
        if step.after_done:
            self._saving_line = step.describe() if step.saving else ""
            self._update_status()
            return
        first = self.corpus is None
        if step.progress.renumbered:  # papers were joined: row numbers changed
            self.selected.clear()
            self.sorter.forget()
            self.marks.forget_papers()
        self.corpus, self.index = step.corpus, step.index
        self.loading = not step.done
        self._look_for_authors(step.corpus)
        self._show_progress(step)
        query_words_typed = bool(self.filter_bar.value.strip())
        if first or (not query_words_typed and step.progress.papers_loaded != self._shown_papers):
            self._request_filter(self.filter_bar.value, keep_cursor=not first)
        elif query_words_typed and self._result_outdated(step.index):
            self._request_filter(self.filter_bar.value, keep_cursor=True)
        if step.done:
            self._loading_finished(step.corpus)
            self.choose_if_waiting()
            if step.progress.stopped:
                p = step.progress
                self.notify(
                    f"Loading stopped: {p.papers_loaded:,} papers from {p.files_done:,} of {p.files_total:,} files, all searchable.",
                    severity="warning", markup=False, timeout=8,
                )  # fmt: skip

    def is_new(self, paper: Paper) -> bool:
        """First seen by the library since the app was last started (`is:new`)."""
        return paper.seen_after(self.marks.new_since)

    def action_stop_loading(self) -> None:
        """Ctrl+C during a long load: keep what has loaded, make it searchable, read no more."""
        self._stop_loading.set()
        self.notify("Stopping the load; what has loaded stays and becomes searchable…", markup=False, timeout=4)

    def _look_for_authors(self, corpus: Corpus) -> None:
        """Give authors a column once any paper has them (checking each paper once)."""
        from papertui.corpus.stored import any_paper_has

        papers = corpus.papers
        shown = self.paper_list
        if not shown.show_authors and any_paper_has(papers, "authors", self._authors_checked):
            shown.show_authors = True
            shown.refresh_marks()
        if not shown.show_upvotes and any_paper_has(papers, "upvotes", self._authors_checked):
            shown.show_upvotes = True  # Hugging Face listings: how many liked it, in a column
            shown.refresh_marks()
        self._authors_checked = len(papers)

    def _show_progress(self, step: LoadStep) -> None:
        bar = self.query_one("#progress", ProgressBar)
        bar.display = not step.done
        p = step.progress
        if step.done:  # a bar left without a total animates (and repaints) while hidden
            bar.update(total=100, progress=100)
        elif p.bytes_total:
            # Reading is most of the work up to the last file; indexing is the rest.
            read = p.bytes_done / p.bytes_total
            indexed = step.indexed / p.papers_loaded if p.papers_loaded else 0.0
            bar.update(total=100, progress=round(70 * read + 30 * indexed * read))
        self._loading_line = step.describe()
        self._update_status()

    def _loading_finished(self, corpus: Corpus) -> None:
        self.vectors_after_loading()
        self.inbox.refresh_counts()  # ready before the palette opens
        self.inbox_keys.count_new_watched()
        self.enricher.check_counts(corpus.papers)
        warnings = corpus.warnings + (self._resolver.cache.warnings if self._resolver else [])
        if warnings:
            shown = "\n".join(warnings[:WARNINGS_SHOWN])
            more = len(warnings) - WARNINGS_SHOWN
            if more > 0:
                shown += f"\n… and {more} more: run 'papertui stats' for all of them"
            self.notify(shown, title=f"{len(warnings)} warning{'s' if len(warnings) != 1 else ''} while loading", severity="warning", markup=False, timeout=10)
        if not corpus.papers:
            self.notify("No papers could be loaded.", severity="error", markup=False, timeout=10)

    # --- filtering ------------------------------------------------------------------

    def _filter_typed(self, query: str) -> None:
        """The filter bar changed: filter once the edits waiting have landed (a flood of them
        costs one search), and draw nothing until then, so that the typed character and the
        list it filters change in one frame, not one after the other."""
        self.last_keystroke = time.monotonic()
        self._begin_batch()  # ended by _filter_after_typing, which call_later runs next (App.batch_update's halves)
        self._filter_wanted_typed = query
        self.call_later(self._filter_after_typing)

    def _filter_after_typing(self) -> None:
        try:
            if self._filter_wanted_typed is not None:
                query, self._filter_wanted_typed = self._filter_wanted_typed, None
                self._request_filter(query)
        finally:
            if self._filter_cancel is not None and self._hold_timer is None:  # a worker searches
                self._hold_timer = self.set_timer(HOLD_FOR_ANSWER, self._release_hold)  # ends the batch
            else:
                self._repaint_result()
                self._end_batch()

    _hold_timer: Timer | None = None  # set while a key's frame waits for the worker's answer

    def _release_hold(self) -> None:
        """Draw what a key changed, with the worker's answer or without it once the wait is up."""
        if self._hold_timer is not None:
            self._hold_timer.stop()
            self._hold_timer = None
            self._repaint_result()
            self._end_batch()

    def _repaint_result(self) -> None:
        """What showing a result changed goes to the screen at once, to be drawn in one frame."""
        repaint_together([self.filter_bar, self.paper_list, self.detail, self.query_one("#status", Static)])

    _filter_wanted_typed: str | None = None

    def _request_filter(self, query: str, keep_cursor: bool = False) -> None:
        """Filter with `query`: now if no filter runs, else after the running one, which is
        told to stop. Queries typed meanwhile are dropped for the newest, so a flood of keys
        (a paste without bracketed paste, a stuck key) costs one search, not one per key."""
        if self.index is None or self.corpus is None:
            return  # the load will filter with the latest query when it lands
        self._generation += 1
        if self._filter_wanted is not None:  # a dropped request that moved the cursor still does
            keep_cursor = keep_cursor and self._filter_wanted[1]
        self._filter_wanted = (query, keep_cursor)
        if self._filter_cancel is not None:
            self._filter_cancel.set()
            return
        self._start_filter()

    def _start_filter(self) -> None:
        if self._filter_wanted is None or self.index is None or self.corpus is None:
            return
        from papertui.search.index import every_paper

        (query, keep_cursor), self._filter_wanted = self._filter_wanted, None
        parsed = parse_query(query)
        if parsed.uses_similarity:
            self.ensure_vectors()
        if parsed.empty:
            # Every loaded paper but the dismissed, indexed or not: an index still catching up
            # with the load must not decide what an empty filter shows.
            self._shown_papers = len(self.corpus.papers)
            result = every_paper(parsed, self.corpus.papers, self.personal)
            if self.sort_order in ("relevance", "corpus"):
                # No filter: every loaded paper in corpus order, indexed or not. No worker needed.
                self._show_result(result, result.rows, keep_cursor, (self.index, self.index.version))
                return
        if self._filter_inline(parsed, keep_cursor):
            return
        self._filter_cancel = threading.Event()
        self.run_filter(
            self.index, self.corpus.papers, parsed, self.sort_order, self._generation, keep_cursor, self._filter_cancel
        )

    def _filter_inline(self, query: Query, keep_cursor: bool) -> bool:
        """Show the answer at once, in this very frame, when it is at hand or sure to be quick:
        a worker's hand-off and a second frame would cost more than the search. Quick: plain
        words over a small index (no operator that reads texts or vectors)."""
        assert self.index is not None and self.corpus is not None
        if self.sort_order not in ("relevance", "corpus"):
            return False
        version = self.index.version
        result = self.index.answered(query, self.personal)
        if result is None and query.plain_words is not None and len(self.index) <= INLINE_SEARCH_PAPERS:
            result = self.index.search(query, self.personal)
        if result is None:
            return False
        rows = self.sorter.sort(result, self.sort_order, self.corpus.papers, None, None)
        self._show_result(result, rows, keep_cursor, (self.index, version))
        return True

    @work(thread=True, group="filter", exit_on_error=False, name="filtering", description="filter")
    def run_filter(
        self,
        index: SearchIndex,
        papers: list[Paper],
        query,
        order: str,
        generation: int,
        keep_cursor: bool,
        cancel: threading.Event,
    ) -> None:
        from papertui.search import SearchCancelled
        from papertui.search.index import every_paper

        finished = self.Filtered(None, (), generation, run=cancel)
        try:
            version = index.version  # read first: a change during the search counts as unseen
            if query.empty:
                result = every_paper(query, papers, self.personal)
            else:
                result = index.search(query, self.personal, cancelled=cancel.is_set)
            starred = None
            if order == "starred":
                starred = self.marks.mask(papers, len(papers), lambda marks: marks.starred)
            for_you = self.for_you_scores() if order == "for-you" else None
            by_citations = self.personal.citation_sort_keys(order, papers)  # None unless citations or velocity
            rows = self.sorter.sort(result, order, papers, starred, for_you, by_citations)
            if not cancel.is_set():
                finished = self.Filtered(result, rows, generation, keep_cursor, (index, version), cancel)
        except SearchCancelled:
            pass  # a newer keystroke's filter is waiting for the index
        finally:
            self.post_message(finished)  # always: the next filter waits for this one to end

    def refilter(self, keep_cursor: bool = True) -> None:
        """Run the current filter again (the marks or the order changed)."""
        self._request_filter(self.filter_bar.value, keep_cursor=keep_cursor)

    @on(Filtered)
    def _show_filtered(self, message: Filtered) -> None:
        if message.result is not None and message.generation == self._generation and self.corpus is not None:
            self._show_result(message.result, message.rows, message.keep_cursor, message.searched_in)
            self._repaint_result()
            self._release_hold()
        # Otherwise a newer query is on its way: this result is stale, and dropped.
        if message.run is not None and message.run is self._filter_cancel:
            self._filter_cancel = None
            self._start_filter()
        self.choose_if_waiting()  # Enter pressed while this filter ran

    def _show_result(
        self, result: SearchResult, rows: Sequence[int], keep_cursor: bool, searched_in: tuple[SearchIndex | None, int]
    ) -> None:
        assert self.corpus is not None
        self.result = result
        self._filtered_in = searched_in
        self.paper_list.show(self.corpus.papers, rows, result.terms, keep_cursor=keep_cursor)
        if self._return_to is not None and result.query == self._return_to[1]:
            paper, self._return_to = self._return_to[0], None
            self.paper_list.move_to(self.corpus.papers, paper)  # back from a step of the walk: the same paper
        self.show_details()  # now, in the list's frame (the Highlighted message then finds it done)
        self._update_status()
        if self._filter_cancel is None:  # shown at once, with no worker: Enter may be waiting
            self.call_later(self.choose_if_waiting)

    def _result_outdated(self, index: SearchIndex) -> bool:
        """The index grew or changed since the current result was searched in it."""
        searched_in, version = self._filtered_in
        return index is not searched_in or index.version != version

    def action_cycle_sort(self) -> None:
        self.sort_order = next_order(self.sort_order)
        self.remembered.remember("sort", self.sort_order, self.settings.sort)
        self.refilter(keep_cursor=False)  # the status line says the order: no toast
        if self.sort_order == "for-you":
            self.for_you_hint()

    def _order_label(self) -> str:
        if self.sort_order == "relevance" and (self.result is None or parse_query(self.result.query).empty):
            return "corpus order (relevance needs a filter)"
        return SORT_LABELS[self.sort_order]

    def _update_status(self) -> None:
        if self.corpus is None or self.result is None:
            if self.loading and self._loading_line:
                self._set_status(Content.styled(self._loading_line, "italic"))
            return
        total = len(self.corpus.papers)
        shown = len(self.result.rows)
        parts: list[str | tuple[str, str]] = [(f"{shown:,}", "bold"), f" of {total:,} papers"]
        if self._new_papers and not self.loading:
            parts += ["  ·  ", (f"{self._new_papers:,} new", "bold $text-success")]
        parts += self.inbox_keys.status_parts()
        if self.selected:
            parts += ["  ·  ", (f"{len(self.selected):,} selected", "bold $text-accent")]
        parts += ["  ·  sort: ", self._order_label()]
        if self.result.query.strip():
            parts += ["  ·  filter: ", (self.result.query.strip(), "bold $text-accent")]
        if self.result.notes != self._notes_shown:  # rarely changes: a layout pass only then
            self._notes_shown = self.result.notes
            notes = self.query_one("#notes", Static)
            notes.display = bool(self.result.notes)
            # How the query was read, whole: its own line that wraps, never cut off.
            notes.update(Content.styled("Query read as: " + "; ".join(self.result.notes), "$text-warning") if self.result.notes else "")
        if self.loading:
            parts += ["  ·  ", (self._loading_line, "italic")]
        if self._resolving_line:
            parts += ["  ·  ", (self._resolving_line, "italic")]
        if self._fetching_line:
            parts += ["  ·  ", (self._fetching_line, "italic")]
        if self._downloading_line:
            parts += ["  ·  ", (self._downloading_line, "italic")]
        if self._similarity_line:
            parts += ["  ·  ", (self._similarity_line, "italic")]
        if self._saving_line:
            parts += ["  ·  ", (self._saving_line, "italic")]
        for line in (self._citations_line, self._walking_line):
            if line:
                parts += ["  ·  ", (line, "italic")]
        self._set_status(Content.assemble(*parts))

    def _set_status(self, content: Content) -> None:
        if self._status_shown is None or not content.is_same(self._status_shown):  # fixed size: no layout pass
            self._status_shown = content
            self.query_one("#status", Static).update(content, layout=False)

    _status_shown: Content | None = None
    _saving_line = ""  # the corpus being kept in the cache
    _citations_line = ""  # E's progress
    _walking_line = ""  # pages of the citation graph on their way
    _notes_shown: tuple[str, ...] = ()

    @on(PaperList.Highlighted)
    def _paper_highlighted(self, message: PaperList.Highlighted) -> None:
        self.show_details()

    def _cursor_moved(self) -> None:
        """The list's cursor moved: the detail pane follows, drawn in the same frame."""
        self.last_keystroke = time.monotonic()
        self.show_details()
        repaint_together([self.paper_list, self.detail])

    def show_details(self) -> None:
        """Show the highlighted paper, its marks and selection in the detail pane."""
        index = self.paper_list.paper_index
        paper = None if index is None or self.corpus is None else self.corpus.papers[index]
        self.detail.show(
            paper,
            self.result.terms if self.result else NO_TERMS,
            self.marks.get(paper) if paper is not None else None,
            index in self.selected,
            self.pdf_on_disk(paper),
            self.why_for_you(index),
            self.enricher.citations_of(paper),
            paper in self.walk.outside,
            self.inbox_keys.reason(paper),
        )

    @on(PaperList.TypedText)
    def _typed_in_list(self, message: PaperList.TypedText) -> None:
        """Typing in the list, as if still in the filter: the text goes there (and the focus)."""
        bar = self.filter_bar
        bar.focus()
        bar.insert(message.character, len(bar.value))
        bar.cursor_position = len(bar.value)

    @on(PaperList.Read)
    def _read_paper(self) -> None:
        self.enricher.want([self.current_paper] if self.current_paper else [])  # opened: its citations
        self.add_class("-reading")  # a narrow terminal shows the detail pane in the list's place
        self.call_after_refresh(self.detail.focus)

    # --- the detail pane: shown or not, and how wide --------------------------------

    detail_width: int | None = None  # columns; None: the layout's share

    def action_toggle_detail(self) -> None:
        """Hide the detail pane (the list takes the width), or show it again."""
        self.toggle_class("-no-detail")
        if self.has_class("-no-detail") and self.focused is self.detail:
            self.paper_list.focus()

    def action_resize_detail(self, step: int) -> None:
        """Widen (step > 0) or narrow the detail pane, within what leaves the list room."""
        self.remove_class("-no-detail")
        current = self.detail_width or self.detail.outer_size.width or DETAIL_MIN
        room = max(DETAIL_MIN, self.size.width - LIST_MIN)
        self.set_detail_width(max(DETAIL_MIN, min(room, current + step)))

    def set_detail_width(self, width: int | None) -> None:
        self.detail_width = width
        detail = self.detail
        if width is None:
            detail.styles.clear_rule("width")
            detail.styles.clear_rule("max_width")
        else:
            detail.styles.width = width
            detail.styles.max_width = width

    # --- focus and navigation -------------------------------------------------------

    def on_resize(self, event: events.Resize) -> None:
        self.set_class(event.size.width < NARROW_WIDTH, "-narrow")

    @on(events.DescendantFocus)
    def _leave_reading(self, event: events.DescendantFocus) -> None:
        # Only a move within the browser leaves the abstract: a prompt, the help or the
        # palette on top of it does not, so closing them comes back to where you were.
        if not isinstance(event.widget, DetailPane) and event.widget.screen is self.screen_stack[0]:
            self.remove_class("-reading")

    def action_focus_filter(self) -> None:
        self.filter_bar.focus()

    def action_focus_list(self) -> None:
        self.remember_query()  # Enter in the filter: the query joins the history
        self.paper_list.focus()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # With --print, Enter chooses (as in fzf): its other meanings step aside.
        if action == "choose":
            return self.print_mode
        if action == "focus_list" and self.print_mode and isinstance(self.focused, FilterBar):
            return False
        if action == "stop_loading":
            return self.loading and not self._stop_loading.is_set()
        if action == "walk_back":
            return bool(self.walk.depth)
        return True

    # --- query history and saved searches -------------------------------------------

    _history_position: int | None = None  # where ↑/↓ are in the remembered queries

    def action_up_in_filter(self, step: int) -> None:
        """↑ in an empty filter recalls the last queries (↓ comes back); otherwise ↑/↓ move
        the list's highlight."""
        history = self.remembered.history
        browsing = self._history_position is not None and 0 <= self._history_position < len(history) and self.filter_bar.value == history[self._history_position]
        if not browsing and (self.filter_bar.value or step > 0 or not history):
            self.action_in_list("cursor_up" if step < 0 else "cursor_down")
            return
        position = (len(history) if not browsing else self._history_position) + step
        if position >= len(history):
            self._history_position = None
            self.filter_bar.value = ""
            return
        self._history_position = max(0, position)
        self.filter_bar.value = history[self._history_position]
        self.filter_bar.cursor_position = len(self.filter_bar.value)

    async def action_quit(self) -> None:
        self.remember_query()
        await super().action_quit()

    def remember_query(self) -> None:
        if self.filter_bar.value.strip():
            self.remembered.add_to_history(self.filter_bar.value)
        self._history_position = None

    def action_save_search(self) -> None:
        query = self.filter_bar.value.strip()
        if not query:
            self.notify("Type a filter first: an empty one shows every paper.", severity="warning", markup=False)
            return

        def save(name: str | None) -> None:
            if name and name.strip():
                self.remembered.save_search(name.strip(), query)
                self.notify(f"{name.strip()}: {query}\n(the palette lists it; papertui list --saved {name.strip()!r} too)", title="Search saved", markup=False)

        self.push_screen(TextPrompt("Save this filter as", "", f"The filter: {query}", "a name, e.g. morning"), save)

    def open_saved_search(self, name: str) -> None:
        """The palette's saved search: its filter, and what is new in it counts from now."""
        query = self.remembered.saved_searches.get(name, "")
        self.remembered.open_search(name)
        self.inbox.opened(name)
        self.filter_bar.value = query
        self.filter_bar.cursor_position = len(query)

    def action_in_list(self, action: str) -> None:
        """Run a cursor action of the paper list (the filter bar's arrows and paging keys)."""
        getattr(self.paper_list, f"action_{action}")()

    def action_help(self) -> None:
        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen(self.binding_groups()))

    def binding_groups(self) -> list[tuple[str, Iterable[BindingType]]]:
        palette = Binding(self.COMMAND_PALETTE_BINDING, "command_palette", "Command palette: every action by name")
        return [
            ("Filter bar (focused at start; type to filter)", self._applying(FilterBar.BINDINGS)),
            ("Paper list", self._applying(PaperList.BINDINGS)),
            ("Detail pane (scroll with the arrows and paging keys)", self._applying(DetailPane.BINDINGS)),
            ("Anywhere", self._applying([*self.BINDINGS, palette])),
        ]

    def _applying(self, bindings: Iterable[BindingType]) -> list[BindingType]:
        """Leave out what does not apply now: --print's Enter without --print, and stopping
        a load when nothing loads."""
        hidden = set() if self.print_mode else {"app.choose"}
        if not (self.loading and not self._stop_loading.is_set()):
            hidden.add("stop_loading")
        return [b for b in bindings if not (isinstance(b, Binding) and b.action in hidden)]

    def deliver_screenshot(self, filename: str | None = None, path: str | None = None, time_format: str | None = None) -> str | None:
        """Save an SVG of the screen and say where, or why not (Textual's own says neither)."""
        directory = Path(path).expanduser() if path else screenshot_directory()
        try:
            directory.mkdir(parents=True, exist_ok=True)
            saved = self.save_screenshot(filename, str(directory), time_format)
        except OSError as error:
            self.notify(f"{directory}: {error.strerror or error}", title="Screenshot not saved", severity="error", markup=False, timeout=10)
            return None
        self.notify(saved, title="Screenshot saved", markup=False)
        return saved

    # --- command palette ------------------------------------------------------------

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        them = "the selected papers (or the highlighted one)"
        yield SystemCommand("Open PDF", f"Open the PDF of {them} (the downloaded file, else in the browser), marking it read (o)", lambda: self.action_open("pdf"))
        yield SystemCommand("Open abstract page", f"Open the arXiv page of {them} (O)", lambda: self.action_open("abs"))
        yield SystemCommand("Download PDF", f"Download the PDF of {them} into the library; again: stop (d)", self.action_download)
        yield SystemCommand("Links", "The highlighted paper's links (code, project pages): open or copy one (l)", self.action_links)
        yield SystemCommand("More like this", f"Papers like {them}: filter by like: (m)", self.action_more_like_this)
        yield SystemCommand("Copy arXiv link", f"Copy the arXiv abs link of {them} (y)", lambda: self.action_copy("abs"))
        yield SystemCommand("Copy PDF link", f"Copy the PDF link of {them} (Y)", lambda: self.action_copy("pdf"))
        yield SystemCommand("Star", f"Star or unstar {them} (s)", lambda: self.action_toggle_mark("starred"))
        yield SystemCommand("Mark read", f"Mark {them} read or unread (r)", lambda: self.action_toggle_mark("read"))
        yield SystemCommand("Not interested", f"Dismiss {them}: hidden from every view but is:dismissed, learned against by for you; again there: take it back (x)", self.action_not_interested)
        yield SystemCommand("Watch an author", "Watch or stop watching an author of the highlighted paper: their papers are highlighted, is:watched finds them (w)", self.action_watch_authors)
        yield SystemCommand("Undo", "Put back the marks as they were before the last change (u)", self.action_undo)
        yield SystemCommand("Redo", "Make the last undone change of marks again (U)", lambda: self.action_undo(redo=True))
        yield SystemCommand("Edit tags", f"Edit the tags of {them} (t)", self.action_edit_tags)
        yield SystemCommand("Edit note", "Write a note on the highlighted paper (n)", self.action_edit_note)
        yield SystemCommand("Export", f"Export {them} as BibTeX, Markdown, JSON or links (e)", self.action_export)
        yield SystemCommand("Send to Zotero", f"Send {them} to the collection selected in Zotero, with their PDFs; again: stop (z)", self.action_send_to_zotero)
        yield SystemCommand(
            "Fetch new papers", "Run the config file's fetches (Hugging Face, arXiv) in the background; again: stop (F)", self.action_fetch
        )
        yield SystemCommand("Find arXiv id", f"Look up the arXiv id of {them} by title (i)", self.action_resolve_ids)
        yield SystemCommand(
            "Find every missing arXiv id",
            "Look up every paper without an id by title, one request every 3 s (run again to stop)",
            lambda: self.action_resolve_ids(every=True),
        )
        yield SystemCommand("Cited by", "The papers that cite the highlighted one, from Semantic Scholar (C; Backspace comes back)", lambda: self.action_walk("citations"))
        yield SystemCommand("References", "The papers the highlighted one cites, from Semantic Scholar (R; Backspace comes back)", lambda: self.action_walk("references"))
        yield SystemCommand("Back", "Back one step of the citation walk, to the same paper and filter (Backspace)", self.action_walk_back)
        yield SystemCommand("Add to library", "Add the highlighted paper, met walking the citation graph, to the library (A)", self.action_add_to_library)
        yield SystemCommand("Ask for citations", "Citation counts, TL;DR and venue from Semantic Scholar for the selected papers, or the whole list (E)", self.action_enrich)
        yield SystemCommand("Select paper", "Select or unselect the highlighted paper (space in the list)", self.action_toggle_selected)
        yield SystemCommand("Select all", "Select every paper in the list (a in the list)", self.action_select_all)
        yield SystemCommand("Unselect all", "Clear the selection (c in the list)", self.action_clear_selection)
        yield SystemCommand("Sort", "Next order: relevance, corpus, title, date, upvotes, starred first, newest, for you (Ctrl+S)", self.action_cycle_sort)
        yield SystemCommand("Toggle details", "Show or hide the detail pane (p)", self.action_toggle_detail)
        yield SystemCommand("Wider details", "Widen the detail pane (<)", lambda: self.action_resize_detail(4))
        yield SystemCommand("Narrower details", "Narrow the detail pane (>)", lambda: self.action_resize_detail(-4))
        yield SystemCommand("Save this filter as…", "Keep the current filter under a name, for the palette and papertui list --saved", self.action_save_search)
        yield SystemCommand("Focus filter", "Move to the filter bar (/)", self.action_focus_filter)
        yield SystemCommand("Clear filter", "Show every paper (Esc in the filter bar)", self.filter_bar.action_clear)
        yield SystemCommand("Focus list", "Move to the paper list (Enter in the filter bar)", self.action_focus_list)
        yield SystemCommand("First paper", "Highlight the first paper (Home, g)", self.paper_list.action_first)
        yield SystemCommand("Last paper", "Highlight the last paper (End, G)", self.paper_list.action_last)
        yield SystemCommand("Read abstract", "Move to the detail pane to scroll the abstract (Enter in the list)", self.detail.focus)
        yield SystemCommand("Show keys", "Every key binding, with where it works (? or F1)", self.action_help)

    # --- citations: asking Semantic Scholar, walking the graph ------------------------

    def action_toggle_mark(self, name: str) -> None:
        super().action_toggle_mark(name)
        if name == "starred":
            self.enricher.want(self.targets()[0])  # starred: worth its citations

    def action_open(self, kind) -> None:
        super().action_open(kind)
        self.enricher.want(self.targets()[0])

    def action_not_interested(self) -> None:
        """x: dismiss the selected papers (or the highlighted one); in is:dismissed, take it back."""
        self.inbox_keys.dismiss()

    def action_watch_authors(self) -> None:
        """w: watch or stop watching an author of the highlighted paper (ui/watch_picker.py)."""
        self.inbox_keys.watch()

    def action_send_to_zotero(self) -> None:
        """z: send the selected papers (or the highlighted one) to Zotero (ui/zotero_send.py)."""
        from papertui.ui.zotero_send import send_to_zotero

        send_to_zotero(self)

    def action_enrich(self) -> None:
        """E: ask for the selected papers' citations, or for every paper in the list."""
        if self.corpus is None or not self.paper_list.row_count:
            self._say_list_empty()
            return
        if self.selected:
            papers, what = self.targets()
        else:
            papers, what = [self.corpus.papers[i] for i in self.paper_list.rows], "every paper in the list"
        self._citations_line = f"asking Semantic Scholar about {what}…"
        self._update_status()
        self.enricher.want(papers, explicit=True)

    @on(Enricher.Opened)
    def _citations_opened(self, message: Enricher.Opened) -> None:
        if self.enricher.store is not None:
            self.personal.citations = self.enricher.store  # one store: what E brings, citations: and the orders see
        for warning in message.warnings:
            self.notify(warning, title="Citations", severity="warning", markup=False, timeout=10)
        if self.corpus is not None and not self.loading:
            self.enricher.check_counts(self.corpus.papers)
        self.show_details()

    @on(Enricher.Counted)
    def _citations_counted(self, message: Enricher.Counted) -> None:
        if self.corpus is not None and message.papers is self.corpus.papers and message.any_count and not self.paper_list.show_citations:
            self.paper_list.show_citations = True
            self.paper_list.refresh_marks()

    @on(Enricher.Progress)
    def _citations_progress(self, message: Enricher.Progress) -> None:
        self._citations_line = f"citations {message.done:,}/{message.total:,}"
        self._update_status()

    @on(Enricher.Done)
    def _citations_done(self, message: Enricher.Done) -> None:
        line, self._citations_line = self.enricher.done(message)
        if line:
            failed = message.error is not None
            self.notify(line, title="Citations", severity="warning" if failed else "information", markup=False, timeout=8 if failed else 6)
        if message.found_counts and not self.paper_list.show_citations:
            self.paper_list.show_citations = True
        if message.explicit and message.report is not None and message.report.asked and self._citations_matter():
            self.refilter()  # E: citations:, venue: and the citations orders see the answers
        self.paper_list.refresh_marks()
        self.show_details()
        self._update_status()

    def _citations_matter(self) -> bool:
        """Does the order or the filter read citations? (background answers do not reorder
        the list under the cursor; E's do)"""
        from papertui.search.query import CITATION_KINDS

        query = parse_query(self.filter_bar.value)
        return self.sort_order in ("citations", "velocity") or any(term.kind in CITATION_KINDS for group in query.groups for term in group)

    def action_walk(self, direction: str) -> None:
        """C (`citations`) and R (`references`): the papers citing or cited by the highlighted one."""
        paper = self.highlighted_or_say()
        if paper is None or self.corpus is None or self.index is None:
            return
        if self.loading:
            self.notify("The papers are still loading: C and R work once they have.", markup=False)
            return
        s2_id = self.walk.s2_id_for(paper, self.enricher.citations_of(paper))
        if s2_id is None:
            self.notify("Semantic Scholar knows papers by arXiv id or DOI, and this one has neither (i finds its arXiv id).", severity="warning", markup=False)
            return
        place = Place(
            self.corpus, self.index, self.filter_bar.value, self.sort_order, paper, set(self.selected), paper.title, direction,
            (self.recommender, self.for_you, self._trained_on), self.walk.outside, self.enricher.page_citations,
            self.paper_list.show_citations,
        )  # fmt: skip
        base = self.walk.places[0].corpus.papers if self.walk.depth else self.corpus.papers
        self.walk.start(place, s2_id, base)
        self._walking_line = f"asking Semantic Scholar for the papers {'citing' if direction == 'citations' else 'cited by'} this one…"
        self._update_status()

    @on(CitationWalk.PageArrived)
    def _walk_page(self, message: CitationWalk.PageArrived) -> None:
        if message.run != self.walk.run:
            return  # a walk given up (Backspace, or another C or R)
        first = self.walk.pending is not None
        step = message.step
        if message.error:
            kept = "showing the papers that came" if step is not None else "nothing changed"
            self.notify(f"{message.error}; {kept}.", title="Citation walk", severity="warning", markup=False, timeout=8)
        if message.done:
            self.walk.fetching = False
            self._walking_line = ""
        if first and step is not None and not step.corpus.papers:
            what = "no papers citing it" if self.walk.pending.direction == "citations" else "no references of it"
            self.notify(f"Semantic Scholar lists {what}; nothing changed.", title="Citation walk", markup=False)
            step = None
        if step is None:
            if first:
                self.walk.stop()
            self._update_status()
            return
        if first:
            self.walk.places.append(self.walk.pending)
            self.walk.pending = None
            query, sort_order, paper, selected = "", "relevance", None, set()  # most cited first
        else:  # more pages: the same filter, the same paper highlighted, the same selection
            old = self.corpus.papers if self.corpus else []
            kept = {id(old[i]) for i in self.selected if i < len(old)}
            query, sort_order, paper = self.filter_bar.value, self.sort_order, self.current_paper
            selected = {i for i, p in enumerate(step.corpus.papers) if id(p) in kept}
        self.walk.outside, self.enricher.page_citations = step.outside, step.page_citations
        self._show_corpus(step.corpus, step.index, query, sort_order, paper, selected, None)

    def action_walk_back(self) -> None:
        """Backspace: back one step of the citation walk, to the same paper and filter."""
        if not self.walk.depth:
            return
        self.walk.stop()
        self._walking_line = ""
        place = self.walk.places.pop()
        self.walk.outside, self.enricher.page_citations = place.outside, place.page_citations
        self._show_corpus(place.corpus, place.index, place.query, place.sort_order, place.paper, place.selected, place.similarity)
        if place.citations_column:  # known: no need to look through the corpus again
            self.paper_list.show_citations = True
        if not self.walk.depth and self._reload_after_walk:  # a fetch ended while walking
            self.reload_library()

    def action_back_or_filter(self) -> None:
        """Esc in the list: back one step of the citation walk, else to the filter bar."""
        if self.walk.depth:
            self.action_walk_back()
        else:
            self.action_focus_filter()

    def _show_corpus(
        self, corpus: Corpus, index: SearchIndex, query: str, sort_order: str, paper: Paper | None, selected: set[int],
        similarity: tuple | None,
    ) -> None:  # fmt: skip
        """Show another corpus (a step of the walk, or back): its filter, order and selection,
        the highlighted paper found again once its filter lands."""
        self.corpus, self.index = corpus, index
        self.selected.clear()
        self.selected.update(selected)
        self.sort_order = sort_order
        self.sorter.forget()
        self._shown_papers = len(corpus.papers)
        self._authors_checked = 0
        shown = self.paper_list
        shown.show_authors = shown.show_upvotes = shown.show_citations = False
        self._look_for_authors(corpus)
        if similarity is None:  # back to a place: its column is known (action_walk_back)
            self.enricher.check_counts(corpus.papers)
        if similarity is not None and similarity[0] is not None:
            self.recommender, self.for_you, self._trained_on = similarity
            self._vectors_wanted = True
        else:
            self.recommender, self.for_you, self._trained_on = None, None, None
            self.vectors_after_loading()  # a step's few hundred papers: built at once
        self.personal.recommender = self.recommender
        self._return_to = (paper, query)
        if self.filter_bar.value != query:
            self.filter_bar.value = query  # which filters
        else:
            self._request_filter(query)
        breadcrumb = self.query_one(Breadcrumb)
        breadcrumb.steps = tuple(self.walk.breadcrumb())
        breadcrumb.papers = len(corpus.papers) if self.walk.depth else None
        breadcrumb.fetching = self.walk.fetching
        self._update_status()

    def action_add_to_library(self) -> None:
        """A: the highlighted paper, met walking the citation graph, joins the library."""
        paper = self.highlighted_or_say()
        if paper is None:
            return
        graph = self.walk.outside.get(paper)
        if graph is None:
            self.notify("This paper is one of yours already: A adds papers met walking the citation graph (C, R).", markup=False)
            return
        self.walk.add_to_library(paper, graph)

    @on(CitationWalk.Added)
    def _added_to_library(self, message: CitationWalk.Added) -> None:
        if not message.error:
            self.walk.outside.pop(message.paper, None)  # no longer "outside": the pane stops offering A
            self.show_details()
        self.notify(message.line, title="Library", severity="error" if message.error else "information", markup=False, timeout=8)

    # --- errors ---------------------------------------------------------------------

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """The one place worker failures surface: a notification, never a crash."""
        if event.state == WorkerState.ERROR:
            error = event.worker.error
            self.notify(f"{type(error).__name__}: {error}", title=f"Failed while {event.worker.name}", severity="error", markup=False)
            if event.worker.group == "load":
                self._load_failed(error)

    def _load_failed(self, error: BaseException | None) -> None:
        """The load stopped on an error: what loaded before it stays searchable, and the
        status line stops saying "Loading"."""
        self.loading = False
        self.query_one("#progress", ProgressBar).display = False
        if self.corpus is None or self.result is None:
            self._set_status(Content.styled(f"Loading failed ({type(error).__name__}: {error}); 'papertui stats' shows what each file holds", "$text-error"))
        else:
            self._update_status()
