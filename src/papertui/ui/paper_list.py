"""The paper list: a Line-API virtual list over an array of paper indices.

Only visible rows are rendered, and `show()` swaps the rows in O(1), so it holds a million.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, ClassVar, Container, Sequence

from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual import events
from textual.binding import Binding, BindingType
from textual.cache import LRUCache
from textual.geometry import Region, Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from papertui.corpus.model import Paper
from papertui.corpus.text import drawable
from papertui.search import match_spans
from papertui.marks.store import Marks
from papertui.ui.virtual_size import set_virtual_size
from papertui.ui.keys import PAPER_KEYS

ID_MARKER = "●"
NEW_MARKER = "✦"  # in the id marker's place: fetched since the app was last started
SELECTED_MARKER = "+"
STAR_MARKER = "★"
READ_MARKER = "✓"
UPDATED_MARKER = "↑"  # a newer arXiv version than the one starred or read
NOTE_MARKER = "✎"
PDF_MARKER = "⤓"  # the PDF is in the library (d downloads it)
WATCHED_MARKER = "◉"  # by a watched author, or with a watched word (w, [watch] in the config)
ZOTERO_MARKER = "Z"  # also in your Zotero library (`in:zotero`); ASCII: one cell in every terminal and font
DERIVED_MARKER = "~ "
DATE_WIDTH = 9  # "  Mar 14 " or " 2024-10 "
UPVOTES_WIDTH = 6  # " ▲1234"
CITATIONS_WIDTH = 6  # " 137k": how many cite it (Semantic Scholar)
AUTHORS_WIDTH = 20
AUTHORS_ROOM = 40  # the title keeps this much before an authors column is shown
PREFIX_WIDTH = 5  # selected, id, star, read, space


def short_authors(authors: Sequence[str]) -> str:
    """`Cheng`, `Cheng & Zhang`, `Cheng et al.`: last names, as a citation gives them."""
    last = [name.split()[-1] if name.split() else name for name in authors[:2]]
    if len(authors) > 2:
        return f"{last[0]} et al."
    return " & ".join(last)


def compact_count(count: int) -> str:
    """A count in at most 4 characters: 999, 1.2k, 137k, 1.4M."""
    if count < 1_000:
        return str(count)
    for size, suffix in ((1_000_000, "M"), (1_000, "k")):
        if count >= size:
            scaled = count / size
            text = f"{scaled:.1f}" if scaled < 9.95 else f"{round(scaled):d}"
            if text.endswith(".0"):
                text = text[:-2]
            if suffix == "k" and text == "1000":  # 999,950 and up read as millions
                return "1M"
            return text + suffix
    return str(count)


def updated_marker(paper: Paper) -> str:
    """Beside the title of a paper starred or read at an older version (`is:updated`)."""
    return f" {UPDATED_MARKER}v{paper.version}"


def row_date(paper: Paper) -> str:
    """The listing date (`Mar 14`), else the year and month published (`2024-10`)."""
    return paper.listed or (paper.published or "")[:7]


class PaperList(ScrollView, can_focus=True):
    """One row per paper: selection, arXiv-id, star and read markers, title (matches
    highlighted) and tags, listing date."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("up,k", "cursor_up", "Previous paper", show=False, id="list.up"),
        Binding("down,j", "cursor_down", "Next paper", show=False, id="list.down"),
        Binding("pageup", "page_up", "Page up", show=False, id="list.page_up"),
        Binding("pagedown", "page_down", "Page down", show=False, id="list.page_down"),
        Binding("home,g", "first", "First paper", show=False, id="list.first"),
        Binding("end,G", "last", "Last paper", show=False, id="list.last"),
        Binding("enter", "app.choose", "Print", tooltip="With --print: print the selected (or highlighted) papers and quit", id="list.print"),
        Binding("enter", "read", "Read", tooltip="Move to the detail pane to scroll the abstract", id="list.read"),
        Binding("escape", "app.back_or_filter", "Filter", show=False, tooltip="Back to the filter bar (walking the citation graph: back one step)", id="list.filter"),
        Binding("space", "app.toggle_selected", "Select", tooltip="Select or unselect the paper (then move down)", id="list.select"),
        Binding("a", "app.select_all", "Select all", show=False, tooltip="Select every paper in the list", id="list.select_all"),
        Binding("c", "app.clear_selection", "Unselect all", show=False, tooltip="Unselect every paper", id="list.clear_selection"),
        *PAPER_KEYS,
    ]

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "paper-list--cursor",
        "paper-list--match",
        "paper-list--id-marker",
        "paper-list--new",
        "paper-list--derived",
        "paper-list--date",
        "paper-list--placeholder",
        "paper-list--selected",
        "paper-list--star",
        "paper-list--read",
        "paper-list--tags",
        "paper-list--authors",
        "paper-list--pdf",
        "paper-list--zotero",
        "paper-list--watched",
        "paper-list--upvotes",
        "paper-list--citations",
    }

    DEFAULT_CSS = """
    PaperList {
        overflow-x: hidden;
        overflow-y: auto;
        scrollbar-size-vertical: 1;
        background: $surface;
        & > .paper-list--cursor {
            background: $block-cursor-blurred-background;
            color: $block-cursor-blurred-foreground;
        }
        &:focus > .paper-list--cursor {
            background: $block-cursor-background;
            color: $block-cursor-foreground;
            text-style: $block-cursor-text-style;
        }
        & > .paper-list--match { color: $text-accent; text-style: bold underline; }
        & > .paper-list--id-marker { color: $text-success; }
        & > .paper-list--new { color: $text-accent; text-style: bold; }
        & > .paper-list--derived { text-style: italic; }
        & > .paper-list--date { color: $text-muted; }
        & > .paper-list--placeholder { color: $text-muted; text-style: italic; }
        & > .paper-list--selected { color: $text-accent; text-style: bold; }
        & > .paper-list--star { color: $text-warning; }
        & > .paper-list--read { color: $text-muted; }
        & > .paper-list--tags { color: $text-secondary; }
        & > .paper-list--authors { color: $text-muted; }
        & > .paper-list--pdf { color: $text-success; }
        & > .paper-list--zotero { color: $text-error; text-style: bold; }
        & > .paper-list--watched { color: $text-primary; text-style: bold; }
        & > .paper-list--upvotes { color: $text-warning; }
        & > .paper-list--citations { color: $text-secondary; }
    }
    """

    cursor: reactive[int] = reactive(0, always_update=True, init=False)
    """The highlighted row (an index into the rows, not into the corpus)."""

    @dataclass
    class Highlighted(Message):
        """The highlighted paper changed (None: the list is empty)."""

        paper_list: PaperList
        paper_index: int | None

        @property
        def control(self) -> PaperList:
            return self.paper_list

        def can_replace(self, message: Message) -> bool:
            # Holding ↓ queues many of these; only the newest matters.
            return isinstance(message, PaperList.Highlighted)

    @dataclass
    class Read(Message):
        """Enter on a paper: the user wants to read it."""

        paper_list: PaperList
        paper_index: int

    @dataclass
    class TypedText(Message):
        """A printable key that is no binding here: meant for the filter, as if still typing."""

        character: str

    _handing_on = False  # a key went to the filter: what follows does too, until the focus moves

    def on_key(self, event: events.Key) -> None:
        # Runs before the bindings: keys that none of them takes are handed on, and so is
        # everything typed after one before the filter has the focus (a fast typist's "vey").
        if event.is_printable and event.character and (self._handing_on or event.key not in self.screen.active_bindings):
            event.stop()
            event.prevent_default()
            self._handing_on = True
            self.post_message(self.TypedText(event.character))

    def __init__(self, *, name: str | None = None, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self._papers: Sequence[Paper] = ()
        self._rows: Sequence[int] = ()
        self._terms: Container[str] = frozenset()
        self._placeholder = "Loading papers…"
        self._row_cache: LRUCache[tuple[int, int, bool, bool], Strip] = LRUCache(1024)
        self._styles: dict[tuple[str, bool], Style] = {}
        self.selected: Container[int] = frozenset()
        """Corpus indices of the selected papers (the app owns the set)."""
        self.marks_of: Callable[[Paper], Marks | None] = lambda paper: None
        self.is_new: Callable[[Paper], bool] = lambda paper: False
        self.is_downloaded: Callable[[Paper], bool] = lambda paper: False
        self.is_watched: Callable[[Paper], bool] = lambda paper: False
        """Where a paper's stars, read mark and tags come from."""
        self.citation_count: Callable[[Paper], int | None] = lambda paper: None
        """How many cite a paper, when known (the citations column, once shown)."""
        # Set by the app: called as the cursor moves, in the same turn, so that the detail
        # pane can change in the frame that shows the move (Highlighted lands a frame later).
        self.on_cursor_moved: Callable[[], None] | None = None
        self.show_authors = False
        self.show_upvotes = False
        self.show_citations = False
        """Whether the corpus has authors (upvotes, citation counts): then a wide list gives them a column."""

    # --- attributes down -------------------------------------------------------------

    def show(
        self,
        papers: Sequence[Paper],
        rows: Sequence[int],
        terms: Container[str] = frozenset(),
        placeholder: str = "No papers match the filter",
        keep_cursor: bool = False,
    ) -> None:
        """Display `rows` (indices into `papers`), best first; the cursor returns to the top
        unless `keep_cursor` (more papers arrived while loading: do not yank the reader)."""
        self._papers, self._rows, self._terms = papers, rows, terms
        self._placeholder = placeholder
        self._row_cache.clear()
        set_virtual_size(self, Size(0, len(rows)))
        if keep_cursor:
            self.cursor = self.cursor  # re-validated against the new rows; always_update posts it
        else:
            self.scroll_to(y=0, animate=False, immediate=True)
            self.cursor = 0
        self.refresh()

    def refresh_marks(self) -> None:
        """Selection or marks changed: draw the rows again."""
        self._row_cache.clear()
        self.refresh()

    def move_to(self, papers: Sequence[Paper], paper: Paper | None) -> bool:
        """Highlight `paper` (one of `papers`, by identity) if the list shows it."""
        if paper is None:
            return False
        index = next((i for i, candidate in enumerate(papers) if candidate is paper), None)
        if index is None:
            return False
        rows = self._rows
        if isinstance(rows, range):
            row = rows.index(index) if index in rows else None
        else:
            from papertui.search.sorting import rows_array  # numpy: imported when first used

            hits = (rows_array(rows) == index).nonzero()[0]
            row = int(hits[0]) if len(hits) else None
        if row is None:
            return False
        self.cursor = row
        return True

    @property
    def rows(self) -> Sequence[int]:
        return self._rows

    @property
    def row_count(self) -> int:
        return len(self._rows)

    @property
    def paper_index(self) -> int | None:
        """The corpus index of the highlighted paper."""
        return self._rows[self.cursor] if self._rows else None

    # --- cursor ---------------------------------------------------------------------

    def validate_cursor(self, cursor: int) -> int:
        return max(0, min(cursor, len(self._rows) - 1))

    def watch_cursor(self, old: int, new: int) -> None:
        self.refresh_line(old)
        self.refresh_line(new)
        self.scroll_to_region(Region(0, new, 1, 1), animate=False, immediate=True)
        if self.on_cursor_moved is not None:
            self.on_cursor_moved()
        self.post_message(self.Highlighted(self, self.paper_index))

    @property
    def _page(self) -> int:
        return max(1, self.scrollable_content_region.height - 1)

    def action_cursor_up(self) -> None:
        self.cursor -= 1

    def action_cursor_down(self) -> None:
        self.cursor += 1

    def action_page_up(self) -> None:
        self.cursor -= self._page

    def action_page_down(self) -> None:
        self.cursor += self._page

    def action_first(self) -> None:
        self.cursor = 0

    def action_last(self) -> None:
        self.cursor = len(self._rows) - 1

    def action_read(self) -> None:
        if self.paper_index is not None:
            self.post_message(self.Read(self, self.paper_index))

    def on_click(self, event: events.Click) -> None:
        row = self.scroll_offset.y + event.y
        if 0 <= row < len(self._rows):
            self.cursor = row

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._row_cache.clear()
        self._styles.clear()

    def on_focus(self) -> None:
        self.refresh_line(self.cursor)

    def on_blur(self) -> None:
        self._handing_on = False  # back in the list later, its own keys work again
        self.refresh_line(self.cursor)

    # --- rendering ------------------------------------------------------------------

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        row = self.scroll_offset.y + y
        base = self._style("")
        if not self._rows:
            if y == 0:
                style = base + self.get_component_rich_style("paper-list--placeholder")
                return Strip([Segment(f" {self._placeholder}", style)]).adjust_cell_length(width, base)
            return Strip.blank(width, base)
        if row >= len(self._rows):
            return Strip.blank(width, base)
        is_cursor = row == self.cursor
        index = self._rows[row]
        key = (index, width, is_cursor, self.has_focus)
        strip = self._row_cache.get(key)
        if strip is None:
            strip = self._render_row(index, width, is_cursor)
            self._row_cache[key] = strip
        return strip

    def _style(self, name: str) -> Style:
        """A component's style for spans: its colour and attributes but not its background,
        so that a span never paints over the cursor row. Kept until the styles or the focus
        change: computing it is most of what drawing a row costs."""
        key = (name, self.has_focus)
        found = self._styles.get(key)
        if found is None:
            if name == "":
                found = self.rich_style
            elif name == "paper-list--cursor":
                found = self.rich_style + self.get_component_rich_style(name)
            else:  # (partial=True would skip blending $text-muted)
                full = self.get_component_rich_style(name)
                found = full.without_color + Style.from_color(full.color)
            self._styles[key] = found
        return found

    def _render_row(self, index: int, width: int, is_cursor: bool) -> Strip:
        paper = self._papers[index]
        style = self._style
        base = style("paper-list--cursor" if is_cursor else "")
        marks = self.marks_of(paper)
        line = Text(no_wrap=True, end="")
        line.append(SELECTED_MARKER if index in self.selected else " ", style("paper-list--selected"))
        if self.is_new(paper):
            line.append(NEW_MARKER, style("paper-list--new"))
        else:
            line.append(ID_MARKER if paper.arxiv_id else " ", style("paper-list--id-marker"))
        line.append(STAR_MARKER if marks and marks.starred else " ", style("paper-list--star"))
        line.append(READ_MARKER if marks and marks.read else " ", style("paper-list--read"))
        line.append(" ")
        # A Text built from a plain string is never parsed as markup.
        prefix = DERIVED_MARKER if paper.title_derived else ""
        watched = self.is_watched(paper)
        read = bool(marks and marks.read)
        title_style = "paper-list--derived" if prefix else ("paper-list--read" if read else ("paper-list--watched" if watched else ""))
        shown_title = drawable(paper.title)
        title = Text(prefix + shown_title, style(title_style) if title_style else "")
        for start, end in match_spans(shown_title, self._terms):
            title.stylize(style("paper-list--match"), start + len(prefix), end + len(prefix))
        if watched:  # a marker before the title, whose colour says it too until it is read
            title = Text.assemble((f"{WATCHED_MARKER} ", style("paper-list--watched")), title, no_wrap=True, end="")
        title_width = max(1, width - PREFIX_WIDTH - DATE_WIDTH)
        upvotes = None
        if self.show_upvotes and title_width >= AUTHORS_ROOM:
            count = f"▲{paper.upvotes}" if paper.upvotes is not None else ""
            upvotes = Text(count.rjust(UPVOTES_WIDTH - 1)[-(UPVOTES_WIDTH - 1):] + " ", style("paper-list--upvotes"), no_wrap=True, end="")
            title_width -= UPVOTES_WIDTH
        citations = None
        if self.show_citations and title_width >= AUTHORS_ROOM:
            count = self.citation_count(paper)
            shown_count = compact_count(count) if count is not None else ""
            citations = Text(shown_count.rjust(CITATIONS_WIDTH - 1) + " ", style("paper-list--citations"), no_wrap=True, end="")
            title_width -= CITATIONS_WIDTH
        authors = None
        if self.show_authors and title_width >= AUTHORS_ROOM + AUTHORS_WIDTH:
            authors = Text(" " + drawable(short_authors(paper.authors)), style("paper-list--authors"), no_wrap=True, end="")
            authors.truncate(AUTHORS_WIDTH, overflow="ellipsis", pad=True)
            title_width -= AUTHORS_WIDTH
        # Tags and the note marker sit right of the title, taking at most half of its room.
        suffix = Text(no_wrap=True, end="")
        if paper.in_zotero:
            suffix.append(f" {ZOTERO_MARKER}", style("paper-list--zotero"))
        if self.is_downloaded(paper):
            suffix.append(f" {PDF_MARKER}", style("paper-list--pdf"))
        if marks and marks.tags:
            suffix.append(drawable(" " + " ".join(f"#{tag}" for tag in marks.tags)), style("paper-list--tags"))
        if marks and marks.note:
            suffix.append(f" {NOTE_MARKER}", style("paper-list--tags"))
        if marks and marks.updated_in(paper.version):
            suffix.append(updated_marker(paper), style("paper-list--new"))
        if suffix.cell_len:
            suffix.truncate(max(2, title_width // 2), overflow="ellipsis")
            title_width = max(1, title_width - suffix.cell_len)
        title.truncate(title_width, overflow="ellipsis", pad=True)
        line.append_text(title)
        line.append_text(suffix)
        if authors is not None:
            line.append_text(authors)
        if upvotes is not None:
            line.append_text(upvotes)
        if citations is not None:
            line.append_text(citations)
        line.append(row_date(paper)[: DATE_WIDTH - 2].rjust(DATE_WIDTH - 1) + " ", style("paper-list--date"))
        segments = line.render(self.app.console)
        return Strip(Segment.apply_style(segments, base)).adjust_cell_length(width, base)
