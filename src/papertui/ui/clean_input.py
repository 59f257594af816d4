"""An Input that never holds a control character, and takes a burst of keys in one go.

Pasted text can carry escape sequences, which would otherwise be echoed to the terminal (in
the status line, a tag, a note). And Input does work in proportion to its whole value on
every key: 10,000 characters arriving as keys (a paste without bracketed paste, a stuck
key) would take seconds to type in one at a time.
"""

from __future__ import annotations

from textual import events
from textual.widgets import Input

from papertui.corpus.text import strip_controls


class CleanInput(Input):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._typed: list[str] = []  # printable keys not yet inserted

    def validate_value(self, value: str) -> str:
        # Tabs become spaces; escapes and other controls go whole (see strip_controls).
        return strip_controls(value.replace("\t", " ")).replace("\n", " ")

    async def _on_key(self, event: events.Key) -> None:
        if event.is_printable and event.character is not None:
            # Collected until the keys already waiting are handled, then inserted at once:
            # one key typed alone is inserted at the next turn of the loop, as before.
            event.stop()
            event.prevent_default()
            if not self._typed:
                self.call_later(self.insert_typed)
            self._typed.append(event.character)
            return
        self.insert_typed()  # a key after a burst acts on all of it
        await super()._on_key(event)

    def insert_typed(self) -> None:
        """Insert the printable keys collected so far, as one edit."""
        if not self._typed:
            return
        text = "".join(self._typed)
        self._typed.clear()
        self._restart_blink()
        if self.selection.is_empty:
            self.insert_text_at_cursor(text)
        else:
            self.replace(text, *self.selection)
