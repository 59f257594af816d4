"""Changing a view's virtual size (what it scrolls over) without a layout pass."""

from __future__ import annotations

from textual.geometry import Size
from textual.scroll_view import ScrollView
from textual.widget import Widget


def set_virtual_size(view: ScrollView, size: Size) -> None:
    """Give `view` the virtual `size` (a Line-API view's height, the filter bar's text width)
    without a layout pass and a redraw of the whole screen, unless a scrollbar has to appear
    or go: `_scroll_update` (what Textual 8's own layout calls; private, hence textual<9 in
    pyproject) shows it, hides it or moves its thumb."""
    if size != view.virtual_size:
        view.set_reactive(Widget.virtual_size, size)
        view._scroll_update(size)
