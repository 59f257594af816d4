"""The filter bar: an Input whose arrows and paging keys steer the paper list."""

from __future__ import annotations

from typing import Callable, ClassVar

from textual.binding import Binding, BindingType
from textual.geometry import Size

from papertui.ui.clean_input import CleanInput
from papertui.ui.virtual_size import set_virtual_size


class FilterBar(CleanInput):
    """Typing filters; ↑/↓/PgUp/PgDn move the list's selection without leaving the bar."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("up", "app.up_in_filter(-1)", "Previous paper (in an empty filter: the last queries)", show=False, id="filter.up"),
        Binding("down", "app.up_in_filter(1)", "Next paper (or a later query, when going through them)", show=False, id="filter.down"),
        Binding("pageup", "app.in_list('page_up')", "Page up in the list", show=False, id="filter.page_up"),
        Binding("pagedown", "app.in_list('page_down')", "Page down in the list", show=False, id="filter.page_down"),
        Binding("ctrl+j", "app.in_list('cursor_down')", "Next paper (as fzf)", show=False, id="filter.next"),
        Binding("ctrl+k", "app.in_list('cursor_up')", "Previous paper (as fzf)", show=False, id="filter.previous"),
        Binding("enter", "app.choose", "Print", tooltip="With --print: print the selected (or highlighted) papers and quit", id="filter.print"),
        Binding("enter", "app.focus_list", "To list", tooltip="Move to the paper list", id="filter.to_list"),
        Binding("escape", "clear", "Clear", tooltip="Clear the filter: every paper", id="filter.clear"),
        Binding("ctrl+o", "app.open('pdf')", "Open PDF", tooltip="Open the PDF (the downloaded file, else in the browser)", id="filter.open_pdf"),
        Binding("ctrl+y", "app.copy('abs')", "Copy link", tooltip="Copy the arXiv abs link", id="filter.copy_abs"),
    ]

    # Set by the app: called as the value changes, in the same turn as the key, so the list
    # can change in the very frame that shows the typed character (a Changed message would be
    # handled after that frame is drawn, and the list would follow one frame later).
    on_change: Callable[[str], None] | None = None

    def _watch_value(self, value: str) -> None:
        # Input's own watcher sets `virtual_size` to the text's width, and that reactive asks
        # for a layout pass of the whole screen, on every key. The bar's height never changes
        # with its text: its scroll width is set here without one, so the assignment that
        # follows changes nothing.
        set_virtual_size(self, Size(self.content_width, 1))
        super()._watch_value(value)
        if self.on_change is not None:
            self.on_change(value)

    def action_clear(self) -> None:
        # The binding runs before the keys of a burst still waiting are inserted: they go too,
        # or they would land in the filter just cleared (a paste, then Esc at once).
        self._typed.clear()
        self.value = ""
