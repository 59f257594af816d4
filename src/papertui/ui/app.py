"""The papertui app: loads the corpus in a worker, filters in a worker, coordinates the panes."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar, Iterable, Sequence

from textual import on, work
from textual.app import App, ComposeResult, SystemCommand
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.content import Content
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Footer, Input, ProgressBar, Static
from textual.worker import Worker, WorkerState, get_current_worker

from papertui.corpus import Corpus, Paper
from papertui.loading import LoadStep, load_and_index
from papertui.links import LinkKind, PaperLink, copy_with_pyperclip, open_in_browser, paper_link
from papertui.search import SearchIndex, SearchResult
from papertui.search.index import NO_TERMS
from papertui.ui.detail import DetailPane
from papertui.ui.filter_bar import FilterBar
from papertui.ui.help_screen import HelpScreen
from papertui.ui.paper_list import PaperList

WARNINGS_SHOWN = 3


class PaperApp(App[None]):
    """Browse papers: filter bar on top, list on the left, details on the right."""

    CSS_PATH = "papertui.tcss"
    TITLE = "papertui"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+q", "quit", "Quit", priority=True, id="app.quit"),
        Binding("f1", "help", "Help", id="app.help"),
    ]

    @dataclass
    class Loaded(Message):
        """More of the corpus is loaded or indexed (posted by the loading worker)."""

        step: LoadStep

    @dataclass
    class Filtered(Message):
        result: SearchResult
        generation: int
        keep_cursor: bool = False

    def __init__(
        self,
        paths: Sequence[Path] = (),
        display_root: Path | None = None,
        query: str = "",
        corpus: Corpus | None = None,
        index: SearchIndex | None = None,
    ) -> None:
        super().__init__()
        self.paths = list(paths)
        self.display_root = display_root
        self.initial_query = query
        self.corpus: Corpus | None = None
        self.index: SearchIndex | None = None
        self.result: SearchResult | None = None
        self._given = (corpus, index)
        self._generation = 0
        self._shown_papers = 0  # papers the list shows with an empty filter
        self._filtered_with = 0  # papers the index covered for the current result
        self.loading = True
        self._loading_line = ""

    # --- layout ---------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield FilterBar(
            value=self.initial_query,
            placeholder="Filter papers: type words (typos forgiven) · ↑/↓ move · Enter to the list · F1 help",
            id="filter",
        )
        with Horizontal(id="main"):
            yield PaperList(id="papers")
            yield DetailPane(id="detail")
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

    def on_mount(self) -> None:
        self.filter_bar.focus()
        self._set_status(Content.styled("Loading papers…", "italic"))
        corpus, index = self._given
        if corpus is not None:
            self.index_given_corpus(corpus, index)
        else:
            self.load_papers()

    # --- loading --------------------------------------------------------------------

    # Fixed descriptions: by default Textual builds one from repr() of every argument.
    @work(thread=True, exclusive=True, group="load", exit_on_error=False, name="loading papers", description="load papers")
    def load_papers(self) -> None:
        worker = get_current_worker()
        for step in load_and_index(self.paths, display_root=self.display_root):
            if worker.is_cancelled:
                return
            self.post_message(self.Loaded(step))

    @work(thread=True, exclusive=True, group="load", exit_on_error=False, name="indexing papers", description="index papers")
    def index_given_corpus(self, corpus: Corpus, index: SearchIndex | None) -> None:
        from papertui.corpus import LoadProgress

        count = len(corpus.papers)
        progress = LoadProgress(corpus, count, len(corpus.files), len(corpus.files), 0, 0)
        if index is None:
            index = SearchIndex(corpus.papers)
        self.post_message(self.Loaded(LoadStep(progress, index, len(index))))

    @on(Loaded)
    def _loaded(self, message: Loaded) -> None:
        step = message.step
        first = self.corpus is None
        self.corpus, self.index = step.corpus, step.index
        self.loading = not step.done
        self._show_progress(step)
        query_words_typed = bool(self.filter_bar.value.strip())
        if first or (not query_words_typed and step.progress.papers_loaded != self._shown_papers):
            self._request_filter(self.filter_bar.value, keep_cursor=not first)
        elif query_words_typed and step.indexed != self._filtered_with:
            self._request_filter(self.filter_bar.value, keep_cursor=True)
        if step.done:
            self._loading_finished(step.corpus)

    def _show_progress(self, step: LoadStep) -> None:
        bar = self.query_one("#progress", ProgressBar)
        bar.display = not step.done
        p = step.progress
        if p.bytes_total:
            # Reading is most of the work up to the last file; indexing is the rest.
            read = p.bytes_done / p.bytes_total
            indexed = step.indexed / p.papers_loaded if p.papers_loaded else 0.0
            bar.update(total=100, progress=round(70 * read + 30 * indexed * read))
        self._loading_line = step.describe()
        self._update_status()

    def _loading_finished(self, corpus: Corpus) -> None:
        warnings = corpus.warnings
        if warnings:
            shown = "\n".join(warnings[:WARNINGS_SHOWN])
            more = len(warnings) - WARNINGS_SHOWN
            if more > 0:
                shown += f"\n… and {more} more: run 'papertui stats' for all of them"
            self.notify(shown, title=f"{len(warnings)} warnings while loading", severity="warning", markup=False, timeout=10)
        if not corpus.papers:
            self.notify("No papers could be loaded.", severity="error", markup=False, timeout=10)

    # --- filtering ------------------------------------------------------------------

    @on(Input.Changed, "#filter")
    def _filter_changed(self, event: Input.Changed) -> None:
        self._request_filter(event.value)

    def _request_filter(self, query: str, keep_cursor: bool = False) -> None:
        if self.index is None:
            return  # the load will filter with the latest query when it lands
        self._generation += 1
        if not query.strip() and self.corpus is not None:
            # No filter: every loaded paper in corpus order, indexed or not. No worker needed.
            self._shown_papers = len(self.corpus.papers)
            result = SearchResult(query, range(self._shown_papers), searched=len(self.index))
            self._show_result(result, keep_cursor)
            return
        self.run_filter(self.index, query, self._generation, keep_cursor)

    @work(thread=True, exclusive=True, group="filter", exit_on_error=False, name="filtering", description="filter")
    def run_filter(self, index: SearchIndex, query: str, generation: int, keep_cursor: bool) -> None:
        result = index.search(query)
        if not get_current_worker().is_cancelled:
            self.post_message(self.Filtered(result, generation, keep_cursor))

    @on(Filtered)
    def _show_filtered(self, message: Filtered) -> None:
        if message.generation != self._generation or self.corpus is None:
            return  # a newer keystroke is on its way: drop this stale result
        self._show_result(message.result, message.keep_cursor)

    def _show_result(self, result: SearchResult, keep_cursor: bool) -> None:
        assert self.corpus is not None
        self.result = result
        self._filtered_with = result.searched
        self.paper_list.show(self.corpus.papers, result.rows, result.terms, keep_cursor=keep_cursor)
        self._update_status()

    def _update_status(self) -> None:
        if self.corpus is None or self.result is None:
            if self.loading and self._loading_line:
                self._set_status(Content.styled(self._loading_line, "italic"))
            return
        total = len(self.corpus.papers)
        shown = len(self.result.rows)
        parts: list[str | tuple[str, str]] = [(f"{shown:,}", "bold"), f" of {total:,} papers"]
        if self.result.query.strip():
            parts += ["  ·  filter: ", (self.result.query.strip(), "bold $text-accent")]
        if self.loading:
            parts += ["  ·  ", (self._loading_line, "italic")]
        self._set_status(Content.assemble(*parts))

    def _set_status(self, content: Content) -> None:
        self.query_one("#status", Static).update(content)

    @on(PaperList.Highlighted)
    def _paper_highlighted(self, message: PaperList.Highlighted) -> None:
        detail = self.detail
        detail.terms = self.result.terms if self.result else NO_TERMS
        paper = None
        if message.paper_index is not None and self.corpus is not None:
            paper = self.corpus.papers[message.paper_index]
        detail.paper = paper

    @on(PaperList.Read)
    def _read_paper(self) -> None:
        self.detail.focus()

    # --- the highlighted paper: open and copy -----------------------------------------

    @property
    def current_paper(self) -> Paper | None:
        index = self.paper_list.paper_index
        if index is None or self.corpus is None:
            return None
        return self.corpus.papers[index]

    def action_copy(self, kind: LinkKind) -> None:
        paper = self.current_paper
        if paper is None:
            self.notify("No paper selected.", severity="warning", markup=False)
            return
        link = paper_link(paper, kind)
        via = self._copy(link.url)
        self.notify(f"{link.url}\n{via}", title=f"Copied {link.label}", markup=False)

    def _copy(self, text: str) -> str:
        """Copy with pyperclip, else OSC 52; return a line that says which."""
        if copy_with_pyperclip(text):
            return "(system clipboard)"
        self.copy_to_clipboard(text)
        return "(terminal clipboard, OSC 52: if it did not arrive, install xclip, xsel or wl-clipboard)"

    def action_open(self, kind: LinkKind) -> None:
        paper = self.current_paper
        if paper is None:
            self.notify("No paper selected.", severity="warning", markup=False)
            return
        self._open_link(paper_link(paper, kind))

    @work(thread=True, group="open", exit_on_error=False, name="opening the browser", description="open link")
    def _open_link(self, link: PaperLink) -> None:
        # Browsers can take a moment to start: never on the UI thread.
        outcome = open_in_browser(link.url)
        self.call_from_thread(self._report_open, link, outcome.opened, outcome.how)

    def _report_open(self, link: PaperLink, opened: bool, how: str) -> None:
        if opened:
            self.notify(f"{link.url}\nwith {how}", title=f"Opened {link.label}", markup=False)
            return
        via = self._copy(link.url)
        self.notify(
            f"{how}.\nCopied the link instead {via}:\n{link.url}",
            title=f"Could not open the {link.label}",
            severity="warning",
            markup=False,
            timeout=8,
        )

    # --- focus and navigation -------------------------------------------------------

    def action_focus_filter(self) -> None:
        self.filter_bar.focus()

    def action_focus_list(self) -> None:
        self.paper_list.focus()

    def action_in_list(self, action: str) -> None:
        """Run a cursor action of the paper list (the filter bar's arrows and paging keys)."""
        getattr(self.paper_list, f"action_{action}")()

    def action_help(self) -> None:
        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen(self.binding_groups()))

    def binding_groups(self) -> list[tuple[str, Iterable[BindingType]]]:
        palette = Binding(self.COMMAND_PALETTE_BINDING, "command_palette", "Command palette: every action by name")
        return [
            ("Filter bar (focused at start; type to filter)", FilterBar.BINDINGS),
            ("Paper list", PaperList.BINDINGS),
            ("Detail pane (scroll with the arrows and paging keys)", DetailPane.BINDINGS),
            ("Anywhere", [*self.BINDINGS, palette]),
        ]

    # --- command palette ------------------------------------------------------------

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        yield SystemCommand("Open PDF", "Open the highlighted paper's PDF in the browser (o)", lambda: self.action_open("pdf"))
        yield SystemCommand("Open abstract page", "Open the highlighted paper's arXiv page (O)", lambda: self.action_open("abs"))
        yield SystemCommand("Copy arXiv link", "Copy the highlighted paper's arXiv abs link (y)", lambda: self.action_copy("abs"))
        yield SystemCommand("Copy PDF link", "Copy the highlighted paper's PDF link (Y)", lambda: self.action_copy("pdf"))
        yield SystemCommand("Focus filter", "Move to the filter bar (/)", self.action_focus_filter)
        yield SystemCommand("Clear filter", "Show every paper (Esc in the filter bar)", self.filter_bar.action_clear)
        yield SystemCommand("Focus list", "Move to the paper list (Enter in the filter bar)", self.action_focus_list)
        yield SystemCommand("First paper", "Highlight the first paper (Home, g)", self.paper_list.action_first)
        yield SystemCommand("Last paper", "Highlight the last paper (End, G)", self.paper_list.action_last)
        yield SystemCommand("Read abstract", "Move to the detail pane to scroll the abstract (Enter in the list)", self.detail.focus)
        yield SystemCommand("Show keys", "Every key binding, with where it works (? or F1)", self.action_help)

    # --- errors ---------------------------------------------------------------------

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """The one place worker failures surface: a notification, never a crash."""
        if event.state == WorkerState.ERROR:
            error = event.worker.error
            self.notify(f"{type(error).__name__}: {error}", title=f"Failed while {event.worker.name}", severity="error", markup=False)
