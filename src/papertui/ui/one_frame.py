"""Widgets changed by one keystroke, drawn in one frame."""

from __future__ import annotations

from typing import Iterable

from textual.widget import Widget


def repaint_together(widgets: Iterable[Widget]) -> None:
    """Hand the widgets' pending repaints and layouts to their screen now, in this turn. Left
    alone, each widget hands over its own from its next idle turn, and the screen may draw a
    frame between two of them: the list in one frame, the detail pane in the next, or the
    detail pane's scrollbar appearing (a layout: the new paper's text is longer than the pane)
    a frame after its text. (`_check_refresh` is what a widget's idle turn calls, and the
    scrollbar attributes are where a widget keeps its scrollbars; private, hence textual<9 in
    pyproject.)"""
    for widget in widgets:
        # A view's scrollbars move with it (its height changed): they belong in the frame too.
        scrollbars = (widget._vertical_scrollbar, widget._horizontal_scrollbar)
        for part in (widget, *(bar for bar in scrollbars if bar is not None)):
            if (part._repaint_required or part._layout_required) and part.is_mounted:
                part._check_refresh()
