"""Notes as notes: a multi-line editor in the app (`n`), and the user's `$EDITOR` (`N`)."""

from __future__ import annotations

import os
import shlex
import subprocess
import tempfile
from pathlib import Path
from typing import ClassVar, Mapping

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Static, TextArea

from papertui.ui.prompts import modal_css


class NoteEditor(ModalScreen[str | None]):
    """Edit a note over several lines: Ctrl+S saves, Esc cancels (an empty note removes it)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "save", "Save", priority=True),
        Binding("escape", "dismiss(None)", "Cancel"),
    ]
    DEFAULT_CSS = modal_css("NoteEditor") + """
    NoteEditor TextArea { height: 12; border: none; padding: 0; }
    """

    def __init__(self, title: str, note: str) -> None:
        super().__init__()
        self.title_text, self.note = title, note

    def compose(self) -> ComposeResult:
        with Vertical() as box:
            box.border_title = self.title_text
            yield TextArea(self.note, soft_wrap=True, show_line_numbers=False, id="note-text")
            yield Static(Content("Ctrl+S saves · Esc cancels · an empty note removes it · N in the list opens $EDITOR"), classes="prompt-hint")

    def on_mount(self) -> None:
        area = self.query_one("#note-text", TextArea)
        area.focus()
        area.move_cursor(area.document.end)

    def action_save(self) -> None:
        self.dismiss(self.query_one("#note-text", TextArea).text)


class EditorError(Exception):
    """The editor could not be run; the message is one line."""


def editor_command(environ: Mapping[str, str] | None = None) -> list[str] | None:
    environ = os.environ if environ is None else environ
    for name in ("VISUAL", "EDITOR"):
        value = environ.get(name, "").strip()
        if value:
            try:
                return shlex.split(value) or None
            except ValueError:
                return None
    return None


def edit_in_editor(text: str, environ: Mapping[str, str] | None = None) -> str:
    """Run $VISUAL or $EDITOR on `text` in a temporary file and return what it saved.
    Raises EditorError. The caller suspends the app around it (the editor takes the terminal)."""
    command = editor_command(environ)
    if command is None:
        raise EditorError("set $EDITOR (or $VISUAL) to the editor to use, e.g. export EDITOR=vim")
    handle, name = tempfile.mkstemp(prefix="papertui-note-", suffix=".md")
    path = Path(name)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as file:
            file.write(text)
        try:
            finished = subprocess.run([*command, str(path)], check=False)
        except OSError as error:
            raise EditorError(f"{command[0]} could not be started ({error.strerror or error})") from None
        if finished.returncode != 0:
            raise EditorError(f"{command[0]} exited with status {finished.returncode}; the note was not changed")
        return path.read_text(encoding="utf-8", errors="replace")
    finally:
        path.unlink(missing_ok=True)
