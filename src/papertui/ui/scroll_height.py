"""Changing a Line-API view's scrollable height without a layout pass."""

from __future__ import annotations

from textual.geometry import Size
from textual.scroll_view import ScrollView
from textual.widget import Widget


def set_scroll_height(view: ScrollView, size: Size) -> None:
    """Give `view` the virtual `size` without a layout pass (and a redraw of the whole screen)
    unless the scrollbar has to appear or go: `_scroll_update` (what Textual 8's own layout
    calls; private, hence textual<9 in pyproject) shows it, hides it or moves its thumb."""
    if size != view.virtual_size:
        view.set_reactive(Widget.virtual_size, size)
        view._scroll_update(size)
