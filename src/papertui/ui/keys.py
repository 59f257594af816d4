"""Keys that act on the highlighted paper, shared by the list and the detail pane."""

from __future__ import annotations

from textual.binding import Binding, BindingType

PAPER_KEYS: list[BindingType] = [
    Binding("o", "app.open('pdf')", "Open PDF", tooltip="Open the PDF in the browser", id="paper.open_pdf"),
    Binding("O", "app.open('abs')", "Open abs", tooltip="Open the arXiv abstract page", id="paper.open_abs"),
    Binding("y", "app.copy('abs')", "Copy link", tooltip="Copy the arXiv abs link", id="paper.copy_abs"),
    Binding("Y", "app.copy('pdf')", "Copy PDF link", tooltip="Copy the PDF link", id="paper.copy_pdf"),
    Binding("slash", "app.focus_filter", "Filter", tooltip="Back to the filter bar", id="paper.filter"),
    Binding("question_mark", "app.help", "Help", key_display="?", show=False, id="paper.help"),
    Binding("q", "app.quit", "Quit", show=False, id="paper.quit"),
]
