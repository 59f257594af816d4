"""An Input that never holds a control character: pasted text can carry escape sequences,
which would otherwise be echoed to the terminal (in the status line, a tag, a note)."""

from __future__ import annotations

from textual.widgets import Input

from papertui.corpus.text import strip_controls


class CleanInput(Input):
    def validate_value(self, value: str) -> str:
        # Tabs become spaces; escapes and other controls go whole (see strip_controls).
        return strip_controls(value.replace("\t", " ")).replace("\n", " ")
